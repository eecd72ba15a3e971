/** Object metadata as S3 reads it from request headers and writes it back on GET/HEAD. */
import { KeyTooLongError } from '../../errors.js';
import type { S3Call } from '../operation.js';
import type { S3Object } from '../models.js';
import { emptyRecord } from '../../state/records.js';

export interface StoredHeaders {
  contentType: string;
  metadata: Record<string, string>;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
}

/** S3's default content type when the uploader sends none. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const META_PREFIX = 'x-amz-meta-';

export function headersFromRequest(call: S3Call): StoredHeaders {
  const metadata = emptyRecord<string>();
  for (const [name, value] of Object.entries(call.ctx.request.headers)) {
    if (name.startsWith(META_PREFIX) && value !== undefined) {
      metadata[name.slice(META_PREFIX.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  // aws-chunked is transport framing, not the object's encoding.
  const encoding = (call.header('content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked')
    .join(',');
  return {
    contentType: call.header('content-type') || DEFAULT_CONTENT_TYPE,
    metadata,
    contentEncoding: encoding || undefined,
    contentDisposition: call.header('content-disposition'),
    contentLanguage: call.header('content-language'),
    cacheControl: call.header('cache-control'),
    expires: call.header('expires'),
  };
}

export function validateKey(key: string): void {
  const size = Buffer.byteLength(key);
  if (size > 1024) throw new KeyTooLongError('Your key is too long', { MaxSizeAllowed: '1024', Size: String(size) });
}

export const httpDate = (iso: string): string => new Date(iso).toUTCString();

/** Headers S3 returns with an object on GET and HEAD. */
export function objectHeaders(obj: S3Object): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': obj.contentType,
    etag: obj.etag,
    'last-modified': httpDate(obj.lastModified),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
  };
  if (obj.contentEncoding) h['content-encoding'] = obj.contentEncoding;
  if (obj.contentDisposition) h['content-disposition'] = obj.contentDisposition;
  if (obj.contentLanguage) h['content-language'] = obj.contentLanguage;
  if (obj.cacheControl) h['cache-control'] = obj.cacheControl;
  if (obj.expires) h.expires = obj.expires;
  for (const [k, v] of Object.entries(obj.metadata)) h[`x-amz-meta-${k}`] = v;
  return h;
}

/** GetObject's response-* query parameters override the stored headers (used with presigned URLs). */
export const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};
