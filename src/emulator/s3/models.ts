/** S3 buckets and objects as stored; object bodies base64 so state persists as JSON. */
import { dict } from '../state/dict.js';

export interface S3Object {
  key: string;
  /** base64 */
  body: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType: string;
  metadata: Record<string, string>;
  /** Standard headers S3 stores with the object and returns on GET/HEAD. */
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  /** The full-object checksum the uploader supplied or asked for (e.g. CRC32), base64 as S3 shows it. */
  checksum?: ObjectChecksum;
  /** Number of parts when the object was assembled by CompleteMultipartUpload. */
  partsCount?: number;
}

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  value: string;
}

/** One part of an in-progress multipart upload. */
export interface UploadPart {
  partNumber: number;
  /** base64 */
  body: string;
  size: number;
  etag: string;
  lastModified: string;
  checksum?: ObjectChecksum;
}

export interface MultipartUpload {
  uploadId: string;
  key: string;
  initiated: string;
  contentType: string;
  metadata: Record<string, string>;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  parts: Record<string, UploadPart>;
}

export interface Bucket {
  name: string;
  creationDate: string;
  region: string;
  policy?: string;
  objects: Record<string, S3Object>;
  /** In-progress multipart uploads by upload id (absent in state files written before multipart existed). */
  uploads?: Record<string, MultipartUpload>;
}

export interface S3State {
  buckets: Record<string, Bucket>;
}

export function emptyS3State(): S3State {
  return { buckets: dict() };
}
