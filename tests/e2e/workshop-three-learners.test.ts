/**
 * Issue 15, item 2, as a class lives it: three learners join one workshop server and each starts
 * labs 02 and 04, which seed buckets of the same names (team-artifacts, acme-reports,
 * acme-payroll) in each learner's own account. Before the fix, every learner after the first
 * found the first learner's bucket by name and could not start either lab.
 */
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cli } from './runner-helpers.js';
import { workshopClass } from './workshop-class.js';

const cls = workshopClass({ labs: ['02', '04'] });

describe('three learners in one workshop', () => {
  it('each starts labs 02 and 04 in their own account', async () => {
    for (const name of ['Ada', 'Bo', 'Cy']) {
      const lab = cls.learner();
      await cls.join(lab, name);
      for (const labId of ['02', '04']) {
        const started = await cli(lab, ['start', labId, '--detach']);
        expect(started.stderr, `${name} start ${labId}`).not.toMatch(/AccessDenied|Error:|at .*\.js:\d+/);
        expect(started.code, `${name} start ${labId}: ${started.stderr}`).toBe(0);
      }
    }
    // Every learner's account holds its own buckets of the same names (lab 04's: starting it
    // replaced lab 02's seed).
    const accounts = new Set<string>();
    for (const l of cls.ws.store.all()) {
      accounts.add(l.accountId!);
      const s3 = new S3Client({ endpoint: cls.ws.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: l.accountId!, secretAccessKey: l.rootSecret! } });
      const names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
      expect(names.sort()).toEqual(['acme-payroll', 'acme-reports']);
    }
    expect(accounts.size).toBe(3);
  });
});
