/**
 * The IAM policy operations under enforcement: the resource ARNs and condition keys they hand the
 * authorizer (iam:PolicyARN, iam:PermissionsBoundary, aws:RequestTag) let delegated-admin
 * policies work as in AWS, and a boundary keeps an administrator out of IAM.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let root: IAMClient;

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

async function userClient(name: string, policy: object): Promise<IAMClient> {
  await root.send(new CreateUserCommand({ UserName: name }));
  await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }));
  const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return clients(emu.endpoint, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }).iam;
}

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  root = clients(emu.endpoint).iam;
  await root.send(new CreateUserCommand({ UserName: 'target' }));
});
afterAll(async () => {
  await emu?.close();
});

describe('IAM policy operations under enforcement', () => {
  it('iam:PolicyARN limits which policies a delegated admin may attach', async () => {
    const admin = await userClient('helpdesk', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:AttachUserPolicy',
          Resource: 'arn:aws:iam::000000000000:user/*',
          Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' } },
        },
      ],
    });
    await admin.send(new AttachUserPolicyCommand({ UserName: 'target', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    await expectAwsError(
      admin.send(new AttachUserPolicyCommand({ UserName: 'target', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })),
      { code: 'AccessDenied', status: 403 },
    );
  });

  it('iam:PermissionsBoundary makes CreateRole require a boundary', async () => {
    const boundary = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    const creator = await userClient('role-maker', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:CreateRole',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
        },
      ],
    });
    const ok = await creator.send(new CreateRoleCommand({ RoleName: 'bounded', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: boundary }));
    expect(ok.Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundary);
    await expectAwsError(creator.send(new CreateRoleCommand({ RoleName: 'free', AssumeRolePolicyDocument: TRUST })), {
      code: 'AccessDenied',
    });
  });

  it('list calls without a resource type are authorized on "*"', async () => {
    const reader = await userClient('lister', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:ListRoles', 'iam:ListPolicies'], Resource: '*' }],
    });
    expect((await reader.send(new ListRolesCommand({}))).Roles?.map((r) => r.RoleName)).toContain('bounded');
    expect((await reader.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies).toEqual([]);
  });

  it('a permissions boundary keeps an administrator out of IAM', async () => {
    const admin = await userClient('dev-john', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    await root.send(new PutUserPermissionsBoundaryCommand({ UserName: 'dev-john', PermissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess' }));
    await expectAwsError(admin.send(new CreateUserCommand({ UserName: 'sneaky' })), { code: 'AccessDenied' });
  });
});
