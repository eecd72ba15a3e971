/**
 * IAM identities through the AWS SDK v3 against a real emulator: users, tags, access keys (and
 * the SigV4 checks made with them), login profiles, groups, and the clean-up DeleteUser demands.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateGroupCommand,
  UpdateLoginProfileCommand,
  UpdateUserCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { currentTotp } from '../../src/emulator/iam/totp.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let iam: IAMClient;

beforeAll(async () => {
  // Authorization is not what these tests are about: requests signed by users are let through.
  emu = await startTestEmulator({ enforce: false });
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
});

const ACCT = '000000000000';
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

describe('users', () => {
  it('creates, reads, renames and deletes a user', async () => {
    const created = await iam.send(new CreateUserCommand({ UserName: 'Alice', Path: '/eng/' }));
    expect(created.User).toMatchObject({ UserName: 'Alice', Path: '/eng/', Arn: `arn:aws:iam::${ACCT}:user/eng/Alice` });
    expect(created.User?.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);

    const got = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(got.User?.UserName).toBe('Alice');

    await iam.send(new UpdateUserCommand({ UserName: 'Alice', NewUserName: 'Alicia', NewPath: '/ops/' }));
    const renamed = await iam.send(new GetUserCommand({ UserName: 'Alicia' }));
    expect(renamed.User).toMatchObject({ UserName: 'Alicia', Path: '/ops/', Arn: `arn:aws:iam::${ACCT}:user/ops/Alicia`, UserId: created.User?.UserId });
    await expectAwsError(iam.send(new GetUserCommand({ UserName: 'Alice' })), {
      code: 'NoSuchEntity',
      message: 'The user with name Alice cannot be found.',
      status: 404,
    });

    await iam.send(new DeleteUserCommand({ UserName: 'Alicia' }));
    await expectAwsError(iam.send(new DeleteUserCommand({ UserName: 'Alicia' })), {
      code: 'NoSuchEntity',
      message: 'The user with name Alicia cannot be found.',
    });
  });

  it('keeps names unique case-insensitively and validates names and paths', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'Bob' }));
    await expectAwsError(iam.send(new CreateUserCommand({ UserName: 'BOB' })), {
      code: 'EntityAlreadyExists',
      message: 'User with name BOB already exists.',
      status: 409,
    });
    await iam.send(new CreateUserCommand({ UserName: 'Carl' }));
    await expectAwsError(iam.send(new UpdateUserCommand({ UserName: 'Carl', NewUserName: 'bob' })), {
      code: 'EntityAlreadyExists',
      message: 'User with name bob already exists.',
    });
    // Changing only the case of one's own name is allowed.
    await iam.send(new UpdateUserCommand({ UserName: 'Carl', NewUserName: 'CARL' }));
    expect((await iam.send(new GetUserCommand({ UserName: 'carl' }))).User?.UserName).toBe('CARL');

    await expectAwsError(iam.send(new CreateUserCommand({ UserName: 'bad name!' })), {
      code: 'ValidationError',
      message: /failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\+/,
      status: 400,
    });
    await expectAwsError(iam.send(new CreateUserCommand({ UserName: 'x'.repeat(65) })), {
      code: 'ValidationError',
      message: /at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64/,
    });
    await expectAwsError(iam.send(new CreateUserCommand({ UserName: 'pathy', Path: 'no-slashes' })), {
      code: 'ValidationError',
      message: /at 'path' failed to satisfy constraint/,
    });
  });

  it('tags and untags users (keys case-insensitive, 50 at most)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'team', Value: 'red' }] }));
    await iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'Team', Value: 'blue' }, { Key: 'env', Value: 'dev' }] }));
    let tags = (await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags;
    expect(tags).toEqual([
      { Key: 'Team', Value: 'blue' },
      { Key: 'env', Value: 'dev' },
    ]);
    expect((await iam.send(new GetUserCommand({ UserName: 'tagged' }))).User?.Tags).toHaveLength(2);

    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['TEAM', 'missing'] }));
    tags = (await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags;
    expect(tags).toEqual([{ Key: 'env', Value: 'dev' }]);

    await expectAwsError(
      iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] })),
      { code: 'InvalidInput', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' },
    );
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(iam.send(new TagUserCommand({ UserName: 'tagged', Tags: many })), {
      code: 'LimitExceeded',
      status: 409,
    });
    await expectAwsError(iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [...many, { Key: 'x', Value: 'y' }] })), {
      code: 'ValidationError',
      message: /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50/,
    });
    await iam.send(new TagUserCommand({ UserName: 'tagged', Tags: many.slice(0, 49) }));
    const page1 = await iam.send(new ListUserTagsCommand({ UserName: 'tagged', MaxItems: 20 }));
    expect(page1.Tags).toHaveLength(20);
    expect(page1.IsTruncated).toBe(true);
    const page2 = await iam.send(new ListUserTagsCommand({ UserName: 'tagged', MaxItems: 40, Marker: page1.Marker }));
    expect(page2.Tags).toHaveLength(30);
    expect(page2.IsTruncated).toBe(false);
  });

  it('paginates ListUsers with MaxItems and Marker, filtered by PathPrefix', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await iam.send(new CreateUserCommand({ UserName: n, Path: '/paged/' }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = await iam.send(new ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: marker }));
      seen.push(...(r.Users ?? []).map((u) => u.UserName ?? ''));
      marker = r.IsTruncated ? r.Marker : undefined;
      pages++;
    } while (marker);
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(pages).toBe(3);
    await expectAwsError(iam.send(new ListUsersCommand({ MaxItems: 0 })), { code: 'ValidationError' });
  });
});

describe('access keys', () => {
  it('creates at most two keys per user and lists, updates and deletes them', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'keyed' }));
    const k1 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'keyed' }))).AccessKey;
    expect(k1?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(k1?.SecretAccessKey).toHaveLength(40);
    expect(k1?.Status).toBe('Active');
    const k2 = (await iam.send(new CreateAccessKeyCommand({ UserName: 'KEYED' }))).AccessKey;
    await expectAwsError(iam.send(new CreateAccessKeyCommand({ UserName: 'keyed' })), {
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      status: 409,
    });

    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'keyed' }));
    expect(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([k1?.AccessKeyId, k2?.AccessKeyId]);
    expect(listed.AccessKeyMetadata?.[0]).not.toHaveProperty('SecretAccessKey');
    const page = await iam.send(new ListAccessKeysCommand({ UserName: 'keyed', MaxItems: 1 }));
    expect(page.AccessKeyMetadata).toHaveLength(1);
    expect(page.IsTruncated).toBe(true);

    await iam.send(new UpdateAccessKeyCommand({ UserName: 'keyed', AccessKeyId: k1?.AccessKeyId, Status: 'Inactive' }));
    const after = await iam.send(new ListAccessKeysCommand({ UserName: 'keyed' }));
    expect(after.AccessKeyMetadata?.[0].Status).toBe('Inactive');
    await expectAwsError(
      iam.send(new UpdateAccessKeyCommand({ UserName: 'keyed', AccessKeyId: k1?.AccessKeyId, Status: 'Paused' as 'Active' })),
      { code: 'ValidationError', message: "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set" },
    );

    await iam.send(new DeleteAccessKeyCommand({ UserName: 'keyed', AccessKeyId: k2?.AccessKeyId }));
    await expectAwsError(iam.send(new DeleteAccessKeyCommand({ UserName: 'keyed', AccessKeyId: k2?.AccessKeyId })), {
      code: 'NoSuchEntity',
      message: `The Access Key with id ${k2?.AccessKeyId} cannot be found.`,
      status: 404,
    });
    // A key of one user is not found under another user's name.
    await iam.send(new CreateUserCommand({ UserName: 'other' }));
    await expectAwsError(iam.send(new DeleteAccessKeyCommand({ UserName: 'other', AccessKeyId: k1?.AccessKeyId })), {
      code: 'NoSuchEntity',
      message: `The Access Key with id ${k1?.AccessKeyId} cannot be found.`,
    });
    await expectAwsError(iam.send(new CreateAccessKeyCommand({ UserName: 'ghost' })), {
      code: 'NoSuchEntity',
      message: 'The user with name ghost cannot be found.',
    });
  });

  it('verifies signatures made with issued keys and records their last use', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'signer', Path: '/dev/' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'signer' }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };

    const never = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }));
    expect(never.UserName).toBe('signer');
    expect(never.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });

    const who = await clients(emu.endpoint, creds, 'eu-west-1').sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:iam::${ACCT}:user/dev/signer`);
    expect(who.Account).toBe(ACCT);

    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId }));
    expect(used.AccessKeyLastUsed?.ServiceName).toBe('sts');
    expect(used.AccessKeyLastUsed?.Region).toBe('eu-west-1');
    expect(used.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date);

    // The user's key defaults UserName to the caller.
    const own = await clients(emu.endpoint, creds).iam.send(new ListAccessKeysCommand({}));
    expect(own.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([creds.accessKeyId]);
    const me = await clients(emu.endpoint, creds).iam.send(new GetUserCommand({}));
    expect(me.User?.UserName).toBe('signer');

    await expectAwsError(
      clients(emu.endpoint, { ...creds, secretAccessKey: 'x'.repeat(40) }).sts.send(new GetCallerIdentityCommand({})),
      { code: 'SignatureDoesNotMatch', status: 403, message: /The request signature we calculated does not match/ },
    );

    await iam.send(new UpdateAccessKeyCommand({ UserName: 'signer', AccessKeyId: creds.accessKeyId, Status: 'Inactive' }));
    await expectAwsError(clients(emu.endpoint, creds).sts.send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
    });
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'signer', AccessKeyId: creds.accessKeyId, Status: 'Active' }));
    await clients(emu.endpoint, creds).sts.send(new GetCallerIdentityCommand({}));

    await iam.send(new DeleteAccessKeyCommand({ UserName: 'signer', AccessKeyId: creds.accessKeyId }));
    await expectAwsError(clients(emu.endpoint, creds).sts.send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    await expectAwsError(iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: creds.accessKeyId })), { code: 'NoSuchEntity' });
  });
});

describe('login profiles', () => {
  it('creates, reads, updates and deletes a console password', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'clicker' }));
    const lp = await iam.send(new CreateLoginProfileCommand({ UserName: 'clicker', Password: 'Str0ng-Passw0rd!', PasswordResetRequired: true }));
    expect(lp.LoginProfile).toMatchObject({ UserName: 'clicker', PasswordResetRequired: true });
    expect(lp.LoginProfile).not.toHaveProperty('Password');
    await expectAwsError(iam.send(new CreateLoginProfileCommand({ UserName: 'clicker', Password: 'Str0ng-Passw0rd!' })), {
      code: 'EntityAlreadyExists',
      message: 'Login Profile for user clicker already exists.',
      status: 409,
    });
    expect((await iam.send(new GetLoginProfileCommand({ UserName: 'clicker' }))).LoginProfile?.PasswordResetRequired).toBe(true);

    await iam.send(new UpdateLoginProfileCommand({ UserName: 'clicker', PasswordResetRequired: false }));
    expect((await iam.send(new GetLoginProfileCommand({ UserName: 'clicker' }))).LoginProfile?.PasswordResetRequired).toBe(false);

    // Only a hash is kept.
    const stored = emu.emulator.state.account(ACCT).iam.loginProfiles.clicker;
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(emu.emulator.state.toJSON())).not.toContain('Str0ng-Passw0rd!');

    await iam.send(new DeleteLoginProfileCommand({ UserName: 'clicker' }));
    await expectAwsError(iam.send(new GetLoginProfileCommand({ UserName: 'clicker' })), {
      code: 'NoSuchEntity',
      message: 'Login Profile for User clicker cannot be found.',
      status: 404,
    });
    await expectAwsError(iam.send(new UpdateLoginProfileCommand({ UserName: 'clicker', Password: 'An0ther-one!' })), {
      code: 'NoSuchEntity',
      message: 'Login Profile for User clicker cannot be found.',
    });
  });

  it('rejects a password the default policy refuses', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'weak' }));
    await expectAwsError(iam.send(new CreateLoginProfileCommand({ UserName: 'weak', Password: 'password' })), {
      code: 'PasswordPolicyViolation',
      status: 400,
    });
  });
});

describe('groups', () => {
  it('creates groups, manages members, and paginates', async () => {
    const g = await iam.send(new CreateGroupCommand({ GroupName: 'developers', Path: '/teams/' }));
    expect(g.Group).toMatchObject({ GroupName: 'developers', Path: '/teams/', Arn: `arn:aws:iam::${ACCT}:group/teams/developers` });
    expect(g.Group?.GroupId).toMatch(/^AGPA/);
    await expectAwsError(iam.send(new CreateGroupCommand({ GroupName: 'Developers' })), {
      code: 'EntityAlreadyExists',
      message: 'Group with name Developers already exists.',
      status: 409,
    });
    await expectAwsError(iam.send(new CreateGroupCommand({ GroupName: 'g'.repeat(129) })), {
      code: 'ValidationError',
      message: /at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128/,
    });

    for (const u of ['dev-a', 'dev-b', 'dev-c']) {
      await iam.send(new CreateUserCommand({ UserName: u }));
      await iam.send(new AddUserToGroupCommand({ GroupName: 'Developers', UserName: u.toUpperCase() }));
    }
    // Adding twice is fine.
    await iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'dev-a' }));
    await expectAwsError(iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'nobody' })), {
      code: 'NoSuchEntity',
      message: 'The user with name nobody cannot be found.',
    });
    await expectAwsError(iam.send(new AddUserToGroupCommand({ GroupName: 'nogroup', UserName: 'dev-a' })), {
      code: 'NoSuchEntity',
      message: 'The group with name nogroup cannot be found.',
      status: 404,
    });

    const full = await iam.send(new GetGroupCommand({ GroupName: 'developers' }));
    expect(full.Group?.GroupName).toBe('developers');
    expect(full.Users?.map((u) => u.UserName)).toEqual(['dev-a', 'dev-b', 'dev-c']);
    const p1 = await iam.send(new GetGroupCommand({ GroupName: 'developers', MaxItems: 2 }));
    expect(p1.Users).toHaveLength(2);
    expect(p1.IsTruncated).toBe(true);
    const p2 = await iam.send(new GetGroupCommand({ GroupName: 'developers', Marker: p1.Marker }));
    expect(p2.Users?.map((u) => u.UserName)).toEqual(['dev-c']);

    await iam.send(new CreateGroupCommand({ GroupName: 'admins' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'admins', UserName: 'dev-a' }));
    const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'dev-a' }));
    expect(forUser.Groups?.map((x) => x.GroupName)).toEqual(['admins', 'developers']);
    const limited = await iam.send(new ListGroupsForUserCommand({ UserName: 'dev-a', MaxItems: 1 }));
    expect(limited.IsTruncated).toBe(true);
    const listed = await iam.send(new ListGroupsCommand({ PathPrefix: '/teams/' }));
    expect(listed.Groups?.map((x) => x.GroupName)).toEqual(['developers']);

    // Renaming a member keeps the membership.
    await iam.send(new UpdateUserCommand({ UserName: 'dev-b', NewUserName: 'dev-bee' }));
    expect((await iam.send(new GetGroupCommand({ GroupName: 'developers' }))).Users?.map((u) => u.UserName)).toEqual([
      'dev-a',
      'dev-bee',
      'dev-c',
    ]);

    await expectAwsError(iam.send(new DeleteGroupCommand({ GroupName: 'developers' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must remove users from group first.',
      status: 409,
    });
    for (const u of ['dev-a', 'dev-bee', 'dev-c']) await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'developers', UserName: u }));
    // Removing a non-member succeeds, as in AWS.
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'developers', UserName: 'dev-a' }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'developers' }));
    await expectAwsError(iam.send(new GetGroupCommand({ GroupName: 'developers' })), {
      code: 'NoSuchEntity',
      message: 'The group with name developers cannot be found.',
    });
  });

  it('renames a group and keeps its members', async () => {
    await iam.send(new CreateGroupCommand({ GroupName: 'old-name' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'taken' }));
    await iam.send(new CreateUserCommand({ UserName: 'member' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'old-name', UserName: 'member' }));
    await expectAwsError(iam.send(new UpdateGroupCommand({ GroupName: 'old-name', NewGroupName: 'TAKEN' })), {
      code: 'EntityAlreadyExists',
      message: 'Group with name TAKEN already exists.',
    });
    await iam.send(new UpdateGroupCommand({ GroupName: 'old-name', NewGroupName: 'new-name', NewPath: '/renamed/' }));
    const g = await iam.send(new GetGroupCommand({ GroupName: 'new-name' }));
    expect(g.Group).toMatchObject({ GroupName: 'new-name', Path: '/renamed/', Arn: `arn:aws:iam::${ACCT}:group/renamed/new-name` });
    expect(g.Users?.map((u) => u.UserName)).toEqual(['member']);
    await expectAwsError(iam.send(new GetGroupCommand({ GroupName: 'old-name' })), { code: 'NoSuchEntity' });
  });

  it('refuses to delete a group that still has policies', async () => {
    const G = 'with-policies';
    await iam.send(new CreateGroupCommand({ GroupName: G }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: G, PolicyName: 'p', PolicyDocument: ALLOW_ALL }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: G, PolicyArn: READ_ONLY }));
    await expectAwsError(iam.send(new DeleteGroupCommand({ GroupName: G })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteGroupPolicyCommand({ GroupName: G, PolicyName: 'p' }));
    await expectAwsError(iam.send(new DeleteGroupCommand({ GroupName: G })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await iam.send(new DetachGroupPolicyCommand({ GroupName: G, PolicyArn: READ_ONLY }));
    await iam.send(new DeleteGroupCommand({ GroupName: G }));
  });
});

describe('DeleteUser clean-up order', () => {
  it('names each thing still attached, one at a time', async () => {
    const u = 'temp-contractor';
    await iam.send(new CreateUserCommand({ UserName: u }));
    await iam.send(new CreateLoginProfileCommand({ UserName: u, Password: 'Temp-Passw0rd!' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: u }))).AccessKey!;
    const mfa = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: u }))).VirtualMFADevice!;
    const seed = Buffer.from(mfa.Base32StringSeed!).toString('ascii');
    const now = Date.now();
    await iam.send(
      new EnableMFADeviceCommand({
        UserName: u,
        SerialNumber: mfa.SerialNumber,
        AuthenticationCode1: currentTotp(seed, now - 30_000),
        AuthenticationCode2: currentTotp(seed, now),
      }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'contractors' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'contractors', UserName: u }));
    await iam.send(new PutUserPolicyCommand({ UserName: u, PolicyName: 'TempFullAccess', PolicyDocument: ALLOW_ALL }));
    await iam.send(new AttachUserPolicyCommand({ UserName: u, PolicyArn: READ_ONLY }));

    const conflict = (message: string) =>
      expectAwsError(iam.send(new DeleteUserCommand({ UserName: u })), { code: 'DeleteConflict', message, status: 409 });
    await conflict('Cannot delete entity, must delete login profile first.');
    await iam.send(new DeleteLoginProfileCommand({ UserName: u }));
    await conflict('Cannot delete entity, must delete access keys first.');
    await iam.send(new DeleteAccessKeyCommand({ UserName: u, AccessKeyId: key.AccessKeyId }));
    await conflict('Cannot delete entity, must delete MFA device first.');
    await iam.send(new DeactivateMFADeviceCommand({ UserName: u, SerialNumber: mfa.SerialNumber }));
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: mfa.SerialNumber }));
    await conflict('Cannot delete entity, must delete policies first.');
    await iam.send(new DeleteUserPolicyCommand({ UserName: u, PolicyName: 'TempFullAccess' }));
    await conflict('Cannot delete entity, must detach all policies first.');
    await iam.send(new DetachUserPolicyCommand({ UserName: u, PolicyArn: READ_ONLY }));
    await conflict('Cannot delete entity, must remove users from group first.');
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'contractors', UserName: u }));
    await iam.send(new DeleteUserCommand({ UserName: u }));

    expect((await iam.send(new GetGroupCommand({ GroupName: 'contractors' }))).Group?.GroupName).toBe('contractors');
  });
});
