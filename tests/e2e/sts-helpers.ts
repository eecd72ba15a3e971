/** Shared setup for the STS and enforcement e2e tests: users with keys, roles, MFA devices. */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { S3Client } from '@aws-sdk/client-s3';
import { currentTotp } from '../../src/emulator/iam/totp.js';
import type { Creds } from '../helpers/emulator.js';

export const ACCOUNT = '000000000000';
/** A second emulated account: a 12-digit access key id is that account's root. */
export const OTHER_ACCOUNT = '444455556666';
export const OTHER_ROOT: Creds = { accessKeyId: OTHER_ACCOUNT, secretAccessKey: 'test' };

export async function createUserWithKey(iam: IAMClient, userName: string, policies: { inline?: object; attach?: string[] } = {}): Promise<Creds> {
  await iam.send(new CreateUserCommand({ UserName: userName }));
  if (policies.inline) {
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: `${userName}-inline`, PolicyDocument: JSON.stringify(policies.inline) }));
  }
  for (const arn of policies.attach ?? []) await iam.send(new AttachUserPolicyCommand({ UserName: userName, PolicyArn: arn }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

export async function createRole(iam: IAMClient, roleName: string, trust: object, extra: { MaxSessionDuration?: number } = {}): Promise<string> {
  const r = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust), ...extra }));
  return r.Role!.Arn!;
}

export const trustPolicy = (principal: unknown, condition?: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});

export const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

/** Create and enable a virtual MFA device for a user (as root); returns its serial and seed. */
export async function enableMfa(iam: IAMClient, userName: string): Promise<{ serial: string; seed: string }> {
  const d = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${userName}-mfa` }));
  const serial = d.VirtualMFADevice!.SerialNumber!;
  const seed = Buffer.from(d.VirtualMFADevice!.Base32StringSeed!).toString('utf8');
  const now = Date.now();
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: userName,
      SerialNumber: serial,
      AuthenticationCode1: currentTotp(seed, now - 30_000),
      AuthenticationCode2: currentTotp(seed, now),
    }),
  );
  return { serial, seed };
}

/** The AWS error code and message of a rejected SDK call. */
export async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

/** Add a header to every request a client sends (the CLI cannot; labs use it for aws:SourceIp). */
export function withHeader<C extends IAMClient | STSClient | S3Client>(client: C, name: string, value: string): C {
  const stack = client.middlewareStack as unknown as {
    add(mw: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>, opts: object): void;
  };
  stack.add(
    (next) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      if (req.headers) req.headers[name] = value;
      return next(args);
    },
    { step: 'build', name: `header-${name}` },
  );
  return client;
}
