/** The CLI's side of the grading socket (grading-protocol.ts): ask the detached emulator to grade. */
import fs from 'node:fs';
import http from 'node:http';
import { gradingSocketPath, type GradeRequest, type GradeResponse, type SeedRequest, type SeedResponse } from './grading-protocol.js';

/**
 * The host's answer, or undefined when there is no host to ask (no socket, a stale one, an
 * emulator from before the service): the caller then grades in its own process.
 */
export function gradeOnHost(req: GradeRequest): Promise<GradeResponse | undefined> {
  return ask<GradeResponse>('/grade', req);
}

/** Seed a lab on the host; undefined when there is none (the caller seeds in its own process). */
export function seedOnHost(req: SeedRequest): Promise<SeedResponse | undefined> {
  return ask<SeedResponse>('/seed', req);
}

async function ask<T>(route: string, req: GradeRequest | SeedRequest): Promise<T | undefined> {
  if (req.session.backend !== 'embedded' || !req.session.pid) return undefined;
  const socketPath = gradingSocketPath(req.home);
  if (!socketPath || !fs.existsSync(socketPath)) return undefined;
  const body = JSON.stringify(req);
  return new Promise((resolve) => {
    const r = http.request(
      { socketPath, path: route, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
          } catch {
            resolve(undefined);
          }
        });
        res.on('error', () => resolve(undefined));
      },
    );
    r.on('error', () => resolve(undefined));
    r.end(body);
  });
}
