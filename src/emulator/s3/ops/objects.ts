/** Object calls: PutObject, GetObject, HeadObject, DeleteObject, CopyObject, DeleteObjects. */
import { AwsError, InvalidArgument, InvalidRequest, PreconditionFailed } from '../../errors.js';
import type { OutgoingResponse } from '../../types.js';
import { decodeBody } from '../chunked.js';
import { checksumHeader, computeChecksum, md5Hex, parseAlgorithm, verifyUpload } from '../checksums.js';
import type { ObjectChecksum, S3Object } from '../models.js';
import type { S3Call } from '../operation.js';
import { child, childText, commonHeaders, malformedXml, parseXml, xmlResponse } from '../rest-xml.js';
import { canonicalUserId, findBucket, objectArn, objectBody, requireBucket, requireObject, type BucketRef } from '../store.js';
import { checkAclAllowed, requestedAcl } from './access-control.js';
import { empty } from './empty.js';
import { checkReadConditions, checkWriteConditions, parseRange } from './conditions.js';
import { headersFromRequest, objectHeaders, RESPONSE_OVERRIDES, validateKey } from './object-headers.js';

export function putObject(call: S3Call): OutgoingResponse {
  validateKey(call.key);
  const { body, trailers } = decodeBody(call.ctx.request);
  const checksum = verifyUpload(call.ctx.request.headers, trailers, body);
  const bucket = call.ref!.bucket;
  checkWriteConditions(call.header, Object.hasOwn(bucket.objects, call.key) ? bucket.objects[call.key] : undefined);
  // x-amz-acl / x-amz-grant-*: refused when the bucket disables ACLs (unless it is the owner's full control).
  const ownerId = canonicalUserId(call.ref!.account.accountId);
  const acl = requestedAcl(call, 'object', ownerId, true);
  if (acl) checkAclAllowed(call, acl, ownerId);
  const obj: S3Object = {
    key: call.key,
    body: body.toString('base64'),
    size: body.length,
    etag: `"${md5Hex(body)}"`,
    lastModified: new Date().toISOString(),
    ...headersFromRequest(call),
    checksum,
    ...(acl ? { acl } : {}),
  };
  bucket.objects[call.key] = obj;
  return empty(call, 200, { etag: obj.etag, 'x-amz-server-side-encryption': 'AES256', ...(checksum ? checksumHeader(checksum) : {}) });
}

function readObject(call: S3Call, withBody: boolean): OutgoingResponse {
  const obj = requireObject(call.ref!.bucket, call.key);
  checkReadConditions(call.header, obj);
  const headers: Record<string, string> = { ...commonHeaders(call.ctx.requestId), ...objectHeaders(obj) };
  if (obj.partsCount) headers['x-amz-mp-parts-count'] = String(obj.partsCount);
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const v = call.route.query.get(param);
    if (v === null) continue;
    // Only values HTTP can carry in a header (no control characters, Latin-1 at most).
    if (/[^\t\x20-\x7e\x80-\xff]/.test(v)) {
      throw new InvalidArgument(`Header value cannot be represented using ISO-8859-1.`, { ArgumentName: param, ArgumentValue: v });
    }
    headers[header] = v;
  }
  const range = parseRange(call.header('range'), obj.size);
  // Checksums describe the whole object, so S3 returns them only for full reads when asked.
  if (!range && obj.checksum && call.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumHeader(obj.checksum));
  }
  const full = withBody || range ? objectBody(obj) : undefined;
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${obj.size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    return { status: 206, headers, body: withBody ? full!.subarray(range.start, range.end + 1) : '' };
  }
  headers['content-length'] = String(obj.size);
  return { status: 200, headers, body: withBody ? full! : '' };
}

export const getObject = (call: S3Call): OutgoingResponse => readObject(call, true);
export const headObject = (call: S3Call): OutgoingResponse => readObject(call, false);

export function deleteObject(call: S3Call): OutgoingResponse {
  // S3 answers 204 whether or not the key existed.
  delete call.ref!.bucket.objects[call.key];
  return empty(call, 204);
}

/** x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optionally "?versionId=…". */
export function parseCopySource(raw: string | undefined): { bucket: string; key: string } {
  const value = (raw ?? '').replace(/^\//, '').replace(/\?versionId=.*$/, '');
  const slash = value.indexOf('/');
  let bucket = '';
  let key = '';
  try {
    bucket = decodeURIComponent(slash < 0 ? value : value.slice(0, slash));
    key = slash < 0 ? '' : decodeURIComponent(value.slice(slash + 1));
  } catch {
    // fall through to the error below
  }
  if (!bucket || !key) {
    throw new InvalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: raw ?? '',
    });
  }
  return { bucket, key };
}

/** Authorize s3:GetObject on the copy source (with its bucket policy) and return the source object. */
export async function readCopySource(call: S3Call): Promise<{ ref: BucketRef; obj: S3Object; bucket: string; key: string }> {
  const src = parseCopySource(call.header('x-amz-copy-source'));
  const found = findBucket(call.ctx, src.bucket, call.header('x-amz-source-expected-bucket-owner'));
  await call.ctx.authorize({
    action: 's3:GetObject',
    resource: objectArn(src.bucket, src.key),
    resourcePolicy: found?.bucket.policy,
    resourceAccount: found?.account.accountId,
  });
  const ref = requireBucket(found, src.bucket);
  const obj = requireObject(ref.bucket, src.key);
  // x-amz-copy-source-if-*: the read conditions, applied to the source; every failure is a 412.
  try {
    checkReadConditions((h) => call.header(`x-amz-copy-source-${h}`), obj);
  } catch (e) {
    if (e instanceof AwsError && e.code === 'NotModified') {
      throw new PreconditionFailed('At least one of the pre-conditions you specified did not hold', { Condition: 'x-amz-copy-source-If-None-Match' });
    }
    throw e;
  }
  return { ref, obj, ...src };
}

const COPY_TO_ITSELF =
  "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

export async function copyObject(call: S3Call): Promise<OutgoingResponse> {
  validateKey(call.key);
  const source = await readCopySource(call);
  const directive = (call.header('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new InvalidArgument('Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
  }
  const sameObject = source.ref.bucket === call.ref!.bucket && source.key === call.key;
  if (sameObject && directive === 'COPY' && !call.header('x-amz-storage-class') && !call.header('x-amz-server-side-encryption')) {
    throw new InvalidRequest(COPY_TO_ITSELF);
  }
  const body = objectBody(source.obj);
  const algorithm = parseAlgorithm(call.header('x-amz-checksum-algorithm')) ?? source.obj.checksum?.algorithm;
  const value = algorithm ? computeChecksum(algorithm, body) : undefined;
  const checksum: ObjectChecksum | undefined = algorithm && value ? { algorithm, value } : undefined;
  const stored =
    directive === 'REPLACE'
      ? headersFromRequest(call)
      : {
          contentType: source.obj.contentType,
          metadata: { ...source.obj.metadata },
          contentEncoding: source.obj.contentEncoding,
          contentDisposition: source.obj.contentDisposition,
          contentLanguage: source.obj.contentLanguage,
          cacheControl: source.obj.cacheControl,
          expires: source.obj.expires,
        };
  const obj: S3Object = {
    key: call.key,
    body: source.obj.body,
    size: source.obj.size,
    etag: `"${md5Hex(body)}"`,
    lastModified: new Date().toISOString(),
    ...stored,
    checksum,
  };
  call.ref!.bucket.objects[call.key] = obj;
  return xmlResponse(
    call.ctx.requestId,
    'CopyObjectResult',
    { ETag: obj.etag, LastModified: obj.lastModified, ...(checksum ? { [`Checksum${checksum.algorithm}`]: checksum.value } : {}) },
    200,
    { 'x-amz-server-side-encryption': 'AES256' },
  );
}

/** POST ?delete: up to 1000 keys; each key is authorized (s3:DeleteObject) and reported on its own. */
export async function deleteObjects(call: S3Call): Promise<OutgoingResponse> {
  const doc = parseXml(call.ctx.request.body.toString('utf8'));
  if (doc.name !== 'Delete') throw malformedXml();
  const objects = doc.children.filter((c) => c.name === 'Object');
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  const quiet = childText(doc, 'Quiet')?.trim().toLowerCase() === 'true';
  const ref = call.ref!;
  const deleted: Array<Record<string, string>> = [];
  const errors: Array<Record<string, string>> = [];
  for (const o of objects) {
    const keyNode = child(o, 'Key');
    if (!keyNode) throw malformedXml();
    const key = keyNode.text;
    try {
      await call.ctx.authorize({
        action: 's3:DeleteObject',
        resource: objectArn(call.bucketName, key),
        resourcePolicy: ref.bucket.policy,
        resourceAccount: ref.account.accountId,
      });
      delete ref.bucket.objects[key];
      if (!quiet) deleted.push({ Key: key });
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      errors.push({ Key: key, Code: e.code, Message: e.message });
    }
  }
  return xmlResponse(call.ctx.requestId, 'DeleteResult', { Deleted: deleted, Error: errors });
}
