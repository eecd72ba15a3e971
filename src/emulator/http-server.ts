/**
 * node:http front of the gateway. A request's headers are admitted first (gateway.admit: browser
 * check, signature, time, who is calling and how much body that allows); only then is the body
 * read, up to that limit and with an idle timeout, so an unauthenticated client cannot make the
 * emulator buffer hundreds of megabytes or hold a connection open by trickling bytes. A client
 * that sends `Expect: 100-continue` (the CLI and SDKs do for uploads) is refused before it sends
 * the body at all. Garbage on the socket is answered with 400, never a crash.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OBSERVER_HEADER } from '../core/observer-header.js';
import { CONTROL_PREFIX, controlRequest, tokenMatches } from './control-api.js';
import { RequestTimeout } from './errors.js';
import { admit, bodyTooLarge, errorResponse, handleRequest, type Admission, type RequestHead } from './gateway.js';
import type { Emulator, OutgoingResponse } from './types.js';

export { CONTROL_PREFIX } from './control-api.js';

export interface RunningServer {
  server: http.Server;
  host: string;
  port: number;
  endpoint: string;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`Port ${port} on ${host} is already in use.`);
    this.name = 'PortInUseError';
  }
}

/** A body that stops arriving for this long is abandoned (S3's RequestTimeout). */
export const BODY_IDLE_TIMEOUT_MS = 20_000;

/** Requests whose client waits for `100 Continue` before sending the body. */
const awaitingContinue = new WeakSet<http.IncomingMessage>();

export function createHttpServer(emulator: Emulator): http.Server {
  const listener = createRequestListener(emulator);
  return createDispatchingServer(() => listener);
}

/**
 * A server whose every request goes to the listener `pick` chooses for it (a workshop worker
 * keeps one emulator per learner's account and picks by the request's signing key).
 */
export function createDispatchingServer(pick: (req: http.IncomingMessage) => http.RequestListener): http.Server {
  const server = withClientErrorGuard(http.createServer((req, res) => pick(req)(req, res)));
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    awaitingContinue.add(req);
    pick(req)(req, res);
  });
  return server;
}

function headOf(req: http.IncomingMessage): RequestHead {
  // A client sent through an HTTP proxy names the whole URL ("absolute-form"): keep the path, as
  // S3 Control's account-id host names (000000000000.127.0.0.1) only reach us that way.
  const url = (req.url ?? '/').replace(/^https?:\/\/[^/?]*/i, '') || '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    remoteAddress: normalizeIp(req.socket.remoteAddress ?? '127.0.0.1'),
    secure: false,
  };
}

/** The emulator as a plain request listener, so another server (the workshop's) can mount it. */
export function createRequestListener(emulator: Emulator): http.RequestListener {
  return (req, res) => {
    const head = headOf(req);
    if (head.rawPath.startsWith(CONTROL_PREFIX)) return controlRequest(emulator, head, res);
    const admission = admit(emulator, head);
    const refuse = (err: Parameters<typeof errorResponse>[1]) =>
      void errorResponse(admission, err, head).then(
        (out) => send(req, res, out, true),
        () => send(req, res, { status: 500, headers: {}, body: '' }, true),
      );
    if (admission.error) return refuse(admission.error);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > admission.bodyLimit) return refuse(bodyTooLarge(admission, declared));
    if (awaitingContinue.has(req)) res.writeContinue();
    readBody(req, admission, emulator.config.bodyIdleTimeoutMs ?? BODY_IDLE_TIMEOUT_MS).then(
      (body) => {
        if (body === 'too-large') return refuse(bodyTooLarge(admission));
        if (body === 'timeout') return refuse(new RequestTimeout(REQUEST_TIMEOUT));
        if (body === 'aborted') return;
        // the course's grading, over HTTP (the grading service could not grade): looks, records nothing
        const observer = tokenMatches(head.headers[OBSERVER_HEADER], emulator.controlToken);
        handleRequest(emulator, { ...head, body, ...(observer ? { observer } : {}) }, admission).then(
          (out) => send(req, res, out, false),
          () => send(req, res, { status: 500, headers: {}, body: '' }, true),
        );
      },
      () => res.destroy(),
    );
  };
}

const REQUEST_TIMEOUT = 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.';

/** The body, up to the admission's limit; or why there is none. */
function readBody(req: http.IncomingMessage, admission: Admission, idleMs: number): Promise<Buffer | 'too-large' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too-large' | 'timeout' | 'aborted') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      resolve(v);
    };
    const timer = setTimeout(() => finish('timeout'), idleMs);
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > admission.bodyLimit) return finish('too-large');
      chunks.push(c);
      timer.refresh();
    };
    req.on('data', onData);
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? Buffer.concat(chunks) : 'aborted'));
  });
}

/**
 * Write a response. `close`: the request's body was not (all) read; once the answer is out, the
 * rest is discarded and the connection dropped (discardRest).
 */
function send(req: http.IncomingMessage, res: http.ServerResponse, out: OutgoingResponse, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  // A string body goes out as it is: node writes it in one piece with the headers, without a
  // Buffer of its own first.
  const body = out.body;
  const headers: Record<string, string | number> = { ...out.headers };
  if (headers['content-length'] === undefined) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  try {
    res.writeHead(out.status, headers);
  } catch (e) {
    // A header value node refuses (e.g. a control character echoed back) is our bug, not a crash.
    process.emitWarning(`iam-labs emulator: could not write response headers: ${(e as Error).message}`);
    if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
    res.end();
    return;
  }
  res.end(req.method === 'HEAD' ? undefined : body, () => {
    if (close && !req.complete) discardRest(req);
  });
}

/** What a refused request may still send (discarded, never kept) before its connection is dropped. */
const DISCARD_MAX_BYTES = 16 * 1024 * 1024;
const DISCARD_MAX_MS = 2_000;

/**
 * The answer is out, the body is unwanted. Closing at once would make the kernel reset the
 * connection and the client might lose the answer it has not read yet; so the rest is read and
 * thrown away (nothing is kept), for a short while and a bounded number of bytes, then dropped.
 */
export function discardRest(req: http.IncomingMessage): void {
  let seen = 0;
  const drop = () => req.socket.destroy();
  const timer = setTimeout(drop, DISCARD_MAX_MS);
  timer.unref();
  const stop = () => clearTimeout(timer);
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > DISCARD_MAX_BYTES) drop();
  });
  // the connection may carry many more requests: leave nothing on its socket once this one is read
  req.on('end', () => {
    stop();
    req.socket.off('close', stop);
  });
  req.socket.once('close', stop);
  req.resume();
}

export function withClientErrorGuard(server: http.Server): http.Server {
  // Malformed HTTP (garbage bytes, bad headers): answer 400 if we still can, never crash.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  // A client must send its headers promptly, and its whole request within two minutes.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  return server;
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export function listen(server: http.Server, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e.code === 'EADDRINUSE' ? new PortInUseError(host, port) : e);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        host,
        port: addr.port,
        endpoint: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${addr.port}`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
