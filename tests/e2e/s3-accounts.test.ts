/**
 * Issue 15, item 2: on a server holding isolated accounts (the workshop's), a bucket name missing
 * from the caller's own account never resolves to another account's bucket. Three accounts each
 * have their own `acme-reports` and `team-artifacts` (labs 02 and 04 seed them); a bucket is
 * reached in another account only by naming its owner (x-amz-expected-bucket-owner), and only as
 * far as that bucket's policy allows.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type StartedEmulator } from '../../src/emulator/index.js';
import { clients } from '../helpers/emulator.js';
import { rejection } from './sts-helpers.js';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333'] as const;
const secretOf = (id: string) => `secret-of-${id}`;

let em: StartedEmulator;
const s3 = (id: string) => clients(em.endpoint, { accessKeyId: id, secretAccessKey: secretOf(id) }).s3;

beforeAll(async () => {
  em = await startEmulator({ host: '127.0.0.1', port: 0, rootSecret: (id) => ((ACCOUNTS as readonly string[]).includes(id) ? secretOf(id) : undefined) });
});
afterAll(async () => {
  await em?.close();
});

describe('three isolated accounts on one server', () => {
  it('each account seeds the same bucket names, in any order, and sees only its own', async () => {
    // The first learner seeds lab 04 before the others exist; the next ones must not find it.
    for (const id of ACCOUNTS) {
      const mine = s3(id);
      const before = await rejection(mine.send(new HeadBucketCommand({ Bucket: 'acme-reports' })));
      expect(before.status).toBe(404);
      for (const bucket of ['acme-reports', 'acme-payroll', 'team-artifacts']) await mine.send(new CreateBucketCommand({ Bucket: bucket }));
      await mine.send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', Body: `reports of ${id}` }));
    }
    for (const id of ACCOUNTS) {
      const mine = s3(id);
      expect((await mine.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name).sort()).toEqual(['acme-payroll', 'acme-reports', 'team-artifacts']);
      const got = await mine.send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv' }));
      expect(await got.Body!.transformToString()).toBe(`reports of ${id}`);
    }
  });

  it('a name the caller does not own is NoSuchBucket, never another learner’s bucket', async () => {
    const [a, b] = ACCOUNTS;
    await s3(a).send(new CreateBucketCommand({ Bucket: 'only-in-a' }));
    await s3(a).send(new PutObjectCommand({ Bucket: 'only-in-a', Key: 'secret.txt', Body: 'a' }));
    for (const call of [
      () => s3(b).send(new HeadBucketCommand({ Bucket: 'only-in-a' })),
      () => s3(b).send(new ListObjectsV2Command({ Bucket: 'only-in-a' })),
      () => s3(b).send(new GetObjectCommand({ Bucket: 'only-in-a', Key: 'secret.txt' })),
      () => s3(b).send(new DeleteObjectCommand({ Bucket: 'only-in-a', Key: 'secret.txt' })),
    ]) {
      expect((await rejection(call())).status).toBe(404);
    }
    expect((await s3(a).send(new ListObjectsV2Command({ Bucket: 'only-in-a' }))).Contents!.map((c) => c.Key)).toEqual(['secret.txt']);
  });

  it('reaches another account’s bucket by naming its owner, as far as its bucket policy allows', async () => {
    const [a, b, c] = ACCOUNTS;
    const owner = (await clients(em.endpoint, { accessKeyId: a, secretAccessKey: secretOf(a) }).sts.send(new GetCallerIdentityCommand({}))).Account!;
    expect(owner).toBe(a);
    // Without a policy: AccessDenied (the bucket exists, the caller is not allowed).
    const denied = await rejection(s3(b).send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', ExpectedBucketOwner: a })));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    await s3(a).send(
      new PutBucketPolicyCommand({
        Bucket: 'acme-reports',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${b}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }],
        }),
      }),
    );
    const allowed = await s3(b).send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', ExpectedBucketOwner: a }));
    expect(await allowed.Body!.transformToString()).toBe(`reports of ${a}`);
    // The policy names b, not c; and it grants reading, not writing.
    expect(await rejection(s3(c).send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', ExpectedBucketOwner: a })))).toMatchObject({ name: 'AccessDenied' });
    expect(await rejection(s3(b).send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'x', Body: 'x', ExpectedBucketOwner: a })))).toMatchObject({ name: 'AccessDenied' });
    // b's own acme-reports is untouched by all this.
    const own = await s3(b).send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv' }));
    expect(await own.Body!.transformToString()).toBe(`reports of ${b}`);
  });

  it('an owner named wrongly is refused, as S3 refuses a bucket owned by another account', async () => {
    const [a, b] = ACCOUNTS;
    const wrong = await rejection(s3(a).send(new ListObjectsV2Command({ Bucket: 'acme-reports', ExpectedBucketOwner: b.replace(/2/g, '9') })));
    expect(wrong).toMatchObject({ name: 'AccessDenied', status: 403 });
    const unknown = await rejection(s3(a).send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-anywhere', ExpectedBucketOwner: b })));
    expect(unknown.status).toBe(404);
  });
});
