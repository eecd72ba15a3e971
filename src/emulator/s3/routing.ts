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

/** Request documents (policies, Delete, CompleteMultipartUpload) stay far below this. */
export const S3_DOCUMENT_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * The largest body a request may carry, known from its request line alone: object data (PUT on
 * a key: PutObject, UploadPart) up to the emulator's limit, anything else a small document.
 */
export function s3BodyLimit(req: Pick<IncomingRequest, 'method' | 'rawPath' | 'headers'>, maxObjectBytes: number): number {
  if (req.method !== 'PUT') return S3_DOCUMENT_BODY_LIMIT;
  const host = req.headers.host;
  const virtual = bucketFromHost(Array.isArray(host) ? host[0] : host) !== undefined;
  const path = req.rawPath.replace(/^\//, '');
  const onKey = virtual ? path.length > 0 : path.includes('/') && path.indexOf('/') < path.length - 1;
  return onKey ? maxObjectBytes : S3_DOCUMENT_BODY_LIMIT;
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

/** What a request addresses: the service (no bucket), a bucket, or an object. */
export type S3Target = 'service' | 'bucket' | 'object';

/**
 * One row of the routing table: a method on a target with one subresource (`?policy`, `?uploads`,
 * or none) is an operation. `when` narrows a row by other parameters or headers. The first
 * matching row wins; a request no row matches is never guessed at (see operationOf).
 */
export interface S3RouteRule {
  method: string;
  target: S3Target;
  /** the subresource query parameter, or undefined for a request without one */
  sub?: string;
  when?: (q: URLSearchParams, req: IncomingRequest) => boolean;
  operation: string;
}

const copySource = (_q: URLSearchParams, req: IncomingRequest) => req.headers['x-amz-copy-source'] !== undefined;
const not =
  (f: (q: URLSearchParams, req: IncomingRequest) => boolean) =>
  (q: URLSearchParams, req: IncomingRequest) =>
    !f(q, req);
const has = (name: string) => (q: URLSearchParams) => q.has(name);
const both =
  (...fs: Array<(q: URLSearchParams, req: IncomingRequest) => boolean>) =>
  (q: URLSearchParams, req: IncomingRequest) =>
    fs.every((f) => f(q, req));

/** The operations this emulator models. Add a row here (and a handler in operations.ts) for a new one. */
export const S3_ROUTES: S3RouteRule[] = [
  { method: 'GET', target: 'service', operation: 'ListBuckets' },

  { method: 'GET', target: 'bucket', when: (q) => q.get('list-type') === '2', operation: 'ListObjectsV2' },
  { method: 'GET', target: 'bucket', when: (q) => !q.has('list-type'), operation: 'ListObjects' },
  { method: 'GET', target: 'bucket', sub: 'policy', operation: 'GetBucketPolicy' },
  { method: 'GET', target: 'bucket', sub: 'location', operation: 'GetBucketLocation' },
  { method: 'GET', target: 'bucket', sub: 'uploads', operation: 'ListMultipartUploads' },
  { method: 'GET', target: 'bucket', sub: 'versioning', operation: 'GetBucketVersioning' },
  { method: 'GET', target: 'bucket', sub: 'acl', operation: 'GetBucketAcl' },
  { method: 'GET', target: 'bucket', sub: 'ownershipControls', operation: 'GetBucketOwnershipControls' },
  { method: 'GET', target: 'bucket', sub: 'publicAccessBlock', operation: 'GetPublicAccessBlock' },
  { method: 'GET', target: 'bucket', sub: 'policyStatus', operation: 'GetBucketPolicyStatus' },
  { method: 'HEAD', target: 'bucket', operation: 'HeadBucket' },
  { method: 'PUT', target: 'bucket', operation: 'CreateBucket' },
  { method: 'PUT', target: 'bucket', sub: 'policy', operation: 'PutBucketPolicy' },
  { method: 'PUT', target: 'bucket', sub: 'acl', operation: 'PutBucketAcl' },
  { method: 'PUT', target: 'bucket', sub: 'ownershipControls', operation: 'PutBucketOwnershipControls' },
  { method: 'PUT', target: 'bucket', sub: 'publicAccessBlock', operation: 'PutPublicAccessBlock' },
  { method: 'DELETE', target: 'bucket', operation: 'DeleteBucket' },
  { method: 'DELETE', target: 'bucket', sub: 'policy', operation: 'DeleteBucketPolicy' },
  { method: 'DELETE', target: 'bucket', sub: 'ownershipControls', operation: 'DeleteBucketOwnershipControls' },
  { method: 'DELETE', target: 'bucket', sub: 'publicAccessBlock', operation: 'DeletePublicAccessBlock' },
  { method: 'POST', target: 'bucket', sub: 'delete', operation: 'DeleteObjects' },

  { method: 'GET', target: 'object', when: has('uploadId'), operation: 'ListParts' },
  { method: 'GET', target: 'object', when: not(has('uploadId')), operation: 'GetObject' },
  { method: 'GET', target: 'object', sub: 'acl', operation: 'GetObjectAcl' },
  { method: 'HEAD', target: 'object', when: not(has('uploadId')), operation: 'HeadObject' },
  { method: 'PUT', target: 'object', when: both(has('uploadId'), has('partNumber'), copySource), operation: 'UploadPartCopy' },
  { method: 'PUT', target: 'object', when: both(has('uploadId'), has('partNumber'), not(copySource)), operation: 'UploadPart' },
  { method: 'PUT', target: 'object', when: both(not(has('uploadId')), not(has('partNumber')), copySource), operation: 'CopyObject' },
  { method: 'PUT', target: 'object', when: both(not(has('uploadId')), not(has('partNumber')), not(copySource)), operation: 'PutObject' },
  { method: 'PUT', target: 'object', sub: 'acl', operation: 'PutObjectAcl' },
  { method: 'DELETE', target: 'object', when: has('uploadId'), operation: 'AbortMultipartUpload' },
  { method: 'DELETE', target: 'object', when: not(has('uploadId')), operation: 'DeleteObject' },
  { method: 'POST', target: 'object', sub: 'uploads', operation: 'CreateMultipartUpload' },
  { method: 'POST', target: 'object', when: has('uploadId'), operation: 'CompleteMultipartUpload' },
];

/**
 * Query parameters that are arguments of an operation, never a subresource (S3's API model:
 * every querystring member, plus what signing and the SDKs add). Any other parameter names a
 * subresource: `?acl`, `?metadataTable`, `?versionId`, or something no S3 API has.
 */
const PARAMETERS = new Set([
  'bucket-region', 'continuation-token', 'delimiter', 'encoding-type', 'fetch-owner', 'id', 'key-marker', 'marker', 'max-buckets',
  'max-directory-buckets', 'max-keys', 'max-parts', 'max-uploads', 'part-number-marker', 'partNumber', 'prefix',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires', 'start-after', 'upload-id-marker', 'uploadId', 'list-type', 'x-id',
  // query-string authentication (SigV4 presigned URLs, and SigV2 ones S3 refuses)
  'AWSAccessKeyId', 'Signature', 'Expires',
]);
const isParameter = (name: string) => PARAMETERS.has(name) || /^x-amz-/i.test(name);

/** The operation a request is, or the error AWS gives for one this emulator does not model. */
function operationOf(method: string, bucket: string | undefined, key: string | undefined, q: URLSearchParams, req: IncomingRequest): string {
  const target: S3Target = !bucket ? 'service' : key === undefined ? 'bucket' : 'object';
  const subs = [...new Set([...q.keys()].filter((k) => !isParameter(k)))];
  if (subs.length > 1) throw notImplemented(`A request with ?${subs.join('&').slice(0, 64)}`);
  const sub = subs[0];
  const rule = S3_ROUTES.find((r) => r.method === method && r.target === target && r.sub === sub && (!r.when || r.when(q, req)));
  if (rule) return rule.operation;
  // A subresource, or parameters, no modelled operation takes: answered, never guessed at.
  if (sub !== undefined || S3_ROUTES.some((r) => r.method === method && r.target === target)) {
    throw notImplemented(sub !== undefined ? `The ?${sub} API` : `This ${method} request with these parameters`);
  }
  const resourceType = target === 'service' ? 'SERVICE' : target === 'bucket' ? 'BUCKET' : 'OBJECT';
  throw new MethodNotAllowed('The specified method is not allowed against this resource.', { Method: method, ResourceType: resourceType });
}

function notImplemented(what: string): AwsError {
  return new NotImplemented(
    `A header you provided implies functionality that is not implemented. (${what.slice(0, 100)} is not emulated by iam-labs' embedded emulator; use --backend localstack for it.)`,
  );
}
