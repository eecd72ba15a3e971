/**
 * The in-process SDK handler: real SDK v3 clients (signed, serialized) against the gateway
 * without a socket, with the same answers as over HTTP.
 */
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { InProcessHandler } from '../../src/emulator/sdk-handler.js';

function inProcessClients() {
  const emulator = createEmulator();
  const common = {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new InProcessHandler(emulator),
  };
  return { emulator, iam: new IAMClient(common), sts: new STSClient(common), s3: new S3Client({ ...common, forcePathStyle: true }) };
}

describe('InProcessHandler (SDK v3 without a socket)', () => {
  it('serves IAM calls and their errors', async () => {
    const { iam } = inProcessClients();
    const created = await iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/staff/' }));
    expect(created.User?.Arn).toBe('arn:aws:iam::000000000000:user/staff/alice');
    const got = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(got.User?.UserId).toBe(created.User?.UserId);
    const listed = await iam.send(new ListUsersCommand({ PathPrefix: '/staff/' }));
    expect(listed.Users?.map((u) => u.UserName)).toEqual(['alice']);
    const err = await iam.send(new GetUserCommand({ UserName: 'nobody' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSuchEntityException);
    expect((err as NoSuchEntityException).$metadata.httpStatusCode).toBe(404);
  });

  it('verifies signatures as over HTTP (wrong secret of a root key still passes, unknown key fails)', async () => {
    const { emulator, sts } = inProcessClients();
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe('arn:aws:iam::000000000000:root');
    const stranger = new STSClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: new InProcessHandler(emulator),
    });
    const err = await stranger.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidClientTokenId');
  });

  it('serves S3 with streaming bodies both ways (aws-chunked upload, Readable download, ranges)', async () => {
    const { s3 } = inProcessClients();
    await s3.send(new CreateBucketCommand({ Bucket: 'acme-reports' }));
    await s3.send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', Body: 'region,total\nnorth,10\n' }));
    // A stream of unknown length: the SDK sends it aws-chunked with a trailing checksum.
    await s3.send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'q2.csv', Body: Readable.from([Buffer.from('region,total\n'), Buffer.from('south,7\n')]) }));
    const q2 = await s3.send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q2.csv' }));
    expect(await q2.Body?.transformToString()).toBe('region,total\nsouth,7\n');
    const part = await s3.send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', Range: 'bytes=0-5' }));
    expect(await part.Body?.transformToString()).toBe('region');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'acme-reports' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['q1.csv', 'q2.csv']);
  });
});
