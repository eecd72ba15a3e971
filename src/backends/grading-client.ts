/** The CLI's side of the grading socket (grading-protocol.ts, grading-host.ts): ask the detached emulator to grade or seed. */
import fs from 'node:fs';
import net from 'node:net';
import { gradingSocketPath, type GradeRequest, type GradeResponse, type SeedRequest, type SeedResponse } from './grading-protocol.js';

/**
 * The host's answer, or undefined when there is no host to ask (no socket, a stale one, an
 * emulator from before the service): the caller then grades in its own process.
 */
export function gradeOnHost(req: GradeRequest): Promise<GradeResponse | undefined> {
  return ask<GradeResponse>('grade', req);
}

/** Seed a lab on the host; undefined when there is none (the caller seeds in its own process). */
export function seedOnHost(req: SeedRequest): Promise<SeedResponse | undefined> {
  return ask<SeedResponse>('seed', req);
}

async function ask<T>(op: 'grade' | 'seed', req: GradeRequest | SeedRequest): Promise<T | undefined> {
  if (req.session.backend !== 'embedded' || !req.session.pid) return undefined;
  const socketPath = gradingSocketPath(req.home);
  if (!socketPath || !fs.existsSync(socketPath)) return undefined;
  return new Promise((resolve) => {
    let buf = '';
    const socket = net.connect(socketPath);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ op, ...req })}\n`));
    socket.on('data', (chunk: string) => (buf += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buf) as T);
      } catch {
        resolve(undefined);
      }
    });
    // no socket, a stale one, an emulator from before the service: grade here instead
    socket.on('error', () => resolve(undefined));
  });
}
