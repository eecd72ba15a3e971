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
/** The same refusal is said again only after this long (the AWS CLI and SDKs retry at once). */
const SAY_AGAIN_MS = 30_000;

/**
 * Why the workshop server refused a request itself (its JSON error: the learner's token not
 * accepted, a throttle, report-only), as opposed to an answer of the metadata service (whose
 * errors are not JSON), or undefined.
 */
function serverRefusal(status: number, contentType: string | null, body: Buffer): string | undefined {
  if (status < 400 || !contentType?.startsWith('application/json')) return undefined;
  let error: unknown;
  try {
    error = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
  } catch {
    return undefined;
  }
  if (typeof error !== 'string') return undefined;
  // (a throttle's own message says when to try again)
  const next = status === 401 ? ' Join again (same name and code): iam-labs workshop join <url> --name "Your Name" --code <code>.' : '';
  return `${error.replace(/\.?$/, '.')} (HTTP ${status})${next}`;
}
const firstHeader = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

type Refused = (why: string) => void;

async function forward(base: string, token: string, instanceId: string, req: http.IncomingMessage, refused: Refused): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
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
    const why = serverRefusal(res.status, res.headers.get('content-type'), body);
    if (why) refused(`the workshop server refused a request to the metadata service of ${instanceId}: ${why}`);
    // a HEAD answer has no body, but says how long the GET's would be
    const length = req.method === 'HEAD' ? (res.headers.get('content-length') ?? '0') : String(body.length);
    return { status: res.status, headers: { ...out, 'content-length': length }, body };
  } catch (e) {
    refused(`the workshop server at ${base} did not answer a request to the metadata service of ${instanceId} (${(e as Error).message}).`);
    const body = Buffer.from(`The workshop server at ${base} did not answer (${(e as Error).message}).\n`);
    return { status: 502, headers: { 'content-type': 'text/plain', 'content-length': String(body.length) }, body };
  }
}

/**
 * Say why, once in a while: a refusal reaches the AWS CLI on the instance only as "Unable to
 * locate credentials", which sends the learner looking at the role instead of the connection.
 */
function sayingOnce(say: (line: string) => void): Refused {
  const said = new Map<string, number>();
  return (why) => {
    const now = Date.now();
    if (now - (said.get(why) ?? -Infinity) < SAY_AGAIN_MS) return;
    said.set(why, now);
    say(why);
  };
}

/**
 * Start the loopback listener for `instanceId`'s metadata service; it lives until close().
 * `say` hears, in a line, why the workshop server refused or did not answer a request.
 */
export function startMetadataProxy(base: string, token: string, instanceId: string, say: (line: string) => void = () => {}): Promise<MetadataProxy> {
  const refused = sayingOnce(say);
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
      void forward(base, token, instanceId, req, refused).then((out) => {
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
