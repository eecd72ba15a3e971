/**
 * IAM enforcement end to end (IAM and STS actions; S3 in enforcement-s3.test.ts): explicit deny
 * beats FullAccess, source-IP conditions via the lab header, permissions boundaries, group
 * policies, role sessions, refused keys, the decision log and --no-enforce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  GetUserCommand,
  ListUsersCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SOURCE_IP_HEADER } from '../../src/emulator/gateway.js';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { ACCOUNT, createRole, createUserWithKey, policy, rejection, trustPolicy, withHeader } from './sts-helpers.js';

let em: StartedEmulator;
let root: ReturnType<typeof clients>;
const denials: string[] = [];

beforeAll(async () => {
  em = await startTestEmulator({ logDenial: (line) => denials.push(line) });
  root = clients(em.endpoint);
});
afterAll(async () => {
  await em?.close();
});

describe('identity policies', () => {
  it('a user without policies is denied, in AWS wording, through the real CLI', async () => {
    const nobody = await createUserWithKey(root.iam, 'nobody');
    const r = await awsCli(em.endpoint, ['iam', 'get-user', '--user-name', 'nobody'], { creds: nobody });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `An error occurred (AccessDenied) when calling the GetUser operation: User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${ACCOUNT}:user/nobody because no identity-based policy allows the iam:GetUser action`,
    );
    // The denial was logged on one line and recorded for `iam-labs why`.
    expect(denials.some((l) => l.includes(`arn:aws:iam::${ACCOUNT}:user/nobody iam:GetUser`))).toBe(true);
    const last = em.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(last).toMatchObject({ principal: `arn:aws:iam::${ACCOUNT}:user/nobody`, action: 'iam:GetUser', decision: 'ImplicitlyDenied' });
    expect(last.message).toContain('because no identity-based policy allows');
  });

  it('an explicit deny beats IAMFullAccess', async () => {
    const admin = await createUserWithKey(root.iam, 'iam-admin', {
      attach: ['arn:aws:iam::aws:policy/IAMFullAccess'],
      inline: policy({ Sid: 'NeverDeleteUsers', Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }),
    });
    const iam = clients(em.endpoint, admin).iam;
    await iam.send(new CreateUserCommand({ UserName: 'temp-user' }));
    const refused = await rejection(iam.send(new DeleteUserCommand({ UserName: 'temp-user' })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/iam-admin is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::${ACCOUNT}:user/temp-user with an explicit deny in an identity-based policy`,
    );
    const last = em.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(last.reason).toContain('NeverDeleteUsers');
    // Allowed decisions are recorded too.
    expect(em.emulator.decisions.recent({ limit: 5 }).some((d) => d.decision === 'Allowed' && d.action === 'iam:CreateUser')).toBe(true);
  });

  it('policies reach a user through its groups', async () => {
    const member = await createUserWithKey(root.iam, 'grouped');
    await root.iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
    await root.iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'grouped' }));
    const iam = clients(em.endpoint, member).iam;
    expect((await rejection(iam.send(new GetUserCommand({ UserName: 'grouped' })))).name).toBe('AccessDenied');
    await root.iam.send(
      new PutGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'read-users', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' })) }),
    );
    await expect(iam.send(new GetUserCommand({ UserName: 'grouped' }))).resolves.toBeTruthy();
  });

  it('a source-IP condition follows the x-iam-labs-source-ip header', async () => {
    const officeOnly = await createUserWithKey(root.iam, 'office-worker', {
      inline: policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    });
    const fromOffice = withHeader(clients(em.endpoint, officeOnly).iam, SOURCE_IP_HEADER, '203.0.113.25');
    await expect(fromOffice.send(new GetUserCommand({ UserName: 'office-worker' }))).resolves.toBeTruthy();
    const fromHome = withHeader(clients(em.endpoint, officeOnly).iam, SOURCE_IP_HEADER, '198.51.100.7');
    expect((await rejection(fromHome.send(new GetUserCommand({ UserName: 'office-worker' })))).name).toBe('AccessDenied');
    // Without the header the client's own address (loopback) is aws:SourceIp.
    expect((await rejection(clients(em.endpoint, officeOnly).iam.send(new GetUserCommand({ UserName: 'office-worker' })))).name).toBe('AccessDenied');
    const last = em.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(last.reason).toContain('Condition IpAddress on aws:SourceIp wants 203.0.113.0/24, but the request had 127.0.0.1');
  });

  it('a permissions boundary caps AdministratorAccess', async () => {
    const boundary = await root.iam.send(
      new CreatePolicyCommand({ PolicyName: 'ReadOnlyBoundary', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' })) }),
    );
    const capped = await createUserWithKey(root.iam, 'capped-admin', { attach: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    const iam = clients(em.endpoint, capped).iam;
    await expect(iam.send(new CreateUserCommand({ UserName: 'before-boundary' }))).resolves.toBeTruthy();
    await root.iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'capped-admin', PermissionsBoundary: boundary.Policy!.Arn! }));
    const refused = await rejection(iam.send(new CreateUserCommand({ UserName: 'after-boundary' })));
    expect(refused.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/capped-admin is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/after-boundary because no permissions boundary allows the iam:CreateUser action`,
    );
    await expect(iam.send(new GetUserCommand({ UserName: 'capped-admin' }))).resolves.toBeTruthy();
  });
});

describe('role sessions', () => {
  it('an assumed-role session has its role policies, and the CLI sees the session ARN', async () => {
    const caller = await createUserWithKey(root.iam, 'role-user', { inline: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) });
    const arn = await createRole(root.iam, 'UserReader', trustPolicy({ AWS: ACCOUNT }));
    await root.iam.send(new PutRolePolicyCommand({ RoleName: 'UserReader', PolicyName: 'get-users', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' })) }));
    const r = await clients(em.endpoint, caller).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'reader' }));
    const creds: Creds = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
    const session = clients(em.endpoint, creds);
    await expect(session.iam.send(new GetUserCommand({ UserName: 'role-user' }))).resolves.toBeTruthy();
    const refused = await rejection(session.iam.send(new DeleteUserCommand({ UserName: 'role-user' })));
    expect(refused.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/UserReader/reader is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::${ACCOUNT}:user/role-user because no identity-based policy allows the iam:DeleteUser action`,
    );
    expect((await session.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/UserReader/reader`);
    const cli = await awsCli(em.endpoint, ['sts', 'get-caller-identity', '--output', 'json'], { creds });
    expect(cli.json?.Arn, cli.stderr).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/UserReader/reader`);
  });
});

describe('keys', () => {
  it('an inactive key is refused, and works again when re-activated', async () => {
    const creds = await createUserWithKey(root.iam, 'key-owner', { inline: policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }) });
    const sts = clients(em.endpoint, creds).sts;
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toBeTruthy();
    await root.iam.send(new UpdateAccessKeyCommand({ UserName: 'key-owner', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    const refused = await rejection(sts.send(new GetCallerIdentityCommand({})));
    expect(refused).toMatchObject({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.', status: 403 });
    const cli = await awsCli(em.endpoint, ['sts', 'get-caller-identity'], { creds });
    expect(cli.stderr).toContain('(InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.');
    await root.iam.send(new UpdateAccessKeyCommand({ UserName: 'key-owner', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toBeTruthy();
  });

  it('a deleted key is refused', async () => {
    const creds = await createUserWithKey(root.iam, 'deleted-key-owner');
    await root.iam.send(new DeleteAccessKeyCommand({ UserName: 'deleted-key-owner', AccessKeyId: creds.accessKeyId }));
    const refused = await rejection(clients(em.endpoint, creds).iam.send(new ListUsersCommand({})));
    expect(refused).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
  });
});

describe('--no-enforce', () => {
  it('allows every signed request, as LocalStack does', async () => {
    const open = await startTestEmulator({ enforce: false });
    try {
      const openRoot = clients(open.endpoint);
      const nobody = await createUserWithKey(openRoot.iam, 'nobody');
      await expect(clients(open.endpoint, nobody).iam.send(new ListUsersCommand({}))).resolves.toBeTruthy();
      expect(open.emulator.decisions.recent()).toEqual([]);
    } finally {
      await open.close();
    }
  });
});
