/** ListObjectsV2 and ListObjects (v1): prefix, delimiter → CommonPrefixes, paging, encoding-type=url. */
import { InvalidArgument } from '../../errors.js';
import type { OutgoingResponse } from '../../types.js';
import type { Bucket, S3Object } from '../models.js';
import type { S3Call } from '../operation.js';
import { xmlResponse } from '../rest-xml.js';
import { canonicalUserId, compareKeys } from '../store.js';

interface ListParams {
  prefix: string;
  delimiter?: string;
  /** list keys strictly after this one */
  after?: string;
  maxKeys: number;
}

interface ListPage {
  contents: S3Object[];
  commonPrefixes: string[];
  truncated: boolean;
  /** the last key or common prefix returned (where the next page starts) */
  last?: string;
}

/** Sorted keys are cached per bucket object map until it changes size or identity. */
const sortedCache = new WeakMap<Bucket['objects'], { count: number; keys: string[]; version: string }>();

function sortedKeys(bucket: Bucket): string[] {
  const keys = Object.keys(bucket.objects);
  const version = keys.join('\u0000');
  const cached = sortedCache.get(bucket.objects);
  if (cached && cached.count === keys.length && cached.version === version) return cached.keys;
  const sorted = [...keys].sort(compareKeys);
  sortedCache.set(bucket.objects, { count: keys.length, keys: sorted, version });
  return sorted;
}

export function listPage(bucket: Bucket, p: ListParams): ListPage {
  const page: ListPage = { contents: [], commonPrefixes: [], truncated: false };
  if (p.maxKeys === 0) return page;
  let count = 0;
  let lastPrefix: string | undefined;
  for (const key of sortedKeys(bucket)) {
    if (!key.startsWith(p.prefix)) continue;
    if (p.after !== undefined && compareKeys(key, p.after) <= 0) continue;
    let prefix: string | undefined;
    if (p.delimiter) {
      const idx = key.indexOf(p.delimiter, p.prefix.length);
      if (idx >= 0) prefix = key.slice(0, idx + p.delimiter.length);
    }
    if (prefix !== undefined) {
      // A common prefix is listed once; one at or before the marker was listed on an earlier page.
      if (prefix === lastPrefix || (p.after !== undefined && compareKeys(prefix, p.after) <= 0)) continue;
    }
    if (count === p.maxKeys) {
      page.truncated = true;
      break;
    }
    if (prefix !== undefined) {
      page.commonPrefixes.push(prefix);
      lastPrefix = prefix;
      page.last = prefix;
    } else {
      page.contents.push(bucket.objects[key]);
      page.last = key;
    }
    count++;
  }
  return page;
}

function maxKeysParam(call: S3Call): number {
  const raw = call.route.query.get('max-keys');
  if (raw === null || raw === '') return 1000;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) > 2147483647) {
    throw new InvalidArgument('Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: raw });
  }
  const n = Number(raw);
  if (n < 0) throw new InvalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', { ArgumentName: 'maxKeys', ArgumentValue: raw });
  return Math.min(n, 1000);
}

function encodingParam(call: S3Call): 'url' | undefined {
  const e = call.route.query.get('encoding-type');
  if (e === null) return undefined;
  if (e.toLowerCase() !== 'url') {
    throw new InvalidArgument('Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: e });
  }
  return 'url';
}

/** encoding-type=url: percent-encode, keeping '/' and writing spaces as '+', as S3 does. */
function encoder(encoding: 'url' | undefined): (s: string) => string {
  if (!encoding) return (s) => s;
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** Condition keys S3 sets for ListBucket (s3:prefix, s3:delimiter, s3:max-keys). */
export function listContext(call: S3Call): Record<string, string> {
  const q = call.route.query;
  const ctx: Record<string, string> = {};
  if (q.has('prefix')) ctx['s3:prefix'] = q.get('prefix') ?? '';
  if (q.has('delimiter')) ctx['s3:delimiter'] = q.get('delimiter') ?? '';
  if (q.has('max-keys')) ctx['s3:max-keys'] = q.get('max-keys') ?? '';
  return ctx;
}

function entry(obj: S3Object, enc: (s: string) => string, owner: string | undefined): Record<string, unknown> {
  return {
    Key: enc(obj.key),
    LastModified: obj.lastModified,
    ETag: obj.etag,
    ChecksumAlgorithm: obj.checksum ? obj.checksum.algorithm : undefined,
    ChecksumType: obj.checksum ? 'FULL_OBJECT' : undefined,
    Size: obj.size,
    Owner: owner ? { ID: owner } : undefined,
    StorageClass: 'STANDARD',
  };
}

const TOKEN_PREFIX = 'v1:';

function encodeToken(marker: string): string {
  return Buffer.from(TOKEN_PREFIX + marker, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX) || Buffer.from(text, 'utf8').toString('base64') !== token) {
    throw new InvalidArgument('The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  }
  return text.slice(TOKEN_PREFIX.length);
}

export function listObjectsV2(call: S3Call): OutgoingResponse {
  const q = call.route.query;
  const maxKeys = maxKeysParam(call);
  const encoding = encodingParam(call);
  const enc = encoder(encoding);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? undefined;
  const after = token !== null ? decodeToken(token) : startAfter || undefined;
  const page = listPage(call.ref!.bucket, { prefix, delimiter, after, maxKeys });
  const owner = q.get('fetch-owner') === 'true' ? canonicalUserId(call.ref!.account.accountId) : undefined;
  return xmlResponse(call.ctx.requestId, 'ListBucketResult', {
    Name: call.bucketName,
    Prefix: enc(prefix),
    Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
    MaxKeys: maxKeys,
    EncodingType: encoding,
    KeyCount: page.contents.length + page.commonPrefixes.length,
    IsTruncated: page.truncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined,
    StartAfter: startAfter !== undefined ? enc(startAfter) : undefined,
    Contents: page.contents.map((o) => entry(o, enc, owner)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}

export function listObjects(call: S3Call): OutgoingResponse {
  const q = call.route.query;
  const maxKeys = maxKeysParam(call);
  const encoding = encodingParam(call);
  const enc = encoder(encoding);
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') || undefined;
  const marker = q.get('marker') ?? '';
  const page = listPage(call.ref!.bucket, { prefix, delimiter, after: marker || undefined, maxKeys });
  const owner = canonicalUserId(call.ref!.account.accountId);
  return xmlResponse(call.ctx.requestId, 'ListBucketResult', {
    Name: call.bucketName,
    Prefix: enc(prefix),
    Marker: enc(marker),
    // v1 returns NextMarker only with a delimiter; without one, clients continue from the last key.
    NextMarker: page.truncated && delimiter !== undefined && page.last !== undefined ? enc(page.last) : undefined,
    MaxKeys: maxKeys,
    Delimiter: delimiter !== undefined ? enc(delimiter) : undefined,
    EncodingType: encoding,
    IsTruncated: page.truncated,
    Contents: page.contents.map((o) => entry(o, enc, owner)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
