/**
 * The workshop server through its public surface: join over HTTP, the real AWS CLI and SDK with
 * each learner's credentials, progress reports, the instructor-only API, live events, and a
 * restart that keeps everything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { joinWorkshop, reportProgress, type WorkshopJoin } from '../../src/workshop/client.js';
import { awsCli, clients } from '../helpers/emulator.js';

const COURSE = path.resolve('tests/fixtures/workshop-course');
let dir: string;
let ws: RunningWorkshop;
let ada: WorkshopJoin;
let bo: WorkshopJoin;

const credsOf = (j: WorkshopJoin) => ({ accessKeyId: j.accessKeyId!, secretAccessKey: j.secretAccessKey! });

beforeAll(async () => {
  process.env.IAM_LABS_COURSE_DIR = COURSE;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-ws-'));
  ws = await startWorkshop({ port: 0, stateDir: dir, stuckMinutes: 10 });
  ada = await joinWorkshop(ws.endpoint, 'Ada', ws.store.identity.code);
  bo = await joinWorkshop(ws.endpoint, 'Bo', ws.store.identity.code.toLowerCase());
});

afterAll(async () => {
  await ws?.close();
  delete process.env.IAM_LABS_COURSE_DIR;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('joining', () => {
  it('gives each learner an own 12-digit account with root credentials', () => {
    expect(ada.accountId).toMatch(/^\d{12}$/);
    expect(bo.accountId).not.toBe(ada.accountId);
    expect(ada.accessKeyId).toBe(ada.accountId);
    expect(ada.labs).toEqual(['01-basics']);
  });

  it('refuses a wrong join code and a taken name', async () => {
    await expect(joinWorkshop(ws.endpoint, 'Cy', 'WRONG1')).rejects.toThrow(/join code/);
    await expect(joinWorkshop(ws.endpoint, 'ada', ws.store.identity.code)).rejects.toThrow(/already in this workshop/);
  });

  it('lets a learner rejoin with their token and keeps the same account', async () => {
    const again = await joinWorkshop(ws.endpoint, 'Ada', ws.store.identity.code, ada.token);
    expect(again.accountId).toBe(ada.accountId);
  });

  it('a shared learner who rejoins report-only is shown so, keeps the account, and can come back to it', async () => {
    const modeOf = async () => {
      const cls = (await (await fetch(`${ws.endpoint}/_workshop/api/class?token=${ws.store.identity.instructorToken}`)).json()) as { learners: Array<{ name: string; mode: string; accountId?: string }> };
      return cls.learners.find((l) => l.name === 'Ada');
    };
    const away = await joinWorkshop(ws.endpoint, { name: 'Ada', code: ws.store.identity.code, token: ada.token, mode: 'report-only' });
    expect(away).toMatchObject({ mode: 'report-only', learnerId: ada.learnerId });
    expect(away.accountId).toBeUndefined();
    expect(await modeOf()).toMatchObject({ mode: 'report-only', accountId: ada.accountId });
    const back = await joinWorkshop(ws.endpoint, 'Ada', ws.store.identity.code, ada.token);
    expect(back).toMatchObject({ mode: 'shared', accountId: ada.accountId });
    expect(await modeOf()).toMatchObject({ mode: 'shared', accountId: ada.accountId });
  });
});

describe('isolation', () => {
  it('the real AWS CLI works with the learner’s credentials, in their account only', async () => {
    const who = await awsCli(ws.endpoint, ['sts', 'get-caller-identity'], { creds: credsOf(ada) });
    expect(who.code).toBe(0);
    expect(who.json.Arn).toBe(`arn:aws:iam::${ada.accountId}:root`);
    const made = await awsCli(ws.endpoint, ['iam', 'create-user', '--user-name', 'only-ada'], { creds: credsOf(ada) });
    expect(made.code).toBe(0);
    const boUsers = await clients(ws.endpoint, credsOf(bo)).iam.send(new ListUsersCommand({}));
    expect((boUsers.Users ?? []).map((u) => u.UserName)).not.toContain('only-ada');
  });

  it('one learner cannot sign as another learner’s account, nor as the LocalStack root key', async () => {
    const spoof = await awsCli(ws.endpoint, ['iam', 'list-users'], {
      creds: { accessKeyId: bo.accountId!, secretAccessKey: ada.secretAccessKey! },
    });
    expect(spoof.code).not.toBe(0);
    expect(spoof.stderr).toMatch(/SignatureDoesNotMatch/);
    const test = await awsCli(ws.endpoint, ['iam', 'list-users'], { creds: { accessKeyId: 'test', secretAccessKey: 'test' } });
    expect(test.stderr).toMatch(/InvalidClientTokenId/);
    const unknown = await awsCli(ws.endpoint, ['iam', 'list-users'], { creds: { accessKeyId: '999999999999', secretAccessKey: 'x' } });
    expect(unknown.stderr).toMatch(/InvalidClientTokenId/);
  });
});

describe('dashboard API', () => {
  it('needs the instructor token', async () => {
    expect((await fetch(`${ws.endpoint}/_workshop/api/class`)).status).toBe(401);
    expect((await fetch(`${ws.endpoint}/_workshop/api/class`, { headers: { authorization: `Bearer ${ada.token}` } })).status).toBe(401);
    expect((await fetch(`${ws.endpoint}/_workshop/api/export.csv?token=nope`)).status).toBe(401);
    const ok = await fetch(`${ws.endpoint}/_workshop/api/class`, { headers: { authorization: `Bearer ${ws.store.identity.instructorToken}` } });
    expect(ok.status).toBe(200);
  });

  it('a learner reports only with their own token', async () => {
    const bad = await fetch(`${ws.endpoint}/_workshop/api/progress`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: JSON.stringify({ v: 2, lab: '01-basics', steps: [] }),
    });
    expect(bad.status).toBe(401);
  });

  it('streams a learner’s progress live and summarizes the class', async () => {
    const controller = new AbortController();
    const events = await fetch(`${ws.endpoint}/_workshop/api/events?token=${ws.store.identity.instructorToken}`, { signal: controller.signal });
    const reader = events.body!.getReader();
    await reportProgress(ws.endpoint, bo.token, {
      lab: '01-basics',
      current: 'basics/make-user',
      steps: [
        { id: 'basics/make-user', status: 'failing', failing: ['user Ada exists'] },
        { id: 'basics/make-group', status: 'failing', failing: ['group devs exists'] },
      ],
    });
    let seen = '';
    while (!seen.includes('event: learner')) {
      const { value } = await reader.read();
      seen += Buffer.from(value!).toString('utf8');
    }
    controller.abort();
    expect(seen).toContain('"name":"Bo"');

    await reportProgress(ws.endpoint, ada.token, { lab: '01-basics', current: 'basics/make-group', steps: [{ id: 'basics/make-user', status: 'passing' }] });
    const cls: any = await (await fetch(`${ws.endpoint}/_workshop/api/class?token=${ws.store.identity.instructorToken}`)).json();
    const makeUser = cls.perStep.find((s: { id: string }) => s.id === 'basics/make-user');
    expect(makeUser).toMatchObject({ done: 1, failing: 1, onIt: 1, commonFailure: { condition: 'user Ada exists', learners: 1 } });
    expect(JSON.stringify(cls)).not.toContain(ada.secretAccessKey);

    const csv = await (await fetch(`${ws.endpoint}/_workshop/api/export.csv?token=${ws.store.identity.instructorToken}`)).text();
    expect(csv.split('\r\n')[0]).toBe('learner,mode,server,account,lab,step,status,passed_at,revealed_at,on_it_since,stuck,failing_conditions');
    expect(csv).toContain(`Ada,shared,,${ada.accountId},01-basics,basics/make-user,done,`);
  });

  it('a dashboard follows from the class view it loaded: what changed since, and not the whole class again', async () => {
    const token = ws.store.identity.instructorToken;
    const readUntil = async (reader: ReadableStreamDefaultReader<Uint8Array>, marker: string) => {
      let seen = '';
      while (!seen.includes(marker)) seen += Buffer.from((await reader.read()).value!).toString('utf8');
      return seen;
    };
    const cls: any = await (await fetch(`${ws.endpoint}/_workshop/api/class?token=${token}`)).json();
    expect(cls.eventSeq).toEqual(expect.any(Number));
    // Bo moves on while nobody follows; then a dashboard that loaded the class before follows.
    await reportProgress(ws.endpoint, bo.token, { lab: '01-basics', current: 'basics/make-group', steps: [{ id: 'basics/make-user', status: 'passing' }] });
    const controller = new AbortController();
    const caughtUp = await fetch(`${ws.endpoint}/_workshop/api/events?token=${token}&since=${cls.eventSeq}`, { signal: controller.signal });
    const batch = await readUntil(caughtUp.body!.getReader(), 'event: summary');
    controller.abort();
    const learners = JSON.parse(/event: learners\nid: (\d+)\ndata: (.*)\n/.exec(batch)![2]);
    expect(learners.map((l: { name: string }) => l.name)).toEqual(['Bo']);
    expect(learners[0].position).toMatchObject({ step: 'basics/make-group' });
    // A browser reconnecting with the last id it saw gets nothing it already has.
    const id = /id: (\d+)/.exec(batch)![1];
    const again = new AbortController();
    const reconnected = await fetch(`${ws.endpoint}/_workshop/api/events?token=${token}`, { signal: again.signal, headers: { 'last-event-id': id } });
    await reportProgress(ws.endpoint, ada.token, { lab: '01-basics', current: null, steps: [{ id: 'basics/make-user', status: 'done' }, { id: 'basics/make-group', status: 'passing' }] });
    const next = await readUntil(reconnected.body!.getReader(), 'event: summary');
    again.abort();
    expect(JSON.parse(/event: learners\nid: \d+\ndata: (.*)\n/.exec(next)![1]).map((l: { name: string }) => l.name)).toEqual(['Ada']);
  });
});

describe('a burst of reports', () => {
  it('a report the throttle refuses is sent again after the wait the server asks, so the dashboard keeps the last state', async () => {
    const tight = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-ws-burst-'));
    const small = await startWorkshop({ port: 0, stateDir: tight, reportOnly: true, throttles: { reports: { burst: 2, ratePerSecond: 1 } } });
    try {
      const cy = await joinWorkshop(small.endpoint, { name: 'Cy', code: small.store.identity.code, mode: 'report-only' });
      const report = (status: 'failing' | 'done') => ({ lab: '01-basics', current: null, steps: [{ id: 'basics/make-user', status, ...(status === 'done' ? { passedAt: new Date().toISOString() } : { failing: ['user Ada exists'] }) }] });
      expect(await reportProgress(small.endpoint, cy.token, report('failing'))).toBe(true);
      expect(await reportProgress(small.endpoint, cy.token, report('failing'))).toBe(true);
      // the bucket is empty: this one meets a 429 with Retry-After: 1, waits, and is taken
      const started = Date.now();
      expect(await reportProgress(small.endpoint, cy.token, report('done'))).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(small.store.learnerById(cy.learnerId)!.progress.steps['basics/make-user']).toMatchObject({ passedAt: expect.any(String) });
    } finally {
      await small.close();
      fs.rmSync(tight, { recursive: true, force: true });
    }
  });
});

describe('durability', () => {
  it('keeps accounts, learners and progress across a restart', async () => {
    await clients(ws.endpoint, credsOf(ada)).iam.send(new CreateUserCommand({ UserName: 'survivor' }));
    const port = ws.port;
    await ws.close();
    ws = await startWorkshop({ port, stateDir: dir });
    const again = await joinWorkshop(ws.endpoint, 'Ada', ws.store.identity.code, ada.token);
    expect(again.accountId).toBe(ada.accountId);
    const users = await clients(ws.endpoint, credsOf(ada)).iam.send(new ListUsersCommand({}));
    expect((users.Users ?? []).map((u) => u.UserName)).toContain('survivor');
    expect(ws.store.learnerById(ada.learnerId)!.progress.steps['basics/make-user']).toMatchObject({ status: 'passing', passedAt: expect.any(String) });
  });
});
