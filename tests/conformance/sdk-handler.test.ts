/**
 * The in-process SDK handler: real SDK v3 clients (signed, serialized) against the gateway
 * without a socket, with the same answers as over HTTP.
 */
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand, NoSuchEntityException } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
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
  return { emulator, iam: new IAMClient(common), sts: new STSClient(common) };
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
});
