/**
 * IAM answers as AWS does, through the SDK v3 against a real emulator: what IAM rejects (trust
 * policy actions and principals, managed policy versions, ARNs with regions, tags), the codes and
 * statuses of its errors, its response shapes and its wording. Expectations come from AWS's
 * documentation and from responses recorded against AWS (see docs/emulator-coverage.md).
 */
import {
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeletePolicyCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  ListGroupsCommand,
  ListRoleTagsCommand,
  ListUsersCommand,
  PutUserPermissionsBoundaryCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UntagUserCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleDescriptionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, startTestEmulator } from '../helpers/emulator.js';
import { ACCOUNT, createRole, createUserWithKey, trustPolicy } from './sts-helpers.js';

let emu: StartedEmulator;
let iam: IAMClient;

const EC2_TRUST = trustPolicy({ Service: 'ec2.amazonaws.com' });
const J = JSON.stringify;
const READ = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }] };
const MALFORMED = { code: 'MalformedPolicyDocument', status: 400 };

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
});

describe('accepts only what AWS accepts', () => {
  it('a trust policy may only allow STS AssumeRole actions', async () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:GetCallerIdentity'] }] };
    await expectAwsError(iam.send(new CreateRoleCommand({ RoleName: 'wrong-actions', AssumeRolePolicyDocument: J(doc) })), {
      ...MALFORMED,
      message: 'AssumeRole policy may only specify STS AssumeRole actions.',
    });
    const tagging = { ...doc, Statement: [{ ...doc.Statement[0], Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
    await iam.send(new CreateRoleCommand({ RoleName: 'tagging-trust', AssumeRolePolicyDocument: J(tagging) }));
  });

  it('service principals must exist: lamda.amazonaws.com and ec2 are refused', async () => {
    await createRole(iam, 'fn-role', EC2_TRUST);
    for (const service of ['lamda.amazonaws.com', 'ec2']) {
      await expectAwsError(iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'fn-role', PolicyDocument: J(trustPolicy({ Service: service })) })), {
        ...MALFORMED,
        message: `Invalid principal in policy: "SERVICE":"${service}"`,
      });
    }
  });

  it('a user or role named as a principal must exist', async () => {
    await expectAwsError(
      iam.send(new CreateRoleCommand({ RoleName: 'ghost-trust', AssumeRolePolicyDocument: J(trustPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:user/ghost` })) })),
      { ...MALFORMED, message: `Invalid principal in policy: "AWS":"arn:aws:iam::${ACCOUNT}:user/ghost"` },
    );
  });

  it('managed policies must be Version 2012-10-17', async () => {
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'old', PolicyDocument: J({ ...READ, Version: '2008-10-17' }) })), {
      ...MALFORMED,
      message: 'Policy document must be version 2012-10-17 or greater.',
    });
  });

  it('IAM and S3 resource ARNs carry no region; IAM paths name a resource type', async () => {
    const bad = (Resource: string) => J({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource }] });
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'r1', PolicyDocument: bad('arn:aws:iam:us-east-1:000000000000:user/alice') })), {
      ...MALFORMED,
      message: 'IAM resource arn:aws:iam:us-east-1:000000000000:user/alice cannot contain region information.',
    });
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'r2', PolicyDocument: bad('arn:aws:s3:eu-west-1::acme-reports/*') })), {
      ...MALFORMED,
      message: 'Resource arn:aws:s3:eu-west-1::acme-reports/* can not contain region information.',
    });
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'r3', PolicyDocument: bad('arn:aws:iam::000000000000:people/alice') })), {
      ...MALFORMED,
      message: /^IAM resource path must either be "\*" or start with user\/, federated-user\/, role\//,
    });
  });

  it('an unknown condition operator is refused', async () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'intern' } } }] };
    await expectAwsError(iam.send(new CreatePolicyCommand({ PolicyName: 'typo', PolicyDocument: J(doc) })), { ...MALFORMED, message: 'Syntax errors in policy.' });
  });

  it('Untag* checks tag keys like Tag* (length, characters, count), before looking the entity up', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tagged' }));
    const keyRule =
      "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]";
    await expectAwsError(iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['k'.repeat(129)] })), { code: 'ValidationError', status: 400, message: keyRule });
    await expectAwsError(iam.send(new UntagRoleCommand({ RoleName: 'no-such-role', TagKeys: ['bad#key'] })), { code: 'ValidationError', message: keyRule });
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(iam.send(new TagRoleCommand({ RoleName: 'no-such-role', Tags: tags })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    });
  });
});

describe("AWS's codes and statuses", () => {
  it('malformed policy ARNs are ValidationError', async () => {
    await createRole(iam, 'attach-target', EC2_TRUST);
    await expectAwsError(iam.send(new AttachRolePolicyCommand({ RoleName: 'attach-target', PolicyArn: 'longpolicynamebutnoarn' })), {
      code: 'ValidationError',
      status: 400,
      message: 'Invalid ARN:  Could not be parsed!',
    });
    await expectAwsError(iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::000000000000:role/attach-target' })), {
      code: 'ValidationError',
      message: 'ARN arn:aws:iam::000000000000:role/attach-target is not valid.',
    });
  });

  it('AWS managed policies cannot be deleted or changed: AccessDenied 403', async () => {
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await expectAwsError(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), { code: 'AccessDenied', status: 403, message: 'Cannot delete policies outside your own account.' });
    await expectAwsError(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: J(READ) })), { code: 'AccessDenied', status: 403 });
  });

  it('a boundary that does not exist is named as a scope', async () => {
    await expectAwsError(iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'tagged', PermissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/Ghost` })), {
      code: 'NoSuchEntity',
      status: 404,
      message: `Scope ARN: arn:aws:iam::${ACCOUNT}:policy/Ghost does not exist or is not attachable.`,
    });
  });

  it('GetUser without a name from a role session, and an unknown key from a role session', async () => {
    const user = await createUserWithKey(iam, 'role-user', { inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } });
    const roleArn = await createRole(iam, 'session-role', trustPolicy({ AWS: ACCOUNT }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'session-role', PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' }));
    const creds = (await clients(emu.endpoint, user).sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1' }))).Credentials!;
    const session = clients(emu.endpoint, { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! }).iam;
    await expectAwsError(session.send(new GetUserCommand({})), { code: 'ValidationError', status: 400, message: 'Must specify userName when calling with non-User credentials' });
    await expectAwsError(session.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' })), { code: 'AccessDenied', status: 403 });
  });
});

describe("AWS's response shapes", () => {
  it('CreateRole and UpdateRoleDescription carry no MaxSessionDuration; GetRole does', async () => {
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'shapes', AssumeRolePolicyDocument: J(EC2_TRUST), MaxSessionDuration: 7200 }));
    expect(created.Role?.MaxSessionDuration).toBeUndefined();
    expect(created.Role?.RoleLastUsed).toBeUndefined();
    const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'shapes', Description: 'web tier' }));
    expect(described.Role?.MaxSessionDuration).toBeUndefined();
    expect(described.Role?.Description).toBe('web tier');
    expect((await iam.send(new GetRoleCommand({ RoleName: 'shapes' }))).Role?.MaxSessionDuration).toBe(7200);
  });

  it('GetPolicy and GetInstanceProfile carry Tags: []', async () => {
    const p = await iam.send(new CreatePolicyCommand({ PolicyName: 'untagged', PolicyDocument: J(READ) }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: p.Policy!.Arn! }))).Policy?.Tags).toEqual([]);
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'plain' }));
    expect((await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'plain' }))).InstanceProfile?.Tags).toEqual([]);
  });

  it('AWS managed policies carry their Description', async () => {
    const p = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    expect(p.Policy?.Description).toBe('Provides read only access to all buckets via the AWS Management Console.');
    expect(p.Policy?.Tags).toEqual([]);
  });

  it('an updated tag keeps its position', async () => {
    await iam.send(new TagRoleCommand({ RoleName: 'shapes', Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }] }));
    await iam.send(new TagRoleCommand({ RoleName: 'shapes', Tags: [{ Key: 'A', Value: 'one' }] }));
    const tags = (await iam.send(new ListRoleTagsCommand({ RoleName: 'shapes' }))).Tags;
    expect(tags?.map((t) => `${t.Key}=${t.Value}`)).toEqual(['A=one', 'b=2', 'c=3']);
  });

  it('the credential report: ReportNotPresent without a message, STARTED then COMPLETE', async () => {
    const missing = await expectAwsError(iam.send(new GetCredentialReportCommand({})), { code: 'ReportNotPresent', status: 410 });
    expect(missing.message).not.toContain('Credential report not present');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const csv = Buffer.from((await iam.send(new GetCredentialReportCommand({}))).Content!).toString('utf8');
    expect(csv.split('\n')[1]).toMatch(/^<root_account>,arn:aws:iam::000000000000:root,[^,]+,not_supported,no_information,not_supported,not_supported,false,false,N\/A,N\/A,N\/A,N\/A,false,N\/A,N\/A,N\/A,N\/A,false,N\/A,false,N\/A$/);
  });
});

describe("AWS's wording", () => {
  it('MFA device already exists; a role missing from an instance profile', async () => {
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dup-device' }));
    await expectAwsError(iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dup-device' })), {
      code: 'EntityAlreadyExists',
      status: 409,
      message: 'MFA device already exists.',
    });
    await expectAwsError(iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'plain', RoleName: 'shapes' })), {
      code: 'NoSuchEntity',
      status: 404,
      message: 'Role shapes in Instance Profile plain cannot be found.',
    });
  });
});

describe('enforcement follows the Service Authorization Reference', () => {
  it('iam:* on one user ARN does not let a user list users or groups', async () => {
    const creds = await createUserWithKey(iam, 'self-admin', {
      inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${ACCOUNT}:user/self-admin` }] },
    });
    const own = clients(emu.endpoint, creds).iam;
    expect((await own.send(new GetUserCommand({}))).User?.UserName).toBe('self-admin');
    await expectAwsError(own.send(new ListUsersCommand({})), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:user/self-admin is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${ACCOUNT}:user/ because no identity-based policy allows the iam:ListUsers action`,
    });
    await expectAwsError(own.send(new ListGroupsCommand({})), {
      code: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:user/self-admin is not authorized to perform: iam:ListGroups on resource: arn:aws:iam::${ACCOUNT}:group/ because no identity-based policy allows the iam:ListGroups action`,
    });
  });
});

describe.each(availableClis())('through AWS CLI $name', (cli) => {
  it('create-role with a misspelled service principal fails as in AWS', async () => {
    const out = await awsCli(emu.endpoint, ['iam', 'create-role', '--role-name', `typo-${cli.name}`, '--assume-role-policy-document', J(trustPolicy({ Service: 'lamda.amazonaws.com' }))], {
      bin: cli.bin,
      needsEndpointFlag: cli.needsEndpointFlag,
    });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: Invalid principal in policy: "SERVICE":"lamda.amazonaws.com"');
  });
});
