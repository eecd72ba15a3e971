/**
 * S3 state lookups and changes that throw S3's errors: finding buckets (in the caller's account,
 * or in the account a request names as the owner), bucket-name rules, object bodies.
 */
import crypto from 'node:crypto';
import { AccessDenied, InvalidBucketName, NoSuchBucket, NoSuchKey, NoSuchUpload } from '../errors.js';
import type { AccountState } from '../state/account.js';
import type { RequestContext } from '../types.js';
import type { Bucket, MultipartUpload, S3Object } from './models.js';
import { emptyRecord } from '../state/records.js';

export interface BucketRef {
  bucket: Bucket;
  /** the account that owns the bucket */
  account: AccountState;
}

export const NO_SUCH_BUCKET = 'The specified bucket does not exist';
export const NO_SUCH_KEY = 'The specified key does not exist.';
export const NO_SUCH_UPLOAD =
  'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';

export const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string): string => `arn:aws:s3:::${bucket}/${key}`;

/**
 * Bucket names are per account here, unlike AWS's one global namespace, so every learner on a
 * workshop server has their own `acme-reports` and none can reach another's by name. A request
 * therefore addresses a bucket of the caller's own account, unless it names the account that owns
 * the bucket: `x-amz-expected-bucket-owner` (the CLI's --expected-bucket-owner, the SDKs'
 * ExpectedBucketOwner; `x-amz-source-expected-bucket-owner` for a copy's source), AWS's own way
 * to say "the bucket of this name that account owns". That is how a principal of one account
 * reaches a bucket another account's bucket policy opens to it. As in AWS, a named owner that
 * does not own the bucket the name finds is refused with 403.
 */
export function findBucket(ctx: RequestContext, name: string, expectedOwner?: string): BucketRef | undefined {
  const own = ctx.account.s3.buckets;
  if (!expectedOwner || expectedOwner === ctx.account.accountId) {
    return Object.hasOwn(own, name) ? { bucket: own[name], account: ctx.account } : undefined;
  }
  const owner = ctx.emulator.state.accounts.get(expectedOwner);
  if (owner && Object.hasOwn(owner.s3.buckets, name)) return { bucket: owner.s3.buckets[name], account: owner };
  // The name finds the caller's own bucket, which the named account does not own.
  if (Object.hasOwn(own, name)) throw new AccessDenied('Access Denied');
  return undefined;
}

export function requireBucket(ref: BucketRef | undefined, name: string): BucketRef {
  if (!ref) throw new NoSuchBucket(NO_SUCH_BUCKET, { BucketName: name });
  return ref;
}

export function requireObject(bucket: Bucket, key: string): S3Object {
  if (!Object.hasOwn(bucket.objects, key)) throw new NoSuchKey(NO_SUCH_KEY, { Key: key });
  return bucket.objects[key];
}

export function requireUpload(bucket: Bucket, uploadId: string): MultipartUpload {
  const uploads = bucket.uploads ?? emptyRecord();
  if (!Object.hasOwn(uploads, uploadId)) throw new NoSuchUpload(NO_SUCH_UPLOAD, { UploadId: uploadId });
  return uploads[uploadId];
}

export function objectBody(obj: { body: string }): Buffer {
  return Buffer.from(obj.body, 'base64');
}

/** General purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). */
export function validateBucketName(name: string): void {
  const ok =
    name.length >= 3 &&
    name.length <= 63 &&
    /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);
  if (!ok) throw new InvalidBucketName('The specified bucket is not valid.', { BucketName: name });
}

/** The 64-hex canonical user id S3 shows as Owner.ID; stable per account. */
export function canonicalUserId(accountId: string): string {
  return crypto.createHash('sha256').update(`iam-labs:${accountId}`).digest('hex');
}

/** S3's unique ids (upload ids) are long opaque URL-safe strings. */
export function newUploadId(): string {
  return crypto.randomBytes(48).toString('base64url');
}

/** Keys sort in UTF-8 binary order in S3 listings (not UTF-16 code-unit order). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // Fast path: both ASCII-only up to the first difference means code-unit order is byte order.
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  if ((Number.isNaN(ca) || ca < 0xd800) && (Number.isNaN(cb) || cb < 0xd800)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
}
