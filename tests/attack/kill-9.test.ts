/**
 * Attack suite: kill -9 during bursts of writes. The emulator (the built CLI's `iam-labs
 * emulator --state FILE`) is killed at a random moment while several clients create users and
 * put objects; after each restart every write it acknowledged is there, the state file loads
 * without a problem, and no temporary file is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../e2e/runner-helpers.js';
import { clients } from '../helpers/emulator.js';
import { rng, SEED } from './harness.js';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'iam-labs.js');
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
function start(stateFile: string): Promise<{ endpoint: string; stderr: () => string }> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--state', stateFile, '--quiet'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no endpoint within 15 s: ${out}${err}`)), 15_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /endpoint\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ endpoint: m[1], stderr: () => err });
      }
    });
  });
}

describe('kill -9 during writes', () => {
  it('loses no acknowledged write across five kills', async () => {
    const stateFile = path.join(dir, 'state.json');
    const r = rng(SEED + 4);
    const users = new Set<string>();
    const objects = new Set<string>();
    let first = true;
    for (let round = 0; round < 5; round++) {
      const { endpoint, stderr } = await start(stateFile);
      const c = clients(endpoint);
      if (first) {
        await c.s3.send(new CreateBucketCommand({ Bucket: 'burst' }));
        first = false;
      }
      // Everything acknowledged before this kill must be there.
      const listedUsers = new Set<string>();
      let marker: string | undefined;
      do {
        const page = await c.iam.send(new ListUsersCommand({ Marker: marker }));
        for (const u of page.Users ?? []) listedUsers.add(u.UserName!);
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      const listedObjects = new Set<string>();
      let token: string | undefined;
      do {
        const page = await c.s3.send(new ListObjectsV2Command({ Bucket: 'burst', ContinuationToken: token }));
        for (const o of page.Contents ?? []) listedObjects.add(o.Key!);
        token = page.NextContinuationToken;
      } while (token);
      expect([...users].filter((u) => !listedUsers.has(u)), `round ${round}: users lost`).toEqual([]);
      expect([...objects].filter((o) => !listedObjects.has(o)), `round ${round}: objects lost`).toEqual([]);
      expect(stderr()).not.toContain('could not be read');
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

      // A burst of writes from four clients, killed at a random moment.
      let alive = true;
      const writer = async (w: number) => {
        for (let i = 0; alive; i++) {
          const name = `r${round}w${w}n${i}`;
          try {
            if (i % 2 === 0) {
              await c.iam.send(new CreateUserCommand({ UserName: name }));
              users.add(name);
            } else {
              await c.s3.send(new PutObjectCommand({ Bucket: 'burst', Key: name, Body: name }));
              objects.add(name);
            }
          } catch {
            return; // the server died under this request: not acknowledged
          }
        }
      };
      const writers = Promise.all([0, 1, 2, 3].map(writer));
      await new Promise((res) => setTimeout(res, 150 + r.int(500)));
      const exited = new Promise((res) => child!.once('exit', res));
      child!.kill('SIGKILL');
      alive = false;
      await writers;
      await exited;
    }
    expect(users.size + objects.size).toBeGreaterThan(20);
  });
});
