/**
 * aws-chunked request bodies (SigV4 streaming): what SDK v3 sends for stream bodies and CLI v2
 * for uploads. Each chunk is `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`, ending with a
 * zero-size chunk, optional trailer lines (`x-amz-checksum-crc32:<b64>`,
 * `x-amz-trailer-signature:<sig>`) and a blank line.
 *
 * Chunk signatures are not verified: the seed request signature already was, and the course
 * never teaches tampering with a streamed body.
 */
import crypto from 'node:crypto';
import { type AwsError, IncompleteBody, InvalidRequest, XAmzContentSHA256Mismatch } from '../errors.js';
import type { IncomingRequest } from '../types.js';
import { emptyRecord } from '../state/records.js';

export interface DecodedBody {
  body: Buffer;
  /** trailer headers, lower-cased names (x-amz-checksum-*) */
  trailers: Record<string, string>;
}

const STREAMING_PREFIX = 'STREAMING-';

function header(req: IncomingRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** True when the body is aws-chunked (declared by the payload hash or the content encoding). */
export function isAwsChunked(req: IncomingRequest): boolean {
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  if (sha.startsWith(STREAMING_PREFIX)) return true;
  return (header(req, 'content-encoding') ?? '').split(',').some((e) => e.trim() === 'aws-chunked');
}

/** The request body with any aws-chunked framing removed. */
export function decodeBody(req: IncomingRequest): DecodedBody {
  if (!isAwsChunked(req)) {
    // A declared payload hash must match the body S3 received.
    const declared = header(req, 'x-amz-content-sha256');
    if (declared && /^[0-9a-f]{64}$/i.test(declared)) {
      const actual = crypto.createHash('sha256').update(req.body).digest('hex');
      if (actual !== declared.toLowerCase()) {
        throw new XAmzContentSHA256Mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.", {
          ClientComputedContentSHA256: declared,
          S3ComputedContentSHA256: actual,
        });
      }
    }
    return { body: req.body, trailers: emptyRecord() };
  }
  const decoded = decodeAwsChunked(req.body);
  const declared = header(req, 'x-amz-decoded-content-length');
  if (declared !== undefined && Number(declared) !== decoded.body.length) {
    throw new IncompleteBody('You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
  return decoded;
}

export function decodeAwsChunked(raw: Buffer): DecodedBody {
  const parts: Buffer[] = [];
  const trailers = emptyRecord<string>();
  let pos = 0;
  const readLine = (): string => {
    const end = raw.indexOf('\r\n', pos, 'latin1');
    if (end < 0) throw malformedChunk();
    const line = raw.toString('latin1', pos, end);
    pos = end + 2;
    return line;
  };
  for (;;) {
    const sizeLine = readLine();
    const size = parseInt(sizeLine.split(';')[0].trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw malformedChunk();
    if (size === 0) break;
    if (pos + size > raw.length) throw new IncompleteBody('The request body terminated unexpectedly');
    parts.push(raw.subarray(pos, pos + size));
    pos += size;
    if (raw.toString('latin1', pos, pos + 2) !== '\r\n') throw malformedChunk();
    pos += 2;
  }
  // Trailer section: header lines until a blank line (or the end of the body).
  while (pos < raw.length) {
    const end = raw.indexOf('\r\n', pos, 'latin1');
    const line = raw.toString('latin1', pos, end < 0 ? raw.length : end);
    pos = end < 0 ? raw.length : end + 2;
    if (!line) break;
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: parts.length === 1 ? parts[0] : Buffer.concat(parts), trailers };
}

function malformedChunk(): AwsError {
  return new InvalidRequest('Invalid chunk encoding in the request body (aws-chunked).');
}
