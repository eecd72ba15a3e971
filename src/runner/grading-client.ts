/**
 * The CLI's side of a backend's grading service (grading-protocol.ts, grading-host.ts): ask the
 * detached emulator to grade or seed. Every way this can fail comes back as a reason in words,
 * so the caller can say why it graded in its own process instead.
 */
import fs from 'node:fs';
import net from 'node:net';
import { BUILD_ID } from '../core/build-id.js';
import type { GradeRequest, GradeResponse, HostRequest, SeedRequest, SeedResponse } from './grading-protocol.js';

/** Longer than any grading takes; a service that says nothing for this long is stuck. */
const ANSWER_TIMEOUT_MS = 60_000;

/** A failure of the service itself (not of the learner's request): why it could not answer. */
export interface NoAnswer {
  ok: false;
  reason: string;
  userError?: undefined;
}

export function gradeOnHost(socket: string, req: GradeRequest): Promise<GradeResponse | NoAnswer> {
  return ask<GradeResponse>(socket, { op: 'grade', ...req, build: BUILD_ID });
}

export function seedOnHost(socket: string, req: SeedRequest): Promise<SeedResponse | NoAnswer> {
  return ask<SeedResponse>(socket, { op: 'seed', ...req, build: BUILD_ID });
}

function ask<T>(socket: string, req: HostRequest): Promise<T | NoAnswer> {
  if (!fs.existsSync(socket)) return Promise.resolve({ ok: false, reason: `its socket ${socket} does not exist` });
  return new Promise((resolve) => {
    let buf = '';
    const conn = net.connect(socket);
    const done = (v: T | NoAnswer) => {
      conn.destroy();
      resolve(v);
    };
    conn.setEncoding('utf8');
    conn.setTimeout(ANSWER_TIMEOUT_MS, () => done({ ok: false, reason: `it did not answer within ${ANSWER_TIMEOUT_MS / 1000} s` }));
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (chunk: string) => (buf += chunk));
    conn.on('end', () => {
      try {
        done(JSON.parse(buf) as T);
      } catch {
        done({ ok: false, reason: buf.trim() ? 'its answer was not JSON' : 'it closed the connection without an answer' });
      }
    });
    conn.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `its socket ${socket} refused the connection (${e.code ?? e.message})` }));
  });
}
