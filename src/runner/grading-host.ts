/**
 * The grading service `iam-labs emulator --grading-socket <path>` offers next to the emulator
 * (the detached embedded backend asks for it on <home>/grading.sock, a Unix socket in the
 * learner's own state directory, so only the learner reaches it). It grades and seeds with the
 * same graders, SDK clients over HTTP to this emulator and step logic as `check` and `start` in
 * their own process (grading-host-work.ts, calling runtime.ts's gradeLab and seedLab); only the
 * process differs, and it records the verdicts in the learner's progress as `check` would. The
 * socket opens at once; the graders load behind it.
 */
import fs from 'node:fs';
import net from 'node:net';
import { BUILD_ID, buildMismatch } from '../core/build-id.js';
import type { GradeResponse, GradingHostOptions, HostRequest, SeedResponse } from './grading-protocol.js';

let work: Promise<typeof import('./grading-host-work.js')> | undefined;
const loadWork = () => (work ??= import('./grading-host-work.js'));

/** Load the graders (and with them the AWS SDK) ahead of the first request. */
export async function preloadGraders(): Promise<void> {
  await (await loadWork()).preloadGraders().catch(() => {});
}

/**
 * Serve requests on the socket until the returned close() is called: one JSON line
 * `{ "op": "grade" | "seed", ...request }` per connection, answered by one JSON line. (Plain
 * lines, not HTTP: a fresh `check` process pays ~13 ms for its first HTTP request, ~5 for this.)
 */
export async function startGradingHost(opts: GradingHostOptions): Promise<{ close(): void }> {
  fs.rmSync(opts.socketPath, { force: true }); // a socket left by a killed emulator
  const server = net.createServer((socket) => {
    let buf = '';
    const reply = (body: GradeResponse | SeedResponse) => socket.end(`${JSON.stringify(body)}\n`);
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      socket.removeAllListeners('data');
      let body: HostRequest;
      try {
        body = JSON.parse(buf.slice(0, nl)) as typeof body;
      } catch {
        return reply({ ok: false, reason: 'not JSON' });
      }
      const otherBuild = buildMismatch(body.build);
      if (otherBuild) return reply({ ok: false, reason: otherBuild, otherBuild: BUILD_ID });
      loadWork()
        .then((w) => (body.op === 'grade' ? w.grade(body, opts) : body.op === 'seed' ? w.seed(body, opts) : { ok: false as const, reason: 'unknown request' }))
        .then(reply, (e: unknown) => reply({ ok: false, reason: String(e) }));
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
      // the warm SDK clients hold keep-alive sockets: let them go, so the process can exit
      void work?.then((w) => w.release());
    },
  };
}
