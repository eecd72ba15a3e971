/**
 * S3 in CloudTrail's event history: bucket-level management calls (CreateBucket, PutBucketPolicy,
 * ListBuckets, …) are management events; object-level calls (GetObject, PutObject, ListObjects,
 * HeadBucket, …) are data events, which event history does not show. The S3 module is not
 * touched: the call is recognised from the request with S3's own router.
 */
import { route } from '../s3/routing.js';
import type { RequestContext } from '../types.js';
import type { CallNote } from '../protocol/call-notes.js';

/** Bucket-level calls S3 logs as data events, not management events. */
const BUCKET_DATA_EVENTS = new Set(['HeadBucket', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads']);

function isManagement(operation: string): boolean {
  if (operation === 'ListBuckets') return true;
  if (BUCKET_DATA_EVENTS.has(operation)) return false;
  return /Bucket|PublicAccessBlock/.test(operation);
}

export function s3Note(ctx: RequestContext): CallNote | undefined {
  let r;
  try {
    r = route(ctx.request);
  } catch {
    return undefined;
  }
  if (!isManagement(r.operation)) return { eventName: r.operation, readOnly: true, dataEvent: true };
  const host = ctx.request.headers.host;
  const params: Record<string, unknown> = Object.create(null);
  if (r.bucket) params.bucketName = r.bucket;
  params.Host = Array.isArray(host) ? host[0] : (host ?? '');
  for (const k of r.query.keys()) params[k] = r.query.get(k) ?? '';
  if (r.operation === 'PutBucketPolicy' && ctx.request.body.length <= 20 * 1024) {
    try {
      params.bucketPolicy = JSON.parse(ctx.request.body.toString('utf8'));
    } catch {
      // an unparseable policy is refused by S3; CloudTrail then records no document
    }
  }
  return { eventName: r.operation, readOnly: /^(Get|List|Head)/.test(r.operation), requestParameters: params };
}
