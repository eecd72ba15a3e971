/**
 * Attack suite: kill -9 during bursts of writes. The emulator (the built CLI's `iam-labs
 * emulator --state FILE`) is killed at a random moment while several clients create users, put
 * and delete objects and re-tag one user over and over; after each restart every write it
 * acknowledged is there (and every acknowledged delete stays done), the state loads without a
 * problem, and no temporary file is left behind. The journal is compacted every few kilobytes
 * (IAM_LABS_JOURNAL_COMPACT_BYTES), so kills also land during compactions.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateUserCommand, GetUserCommand, ListUsersCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../e2e/runner-helpers.js';
import { startBuiltEmulator } from '../helpers/built-emulator.js';
import { clients } from '../helpers/emulator.js';
import { rng, SEED } from './harness.js';

const ROUNDS = 24;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-kill9-'));
});
afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Start the emulator on a free port; resolve with its endpoint and what it printed to stderr. */
async function start(stateFile: string): Promise<{ endpoint: string; stderr: () => string }> {
  const started = await startBuiltEmulator(['--state', stateFile], {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    IAM_LABS_JOURNAL_COMPACT_BYTES: '8192',
  }, 15_000);
  child = started.child;
  return started;
}

async function listUsers(c: ReturnType<typeof clients>): Promise<Set<string>> {
  const names = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await c.iam.send(new ListUsersCommand({ Marker: marker }));
    for (const u of page.Users ?? []) names.add(u.UserName!);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return names;
}

async function listObjects(c: ReturnType<typeof clients>): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await c.s3.send(new ListObjectsV2Command({ Bucket: 'burst', ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.add(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

describe('kill -9 during writes', () => {
  it(`loses no acknowledged write across ${ROUNDS} kills, compactions included`, async () => {
    const stateFile = path.join(dir, 'state.json');
    const r = rng(SEED + 4);
    const users = new Set<string>();
    const objects = new Set<string>();
    const deleted = new Set<string>();
    /** deletes sent (acknowledged or not): such an object may be gone without an acknowledgement */
    const deleting = new Set<string>();
    /** the highest tag value acknowledged on user `tagged` (a later one may be there too: it was sent) */
    let taggedAcked = -1;
    let taggedSent = -1;
    let compactions = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { endpoint, stderr } = await start(stateFile);
      const c = clients(endpoint);
      if (round === 0) {
        await c.s3.send(new CreateBucketCommand({ Bucket: 'burst' }));
        await c.iam.send(new CreateUserCommand({ UserName: 'tagged' }));
        users.add('tagged');
      }
      // Everything acknowledged before this kill must be there; every acknowledged delete done.
      const listedUsers = await listUsers(c);
      const listedObjects = await listObjects(c);
      expect([...users].filter((u) => !listedUsers.has(u)), `round ${round}: users lost`).toEqual([]);
      expect([...objects].filter((o) => !deleting.has(o) && !listedObjects.has(o)), `round ${round}: objects lost`).toEqual([]);
      expect([...deleted].filter((o) => listedObjects.has(o)), `round ${round}: deleted objects back`).toEqual([]);
      const tag = Number((await c.iam.send(new GetUserCommand({ UserName: 'tagged' }))).User?.Tags?.find((t) => t.Key === 'n')?.Value ?? -1);
      expect(tag, `round ${round}: tag went back`).toBeGreaterThanOrEqual(taggedAcked);
      expect(tag).toBeLessThanOrEqual(taggedSent);
      expect(stderr()).not.toMatch(/could not be read|warning/);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const generation = (JSON.parse(fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : '{"generation":0}') as { generation?: number }).generation ?? 0;
      compactions = Math.max(compactions, generation);

      // A burst of writes from five clients, killed at a random moment.
      let alive = true;
      const writer = async (w: number) => {
        for (let i = 0; alive; i++) {
          const name = `r${round}w${w}n${i}`;
          try {
            if (w === 4) {
              const n = ++taggedSent;
              await c.iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'n', Value: String(n) }] }));
              taggedAcked = Math.max(taggedAcked, n);
            } else if (i % 3 === 0) {
              await c.iam.send(new CreateUserCommand({ UserName: name }));
              users.add(name);
            } else if (i % 3 === 1 || objects.size === 0) {
              await c.s3.send(new PutObjectCommand({ Bucket: 'burst', Key: name, Body: name.repeat(20) }));
              objects.add(name);
            } else {
              const victim = [...objects].find((o) => !deleting.has(o) && o.startsWith(`r${round}w${w}`));
              if (!victim) continue;
              deleting.add(victim);
              await c.s3.send(new DeleteObjectCommand({ Bucket: 'burst', Key: victim }));
              deleted.add(victim);
            }
          } catch {
            return; // the server died under this request: not acknowledged
          }
        }
      };
      const writers = Promise.all([0, 1, 2, 3, 4].map(writer));
      await new Promise((res) => setTimeout(res, 100 + r.int(500)));
      const exited = new Promise((res) => child!.once('exit', res));
      child!.kill('SIGKILL');
      alive = false;
      await writers;
      await exited;
    }
    expect(users.size + objects.size).toBeGreaterThan(100);
    expect(deleted.size).toBeGreaterThan(10);
    // the journal was folded into new snapshots along the way
    expect(compactions).toBeGreaterThan(2);
  });
});
