/**
 * The S3 conformance script: buckets, objects (ranges, listing with prefix, delimiter and
 * continuation, copy, batch delete) and bucket policies with their error cases, as the root
 * user. Compared with moto_server like the IAM/STS script (see suite.ts).
 */
import type { Service, Step, Vars } from './script.js';

const BUCKET = 'acme-reports';
const Q1 = 'region,total\nnorth,10\nsouth,7\n';
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AuditorReads',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::000000000000:role/ReportsAuditor' },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    },
  ],
});

const s3 = (id: string, op: string, input: Record<string, unknown> | ((v: Vars) => Record<string, unknown>) = {}, extra: Partial<Step> = {}): Step => ({
  id: `s3/${id}`,
  service: 's3' as Service,
  op,
  input: typeof input === 'function' ? input : () => input,
  ...extra,
});

/** Read a GetObject body so the comparison sees its text. */
const body = async (o: any) => ({
  text: await o.Body?.transformToString(),
  ContentLength: o.ContentLength,
  ContentRange: o.ContentRange,
  ETag: o.ETag,
  ContentType: o.ContentType,
});
const keys = (o: any) => ({
  Keys: (o.Contents ?? []).map((c: any) => c.Key),
  CommonPrefixes: (o.CommonPrefixes ?? []).map((p: any) => p.Prefix),
  KeyCount: o.KeyCount,
  IsTruncated: o.IsTruncated,
  hasNextToken: Boolean(o.NextContinuationToken),
  Prefix: o.Prefix,
  Delimiter: o.Delimiter,
  MaxKeys: o.MaxKeys,
});

const onlyOurs = (o: any) => ({ Buckets: (o.Buckets ?? []).map((b: any) => b.Name).filter((n: string) => n === BUCKET) });

export const S3_STEPS: Step[] = [
  // The bucket policy below names this role: AWS refuses a policy whose principal does not exist.
  {
    id: 's3/setup-auditor-role',
    service: 'iam',
    op: 'CreateRole',
    input: () => ({
      RoleName: 'ReportsAuditor',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }),
    pick: (o) => ({ RoleName: o.Role.RoleName }),
  },
  s3('create-bucket', 'CreateBucket', { Bucket: BUCKET }, { pick: (o) => ({ Location: o.Location }) }),
  s3('create-bucket-again', 'CreateBucket', { Bucket: BUCKET }, { pick: (o) => ({ Location: o.Location }) }),
  s3('create-bucket-bad-name', 'CreateBucket', { Bucket: 'Bad_Bucket' }),
  s3('head-bucket', 'HeadBucket', { Bucket: BUCKET }, { pick: () => ({ exists: true }) }),
  s3('head-bucket-missing', 'HeadBucket', { Bucket: 'no-such-bucket-here' }),
  // Only our bucket: moto keeps the invalid one it accepted above.
  s3('list-buckets', 'ListBuckets', {}, { pick: onlyOurs }),
  s3('put-object', 'PutObject', { Bucket: BUCKET, Key: 'q1.csv', Body: Q1, ContentType: 'text/csv' }, { pick: (o) => ({ ETag: o.ETag }) }),
  s3('put-object-nested', 'PutObject', { Bucket: BUCKET, Key: 'reports/2024/q2.csv', Body: 'region,total\n' }, { pick: (o) => ({ ETag: o.ETag }) }),
  s3('put-object-nested-2', 'PutObject', { Bucket: BUCKET, Key: 'reports/2025/q1.csv', Body: 'x' }, { pick: (o) => ({ ETag: o.ETag }) }),
  s3('get-object', 'GetObject', { Bucket: BUCKET, Key: 'q1.csv' }, { pick: body }),
  s3('get-object-range', 'GetObject', { Bucket: BUCKET, Key: 'q1.csv', Range: 'bytes=0-5' }, { pick: body }),
  s3('get-object-missing', 'GetObject', { Bucket: BUCKET, Key: 'nope.csv' }),
  s3('get-object-missing-bucket', 'GetObject', { Bucket: 'no-such-bucket-here', Key: 'q1.csv' }),
  s3('head-object', 'HeadObject', { Bucket: BUCKET, Key: 'q1.csv' }, { pick: (o) => ({ ContentLength: o.ContentLength, ETag: o.ETag, ContentType: o.ContentType }) }),
  s3('head-object-missing', 'HeadObject', { Bucket: BUCKET, Key: 'nope.csv' }),
  s3('list-objects', 'ListObjectsV2', { Bucket: BUCKET }, { pick: keys }),
  s3('list-objects-delimiter', 'ListObjectsV2', { Bucket: BUCKET, Delimiter: '/' }, { pick: keys }),
  s3('list-objects-prefix-delimiter', 'ListObjectsV2', { Bucket: BUCKET, Prefix: 'reports/', Delimiter: '/' }, { pick: keys }),
  s3('list-objects-page-1', 'ListObjectsV2', { Bucket: BUCKET, MaxKeys: 2 }, {
    save: (o, v) => (v.s3Token = o.NextContinuationToken),
    pick: keys,
  }),
  s3('list-objects-page-2', 'ListObjectsV2', (v) => ({ Bucket: BUCKET, MaxKeys: 2, ContinuationToken: v.s3Token }), { pick: keys }),
  s3('list-objects-missing-bucket', 'ListObjectsV2', { Bucket: 'no-such-bucket-here' }),
  s3('copy-object', 'CopyObject', { Bucket: BUCKET, Key: 'q1-copy.csv', CopySource: `${BUCKET}/q1.csv` }, { pick: (o) => ({ ETag: o.CopyObjectResult?.ETag }) }),
  s3('get-copied-object', 'GetObject', { Bucket: BUCKET, Key: 'q1-copy.csv' }, { pick: body }),
  s3('get-public-access-block-default', 'GetPublicAccessBlock', { Bucket: BUCKET }),
  s3('get-ownership-controls-default', 'GetBucketOwnershipControls', { Bucket: BUCKET }),
  s3('put-bucket-acl-public-read', 'PutBucketAcl', { Bucket: BUCKET, ACL: 'public-read' }),
  s3('get-bucket-acl', 'GetBucketAcl', { Bucket: BUCKET }, { pick: (o) => ({ Grants: (o.Grants ?? []).map((g: any) => ({ Type: g.Grantee?.Type, Permission: g.Permission })) }) }),
  s3('get-bucket-policy-none', 'GetBucketPolicy', { Bucket: BUCKET }),
  s3('put-bucket-policy', 'PutBucketPolicy', { Bucket: BUCKET, Policy: POLICY }),
  s3('get-bucket-policy', 'GetBucketPolicy', { Bucket: BUCKET }, { pick: (o) => ({ Policy: JSON.parse(o.Policy) }) }),
  s3('put-bucket-policy-unknown-principal', 'PutBucketPolicy', { Bucket: BUCKET, Policy: POLICY.replace('ReportsAuditor', 'NoSuchRole') }),
  s3('put-bucket-policy-malformed', 'PutBucketPolicy', { Bucket: BUCKET, Policy: '{"Version": "2012-10-17", "Statement": [' }),
  s3('put-bucket-policy-no-principal', 'PutBucketPolicy', {
    Bucket: BUCKET,
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] }),
  }),
  s3('get-bucket-policy-status', 'GetBucketPolicyStatus', { Bucket: BUCKET }),
  s3('put-bucket-policy-public-blocked', 'PutBucketPolicy', {
    Bucket: BUCKET,
    Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] }),
  }),
  s3('delete-bucket-policy', 'DeleteBucketPolicy', { Bucket: BUCKET }),
  s3('get-bucket-policy-after-delete', 'GetBucketPolicy', { Bucket: BUCKET }),
  s3('delete-bucket-not-empty', 'DeleteBucket', { Bucket: BUCKET }),
  s3('delete-objects', 'DeleteObjects', { Bucket: BUCKET, Delete: { Objects: [{ Key: 'q1.csv' }, { Key: 'q1-copy.csv' }, { Key: 'never-existed.csv' }] } }, {
    pick: (o) => ({ Deleted: (o.Deleted ?? []).map((d: any) => d.Key), Errors: o.Errors ?? [] }),
  }),
  s3('delete-object', 'DeleteObject', { Bucket: BUCKET, Key: 'reports/2024/q2.csv' }),
  s3('delete-object-missing', 'DeleteObject', { Bucket: BUCKET, Key: 'reports/2024/q2.csv' }),
  s3('delete-object-last', 'DeleteObject', { Bucket: BUCKET, Key: 'reports/2025/q1.csv' }),
  s3('list-objects-empty', 'ListObjectsV2', { Bucket: BUCKET }, { pick: keys }),
  s3('delete-bucket', 'DeleteBucket', { Bucket: BUCKET }),
  s3('delete-bucket-again', 'DeleteBucket', { Bucket: BUCKET }),
  s3('list-buckets-empty', 'ListBuckets', {}, { pick: onlyOurs }),
];
