/**
 * The account root and a bucket policy that denies everyone: AWS applies the explicit Deny to the
 * bucket owner's root too (IAM does not limit root; a resource policy's Deny does), except for
 * reading, replacing and deleting the bucket policy, which S3 always allows the owner's root so it
 * can undo the lock-out. Through SDK v3 and the real AWS CLI, as a learner in lab 04 would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, DeleteBucketPolicyCommand, GetBucketPolicyCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { explainWhy } from '../../src/graders/why.js';
import { awsCli, clients, labContext, startTestEmulator } from '../helpers/emulator.js';
import { ACCOUNT } from './sts-helpers.js';

let em: StartedEmulator;
let root: ReturnType<typeof clients>;
const BUCKET = 'acme-reports';
const denyAll = (actions: string | string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'NobodyAtAll', Effect: 'Deny', Principal: '*', Action: actions, Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
  });

beforeAll(async () => {
  em = await startTestEmulator();
  root = clients(em.endpoint);
  await root.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await root.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'q1.csv', Body: 'q1,100\n' }));
});
afterAll(async () => {
  await em?.close();
});

describe('root under a bucket policy that denies everyone', () => {
  it('is denied listing and reading, with S3 AccessDenied (403)', async () => {
    await root.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: denyAll('s3:*') }));
    for (const call of [() => root.s3.send(new ListObjectsV2Command({ Bucket: BUCKET })), () => root.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'q1.csv' }))]) {
      const e = (await call().then(() => undefined, (x: unknown) => x)) as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
      expect(e?.name).toBe('AccessDenied');
      expect(e?.$metadata?.httpStatusCode).toBe(403);
    }
    const r = await awsCli(em.endpoint, ['s3', 'ls', `s3://${BUCKET}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`User: arn:aws:iam::${ACCOUNT}:root is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${BUCKET}" with an explicit deny in a resource-based policy`);
  });

  it('`why` says the same: denied by the bucket policy, but for the bucket policy itself', async () => {
    const { ctx } = labContext(em.endpoint);
    const rootArn = `arn:aws:iam::${ACCOUNT}:root`;
    const list = await explainWhy(ctx, { principal: rootArn, action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}` });
    expect(list.decision).toBe('ExplicitlyDenied');
    expect(list.awsMessage).toContain('with an explicit deny in a resource-based policy');
    // a Deny for "*" shuts everyone out: it does not "let everyone in"
    expect(list.explanation).toContain('its Principal "*" applies to everyone');
    expect(list.explanation).not.toContain('lets everyone in');
    const keep = await explainWhy(ctx, { principal: rootArn, action: 's3:DeleteBucketPolicy', resource: `arn:aws:s3:::${BUCKET}` });
    expect(keep.decision).toBe('AllowedAsRoot');
  });

  it('can still read, replace and delete that bucket policy, and then the bucket is its own again', async () => {
    await root.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: denyAll(['s3:*']) }));
    const got = await root.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
    expect(JSON.parse(got.Policy!).Statement[0].Sid).toBe('NobodyAtAll');
    await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    const listed = await root.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['q1.csv']);
  });

  it('a Deny of other actions leaves root the rest (no identity policy limits it)', async () => {
    await root.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: denyAll('s3:DeleteObject') }));
    const body = await (await root.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'q1.csv' }))).Body!.transformToString();
    expect(body).toBe('q1,100\n');
    await root.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
  });
});
