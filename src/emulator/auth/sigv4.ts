/**
 * AWS Signature Version 4: parse the Authorization header (or presigned query), rebuild the
 * canonical request and compare signatures. The emulator verifies signatures for keys it
 * issued; the LocalStack-style root key accepts any secret.
 */
import crypto from 'node:crypto';
import { IncompleteSignature, MissingAuthenticationToken } from '../errors.js';
import { emptyRecord } from '../state/records.js';

export interface SigV4Auth {
  accessKeyId: string;
  date: string; // yyyymmdd from the scope
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  securityToken?: string;
}

export interface SignableRequest {
  method: string;
  /** raw path as sent, still percent-encoded */
  rawPath: string;
  /** raw query string without '?' */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** access key / yyyymmdd / region / service / aws4_request; a region is a region name, nothing else. */
const SCOPE_RE = /^([^/]+)\/(\d{8})\/([a-z0-9-]{1,32})\/([^/]+)\/aws4_request$/;

function headerValue(h: SignableRequest['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Returns undefined when the request carries no SigV4 credentials at all. */
export function parseSigV4(req: SignableRequest): SigV4Auth | undefined {
  const authz = headerValue(req.headers, 'authorization');
  if (authz) {
    if (!authz.startsWith('AWS4-HMAC-SHA256')) {
      if (authz.startsWith('AWS ')) {
        throw new IncompleteSignature('Signature Version 2 is not supported; sign requests with Signature Version 4.');
      }
      throw new IncompleteSignature(`Authorization header requires 'Credential' parameter. Authorization=${authz}`);
    }
    const fields = emptyRecord<string>();
    for (const part of authz.slice('AWS4-HMAC-SHA256'.length).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    for (const f of ['Credential', 'SignedHeaders', 'Signature']) {
      if (!fields[f]) {
        throw new IncompleteSignature(`Authorization header requires '${f}' parameter. Authorization=${authz}`);
      }
    }
    const m = SCOPE_RE.exec(fields.Credential);
    if (!m) throw new IncompleteSignature(`Credential should be scoped to a valid region. Credential=${fields.Credential}`);
    const amzDate = headerValue(req.headers, 'x-amz-date') ?? '';
    return {
      accessKeyId: m[1],
      date: m[2],
      region: m[3],
      service: m[4],
      signedHeaders: fields.SignedHeaders.split(';'),
      signature: fields.Signature,
      amzDate,
      presigned: false,
      securityToken: headerValue(req.headers, 'x-amz-security-token'),
    };
  }
  const q = new URLSearchParams(req.rawQuery);
  if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const cred = q.get('X-Amz-Credential') ?? '';
    const m = SCOPE_RE.exec(cred);
    if (!m || !q.get('X-Amz-Signature') || !q.get('X-Amz-SignedHeaders')) {
      throw new IncompleteSignature('Query-string authentication requires the X-Amz-Credential, X-Amz-Signature and X-Amz-SignedHeaders parameters.');
    }
    return {
      accessKeyId: m[1],
      date: m[2],
      region: m[3],
      service: m[4],
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: q.get('X-Amz-Signature') ?? '',
      amzDate: q.get('X-Amz-Date') ?? '',
      presigned: true,
      securityToken: q.get('X-Amz-Security-Token') ?? undefined,
    };
  }
  return undefined;
}

export function requireSigV4(req: SignableRequest): SigV4Auth {
  const auth = parseSigV4(req);
  if (!auth) throw new MissingAuthenticationToken('Request is missing Authentication Token');
  return auth;
}

/** RFC 3986 encoding as SigV4 requires. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  if (!rawQuery) return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/** A path made only of characters that encoding leaves alone (so its double encoding is itself). */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

function canonicalPath(rawPath: string, service: string): string {
  if (service === 's3') return rawPath || '/';
  if (PLAIN_PATH.test(rawPath)) return rawPath || '/';
  // Other services: each segment is normalized and encoded once more (double encoding).
  return (
    rawPath
      .split('/')
      .map((seg) => uriEncode(decodeComponent(seg)))
      .map((seg) => uriEncode(seg))
      .join('/') || '/'
  );
}

/**
 * The payload hash the signature covers: the declared one, else for an S3 presigned URL
 * UNSIGNED-PAYLOAD (or the X-Amz-Content-Sha256 it carries), else the body's own hash (the SDKs
 * and CLIs sign IAM and STS bodies, presigned or not).
 */
export function payloadHash(req: SignableRequest, auth: SigV4Auth): string {
  const declared = headerValue(req.headers, 'x-amz-content-sha256');
  if (declared) return declared;
  if (auth.presigned && auth.service === 's3') return new URLSearchParams(req.rawQuery).get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  return sha256Hex(req.body);
}

// crypto.hash came with Node 20.12; the engines field allows any Node 20.
const oneShotHash = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/**
 * SHA-256 as hex. Every signed request hashes its canonical request (and IAM and STS their body):
 * crypto.hash (Node 20.12 and later) does it in one call, without a Hash object each time.
 */
export function sha256Hex(data: string | Buffer): string {
  return oneShotHash ? oneShotHash('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

export function canonicalRequest(req: SignableRequest, auth: SigV4Auth): string {
  const headers = auth.signedHeaders
    .map((h) => `${h}:${(headerValue(req.headers, h) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [
    req.method,
    canonicalPath(req.rawPath, auth.service),
    canonicalQuery(req.rawQuery, auth.presigned),
    headers,
    auth.signedHeaders.join(';'),
    payloadHash(req, auth),
  ].join('\n');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Derived signing keys, as the SDKs keep them: the same for every request of a day and scope. */
const signingKeys = new Map<string, Buffer>();
const SIGNING_KEYS_MAX = 512;

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\u0000${date}\u0000${region}\u0000${service}`;
  let key = signingKeys.get(id);
  if (!key) {
    if (signingKeys.size >= SIGNING_KEYS_MAX) signingKeys.clear();
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    signingKeys.set(id, key);
  }
  return key;
}

export function expectedSignature(req: SignableRequest, auth: SigV4Auth, secret: string): string {
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const creq = canonicalRequest(req, auth);
  const sts = ['AWS4-HMAC-SHA256', auth.amzDate, scope, sha256Hex(creq)].join('\n');
  return hmac(signingKey(secret, auth.date, auth.region, auth.service), sts).toString('hex');
}

export function signatureMatches(req: SignableRequest, auth: SigV4Auth, secret: string): boolean {
  const expected = Buffer.from(expectedSignature(req, auth, secret), 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
