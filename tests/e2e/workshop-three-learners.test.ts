/**
 * Issue 15, item 2, as a class lives it: three learners join one workshop server and each starts
 * labs 02 and 04, which seed buckets of the same names (team-artifacts, acme-reports,
 * acme-payroll) in each learner's own account. Before the fix, every learner after the first
 * found the first learner's bucket by name and could not start either lab.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { cli, ensureBuilt, newLabHome, type Lab } from './runner-helpers.js';

let dir: string;
let ws: RunningWorkshop;
const learners: Lab[] = [];

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-ws3-'));
  ws = await startWorkshop({ port: 0, stateDir: dir, labs: ['02', '04'] });
});

afterAll(async () => {
  for (const lab of learners) await cli(lab, ['stop']);
  await ws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const lab of learners) fs.rmSync(lab.home, { recursive: true, force: true });
});

describe('three learners in one workshop', () => {
  it('each starts labs 02 and 04 in their own account', async () => {
    for (const name of ['Ada', 'Bo', 'Cy']) {
      const lab = newLabHome();
      delete lab.env.IAM_LABS_COURSE_DIR;
      delete lab.env.IAM_LABS_GRADERS;
      learners.push(lab);
      const joined = await cli(lab, ['workshop', 'join', ws.endpoint, '--name', name, '--code', ws.store.identity.code]);
      expect(joined.code, joined.stderr).toBe(0);
      for (const labId of ['02', '04']) {
        const started = await cli(lab, ['start', labId, '--detach']);
        expect(started.stderr, `${name} start ${labId}`).not.toMatch(/AccessDenied|Error:|at .*\.js:\d+/);
        expect(started.code, `${name} start ${labId}: ${started.stderr}`).toBe(0);
      }
    }
    // Every learner's account holds its own buckets of the same names (lab 04's: starting it
    // replaced lab 02's seed).
    const accounts = new Set<string>();
    for (const l of ws.store.all()) {
      accounts.add(l.accountId!);
      const s3 = new S3Client({ endpoint: ws.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: l.accountId!, secretAccessKey: l.rootSecret! } });
      const names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
      expect(names.sort()).toEqual(['acme-payroll', 'acme-reports']);
    }
    expect(accounts.size).toBe(3);
  });
});
