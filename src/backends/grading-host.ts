/**
 * The grading service a detached embedded emulator offers on <home>/grading.sock (a Unix socket
 * in the learner's own state directory, so only the learner reaches it). It grades and seeds with
 * the same graders, SDK clients over HTTP to this emulator and step logic as `check` and `start`
 * in their own process (grading-work.ts); only the process differs. The CLI records the verdicts.
 * The socket opens at once; the graders load behind it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { GradeRequest, GradeResponse, SeedRequest, SeedResponse } from './grading-protocol.js';

export interface GradingHostOptions {
  socketPath: string;
  /** this emulator's endpoint: the only backend the service grades */
  endpoint: string;
}

let work: Promise<typeof import('./grading-work.js')> | undefined;
const loadWork = () => (work ??= import('./grading-work.js'));

/** Load the graders (and with them the AWS SDK) ahead of the first request. */
export async function preloadGraders(): Promise<void> {
  await (await loadWork()).preloadGraders().catch(() => {});
}

/** Serve POST /grade on the socket until the returned close() is called. */
export async function startGradingHost(opts: GradingHostOptions): Promise<{ close(): void }> {
  fs.rmSync(opts.socketPath, { force: true }); // a socket left by a killed emulator
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: GradeResponse | SeedResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const name = req.method === 'POST' ? ({ '/grade': 'grade', '/seed': 'seed' } as const)[req.url ?? ''] : undefined;
    if (!name) return reply(404, { ok: false, reason: 'unknown request' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: GradeRequest & SeedRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GradeRequest & SeedRequest;
      } catch {
        return reply(400, { ok: false, reason: 'not JSON' });
      }
      loadWork()
        .then((w) => (name === 'grade' ? w.grade(body, opts) : w.seed(body, opts)))
        .then(
        (r) => reply(200, r),
        (e: unknown) => reply(500, { ok: false, reason: String(e) }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => resolve());
  });
  fs.chmodSync(opts.socketPath, 0o600);
  server.unref();
  return {
    close: () => {
      server.close();
      fs.rmSync(opts.socketPath, { force: true });
    },
  };
}
