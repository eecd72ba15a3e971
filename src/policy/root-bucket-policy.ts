/**
 * The bucket owner's root and its bucket policy: no identity policy limits root in its own
 * account, but the bucket policy's explicit Deny does, for every S3 action except reading,
 * replacing and deleting that bucket policy, which S3 always lets the owner's root do so that no
 * policy can lock it out for good (S3 API reference, DeleteBucketPolicy). The emulator enforces
 * this and `why` explains it: one rule for both.
 */
const ROOT_KEEPS = new Set(['s3:getbucketpolicy', 's3:putbucketpolicy', 's3:deletebucketpolicy']);

/** Whether a bucket policy's explicit Deny can refuse `action` to the bucket owner's root. */
export function bucketPolicyBindsRoot(action: string): boolean {
  const a = action.toLowerCase();
  return a.startsWith('s3:') && !ROOT_KEEPS.has(a);
}
