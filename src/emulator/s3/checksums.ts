/**
 * Object integrity checks S3 performs on upload: Content-MD5 and the flexible checksums
 * (x-amz-checksum-crc32 / crc32c / sha1 / sha256 / crc64nvme, as a header or an aws-chunked
 * trailer). Mismatches are BadDigest, as in S3. CRC64NVME is stored as given, not recomputed.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { BadDigest, InvalidDigest, InvalidRequest } from '../errors.js';
import type { ChecksumAlgorithm, ObjectChecksum } from './models.js';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

function crcTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

function crc(table: Uint32Array, data: Buffer): Buffer {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out;
}

/** zlib.crc32 exists from Node 20.15/22.2; the table version covers older Node 20 releases. */
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Buffer) => number }).crc32;

function uint32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return out;
}

/** base64 checksum as S3 shows it, or undefined for algorithms not recomputed here. */
export function computeChecksum(algorithm: ChecksumAlgorithm, data: Buffer): string | undefined {
  switch (algorithm) {
    case 'CRC32':
      return nativeCrc32 ? uint32(nativeCrc32(data)).toString('base64') : crc(CRC32_TABLE, data).toString('base64');
    case 'CRC32C':
      return crc(CRC32C_TABLE, data).toString('base64');
    case 'SHA1':
      return crypto.createHash('sha1').update(data).digest('base64');
    case 'SHA256':
      return crypto.createHash('sha256').update(data).digest('base64');
    default:
      return undefined;
  }
}

export function parseAlgorithm(value: string | undefined): ChecksumAlgorithm | undefined {
  if (!value) return undefined;
  const upper = value.toUpperCase() as ChecksumAlgorithm;
  if (!CHECKSUM_ALGORITHMS.includes(upper)) {
    throw new InvalidRequest('Value for x-amz-checksum-algorithm header is invalid.');
  }
  return upper;
}

type Headers = Record<string, string | string[] | undefined>;

function first(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Verify what the client sent about the body's integrity and return the checksum to store and
 * echo. `trailers` are the aws-chunked trailer headers (checked after the header values).
 */
export function verifyUpload(headers: Headers, trailers: Record<string, string>, body: Buffer): ObjectChecksum | undefined {
  const md5 = first(headers, 'content-md5');
  if (md5 !== undefined) {
    const given = Buffer.from(md5, 'base64');
    if (given.length !== 16 || given.toString('base64') !== md5.trim()) {
      throw new InvalidDigest('The Content-MD5 you specified was invalid.');
    }
    if (!given.equals(crypto.createHash('md5').update(body).digest())) {
      throw new BadDigest('The Content-MD5 you specified did not match what we received.');
    }
  }
  let found: ObjectChecksum | undefined;
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${algorithm.toLowerCase()}`;
    const value = first(headers, name) ?? trailers[name];
    if (value === undefined) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new InvalidRequest(`Value for ${name} header is invalid.`);
    if (found) throw new InvalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    const computed = computeChecksum(algorithm, body);
    if (computed !== undefined && computed !== value) {
      throw new BadDigest(`The ${algorithm} you specified did not match the calculated checksum.`);
    }
    found = { algorithm, value };
  }
  if (!found) {
    // The client named an algorithm but sent no value (S3 then computes it).
    const asked = parseAlgorithm(first(headers, 'x-amz-sdk-checksum-algorithm') ?? first(headers, 'x-amz-checksum-algorithm'));
    const value = asked ? computeChecksum(asked, body) : undefined;
    if (asked && value) found = { algorithm: asked, value };
  }
  return found;
}

export function checksumHeader(c: ObjectChecksum): Record<string, string> {
  return { [`x-amz-checksum-${c.algorithm.toLowerCase()}`]: c.value };
}

export function md5Hex(data: Buffer): string {
  return crypto.createHash('md5').update(data).digest('hex');
}
