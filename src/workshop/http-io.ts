/**
 * Reading and answering the workshop's own HTTP requests. A body has a size limit (answered
 * with 413 before it is read when its declared length is too large, or as soon as it grows past
 * the limit) and a deadline (408 when it has not all arrived in time), and the answer is always
 * JSON; a refused body's rest is drained briefly, then the connection dropped, so the client
 * reads the answer instead of a reset.
 */
import type http from 'node:http';
import { discardRest } from '../emulator/http-server.js';
import { WorkshopError } from './errors.js';
import type { WireResponse } from './ipc.js';

/** A workshop request's whole body must arrive within this time. */
export const BODY_DEADLINE_MS = 10_000;

export function readBody(req: http.IncomingMessage, limit: number, deadlineMs = BODY_DEADLINE_MS): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: WorkshopError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(() => finish(new WorkshopError(`The request body did not arrive within ${deadlineMs / 1000} s.`, 408)), deadlineMs);
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) return finish(tooLarge(limit));
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => finish());
    req.on('error', () => finish(new WorkshopError('The request was cut off.', 400)));
  });
}

const tooLarge = (limit: number) => new WorkshopError(`Request body too large: this endpoint takes at most ${Math.round(limit / 1024)} KB.`, 413);

/** The body as a JSON object ({} when empty). */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  throw new WorkshopError('Expected a JSON object body.', 400);
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): WireResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(value) };
}

export function errorResponse(e: WorkshopError): WireResponse {
  return jsonResponse(e.status, { error: e.message, code: e.code }, e.retryAfterSeconds ? { 'retry-after': String(e.retryAfterSeconds) } : {});
}

/** Write an answer; when the request's body was not all read, drain the rest briefly and drop the connection. */
export function writeResponse(req: http.IncomingMessage, res: http.ServerResponse, out: WireResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
  res.writeHead(out.status, { ...out.headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body, () => {
    if (!req.complete) discardRest(req);
  });
}
