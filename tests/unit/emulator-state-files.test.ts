/**
 * Issue 15, item 9: a state file that is JSON but not an emulator's state is reported and kept
 * aside like one that is not JSON, never loaded to fail later with 500; the temporary files a
 * killed writer leaves are cleaned at start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, startEmulator } from '../../src/emulator/index.js';
import { clients } from '../helpers/emulator.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-statefiles-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const account = (over: Record<string, unknown> = {}) => ({
  accountId: '000000000000',
  iam: { users: {}, accessKeys: {}, loginProfiles: {}, groups: {}, roles: {}, instanceProfiles: {}, policies: {}, mfaDevices: {} },
  s3: { buckets: {} },
  sts: { sessions: {} },
  ...over,
});

describe('state files are checked against their shape on load', () => {
  it.each([
    ['a user whose name is a number', { iam: { ...account().iam, users: { bob: { userName: 5 } } } }, /accounts\."000000000000"\.iam\.users\."bob"\.userName is not a string/],
    ['buckets as a list', { s3: { buckets: [] } }, /accounts\."000000000000"\.s3\.buckets is not an object/],
    ['an object without a body', { s3: { buckets: { b: { name: 'b', creationDate: 'x', region: 'us-east-1', objects: { k: { key: 'k' } } } } } }, /objects\."k"\.body is not a string/],
    ['an access key with a made-up status', { iam: { ...account().iam, accessKeys: { AKIA: { accessKeyId: 'AKIA', secretAccessKey: 's', userName: 'u', status: 'Maybe', createDate: 'x' } } } }, /status is not one of Active, Inactive/],
  ])('%s: reported, kept aside, and the emulator starts empty and answers', async (_what, over, reason) => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, JSON.stringify({ format: 1, accounts: { '000000000000': account(over) } }));
    const em = await startEmulator({ host: '127.0.0.1', port: 0, stateFile: file });
    try {
      expect(em.emulator.state.loadProblems).toHaveLength(1);
      const problem = em.emulator.state.loadProblems[0];
      expect(problem.message).toMatch(reason);
      expect(problem.message).toContain(`It was kept as ${problem.keptAs}`);
      expect(fs.existsSync(problem.keptAs)).toBe(true);
      expect(fs.existsSync(file)).toBe(false);
      // The emulator answers (no 500 from a half-loaded account).
      const users = await clients(em.endpoint).iam.send(new ListUsersCommand({}));
      expect(users.Users).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it('loads a sound file written before a newer version added maps (they start empty)', () => {
    const file = path.join(dir, 'state.json');
    const old = account();
    delete (old.iam as Record<string, unknown>).mfaDevices;
    fs.writeFileSync(file, JSON.stringify({ format: 1, accounts: { '000000000000': old } }));
    const em = createEmulator({ stateFile: file });
    expect(em.state.loadProblems).toEqual([]);
    expect(em.state.account('000000000000').iam.mfaDevices).toEqual({});
  });

  it('keeps aside only the bad account file of a workshop state directory', () => {
    fs.writeFileSync(path.join(dir, '111111111111.json'), JSON.stringify({ format: 1, account: account({ accountId: '111111111111' }) }));
    fs.writeFileSync(path.join(dir, '222222222222.json'), JSON.stringify({ format: 1, account: { accountId: '222222222222', iam: 'nope' } }));
    const em = createEmulator({ stateDir: dir });
    expect([...em.state.accounts.keys()]).toEqual(['111111111111']);
    expect(em.state.loadProblems).toHaveLength(1);
    expect(em.state.loadProblems[0].message).toContain('account.iam is not an object');
  });
});

describe('temporary files of a killed writer', () => {
  it('are removed at start; the state file and a live writer’s temporary file are kept', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, JSON.stringify({ format: 1, accounts: {} }));
    // A pid that is certainly not running (above the kernel's pid_max default range).
    const dead = `${file}.4194999.1700000000000.tmp`;
    const live = `${file}.${process.pid}.1700000000001.tmp`;
    fs.writeFileSync(dead, '{"half":');
    fs.writeFileSync(live, '{"writing":');
    const em = createEmulator({ stateFile: file });
    expect(em.state.loadProblems).toEqual([]);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('are removed from a workshop state directory too', () => {
    const dead = path.join(dir, '111111111111.json.4194999.1700000000000.tmp');
    fs.writeFileSync(dead, '{');
    createEmulator({ stateDir: dir });
    expect(fs.existsSync(dead)).toBe(false);
  });
});
