/**
 * Managed policies (customer and AWS managed), versions, attachments, inline policies,
 * permissions boundaries, GetAccountAuthorizationDetails and the policy simulator, through the
 * AWS SDK v3 against a real emulator.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  DeleteUserPermissionsBoundaryCommand,
  SetDefaultPolicyVersionCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  paginateListPolicies,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

/** RFC 3986 encoding, as IAM applies to policy documents (encodeURIComponent keeps !'()*). */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

let emu: StartedEmulator;
let iam: IAMClient;

const ACCOUNT = '000000000000';
const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const doc = (statement: object | object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });
const READ_REPORTS = doc([
  { Sid: 'List', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' },
  { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' },
]);
const DENY_DELETE = doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
const TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: false });
  iam = clients(emu.endpoint).iam;
  await iam.send(new CreateUserCommand({ UserName: 'analyst' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'analyst' }));
  await iam.send(new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }));
});
afterAll(async () => {
  await emu?.close();
});

describe('customer managed policies', () => {
  let arn: string;

  it('creates a policy and reads it back', async () => {
    const out = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'ReportsReader', Path: '/course/', PolicyDocument: READ_REPORTS, Description: 'read reports' }),
    );
    arn = out.Policy!.Arn!;
    expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:policy/course/ReportsReader`);
    expect(out.Policy?.PolicyId).toMatch(/^ANPA/);
    expect(out.Policy?.DefaultVersionId).toBe('v1');
    expect(out.Policy?.AttachmentCount).toBe(0);
    expect(out.Policy?.IsAttachable).toBe(true);
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    expect(got.Policy?.Description).toBe('read reports');
    const v1 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(v1.PolicyVersion?.Document).toBe(rfc3986(READ_REPORTS));
    expect(v1.PolicyVersion?.Document).toContain('acme-reports%2F%2A'); // "*" percent-encoded, as AWS does
    expect(JSON.parse(decodeURIComponent(v1.PolicyVersion!.Document!))).toEqual(JSON.parse(READ_REPORTS));
    expect(v1.PolicyVersion?.IsDefaultVersion).toBe(true);
  });

  it('refuses duplicates and malformed documents, accepts unknown but well-formed actions', async () => {
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'reportsreader', PolicyDocument: READ_REPORTS })), {
      code: 'EntityAlreadyExists',
      message: 'A policy called reportsreader already exists. Duplicate names are not allowed.',
      status: 409,
    });
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'Bad', PolicyDocument: '{not json' })), {
      code: 'MalformedPolicyDocument',
      message: 'Syntax errors in policy.',
      status: 400,
    });
    await expectAwsError(
      iam.send(new CreatePolicyCommand({ PolicyName: 'Bad', PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }) })),
      { code: 'MalformedPolicyDocument', message: 'Policy document should not specify a principal.' },
    );
    await expectAwsError(
      iam.send(new CreatePolicyCommand({ PolicyName: 'Bad', PolicyDocument: doc({ Effect: 'Allow', Action: 'GetObject', Resource: '*' }) })),
      { code: 'MalformedPolicyDocument', message: /vendor/ },
    );
    const ok = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'Typo', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }) }),
    );
    await iam.send(new DeletePolicyCommand({ PolicyArn: ok.Policy!.Arn! }));
    await expectAwsError(iam.send(new GetPolicyCommand({ PolicyArn: ok.Policy!.Arn! })), {
      code: 'NoSuchEntity',
      message: `Policy ${ok.Policy!.Arn!} was not found.`,
      status: 404,
    });
  });

  it('keeps at most 5 versions and never deletes the default one', async () => {
    for (let i = 2; i <= 5; i++) {
      const v = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: READ_REPORTS, SetAsDefault: i === 3 }));
      expect(v.PolicyVersion?.VersionId).toBe(`v${i}`);
    }
    await expectAwsError(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: READ_REPORTS })), {
      code: 'LimitExceeded',
      message: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      status: 409,
    });
    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    expect(listed.Versions?.find((v) => v.IsDefaultVersion)?.VersionId).toBe('v3');
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v3');

    await expectAwsError(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })), {
      code: 'DeleteConflict',
      message: 'Cannot delete the default version of a policy.',
      status: 409,
    });
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    // Version ids are never reused.
    const v6 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: READ_REPORTS }));
    expect(v6.PolicyVersion?.VersionId).toBe('v6');
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await expectAwsError(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })), {
      code: 'NoSuchEntity',
      message: `Policy ${arn} version v2 does not exist or is not attachable.`,
    });
    await expectAwsError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), {
      code: 'DeleteConflict',
      message:
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    });
    for (const v of ['v3', 'v4', 'v5', 'v6']) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
  });

  it('counts attachments and refuses to delete an attached policy', async () => {
    await iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: arn }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: arn }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(3);
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    expect(entities.PolicyUsers?.map((u) => u.UserName)).toEqual(['analyst']);
    expect(entities.PolicyGroups?.map((g) => g.GroupName)).toEqual(['developers']);
    expect(entities.PolicyRoles?.map((r) => r.RoleName)).toEqual(['app']);
    const rolesOnly = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn, EntityFilter: 'Role' }));
    expect(rolesOnly.PolicyUsers).toEqual([]);
    expect(rolesOnly.PolicyRoles?.map((r) => r.RoleName)).toEqual(['app']);

    await expectAwsError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), {
      code: 'DeleteConflict',
      message: 'Cannot delete a policy attached to entities.',
      status: 409,
    });
    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }));
    expect(local.Policies?.map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([['ReportsReader', 3]]);
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: arn }));
    const attachedToGroup = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'developers' }));
    expect(attachedToGroup.AttachedPolicies).toEqual([]);
  });
});

describe('AWS managed policies', () => {
  it('serves the catalog: GetPolicy and the default version document', async () => {
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: S3_READ_ONLY }));
    expect(got.Policy?.PolicyName).toBe('AmazonS3ReadOnlyAccess');
    expect(got.Policy?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: S3_READ_ONLY, VersionId: got.Policy!.DefaultVersionId! }));
    const document = JSON.parse(decodeURIComponent(v.PolicyVersion!.Document!));
    expect(JSON.stringify(document)).toContain('s3:Get');
    for (const name of ['AmazonS3FullAccess', 'ReadOnlyAccess', 'AdministratorAccess', 'AmazonEC2ContainerRegistryPowerUser', 'AmazonSSMManagedInstanceCore']) {
      const p = await iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::aws:policy/${name}` }));
      expect(p.Policy?.Arn).toBe(`arn:aws:iam::aws:policy/${name}`);
    }
    await expectAwsError(iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/NoSuchThing' })), {
      code: 'NoSuchEntity',
      message: 'Policy arn:aws:iam::aws:policy/NoSuchThing was not found.',
    });
  });

  it('lists over a thousand AWS policies with the SDK paginator, with path prefixes', async () => {
    let count = 0;
    for await (const page of paginateListPolicies({ client: iam }, { Scope: 'AWS' })) count += page.Policies?.length ?? 0;
    expect(count).toBeGreaterThan(1000);
    const jobs = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', PathPrefix: '/job-function/' }));
    expect(jobs.Policies?.length).toBeGreaterThan(0);
    expect(jobs.Policies?.every((p) => p.Path === '/job-function/')).toBe(true);
  });

  it('attaches AWS managed policies, with their attachment count, the 10-policy quota and AWS wording', async () => {
    await iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: S3_READ_ONLY }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: S3_READ_ONLY })); // twice is a no-op
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'analyst' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['ReportsReader', 'AmazonS3ReadOnlyAccess']);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: S3_READ_ONLY }))).Policy?.AttachmentCount).toBe(1);
    const used = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }));
    expect(used.Policies?.map((p) => p.PolicyName)).toEqual(['AmazonS3ReadOnlyAccess']);

    await expectAwsError(iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: 'arn:aws:iam::aws:policy/Nope' })), {
      code: 'NoSuchEntity',
      message: 'Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable.',
      status: 404,
    });
    const more = ['AmazonS3FullAccess', 'ReadOnlyAccess', 'AdministratorAccess', 'AmazonEC2ContainerRegistryPowerUser',
      'AmazonSSMManagedInstanceCore', 'IAMReadOnlyAccess', 'AmazonEC2ReadOnlyAccess', 'AmazonDynamoDBReadOnlyAccess'];
    for (const name of more) await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: `arn:aws:iam::aws:policy/${name}` }));
    // app already had ReportsReader: 9 attached; one more reaches the quota of 10.
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess' }));
    await expectAwsError(iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess' })), {
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for PoliciesPerRole: 10',
      status: 409,
    });
    const roleAttached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'app', MaxItems: 4 }));
    expect(roleAttached.AttachedPolicies).toHaveLength(4);
    expect(roleAttached.IsTruncated).toBe(true);
    await expectAwsError(iam.send(new DetachUserPolicyCommand({ UserName: 'analyst', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' })), {
      code: 'NoSuchEntity',
      message: 'Policy arn:aws:iam::aws:policy/AmazonS3FullAccess was not found.',
    });
  });
});

describe('inline policies', () => {
  it('puts, gets (URL-encoded), lists and deletes inline policies for users, groups and roles', async () => {
    await iam.send(new PutUserPolicyCommand({ UserName: 'analyst', PolicyName: 'NoDeletes', PolicyDocument: DENY_DELETE }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'Reports', PolicyDocument: READ_REPORTS }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'Reports', PolicyDocument: READ_REPORTS }));
    const u = await iam.send(new GetUserPolicyCommand({ UserName: 'analyst', PolicyName: 'NoDeletes' }));
    expect(u.UserName).toBe('analyst');
    expect(u.PolicyDocument).toBe(rfc3986(DENY_DELETE));
    const g = await iam.send(new GetGroupPolicyCommand({ GroupName: 'developers', PolicyName: 'Reports' }));
    expect(decodeURIComponent(g.PolicyDocument!)).toBe(READ_REPORTS);
    const r = await iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'Reports' }));
    expect(r.RoleName).toBe('app');
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'analyst' }))).PolicyNames).toEqual(['NoDeletes']);
    expect((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'developers' }))).PolicyNames).toEqual(['Reports']);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'app' }))).PolicyNames).toEqual(['Reports']);
    await expectAwsError(iam.send(new GetUserPolicyCommand({ UserName: 'analyst', PolicyName: 'Missing' })), {
      code: 'NoSuchEntity',
      message: 'The user policy with name Missing cannot be found.',
      status: 404,
    });
    await expectAwsError(iam.send(new GetRolePolicyCommand({ RoleName: 'app', PolicyName: 'Missing' })), {
      code: 'NoSuchEntity',
      message: 'The role policy with name Missing cannot be found.',
    });
    await expectAwsError(
      iam.send(new PutUserPolicyCommand({ UserName: 'analyst', PolicyName: 'Bad', PolicyDocument: TRUST })),
      { code: 'MalformedPolicyDocument', message: 'Policy document should not specify a principal.' },
    );
  });

  it('enforces the aggregate inline size quota (2048 for a user), whitespace not counted', async () => {
    const big = doc(
      Array.from({ length: 40 }, (_, i) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-number-${i}/*` })),
    );
    await expectAwsError(iam.send(new PutUserPolicyCommand({ UserName: 'analyst', PolicyName: 'Big', PolicyDocument: big })), {
      code: 'LimitExceeded',
      message: 'Maximum policy size of 2048 bytes exceeded for user analyst',
      status: 409,
    });
    const padded = JSON.stringify(JSON.parse(DENY_DELETE), null, 200); // lots of whitespace, small policy
    await iam.send(new PutUserPolicyCommand({ UserName: 'analyst', PolicyName: 'Padded', PolicyDocument: padded }));
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'analyst', PolicyName: 'Padded' }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'app', PolicyName: 'Big', PolicyDocument: big })); // roles allow 10240
  });
});

describe('permissions boundaries', () => {
  it('sets and removes boundaries on users and roles', async () => {
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'analyst', PermissionsBoundary: S3_READ_ONLY }));
    const user = await iam.send(new GetUserCommand({ UserName: 'analyst' }));
    expect(user.User?.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: S3_READ_ONLY });
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: S3_READ_ONLY }))).Policy?.PermissionsBoundaryUsageCount).toBe(1);
    const bounding = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true, PolicyUsageFilter: 'PermissionsBoundary' }));
    expect(bounding.Policies?.map((p) => p.PolicyName)).toEqual(['AmazonS3ReadOnlyAccess']);

    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'app', PermissionsBoundary: S3_READ_ONLY }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(S3_READ_ONLY);
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'app' }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'app' }))).Role?.PermissionsBoundary).toBeUndefined();
    await expectAwsError(
      iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'app', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/Ghost` })),
      { code: 'NoSuchEntity', message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/Ghost does not exist or is not attachable.` },
    );
  });
});

describe('simulator', () => {
  it('SimulatePrincipalPolicy evaluates the user with its groups, attachments and boundary', async () => {
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/analyst`,
        ActionNames: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject'],
        ResourceArns: ['arn:aws:s3:::acme-reports/q3.csv'],
      }),
    );
    const byAction = Object.fromEntries(out.EvaluationResults!.map((r) => [r.EvalActionName, r]));
    expect(byAction['s3:GetObject'].EvalDecision).toBe('allowed');
    expect(byAction['s3:GetObject'].EvalResourceName).toBe('arn:aws:s3:::acme-reports/q3.csv');
    expect(byAction['s3:GetObject'].MatchedStatements?.length).toBeGreaterThan(0);
    expect(byAction['s3:DeleteObject'].EvalDecision).toBe('explicitDeny');
    expect(byAction['s3:DeleteObject'].MatchedStatements?.[0].SourcePolicyId).toBe('NoDeletes');
    expect(byAction['s3:DeleteObject'].MatchedStatements?.[0].SourcePolicyType).toBe('user');
    expect(byAction['s3:PutObject'].EvalDecision).toBe('implicitDeny');
    expect(byAction['s3:PutObject'].MatchedStatements).toEqual([]);
    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'analyst' }));
  });

  it('SimulatePrincipalPolicy on a role applies its permissions boundary', async () => {
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'bounded',
        AssumeRolePolicyDocument: TRUST,
        PermissionsBoundary: S3_READ_ONLY,
      }),
    );
    await iam.send(new PutRolePolicyCommand({ RoleName: 'bounded', PolicyName: 'all-s3', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) }));
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/bounded`,
        ActionNames: ['s3:GetObject', 's3:PutObject'],
        ResourceArns: ['arn:aws:s3:::acme-reports/q3.csv'],
      }),
    );
    const [get, put] = out.EvaluationResults!;
    expect(get.EvalDecision).toBe('allowed');
    expect(get.MatchedStatements?.map((m) => [m.SourcePolicyId, m.SourcePolicyType])).toContainEqual(['all-s3', 'role']);
    expect(get.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary).toBe(true);
    expect(put.EvalDecision).toBe('implicitDeny');
    expect(put.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary).toBe(false);
    await expectAwsError(
      iam.send(new CreateRoleCommand({ RoleName: 'ghostly', AssumeRolePolicyDocument: TRUST, PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/Ghost` })),
      { code: 'NoSuchEntity', message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/Ghost does not exist or is not attachable.` },
    );
    await expectAwsError(
      iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/nobody`, ActionNames: ['s3:GetObject'] })),
      { code: 'NoSuchEntity', message: 'The user with name nobody cannot be found.' },
    );
  });

  it('SimulateCustomPolicy reports matched statements with positions and missing context keys', async () => {
    const policy = JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
        ],
      },
      null,
      2,
    );
    const out = await iam.send(
      new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: ['s3:ListBucket', 's3:GetObject'] }),
    );
    const [list, get] = out.EvaluationResults!;
    expect(list.EvalDecision).toBe('allowed');
    expect(list.EvalResourceName).toBe('*');
    expect(list.MatchedStatements?.[0].SourcePolicyId).toBe('PolicyInputList.1');
    expect(list.MatchedStatements?.[0].StartPosition).toEqual({ Line: 4, Column: 5 });
    expect(get.MissingContextValues).toEqual(['aws:MultiFactorAuthPresent']);

    const withMfa = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [policy],
        ActionNames: ['s3:GetObject'],
        ContextEntries: [{ ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyType: 'boolean', ContextKeyValues: ['true'] }],
      }),
    );
    expect(withMfa.EvaluationResults?.[0].EvalDecision).toBe('allowed');
    expect(withMfa.EvaluationResults?.[0].MissingContextValues).toEqual([]);
  });
});

describe('GetAccountAuthorizationDetails', () => {
  it('returns users, groups, roles and the policies in use, filtered and paginated', async () => {
    const all = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    const analyst = all.UserDetailList?.find((u) => u.UserName === 'analyst');
    expect(analyst?.GroupList).toEqual(['developers']);
    expect(analyst?.UserPolicyList?.map((p) => p.PolicyName)).toEqual(['NoDeletes']);
    expect(decodeURIComponent(analyst!.UserPolicyList![0].PolicyDocument!)).toBe(DENY_DELETE);
    expect(analyst?.AttachedManagedPolicies?.map((p) => p.PolicyName)).toEqual(['ReportsReader', 'AmazonS3ReadOnlyAccess']);
    const role = all.RoleDetailList?.find((r) => r.RoleName === 'app');
    expect(decodeURIComponent(role!.AssumeRolePolicyDocument!)).toBe(TRUST);
    expect(all.GroupDetailList?.map((g) => g.GroupName)).toEqual(['developers']);
    const names = all.Policies?.map((p) => p.PolicyName) ?? [];
    expect(names).toContain('ReportsReader');
    expect(names).toContain('AmazonS3ReadOnlyAccess');
    expect(names).not.toContain('AmazonRDSFullAccess'); // AWS policies nobody uses are left out
    const mine = all.Policies?.find((p) => p.PolicyName === 'ReportsReader');
    expect(mine?.PolicyVersionList?.map((v) => v.VersionId)).toEqual(['v1']);
    expect(decodeURIComponent(mine!.PolicyVersionList![0].Document!)).toBe(READ_REPORTS);

    const rolesOnly = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(rolesOnly.UserDetailList).toEqual([]);
    expect(rolesOnly.RoleDetailList?.map((r) => r.RoleName)).toEqual(['app', 'bounded']);

    const first = await iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 2 }));
    expect(first.IsTruncated).toBe(true);
    const rest = await iam.send(new GetAccountAuthorizationDetailsCommand({ Marker: first.Marker }));
    const count = (o: typeof all) =>
      (o.UserDetailList?.length ?? 0) + (o.GroupDetailList?.length ?? 0) + (o.RoleDetailList?.length ?? 0) + (o.Policies?.length ?? 0);
    expect(count(first) + count(rest)).toBe(count(all));
  });
});
