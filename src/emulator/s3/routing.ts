/**
 * Which S3 operation a request is: bucket and key from the Host header (virtual-hosted style)
 * or the path (path style), then method + subresource query parameters → operation name.
 */
import { type AwsError, MethodNotAllowed, NotImplemented } from '../errors.js';
import type { IncomingRequest } from '../types.js';

export interface S3Route {
  operation: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
}

/**
 * Host names whose first labels name a bucket: `<bucket>.localhost`, LocalStack's
 * `<bucket>.s3.localhost.localstack.cloud` (optionally with a region), and AWS's own forms.
 */
const VIRTUAL_HOST_PATTERNS: RegExp[] = [
  /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.localhost\.localstack\.cloud$/,
  /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/,
  /^(.+)\.localhost$/,
];

/** Host names that address the service itself (path-style). */
const SERVICE_HOSTS = [/^s3(?:[.-][a-z0-9-]+)?\.localhost\.localstack\.cloud$/, /^localhost\.localstack\.cloud$/, /^s3\.localhost$/];

export function bucketFromHost(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const host = hostHeader.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (SERVICE_HOSTS.some((re) => re.test(host))) return undefined;
  for (const re of VIRTUAL_HOST_PATTERNS) {
    const m = re.exec(host);
    if (m) return m[1];
  }
  return undefined;
}

function decodePath(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function route(req: IncomingRequest): S3Route {
  const query = new URLSearchParams(req.rawQuery);
  const host = req.headers.host;
  const hostBucket = bucketFromHost(Array.isArray(host) ? host[0] : host);
  let bucket: string | undefined;
  let key: string | undefined;
  const path = req.rawPath.startsWith('/') ? req.rawPath.slice(1) : req.rawPath;
  if (hostBucket) {
    bucket = hostBucket;
    key = path ? decodePath(path) : undefined;
  } else if (path) {
    const slash = path.indexOf('/');
    bucket = decodePath(slash < 0 ? path : path.slice(0, slash));
    const rest = slash < 0 ? '' : path.slice(slash + 1);
    key = rest ? decodePath(rest) : undefined;
  }
  return { operation: operationOf(req.method, bucket, key, query, req), bucket, key, query };
}

/** Subresources that name bucket configuration APIs this emulator does not model. */
const UNMODELLED_BUCKET_SUBRESOURCES = [
  'acl', 'cors', 'lifecycle', 'logging', 'notification', 'replication', 'tagging', 'website', 'encryption',
  'ownershipControls', 'publicAccessBlock', 'object-lock', 'accelerate', 'analytics', 'intelligent-tiering',
  'inventory', 'metrics', 'requestPayment', 'policyStatus', 'versions', 'versioning',
];

function operationOf(method: string, bucket: string | undefined, key: string | undefined, q: URLSearchParams, req: IncomingRequest): string {
  if (!bucket) {
    if (method === 'GET') return 'ListBuckets';
    throw new MethodNotAllowed('The specified method is not allowed against this resource.', { Method: method, ResourceType: 'SERVICE' });
  }
  if (key === undefined) {
    switch (method) {
      case 'GET':
        if (q.has('policy')) return 'GetBucketPolicy';
        if (q.has('acl')) return 'GetBucketAcl';
        if (q.has('ownershipControls')) return 'GetBucketOwnershipControls';
        if (q.has('publicAccessBlock')) return 'GetPublicAccessBlock';
        if (q.has('policyStatus')) return 'GetBucketPolicyStatus';
        if (q.has('location')) return 'GetBucketLocation';
        if (q.has('uploads')) return 'ListMultipartUploads';
        if (q.has('versioning')) return 'GetBucketVersioning';
        if (q.get('list-type') === '2') return 'ListObjectsV2';
        unmodelled(q);
        return 'ListObjects';
      case 'HEAD':
        return 'HeadBucket';
      case 'PUT':
        if (q.has('policy')) return 'PutBucketPolicy';
        if (q.has('acl')) return 'PutBucketAcl';
        if (q.has('ownershipControls')) return 'PutBucketOwnershipControls';
        if (q.has('publicAccessBlock')) return 'PutPublicAccessBlock';
        unmodelled(q);
        return 'CreateBucket';
      case 'DELETE':
        if (q.has('policy')) return 'DeleteBucketPolicy';
        if (q.has('ownershipControls')) return 'DeleteBucketOwnershipControls';
        if (q.has('publicAccessBlock')) return 'DeletePublicAccessBlock';
        unmodelled(q);
        return 'DeleteBucket';
      case 'POST':
        if (q.has('delete')) return 'DeleteObjects';
        break;
    }
    throw new MethodNotAllowed('The specified method is not allowed against this resource.', { Method: method, ResourceType: 'BUCKET' });
  }
  switch (method) {
    case 'GET':
      if (q.has('uploadId')) return 'ListParts';
      if (q.has('acl')) return 'GetObjectAcl';
      objectUnmodelled(q);
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('partNumber') && q.has('uploadId')) return req.headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart';
      if (q.has('acl')) return 'PutObjectAcl';
      objectUnmodelled(q);
      return req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
    case 'DELETE':
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      objectUnmodelled(q);
      return 'DeleteObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      break;
  }
  throw new MethodNotAllowed('The specified method is not allowed against this resource.', { Method: method, ResourceType: 'OBJECT' });
}

function unmodelled(q: URLSearchParams): void {
  const sub = UNMODELLED_BUCKET_SUBRESOURCES.find((s) => q.has(s));
  if (sub) throw notImplemented(sub);
}

function objectUnmodelled(q: URLSearchParams): void {
  const sub = ['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'attributes'].find((s) => q.has(s));
  if (sub) throw notImplemented(sub);
}

function notImplemented(subresource: string): AwsError {
  return new NotImplemented(
    `A header you provided implies functionality that is not implemented. (The ?${subresource} API is not emulated by iam-labs' embedded emulator; use --backend localstack for it.)`,
  );
}
