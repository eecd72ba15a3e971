/**
 * Issue 15, item 8, the server's own files, through the built CLI (`iam-labs workshop serve`):
 * - every acknowledged progress report survives kill -9 (before, the last 1–4 per learner were
 *   lost: reports were written 200 ms later, in a batch);
 * - a damaged workshop.json keeps the join code, instructor token and every learner's token and
 *   account (before, a new code and token were made and every learner was locked out);
 * - a damaged progress snapshot is recovered from the journal;
 * - both copies of the code gone: the server refuses to start and changes nothing;
 * - a state folder of the earlier format is converted, keeping code, tokens and accounts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { InProcessHandler } from '../../src/emulator/sdk-handler.js';
import { joinWorkshop, reportProgress, type WorkshopJoin } from '../../src/workshop/client.js';
import { LightQueryClient } from '../../bench/lib/light-query-client.js';
import { BIN, ensureBuilt } from './runner-helpers.js';

const COURSE = path.resolve('tests/fixtures/workshop-course');
const children = new Set<ChildProcess>();

interface Served {
  child: ChildProcess;
  endpoint: string;
  code: string;
  token: string;
  output: string;
}

/** `iam-labs workshop serve` on a free port; resolves when it prints its banner. */
function serve(state: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'workshop', 'serve', '--port', '0', '--state', state, '--workers', '1'], {
    env: { ...process.env, IAM_LABS_COURSE_DIR: COURSE, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output += `${line}\n`;
      if (!line.startsWith('Press Ctrl-C')) return;
      const endpoint = /workshop join (http:\/\/\S+)/.exec(output)?.[1];
      const code = /^\s+join code\s+(\S+)$/m.exec(output)?.[1];
      const token = /^\s+instructor token\s+(\S+)/m.exec(output)?.[1];
      if (!endpoint || !code || !token) return reject(new Error(`unexpected banner:\n${output}`));
      resolve({ child, endpoint, code, token, output });
    });
    child.on('exit', (code) => reject(new Error(`workshop serve exited with ${code}:\n${output}`)));
  });
}

/** Stop the server; it must be gone within 10 s (a kept-alive connection once held it for a minute). */
function stop(s: Served, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.child.exitCode !== null) return resolve();
    const late = setTimeout(() => reject(new Error(`workshop serve still running 10 s after ${signal}`)), 10_000);
    s.child.once('exit', () => {
      clearTimeout(late);
      resolve();
    });
    s.child.kill(signal);
  });
}

function run(args: string[], state: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args, '--state', state], { env: { ...process.env, IAM_LABS_COURSE_DIR: COURSE, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => c.kill('SIGTERM'), 30_000);
    c.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const classOf = async (s: Served) => (await (await fetch(`${s.endpoint}/_workshop/api/class?token=${s.token}`)).json()) as { learners: Array<{ id: string; name: string; steps: Record<string, { failing?: string[]; passedAt?: string }> }> };
const aws = (s: Served, j: WorkshopJoin) => new LightQueryClient(s.endpoint, { accessKeyId: j.accessKeyId!, secretAccessKey: j.secretAccessKey! });

beforeAll(() => ensureBuilt());
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('workshop serve keeps what it acknowledged', () => {
  it('loses no acknowledged progress report on kill -9', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsd-'));
    const s = await serve(state);
    const learners = await Promise.all(['Ada', 'Bo', 'Cy'].map((n) => joinWorkshop(s.endpoint, n, s.code)));
    const last = new Map<string, string>();
    // Each learner sends 20 reports, each acknowledged before the next, each changing what is shown.
    await Promise.all(
      learners.map(async (j) => {
        for (let i = 0; i < 20; i++) {
          const why = `${j.name} attempt ${i}`;
          const ok = await reportProgress(s.endpoint, j.token, { lab: '01-basics', current: 'basics/make-group', steps: [{ id: 'basics/make-user', status: 'done', passedAt: '2026-01-01T00:00:00.000Z' }, { id: 'basics/make-group', status: 'failing', failing: [why] }] });
          expect(ok).toBe(true);
          last.set(j.learnerId, why);
        }
      }),
    );
    await stop(s, 'SIGKILL');
    const again = await serve(state);
    const cls = await classOf(again);
    for (const j of learners) {
      const row = cls.learners.find((l) => l.id === j.learnerId)!;
      expect(row.steps['basics/make-group'].failing).toEqual([last.get(j.learnerId)]);
      expect(row.steps['basics/make-user'].passedAt).toBe('2026-01-01T00:00:00.000Z');
    }
    await stop(again, 'SIGTERM');
    fs.rmSync(state, { recursive: true, force: true });
  }, 120_000);

  it('keeps the join code, the tokens and the accounts when workshop.json is damaged', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsd-'));
    const s = await serve(state);
    const ada = await joinWorkshop(s.endpoint, 'Ada', s.code);
    expect((await aws(s, ada).call('iam', 'CreateUser', { UserName: 'survivor' })).status).toBe(200);
    await reportProgress(s.endpoint, ada.token, { lab: '01-basics', current: 'basics/make-group', steps: [{ id: 'basics/make-user', status: 'done', passedAt: '2026-01-01T00:00:00.000Z' }] });
    await stop(s, 'SIGTERM');

    fs.writeFileSync(path.join(state, 'workshop.json'), '{"format": 2, "code": "HALF');
    fs.writeFileSync(path.join(state, 'progress.json'), 'garbage');
    const again = await serve(state);
    expect(again.output).toMatch(/warning: The workshop file .*workshop\.json could not be read \(invalid JSON: .*\); it was kept as .*workshop\.json\.corrupt-.* The join code and instructor token were recovered from learners\.jsonl; nothing changes for learners\./);
    expect(again.output).toMatch(/warning: The progress snapshot .*progress\.json could not be read/);
    expect(again.code).toBe(s.code);
    expect(again.token).toBe(s.token);
    // Ada carries on: her token, her account and her user, her progress.
    const me = await fetch(`${again.endpoint}/_workshop/api/me`, { headers: { authorization: `Bearer ${ada.token}` } });
    expect(me.status).toBe(200);
    const users = await aws(again, ada).call('iam', 'ListUsers');
    expect(users.status).toBe(200);
    expect(users.body).toContain('<UserName>survivor</UserName>');
    expect(((await me.json()) as { steps: Record<string, { passedAt?: string }> }).steps['basics/make-user'].passedAt).toBe('2026-01-01T00:00:00.000Z');
    await stop(again, 'SIGTERM');

    // Both copies of the code gone: refuse to start, say why, change nothing.
    fs.writeFileSync(path.join(state, 'workshop.json'), 'x');
    fs.writeFileSync(path.join(state, 'learners.jsonl'), 'not json\nnot json either\n');
    const before = fs.readdirSync(path.join(state, 'accounts'));
    const refused = await run(['workshop', 'serve', '--port', '0', '--workers', '1'], state);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/The join code and instructor token of the workshop in .* could not be read from workshop\.json nor learners\.jsonl\./);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(path.join(state, 'accounts'))).toEqual(before);
    fs.rmSync(state, { recursive: true, force: true });
  }, 120_000);

  it('converts a state folder of the earlier format, keeping code, tokens and accounts', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsd-'));
    const tokenHash = (await import('node:crypto')).createHash('sha256').update('old-token').digest('hex');
    fs.writeFileSync(
      path.join(state, 'workshop.json'),
      JSON.stringify({
        format: 1,
        code: 'ABCDEF',
        instructorToken: 'old-instructor',
        labs: ['01-basics'],
        createdAt: '2026-01-01T00:00:00.000Z',
        learners: { L1: { id: 'L1', name: 'Old Ada', accountId: '123456789012', rootSecret: 'old-secret', tokenHash, joinedAt: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-01T00:00:00.000Z', steps: { 'basics/make-user': { status: 'passed', failing: [], passedAt: '2026-01-01T00:01:00.000Z', checkedAt: '2026-01-01T00:01:00.000Z' } } } },
      }),
    );
    // The earlier server kept accounts as accounts/<id>.json: make one with a user, through the emulator.
    const emulator = createEmulator({ stateDir: path.join(state, 'accounts') });
    const iam = new IAMClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'test' }, requestHandler: new InProcessHandler(emulator) });
    await iam.send(new CreateUserCommand({ UserName: 'kept' }));
    expect(fs.existsSync(path.join(state, 'accounts', '123456789012.json'))).toBe(true);
    const s = await serve(state);
    expect(s.code).toBe('ABCDEF');
    expect(s.token).toBe('old-instructor');
    const me = await fetch(`${s.endpoint}/_workshop/api/me`, { headers: { authorization: 'Bearer old-token' } });
    expect(await me.json()).toMatchObject({ name: 'Old Ada', accountId: '123456789012', steps: { 'basics/make-user': { passedAt: '2026-01-01T00:01:00.000Z' } } });
    const who = await new LightQueryClient(s.endpoint, { accessKeyId: '123456789012', secretAccessKey: 'old-secret' }).call('sts', 'GetCallerIdentity');
    expect(who.body).toContain('<Account>123456789012</Account>');
    expect(s.output).toContain('was written by an earlier version; it was converted');
    const users = await new LightQueryClient(s.endpoint, { accessKeyId: '123456789012', secretAccessKey: 'old-secret' }).call('iam', 'ListUsers');
    expect(users.body).toContain('<UserName>kept</UserName>');
    expect(fs.existsSync(path.join(state, 'accounts', '123456789012', '123456789012.json'))).toBe(true);
    await stop(s, 'SIGTERM');
    fs.rmSync(state, { recursive: true, force: true });
  }, 120_000);
});
