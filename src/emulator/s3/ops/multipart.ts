/**
 * Multipart uploads (what `aws s3 cp` uses for files of 8 MB and more): Create, UploadPart,
 * UploadPartCopy, Complete, Abort, ListParts, ListMultipartUploads.
 */
import crypto from 'node:crypto';
import { EntityTooSmall, InvalidArgument, InvalidPart, InvalidPartOrder, InvalidRange } from '../../errors.js';
import type { OutgoingResponse } from '../../types.js';
import { decodeBody } from '../chunked.js';
import { checksumHeader, md5Hex, parseAlgorithm, verifyUpload } from '../checksums.js';
import type { MultipartUpload, S3Object } from '../models.js';
import type { S3Call } from '../operation.js';
import { childText, malformedXml, parseXml, xmlResponse } from '../rest-xml.js';
import { canonicalUserId, compareKeys, newUploadId, objectBody, requireUpload } from '../store.js';
import { empty } from './empty.js';
import { checkWriteConditions } from './conditions.js';
import { headersFromRequest, validateKey } from './object-headers.js';
import { readCopySource } from './objects.js';
import { emptyRecord } from '../../state/records.js';

const MIN_PART_SIZE = 5 * 1024 * 1024;

function uploads(call: S3Call): Record<string, MultipartUpload> {
  const bucket = call.ref!.bucket;
  bucket.uploads ??= emptyRecord();
  return bucket.uploads;
}

/** The upload named by ?uploadId, which must be for this key. */
function upload(call: S3Call): MultipartUpload {
  const id = call.route.query.get('uploadId') ?? '';
  const u = requireUpload(call.ref!.bucket, id);
  if (u.key !== call.key) requireUpload({ ...call.ref!.bucket, uploads: emptyRecord() }, id);
  return u;
}

function partNumber(call: S3Call): number {
  const raw = call.route.query.get('partNumber') ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new InvalidArgument('Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  return n;
}

export function createMultipartUpload(call: S3Call): OutgoingResponse {
  validateKey(call.key);
  const uploadId = newUploadId();
  const checksumAlgorithm = parseAlgorithm(call.header('x-amz-checksum-algorithm'));
  uploads(call)[uploadId] = {
    uploadId,
    key: call.key,
    initiated: new Date().toISOString(),
    ...headersFromRequest(call),
    checksumAlgorithm,
    parts: emptyRecord(),
  };
  return xmlResponse(
    call.ctx.requestId,
    'InitiateMultipartUploadResult',
    { Bucket: call.bucketName, Key: call.key, UploadId: uploadId },
    200,
    checksumAlgorithm ? { 'x-amz-checksum-algorithm': checksumAlgorithm } : {},
  );
}

export function uploadPart(call: S3Call): OutgoingResponse {
  const n = partNumber(call);
  const u = upload(call);
  const { body, trailers } = decodeBody(call.ctx.request);
  const checksum = verifyUpload(call.ctx.request.headers, trailers, body);
  const etag = `"${md5Hex(body)}"`;
  u.parts[String(n)] = { partNumber: n, body: body.toString('base64'), size: body.length, etag, lastModified: new Date().toISOString(), checksum };
  return empty(call, 200, { etag, 'x-amz-server-side-encryption': 'AES256', ...(checksum ? checksumHeader(checksum) : {}) });
}

export async function uploadPartCopy(call: S3Call): Promise<OutgoingResponse> {
  const n = partNumber(call);
  const u = upload(call);
  const source = await readCopySource(call);
  let body = objectBody(source.obj);
  const rangeHeader = call.header('x-amz-copy-source-range');
  if (rangeHeader) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(rangeHeader.trim());
    if (!m) {
      throw new InvalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', {
        ArgumentName: 'x-amz-copy-source-range',
        ArgumentValue: rangeHeader,
      });
    }
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start > end || end >= body.length) {
      throw new InvalidRange('The requested range is not satisfiable', { RangeRequested: rangeHeader, ActualObjectSize: String(body.length) });
    }
    body = body.subarray(start, end + 1);
  }
  const etag = `"${md5Hex(body)}"`;
  const lastModified = new Date().toISOString();
  u.parts[String(n)] = { partNumber: n, body: body.toString('base64'), size: body.length, etag, lastModified };
  return xmlResponse(call.ctx.requestId, 'CopyPartResult', { ETag: etag, LastModified: lastModified });
}

const INVALID_PART =
  "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.";

export function completeMultipartUpload(call: S3Call): OutgoingResponse {
  const u = upload(call);
  const doc = parseXml(call.ctx.request.body.toString('utf8'));
  if (doc.name !== 'CompleteMultipartUpload') throw malformedXml();
  const requested = doc.children
    .filter((c) => c.name === 'Part')
    .map((p) => ({ n: Number(childText(p, 'PartNumber')), etag: (childText(p, 'ETag') ?? '').trim() }));
  if (requested.length === 0 || requested.some((p) => !Number.isInteger(p.n))) throw malformedXml();
  for (let i = 1; i < requested.length; i++) {
    if (requested[i].n <= requested[i - 1].n) {
      throw new InvalidPartOrder('The list of parts was not in ascending order. Parts must be ordered by part number.', {
        UploadId: u.uploadId,
      });
    }
  }
  const parts = requested.map((r) => {
    const part = u.parts[String(r.n)];
    if (!part || part.etag.replace(/"/g, '') !== r.etag.replace(/"/g, '')) {
      throw new InvalidPart(INVALID_PART, { UploadId: u.uploadId, PartNumber: String(r.n), ETag: r.etag });
    }
    return part;
  });
  parts.slice(0, -1).forEach((p) => {
    if (p.size < MIN_PART_SIZE) {
      throw new EntityTooSmall('Your proposed upload is smaller than the minimum allowed object size.', {
        ProposedSize: String(p.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(p.partNumber),
        ETag: p.etag,
      });
    }
  });
  const bucket = call.ref!.bucket;
  checkWriteConditions(call.header, Object.hasOwn(bucket.objects, call.key) ? bucket.objects[call.key] : undefined);
  const bodies = parts.map((p) => Buffer.from(p.body, 'base64'));
  const body = Buffer.concat(bodies);
  // Multipart ETag: MD5 of the concatenated binary part MD5s, then "-<part count>".
  const digest = crypto.createHash('md5');
  for (const p of parts) digest.update(Buffer.from(p.etag.replace(/"/g, ''), 'hex'));
  const etag = `"${digest.digest('hex')}-${parts.length}"`;
  const obj: S3Object = {
    key: call.key,
    body: body.toString('base64'),
    size: body.length,
    etag,
    lastModified: new Date().toISOString(),
    contentType: u.contentType,
    metadata: u.metadata,
    contentEncoding: u.contentEncoding,
    contentDisposition: u.contentDisposition,
    contentLanguage: u.contentLanguage,
    cacheControl: u.cacheControl,
    expires: u.expires,
    partsCount: parts.length,
  };
  bucket.objects[call.key] = obj;
  delete uploads(call)[u.uploadId];
  const host = call.header('host') ?? 'localhost';
  return xmlResponse(call.ctx.requestId, 'CompleteMultipartUploadResult', {
    Location: `http://${host}/${call.bucketName}/${encodeURI(call.key)}`,
    Bucket: call.bucketName,
    Key: call.key,
    ETag: etag,
  }, 200, { 'x-amz-server-side-encryption': 'AES256' });
}

export function abortMultipartUpload(call: S3Call): OutgoingResponse {
  const u = upload(call);
  delete uploads(call)[u.uploadId];
  return empty(call, 204);
}

export function listParts(call: S3Call): OutgoingResponse {
  const u = upload(call);
  const q = call.route.query;
  const maxParts = Math.min(Number(q.get('max-parts') ?? 1000) || 1000, 1000);
  const marker = Number(q.get('part-number-marker') ?? 0) || 0;
  const all = Object.values(u.parts)
    .filter((p) => p.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, maxParts);
  const truncated = all.length > page.length;
  const owner = { ID: canonicalUserId(call.ref!.account.accountId) };
  return xmlResponse(call.ctx.requestId, 'ListPartsResult', {
    Bucket: call.bucketName,
    Key: call.key,
    UploadId: u.uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length ? page[page.length - 1].partNumber : undefined,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: p.lastModified,
      ETag: p.etag,
      Size: p.size,
      ...(p.checksum ? { [`Checksum${p.checksum.algorithm}`]: p.checksum.value } : {}),
    })),
    Initiator: owner,
    Owner: owner,
    StorageClass: 'STANDARD',
    ChecksumAlgorithm: u.checksumAlgorithm,
  });
}

export function listMultipartUploads(call: S3Call): OutgoingResponse {
  const q = call.route.query;
  const prefix = q.get('prefix') ?? '';
  const maxUploads = Math.min(Number(q.get('max-uploads') ?? 1000) || 1000, 1000);
  const all = Object.values(uploads(call))
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => compareKeys(a.key, b.key) || compareKeys(a.initiated, b.initiated));
  const page = all.slice(0, maxUploads);
  const owner = { ID: canonicalUserId(call.ref!.account.accountId) };
  return xmlResponse(call.ctx.requestId, 'ListMultipartUploadsResult', {
    Bucket: call.bucketName,
    KeyMarker: q.get('key-marker') ?? '',
    UploadIdMarker: q.get('upload-id-marker') ?? '',
    Prefix: prefix,
    MaxUploads: maxUploads,
    IsTruncated: all.length > page.length,
    Upload: page.map((u) => ({ Key: u.key, UploadId: u.uploadId, Initiator: owner, Owner: owner, StorageClass: 'STANDARD', Initiated: u.initiated })),
  });
}
