/**
 * The emulator's socket, apart from its request pipeline: the server with its guards against
 * malformed HTTP and slow clients, and listening. A server built here can listen before the
 * pipeline that answers its requests has loaded (listen-first.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Requests whose client waits for `100 Continue` before sending the body. */
const awaitingContinue = new WeakSet<http.IncomingMessage>();

/** Whether the client waits for `100 Continue` before it sends the body (createDispatchingServer marked it). */
export function awaitsContinue(req: http.IncomingMessage): boolean {
  return awaitingContinue.has(req);
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
