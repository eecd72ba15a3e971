/**
 * Issue 18: state files are a snapshot continued by a journal. Through the SDK (in process, so
 * every layer above HTTP runs as in production): a write appends and is on disk before it is
 * answered; writes that arrive together share one fsync; a restart replays the journal; a torn
 * tail is ignored; a corrupt journal is reported and kept aside, never silently dropped;
 * compaction replaces the snapshot atomically; files of the old format load and are migrated;
 * each account of a workshop folder has its own journal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { InProcessHandler } from '../../src/emulator/sdk-handler.js';

let dir: string;
const opened: Emulator[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-journal-'));
});
afterEach(async () => {
  for (const em of opened.splice(0)) await em.state.close();
  delete process.env.IAM_LABS_JOURNAL_COMPACT_BYTES;
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = () => path.join(dir, 'state.json');

function open(config: Parameters<typeof createEmulator>[0] = { stateFile: file() }): Emulator {
  const em = createEmulator(config);
  opened.push(em);
  return em;
}

function iam(em: Emulator, accessKeyId = 'test'): IAMClient {
  return new IAMClient({
    endpoint: 'http://127.0.0.1:4566',
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new InProcessHandler(em),
  });
}

async function userNames(em: Emulator, accessKeyId = 'test'): Promise<string[]> {
  const out: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam(em, accessKeyId).send(new ListUsersCommand({ Marker }));
    out.push(...(page.Users ?? []).map((u) => u.UserName!));
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  return out.sort();
}

const journals = (base = 'state.json') => fs.readdirSync(dir).filter((f) => f.startsWith(`${base}.journal.`)).sort();

/**
 * A crash: the emulator is dropped without close(), and the next one reads the files as they are.
 * (Its lazy writes are let out first, so a timer of the dropped one cannot write after the next
 * one started; the real kill -9 is tests/attack/kill-9.test.ts.)
 */
async function crash(em: Emulator): Promise<void> {
  await em.state.flushTouched();
  opened.splice(opened.indexOf(em), 1);
}

describe('the write path', () => {
  it('appends each write to the journal and answers only once it is on disk', async () => {
    const em = open();
    const c = iam(em);
    await c.send(new CreateUserCommand({ UserName: 'first' }));
    const before = em.state.writeStats;
    await c.send(new CreateUserCommand({ UserName: 'alice' }));
    const after = em.state.writeStats;
    expect(after.appends).toBe(before.appends + 1);
    expect(after.fsyncs).toBe(before.fsyncs + 1);
    // the first write made the snapshot (generation 1); later writes go to its journal
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(true);
    expect(journals()).toEqual(['state.json.journal.1']);
    // a record holds the user, not the account
    expect(fs.readFileSync(path.join(dir, journals()[0]), 'utf8')).toContain('"alice"');
    await crash(em);
    expect(await userNames(open())).toEqual(['alice', 'first']);
  });

  it("writes a change's CloudTrail event with the change, before the answer; a read's event costs no fsync", async () => {
    const em = open();
    const c = iam(em);
    await c.send(new CreateUserCommand({ UserName: 'first' }));
    await c.send(new CreateUserCommand({ UserName: 'alice' }));
    const written = () => journals().map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
    // answered: on disk already, user and event, in the one durable write
    expect(written()).toMatch(/"eventName":"CreateUser"(?:(?!"eventName")[^\n])*"requestParameters":\{[^}]*"userName":"alice"/);
    const before = em.state.writeStats;
    await c.send(new GetUserCommand({ UserName: 'alice' }));
    expect(em.state.writeStats.fsyncs).toBe(before.fsyncs);
  });

  it('writes a burst of requests made together with one fsync (group commit)', async () => {
    const em = open();
    await iam(em).send(new CreateUserCommand({ UserName: 'warm' }));
    const before = em.state.writeStats.fsyncs;
    const clients = Array.from({ length: 20 }, () => iam(em));
    await Promise.all(clients.map((c, i) => c.send(new CreateUserCommand({ UserName: `burst-${i}` }))));
    const fsyncs = em.state.writeStats.fsyncs - before;
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    expect(fsyncs).toBeLessThanOrEqual(2);
    await crash(em);
    expect(await userNames(open())).toHaveLength(21);
  });

  it('ignores a torn last record (a kill during a write) and appends after it', async () => {
    const em = open();
    await iam(em).send(new CreateUserCommand({ UserName: 'first' }));
    await iam(em).send(new CreateUserCommand({ UserName: 'kept' }));
    await crash(em);
    const j = path.join(dir, journals()[0]);
    expect(fs.readFileSync(j, 'utf8')).toContain('"kept"');
    const sound = fs.statSync(j).size;
    fs.appendFileSync(j, '0badc0de ["s","000000000000",["iam","users","half');
    const again = open();
    expect(again.state.loadProblems).toEqual([]);
    expect(fs.statSync(j).size).toBe(sound);
    await iam(again).send(new CreateUserCommand({ UserName: 'after' }));
    await crash(again);
    const third = open();
    expect(third.state.loadProblems).toEqual([]);
    expect(await userNames(third)).toEqual(['after', 'first', 'kept']);
  });

  it('reports a corrupt journal, keeps it aside and starts from the state before the bad record', async () => {
    const em = open();
    for (const name of ['one', 'two', 'three']) await iam(em).send(new CreateUserCommand({ UserName: name }));
    await crash(em);
    const j = path.join(dir, journals()[0]);
    const lines = fs.readFileSync(j, 'utf8').split('\n');
    const two = lines.findIndex((l) => l.includes('"two"'));
    lines[two] = lines[two].replace('"two"', '"tw0"');
    fs.writeFileSync(j, lines.join('\n'));

    const again = open();
    expect(again.state.loadProblems).toHaveLength(1);
    const problem = again.state.loadProblems[0];
    expect(problem.message).toContain(`The journal ${j} of the state file ${file()} could not be read to its end (line ${two + 1} is not a sound record)`);
    expect(problem.message).toContain(`the journal was kept as ${problem.keptAs}`);
    expect(fs.readFileSync(problem.keptAs, 'utf8')).toContain('"tw0"');
    expect(await userNames(again)).toEqual(['one']);
    // a new snapshot was written at once: a restart needs nothing from the kept file
    await crash(again);
    const third = open();
    expect(third.state.loadProblems).toEqual([]);
    expect(await userNames(third)).toEqual(['one']);
  });

  it('reports a record that does not fit the state (it names an account the snapshot lacks)', async () => {
    const em = open();
    await iam(em).send(new CreateUserCommand({ UserName: 'one' }));
    await em.state.close();
    opened.splice(0);
    const { encodeRecord } = await import('../../src/emulator/state/journal-records.js');
    const snapshot = JSON.parse(fs.readFileSync(file(), 'utf8')) as { generation: number };
    fs.writeFileSync(path.join(dir, `state.json.journal.${snapshot.generation}`), encodeRecord([['s', '111111111111', ['iam', 'users', 'x'], {}]]));
    const again = open();
    expect(again.state.loadProblems.map((p) => p.message)).toEqual([expect.stringContaining('record 1 does not fit the state: a change to account 111111111111, which does not exist')]);
    expect(await userNames(again)).toEqual(['one']);
  });
});

describe('compaction', () => {
  it('folds the journal into a new snapshot once it outgrows it; a restart sees everything', async () => {
    process.env.IAM_LABS_JOURNAL_COMPACT_BYTES = '4096';
    const em = open();
    const c = iam(em);
    await c.send(new CreateUserCommand({ UserName: 'bob' }));
    for (let i = 1; i < 60; i++) await c.send(new TagUserCommand({ UserName: 'bob', Tags: [{ Key: 'n', Value: String(i) }] }));
    expect(em.state.writeStats.compactions).toBeGreaterThan(0);
    const snapshot = JSON.parse(fs.readFileSync(file(), 'utf8')) as { format: number; generation: number };
    expect(snapshot.format).toBe(2);
    expect(journals().every((j) => Number(j.split('.').pop()) >= snapshot.generation)).toBe(true);
    await crash(em);
    const tags = (await iam(open()).send(new GetUserCommand({ UserName: 'bob' }))).User!.Tags;
    expect(tags).toEqual([{ Key: 'n', Value: '59' }]);
  });

  it('takes effect at the rename: a journal the new snapshot covers is ignored and removed; an unrenamed one is not', async () => {
    const em = open();
    await iam(em).send(new CreateUserCommand({ UserName: 'a' }));
    await em.state.close();
    opened.splice(0);
    const gen = (JSON.parse(fs.readFileSync(file(), 'utf8')) as { generation: number }).generation;
    const { encodeRecord } = await import('../../src/emulator/state/journal-records.js');
    const user = { userName: 'ghost', userId: 'AIDAGHOST', arn: 'arn:aws:iam::000000000000:user/ghost', path: '/', createDate: '2026-01-01T00:00:00Z', tags: [], inlinePolicies: {}, attachedPolicies: [] };
    // a leftover of the compaction that made this snapshot: covered by it
    fs.writeFileSync(path.join(dir, `state.json.journal.${gen - 1}`), encodeRecord([['s', '000000000000', ['iam', 'users', 'ghost'], user]]));
    // and a compaction killed before its rename: its temporary snapshot is dropped
    fs.writeFileSync(path.join(dir, `state.json.4194999.1.tmp`), '{"format":2,"generation":99,"accounts":{}}');
    const again = open();
    expect(again.state.loadProblems).toEqual([]);
    expect(await userNames(again)).toEqual(['a']);
    expect(fs.readdirSync(dir).filter((f) => f !== 'state.json')).toEqual([]);
  });
});

describe('files of the previous format', () => {
  it('load as they are, and become a snapshot and a journal', async () => {
    const account = { accountId: '000000000000', iam: { users: { old: { userName: 'old', userId: 'AIDAOLD', arn: 'arn:aws:iam::000000000000:user/old', path: '/', createDate: '2025-01-01T00:00:00Z', tags: [], inlinePolicies: {}, attachedPolicies: [] } } }, s3: { buckets: {} }, sts: { sessions: {} } };
    fs.writeFileSync(file(), JSON.stringify({ format: 1, accounts: { '000000000000': account } }, null, 2));
    const em = open();
    expect(em.state.loadProblems).toEqual([]);
    await iam(em).send(new CreateUserCommand({ UserName: 'new' }));
    expect(JSON.parse(fs.readFileSync(file(), 'utf8')).format).toBe(1);
    expect(journals()).toEqual(['state.json.journal.0']);
    await crash(em);
    const again = open();
    expect(await userNames(again)).toEqual(['new', 'old']);
    await again.state.close();
    opened.splice(0);
    expect(JSON.parse(fs.readFileSync(file(), 'utf8'))).toMatchObject({ format: 2, generation: 1 });
    expect(journals()).toEqual([]);
  });
});

describe('a workshop folder (one snapshot and journal per account)', () => {
  it('writes a learner’s change to their own journal only, and migrates old account files', async () => {
    const old = { accountId: '111111111111', iam: { users: {} }, s3: { buckets: {} }, sts: { sessions: {} } };
    fs.writeFileSync(path.join(dir, '111111111111.json'), JSON.stringify({ format: 1, account: old }));
    const em = open({ stateDir: dir });
    await iam(em, '111111111111').send(new CreateUserCommand({ UserName: 'a1' }));
    await iam(em, '222222222222').send(new CreateUserCommand({ UserName: 'b1' }));
    const sizeOf = (f: string) => fs.statSync(path.join(dir, f)).size;
    // 222's first write made its snapshot; 111's next write touches none of 222's files
    const files222 = () => fs.readdirSync(dir).filter((f) => f.startsWith('222222222222.json')).map((f) => `${f}:${sizeOf(f)}`);
    const b = files222();
    await iam(em, '111111111111').send(new CreateUserCommand({ UserName: 'a2' }));
    expect(files222()).toEqual(b);
    expect(journals('111111111111.json')).toEqual(['111111111111.json.journal.0']);
    await crash(em);
    const again = open({ stateDir: dir });
    expect(again.state.loadProblems).toEqual([]);
    expect(await userNames(again, '111111111111')).toEqual(['a1', 'a2']);
    expect(await userNames(again, '222222222222')).toEqual(['b1']);
  });
});
