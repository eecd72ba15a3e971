/**
 * Roles and instance profiles through the AWS SDK v3 against a real emulator: trust policies
 * (validated, URL-encoded on the wire), updates, tags, role last use, DeleteConflict cases.
 */
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  TagInstanceProfileCommand,
  UntagInstanceProfileCommand,
  ListInstanceProfileTagsCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

/** RFC 3986 encoding, as IAM applies to policy documents (encodeURIComponent keeps !'()*). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

let emu: StartedEmulator;
let iam: IAMClient;

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const ACCOUNT_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::000000000000:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'acme-42' } },
    },
  ],
});
const READ_S3 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }],
});

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: false });
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
});

describe('roles', () => {
  it('creates a role and returns its trust policy URL-encoded, as IAM does', async () => {
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName: 'WebServer',
        Path: '/app/',
        AssumeRolePolicyDocument: EC2_TRUST,
        Description: 'EC2 web tier',
        MaxSessionDuration: 7200,
        Tags: [{ Key: 'team', Value: 'web' }],
      }),
    );
    expect(out.Role?.Arn).toBe('arn:aws:iam::000000000000:role/app/WebServer');
    expect(out.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    // CreateRole's answer has no MaxSessionDuration; GetRole shows it.
    expect(out.Role?.MaxSessionDuration).toBeUndefined();
    expect((await iam.send(new GetRoleCommand({ RoleName: 'WebServer' }))).Role?.MaxSessionDuration).toBe(7200);
    // The SDK does not decode the document: it arrives exactly as IAM sends it.
    expect(out.Role?.AssumeRolePolicyDocument).toBe(rfc3986(EC2_TRUST));

    const got = await iam.send(new GetRoleCommand({ RoleName: 'webserver' }));
    expect(got.Role?.RoleName).toBe('WebServer');
    expect(JSON.parse(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!))).toEqual(JSON.parse(EC2_TRUST));
    expect(got.Role?.Description).toBe('EC2 web tier');
    expect(got.Role?.Tags).toEqual([{ Key: 'team', Value: 'web' }]);
    expect(got.Role?.RoleLastUsed).toEqual({});
  });

  it('refuses a duplicate name case-insensitively', async () => {
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'WEBSERVER', AssumeRolePolicyDocument: EC2_TRUST })), {
      code: 'EntityAlreadyExists',
      message: 'Role with name WEBSERVER already exists.',
      status: 409,
    });
  });

  it('validates the trust policy: JSON, Principal required', async () => {
    // CreateRole words a JSON error its own way (recorded from AWS).
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'Bad1', AssumeRolePolicyDocument: '{"Version":' })), {
      code: 'MalformedPolicyDocument',
      message: 'This policy contains invalid Json',
      status: 400,
    });
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'Bad2', AssumeRolePolicyDocument: READ_S3 })), {
      code: 'MalformedPolicyDocument',
      message: /Principal/,
    });
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'Bad2' })), { code: 'NoSuchEntity' });
    const s3Trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 's3:GetObject' }],
    });
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'Bad3', AssumeRolePolicyDocument: s3Trust })), {
      code: 'MalformedPolicyDocument',
      message: 'AssumeRole policy may only specify STS AssumeRole actions.',
    });
  });

  it('checks MaxSessionDuration bounds (3600–43200)', async () => {
    await expectAwsError(
      iam.send(new CreateRoleCommand({ RoleName: 'Short', AssumeRolePolicyDocument: EC2_TRUST, MaxSessionDuration: 600 })),
      { code: 'ValidationError', message: /maxSessionDuration.*greater than or equal to 3600/ },
    );
    await expectAwsError(iam.send(new UpdateRoleCommand({ RoleName: 'WebServer', MaxSessionDuration: 50000 })), {
      code: 'ValidationError',
      message: /less than or equal to 43200/,
    });
  });

  it('lists roles with path prefix and pagination', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Auditor', AssumeRolePolicyDocument: ACCOUNT_TRUST }));
    const all = await iam.send(new ListRolesCommand({}));
    expect(all.Roles?.map((r) => r.RoleName)).toEqual(['Auditor', 'WebServer']);
    // ListRoles leaves out tags and last use, as AWS does.
    expect(all.Roles?.[1].Tags).toBeUndefined();
    const app = await iam.send(new ListRolesCommand({ PathPrefix: '/app/' }));
    expect(app.Roles?.map((r) => r.RoleName)).toEqual(['WebServer']);
    const first = await iam.send(new ListRolesCommand({ MaxItems: 1 }));
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(new ListRolesCommand({ MaxItems: 1, Marker: first.Marker }));
    expect(second.Roles?.map((r) => r.RoleName)).toEqual(['WebServer']);
    expect(second.IsTruncated).toBe(false);
  });

  it('updates the description, session duration and trust policy', async () => {
    await iam.send(new UpdateRoleCommand({ RoleName: 'Auditor', Description: 'external auditors', MaxSessionDuration: 43200 }));
    const desc = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'Auditor', Description: 'auditors (external)' }));
    expect(desc.Role?.Description).toBe('auditors (external)');
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Auditor', PolicyDocument: EC2_TRUST }));
    const got = await iam.send(new GetRoleCommand({ RoleName: 'Auditor' }));
    expect(got.Role?.MaxSessionDuration).toBe(43200);
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(EC2_TRUST);
    await expectAwsError(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Auditor', PolicyDocument: READ_S3 })), {
      code: 'MalformedPolicyDocument',
    });
    await expectAwsError(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Nobody', PolicyDocument: EC2_TRUST })), {
      code: 'NoSuchEntity',
      message: 'The role with name Nobody cannot be found.',
      status: 404,
    });
  });

  it('tags and untags a role', async () => {
    await iam.send(new TagRoleCommand({ RoleName: 'Auditor', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await iam.send(new TagRoleCommand({ RoleName: 'Auditor', Tags: [{ Key: 'a', Value: '3' }] }));
    await iam.send(new UntagRoleCommand({ RoleName: 'Auditor', TagKeys: ['b'] }));
    const tags = await iam.send(new ListRoleTagsCommand({ RoleName: 'Auditor' }));
    expect(tags.Tags).toEqual([{ Key: 'a', Value: '3' }]);
    expect(tags.IsTruncated).toBe(false);
  });

  it('refuses to delete a role with policies or in an instance profile, in AWS wording', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'Busy', AssumeRolePolicyDocument: EC2_TRUST }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'BusyProfile' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'BusyProfile', RoleName: 'Busy' }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Busy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Busy', PolicyName: 'inline', PolicyDocument: READ_S3 }));

    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'Busy' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must remove roles from instance profile first.',
      status: 409,
    });
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'BusyProfile', RoleName: 'Busy' }));
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'Busy' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'Busy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'Busy' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Busy', PolicyName: 'inline' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'Busy' }));
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'Busy' })), {
      code: 'NoSuchEntity',
      message: 'The role with name Busy cannot be found.',
    });
  });
});

describe('role last used', () => {
  it('records when and where a role session was used (GetRole RoleLastUsed)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'ops' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'ops',
        PolicyName: 'assume',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
      }),
    );
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/ops' }, Action: 'sts:AssumeRole' }],
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'OpsRole', AssumeRolePolicyDocument: trust }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ops' }))).AccessKey!;
    const asOps = clients(emu.endpoint, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, 'eu-west-1');
    const session = await asOps.sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/OpsRole', RoleSessionName: 'night-shift' }),
    );
    const creds = session.Credentials!;
    const asRole = clients(
      emu.endpoint,
      { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! },
      'eu-west-1',
    );
    const who = await asRole.sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts::000000000000:assumed-role/OpsRole/night-shift');
    const role = await iam.send(new GetRoleCommand({ RoleName: 'OpsRole' }));
    expect(role.Role?.RoleLastUsed?.Region).toBe('eu-west-1');
    expect(role.Role?.RoleLastUsed?.LastUsedDate).toBeInstanceOf(Date);
  });
});

describe('instance profiles', () => {
  it('creates, lists and deletes an instance profile holding one role', async () => {
    const created = await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'WebProfile', Path: '/app/' }));
    expect(created.InstanceProfile?.Arn).toBe('arn:aws:iam::000000000000:instance-profile/app/WebProfile');
    expect(created.InstanceProfile?.InstanceProfileId).toMatch(/^AIPA/);
    expect(created.InstanceProfile?.Roles).toEqual([]);
    await expectAwsError(iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'webprofile' })), {
      code: 'EntityAlreadyExists',
      message: 'Instance Profile webprofile already exists.',
    });

    await iam.send(new TagInstanceProfileCommand({ InstanceProfileName: 'WebProfile', Tags: [{ Key: 'tier', Value: 'web' }, { Key: 'x', Value: 'y' }] }));
    await iam.send(new UntagInstanceProfileCommand({ InstanceProfileName: 'WebProfile', TagKeys: ['x'] }));
    expect((await iam.send(new ListInstanceProfileTagsCommand({ InstanceProfileName: 'WebProfile' }))).Tags).toEqual([{ Key: 'tier', Value: 'web' }]);
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'WebServer' }));
    await expectAwsError(iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'Auditor' })), {
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
      status: 409,
    });
    const got = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'WebProfile' }));
    expect(got.InstanceProfile?.Roles?.map((r) => r.RoleName)).toEqual(['WebServer']);
    expect(decodeURIComponent(got.InstanceProfile!.Roles![0].AssumeRolePolicyDocument!)).toBe(EC2_TRUST);

    const forRole = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'WebServer' }));
    expect(forRole.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(['WebProfile']);
    const listed = await iam.send(new ListInstanceProfilesCommand({ PathPrefix: '/app/' }));
    expect(listed.InstanceProfiles?.map((p) => p.InstanceProfileName)).toEqual(['WebProfile']);

    await expectAwsError(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'WebProfile' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must remove roles from instance profile first.',
    });
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'WebProfile', RoleName: 'WebServer' }));
    await iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: 'WebProfile' }));
    await expectAwsError(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'WebProfile' })), {
      code: 'NoSuchEntity',
      message: 'Instance Profile WebProfile cannot be found.',
      status: 404,
    });
  });
});
