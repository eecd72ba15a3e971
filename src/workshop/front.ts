/**
 * The workshop's one listening socket. For each connection it reads the head of the first
 * request (bounded in size and time), then gives the connection away: the workshop's own routes
 * (/_workshop/…) stay in this process; an AWS request goes to the worker holding the account
 * that signed it, which then serves the connection itself (the socket moves to it; no byte is
 * proxied). A worker that later meets a request for another account forwards that one request.
 */
import net from 'node:net';
import type http from 'node:http';
import { headEnd, MAX_HEAD_BYTES, parseHead, signingKeyId, WORKSHOP_PREFIX } from './request-head.js';
import type { WorkerPool } from './workers.js';

/** A client must send its first request's head within this time. */
export const FIRST_HEAD_TIMEOUT_MS = 10_000;
/** Connections open at once (each learner's tools keep a few). */
export const MAX_CONNECTIONS = 20_000;

export interface FrontOptions {
  /** serves the connections whose first request is a workshop route (and everything when there are no workers) */
  local: http.Server;
  workers?: WorkerPool;
}

export interface Front {
  server: net.Server;
  /**
   * At shutdown: drop the connections still sending their first head and those this process
   * serves. (`local` never listens, so its closeAllConnections() does not know the connections
   * handed to it; a kept-alive one held the process for a minute after it was told to stop.)
   */
  dropPending(): void;
}

export function createFront(opts: FrontOptions): Front {
  const pending = new Set<net.Socket>();
  const servedHere = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    let head: Buffer = Buffer.alloc(0);
    pending.add(socket);
    const timer = setTimeout(() => socket.destroy(), FIRST_HEAD_TIMEOUT_MS);
    timer.unref();
    socket.once('close', () => pending.delete(socket));
    const onData = (chunk: Buffer) => {
      head = head.length ? Buffer.concat([head, chunk]) : chunk;
      const end = headEnd(head);
      if (end < 0 && head.length <= MAX_HEAD_BYTES) return;
      clearTimeout(timer);
      pending.delete(socket);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.pause();
      if (end < 0 || end > MAX_HEAD_BYTES) {
        socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const parsed = parseHead(head.subarray(0, end));
      if (!parsed) {
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      if (!opts.workers || parsed.path.startsWith(WORKSHOP_PREFIX)) {
        servedHere.add(socket);
        socket.once('close', () => servedHere.delete(socket));
        return serveLocally(opts.local, socket, head);
      }
      // Stop reading before the socket moves: bytes read here after this point would be lost.
      (socket as unknown as { _handle?: { readStop(): number } })._handle?.readStop();
      const pool = opts.workers;
      pool.workerFor(signingKeyId(parsed.headers.get('authorization'), parsed.query)).then(
        (i) => pool.handOff(i, socket, head),
        () => socket.destroy(),
      );
    };
    const onError = () => socket.destroy();
    socket.on('data', onData);
    socket.on('error', onError);
  });
  server.maxConnections = MAX_CONNECTIONS;
  return {
    server,
    dropPending: () => {
      for (const s of pending) s.destroy();
      for (const s of servedHere) s.destroy();
    },
  };
}

/** Let this process's HTTP server take over a connection whose first bytes were already read. */
function serveLocally(local: http.Server, socket: net.Socket, head: Buffer): void {
  local.emit('connection', socket);
  socket.emit('data', head);
  socket.resume();
}
