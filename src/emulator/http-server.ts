/**
 * node:http front of the gateway: reads bodies (bounded), maps IncomingMessage to the gateway's
 * request shape, and survives garbage on the socket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest } from './gateway.js';
import { imdsControl } from './imds/index.js';
import type { Emulator, IncomingRequest } from './types.js';

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

const TOO_LARGE =
  '<ErrorResponse><Error><Type>Sender</Type><Code>RequestEntityTooLarge</Code><Message>Request body is larger than this emulator accepts.</Message></Error></ErrorResponse>';

export function createHttpServer(emulator: Emulator): http.Server {
  return withClientErrorGuard(http.createServer(createRequestListener(emulator)));
}

/** The emulator as a plain request listener, so another server (the workshop's) can mount it. */
export function createRequestListener(emulator: Emulator): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > emulator.config.maxBodyBytes) {
        refused = true;
        res.writeHead(413, { 'content-type': 'text/xml', connection: 'close' });
        res.end(TOO_LARGE);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (refused) return;
      // A client sent through an HTTP proxy names the whole URL ("absolute-form"): keep the path, as
      // S3 Control's account-id host names (000000000000.127.0.0.1) only reach us that way.
      const url = (req.url ?? '/').replace(/^https?:\/\/[^/?]*/i, '') || '/';
      const q = url.indexOf('?');
      const incoming: IncomingRequest = {
        method: req.method ?? 'GET',
        rawPath: q < 0 ? url : url.slice(0, q),
        rawQuery: q < 0 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks),
        remoteAddress: normalizeIp(req.socket.remoteAddress ?? '127.0.0.1'),
        secure: false,
      };
      if (incoming.rawPath.startsWith(CONTROL_PREFIX)) return controlRequest(emulator, incoming, res);
      handleRequest(emulator, incoming).then(
        (out) => {
          const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
          const headers: Record<string, string | number> = { ...out.headers };
          if (headers['content-length'] === undefined) headers['content-length'] = body.length;
          try {
            res.writeHead(out.status, headers);
          } catch (e) {
            // A header value node refuses (e.g. a control character echoed back) is our bug, not a crash.
            process.emitWarning(`iam-labs emulator: could not write response headers: ${(e as Error).message}`);
            if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
            res.end();
            return;
          }
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  };
}

export function withClientErrorGuard(server: http.Server): http.Server {
  // Malformed HTTP (garbage bytes, bad headers): answer 400 if we still can, never crash.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/**
 * The runner's control API (like moto's /moto-api/reset): health and reset of the whole emulator,
 * so `iam-labs reset` works on an emulator running in another process. Loopback callers only.
 */
export const CONTROL_PREFIX = '/_iam-labs/';

function controlRequest(emulator: Emulator, req: IncomingRequest, res: http.ServerResponse): void {
  const reply = (status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const loopback = req.remoteAddress === '::1' || req.remoteAddress.startsWith('127.');
  if (!loopback) return reply(403, { error: 'the control API answers loopback callers only' });
  // A shared server (workshop) holds many learners' accounts: no unauthenticated reset or log there.
  if (emulator.config.rootSecret) return reply(404, { error: 'the control API is off on a shared server' });
  const what = req.rawPath.slice(CONTROL_PREFIX.length);
  if (what === 'decisions' && req.method === 'GET') {
    // `iam-labs why --last`: the emulator's recent authorization decisions, newest first.
    const q = new URLSearchParams(req.rawQuery);
    const limit = Math.min(Math.max(Number(q.get('limit') ?? 20) || 20, 1), 200);
    return reply(200, {
      decisions: emulator.decisions.recent({ accountId: q.get('account') ?? undefined, deniedOnly: q.get('denied') === '1', limit }),
    });
  }
  if (what === 'health' && req.method === 'GET') return reply(200, { status: 'ok', service: 'iam-labs-emulator' });
  if (what === 'reset' && req.method === 'POST') {
    emulator.state.reset();
    return reply(200, { status: 'reset' });
  }
  if (what.startsWith('imds/') && req.method === 'GET') {
    // `iam-labs instance-shell`: the metadata service address of an instance (docs/backends.md)
    const account = new URLSearchParams(req.rawQuery).get('account') ?? undefined;
    imdsControl(emulator, what.slice('imds/'.length), account).then(
      (r) => reply(r.status, r.body),
      () => reply(500, { error: 'the metadata service could not be started' }),
    );
    return;
  }
  reply(404, { error: `unknown control request ${req.method} ${req.rawPath}` });
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
