/** S3 buckets and objects as stored; object bodies base64 so state persists as JSON. */
import { emptyRecord } from '../state/records.js';

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
  /** The object's ACL grants (absent: the owner's FULL_CONTROL only). */
  acl?: Grant[];
}

/** One ACL grant: a grantee (canonical user or predefined group) and a permission. */
export interface Grant {
  grantee: { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };
  permission: 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
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
  /**
   * Object Ownership. Absent: the default of buckets made since April 2023 (BucketOwnerEnforced,
   * ACLs disabled); null: the controls were deleted.
   */
  ownership?: ObjectOwnership | null;
  /**
   * The bucket's Block Public Access settings. Absent: the default of new buckets since April
   * 2023 (all four on); null: deleted (none apply at bucket level).
   */
  publicAccessBlock?: PublicAccessBlock | null;
  /** The bucket's ACL grants (absent: the owner's FULL_CONTROL only). */
  acl?: Grant[];
}

export interface S3State {
  buckets: Record<string, Bucket>;
  /** The account's Block Public Access settings (S3 Control API); absent until set. */
  publicAccessBlock?: PublicAccessBlock;
}

export function emptyS3State(): S3State {
  return { buckets: emptyRecord() };
}
