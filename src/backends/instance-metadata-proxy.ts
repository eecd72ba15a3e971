/**
 * On a workshop backend, an instance's metadata service as the runner's loopback listener: each
 * request to http://127.0.0.1:<port>/<IMDS path> is sent on to the workshop server's route for the
 * learner's own instances (core/workshop-imds-route.ts) with the learner's token, and its answer
 * given back as is. SDK v3 keeps only the scheme, host and port of
 * AWS_EC2_METADATA_SERVICE_ENDPOINT, so the IMDS paths are served at the root. The Host guard is
 * the emulator's (a web page that points its own name at 127.0.0.1 still sends its own Host).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FORWARDED_FOR_HEADER,
  IMDS_BODY_BYTES,
  IMDS_REQUEST_HEADERS,
  IMDS_RESPONSE_HEADERS,
  IMDS_ROUTE_PREFIX,
} from '../core/workshop-imds-route.js';
import { hostAllowed } from '../emulator/imds/index.js';

export interface MetadataProxy {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  close(): Promise<void>;
}

const FORWARD_TIMEOUT_MS = 10_000;
const firstHeader = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

async function forward(base: string, token: string, instanceId: string, req: http.IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  for (const name of IMDS_REQUEST_HEADERS) {
    const v = firstHeader(req.headers[name]);
    if (v !== undefined) headers[name] = v;
  }
  const forwardedFor = firstHeader(req.headers['x-forwarded-for']);
  if (forwardedFor !== undefined) headers[FORWARDED_FOR_HEADER] = forwardedFor;
  try {
    const res = await fetch(`${base.replace(/\/$/, '')}${IMDS_ROUTE_PREFIX}${encodeURIComponent(instanceId)}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const out: Record<string, string> = {};
    for (const name of IMDS_RESPONSE_HEADERS) {
      const v = res.headers.get(name);
      if (v !== null) out[name] = v;
    }
    const body = Buffer.from(await res.arrayBuffer());
    // a HEAD answer has no body, but says how long the GET's would be
    const length = req.method === 'HEAD' ? (res.headers.get('content-length') ?? '0') : String(body.length);
    return { status: res.status, headers: { ...out, 'content-length': length }, body };
  } catch (e) {
    const body = Buffer.from(`The workshop server at ${base} did not answer (${(e as Error).message}).\n`);
    return { status: 502, headers: { 'content-type': 'text/plain', 'content-length': String(body.length) }, body };
  }
}

/** Start the loopback listener for `instanceId`'s metadata service; it lives until close(). */
export function startMetadataProxy(base: string, token: string, instanceId: string): Promise<MetadataProxy> {
  const server = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      const port = (server.address() as AddressInfo).port;
      if (!hostAllowed(req.headers.host, port)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
        return;
      }
      if (size > IMDS_BODY_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('Request Entity Too Large');
        return;
      }
      void forward(base, token, instanceId, req).then((out) => {
        if (res.destroyed) return;
        res.writeHead(out.status, { ...out.headers, server: 'EC2ws' });
        res.end(req.method === 'HEAD' ? undefined : out.body);
      });
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
