/**
 * Raw HTTP requests signed the way the AWS SDKs sign them (the SDK's own SigV4 signer), for tests
 * that need what the SDK will not send: a hand-made body, a missing header, a date in 2001, a
 * presigned query string. The emulator verifies every signature, so a test cannot use a made-up one.
 */
import crypto from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { ROOT, type Creds } from './emulator.js';

/** The hash constructor the signer wants, on node:crypto. */
type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) => (typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

class Sha256 {
  private readonly h: crypto.Hash | crypto.Hmac;
  constructor(secret?: Data) {
    this.h = secret ? crypto.createHmac('sha256', bytes(secret)) : crypto.createHash('sha256');
  }
  update(data: Data): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

export interface SignedInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  region?: string;
  service?: string;
  credentials?: Creds;
  /** sign at this time instead of now (to test clock skew) */
  signingDate?: Date;
  /** S3: the payload hash to declare (default UNSIGNED-PAYLOAD); other services sign the body */
  payloadHash?: string;
}

function requestFor(endpoint: string, urlPath: string, init: SignedInit) {
  // (Concatenated, not resolved: a path such as //key is a path here, not a host.)
  const url = new URL(`${endpoint.replace(/\/$/, "")}${urlPath}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const service = init.service ?? 's3';
  const headers: Record<string, string> = { host: url.host, ...init.headers };
  if (service === 's3') headers['x-amz-content-sha256'] ??= init.payloadHash ?? 'UNSIGNED-PAYLOAD';
  return {
    url,
    service,
    request: { method: init.method ?? 'GET', protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: init.body },
  };
}

function signer(service: string, init: SignedInit) {
  return new SignatureV4({ service, region: init.region ?? 'us-east-1', credentials: init.credentials ?? ROOT, sha256: Sha256, uriEscapePath: service !== 's3' });
}

/** fetch() with a SigV4 Authorization header. */
export async function signedFetch(endpoint: string, urlPath: string, init: SignedInit = {}): Promise<Response> {
  const { url, service, request } = requestFor(endpoint, urlPath, init);
  const signed = await signer(service, init).sign(request, { signingDate: init.signingDate });
  const { host: _host, ...headers } = signed.headers as Record<string, string>;
  return fetch(url, { method: request.method, headers, body: init.body });
}

/** A presigned URL (query-string authentication), as `aws s3 presign` or the SDK's presigner makes. */
export async function presignedUrl(endpoint: string, urlPath: string, init: SignedInit & { expiresIn?: number } = {}): Promise<string> {
  // S3 presigned URLs carry UNSIGNED-PAYLOAD (hoisted into the query); other services sign the empty body.
  const { url, service, request } = requestFor(endpoint, urlPath, { ...init, payloadHash: 'UNSIGNED-PAYLOAD' });
  const signed = await signer(service, init).presign(request, { signingDate: init.signingDate, expiresIn: init.expiresIn ?? 900 });
  const q = new URLSearchParams(signed.query as Record<string, string>);
  return `${url.origin}${url.pathname}?${q.toString().replace(/\+/g, '%20')}`;
}
