/**
 * Service last accessed data and policy introspection through the SDK v3 against a real,
 * enforcing emulator: reports for a user, group, role and policy from the attempts the emulator
 * recorded, ListPoliciesGrantingServiceAccess, GetContextKeysFor*Policy, and the Organizations
 * report for an account in no organization.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GenerateOrganizationsAccessReportCommand,
  GenerateServiceLastAccessedDetailsCommand,
  GetContextKeysForCustomPolicyCommand,
  GetContextKeysForPrincipalPolicyCommand,
  GetOrganizationsAccessReportCommand,
  GetServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsWithEntitiesCommand,
  ListPoliciesGrantingServiceAccessCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let iam: IAMClient;
let policyArn = '';
const USER = 'arn:aws:iam::000000000000:user/analyst';
const GROUP = 'arn:aws:iam::000000000000:group/readers';

const doc = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  iam = clients(emu.endpoint).iam;
  await iam.send(new CreateUserCommand({ UserName: 'analyst' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'analyst' }));
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'ReadS3',
      PolicyDocument: doc([{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:GetObject'], Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }]),
    }),
  );
  policyArn = policy.Policy!.Arn!;
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: policyArn }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'analyst',
      PolicyName: 'ListUsers',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { StringEquals: { 'aws:username': '${aws:username}' } } }]),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'analyst' }));
  const analyst = clients(emu.endpoint, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
  await analyst.s3.send(new ListBucketsCommand({}));
  await analyst.iam.send(new ListUsersCommand({})).catch(() => undefined);
});
afterAll(async () => {
  await emu?.close();
});

async function report(arn: string, granularity?: 'SERVICE_LEVEL' | 'ACTION_LEVEL') {
  const { JobId } = await iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: arn, Granularity: granularity }));
  expect(JobId).toMatch(/^[0-9a-f-]{36}$/);
  return { JobId: JobId!, details: await iam.send(new GetServiceLastAccessedDetailsCommand({ JobId })) };
}

describe('service last accessed details', () => {
  it("lists the services a user's policies allow, with when the user last tried each", async () => {
    const { details } = await report(USER);
    expect(details).toMatchObject({ JobStatus: 'COMPLETED', JobType: 'SERVICE_LEVEL', IsTruncated: false });
    const byNs = Object.fromEntries(details.ServicesLastAccessed!.map((s) => [s.ServiceNamespace, s]));
    expect(Object.keys(byNs).sort()).toEqual(['iam', 's3']);
    expect(byNs.s3).toMatchObject({ ServiceName: 'Amazon S3', LastAuthenticatedEntity: USER, LastAuthenticatedRegion: 'us-east-1', TotalAuthenticatedEntities: 1 });
    expect(byNs.s3.LastAuthenticated).toBeInstanceOf(Date);
    expect(byNs.iam.TotalAuthenticatedEntities).toBe(1);
  });

  it('reports tracked actions at ACTION_LEVEL', async () => {
    const { details } = await report(USER, 'ACTION_LEVEL');
    const s3 = details.ServicesLastAccessed!.find((s) => s.ServiceNamespace === 's3');
    expect(s3?.TrackedActionsLastAccessed).toEqual([expect.objectContaining({ ActionName: 'ListAllMyBuckets', LastAccessedEntity: USER })]);
  });

  it('a group report counts its members; WithEntities names them', async () => {
    const { JobId, details } = await report(GROUP);
    expect(details.ServicesLastAccessed?.map((s) => s.ServiceNamespace)).toEqual(['s3']);
    const entities = await iam.send(new GetServiceLastAccessedDetailsWithEntitiesCommand({ JobId, ServiceNamespace: 's3' }));
    expect(entities.EntityDetailsList).toEqual([
      { EntityInfo: expect.objectContaining({ Arn: USER, Name: 'analyst', Type: 'USER', Path: '/' }), LastAuthenticated: expect.any(Date) },
    ]);
  });

  it('a policy report counts the entities using the policy', async () => {
    const { details } = await report(policyArn);
    expect(details.ServicesLastAccessed).toEqual([expect.objectContaining({ ServiceNamespace: 's3', TotalAuthenticatedEntities: 1, LastAuthenticatedEntity: USER })]);
  });

  it('answers NoSuchEntity for an entity that does not exist, and for an unknown job', async () => {
    await expectAwsError(iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: 'arn:aws:iam::000000000000:user/nobody' })), { code: 'NoSuchEntity', status: 404 });
    await expectAwsError(iam.send(new GetServiceLastAccessedDetailsCommand({ JobId: '00000000-0000-0000-0000-000000000000' })), { code: 'NoSuchEntity', status: 404 });
  });
});

describe('ListPoliciesGrantingServiceAccess', () => {
  it('names inline policies with their entity and managed policies by ARN', async () => {
    const out = await iam.send(new ListPoliciesGrantingServiceAccessCommand({ Arn: USER, ServiceNamespaces: ['s3', 'iam', 'ec2'] }));
    expect(out.PoliciesGrantingServiceAccess).toEqual([
      { ServiceNamespace: 's3', Policies: [{ PolicyName: 'ReadS3', PolicyType: 'MANAGED', PolicyArn: policyArn }] },
      { ServiceNamespace: 'iam', Policies: [{ PolicyName: 'ListUsers', PolicyType: 'INLINE', EntityType: 'USER', EntityName: 'analyst' }] },
      { ServiceNamespace: 'ec2', Policies: [] },
    ]);
  });
});

describe('GetContextKeysFor*Policy', () => {
  it('lists the condition keys and policy variables of a principal, once each', async () => {
    const out = await iam.send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: USER }));
    expect(out.ContextKeyNames).toEqual(['aws:username', 'aws:RequestedRegion']);
  });

  it('lists the keys of policies passed in', async () => {
    const out = await iam.send(
      new GetContextKeysForCustomPolicyCommand({
        PolicyInputList: [doc([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:userid}/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' }, StringLike: { 's3:prefix': 'home/*' } } }])],
      }),
    );
    expect(out.ContextKeyNames).toEqual(['aws:userid', 'aws:SourceIp', 's3:prefix']);
  });
});

describe('Organizations access report', () => {
  it('runs and fails for an account that belongs to no organization', async () => {
    const { JobId } = await iam.send(new GenerateOrganizationsAccessReportCommand({ EntityPath: 'o-a1b2c3d4e5/r-f6g7' }));
    const out = await iam.send(new GetOrganizationsAccessReportCommand({ JobId }));
    expect(out.JobStatus).toBe('FAILED');
    expect(out.ErrorDetails?.Code).toBe('OrganizationNotFoundException');
  });

  it('validates the entity path', async () => {
    await expectAwsError(iam.send(new GenerateOrganizationsAccessReportCommand({ EntityPath: 'not-an-organization-path' })), { code: 'ValidationError', status: 400 });
  });
});
