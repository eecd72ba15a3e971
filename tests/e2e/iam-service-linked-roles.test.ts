/**
 * Service-linked roles through the SDK v3 against a real emulator. Expected names, paths,
 * policies and messages are those real AWS answered (responses recorded against AWS for
 * CreateServiceLinkedRole / GetRole / ListAttachedRolePolicies / DeleteServiceLinkedRole).
 */
import {
  AttachRolePolicyCommand,
  CreateServiceLinkedRoleCommand,
  DeleteRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleDescriptionCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let iam: IAMClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
});

const trustOf = (service: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});

describe('CreateServiceLinkedRole', () => {
  it.each([
    ['ecs.amazonaws.com', 'AWSServiceRoleForECS', 'AmazonECSServiceRolePolicy'],
    ['autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling', 'AutoScalingServiceRolePolicy'],
    ['opsinsights.ssm.amazonaws.com', 'AWSServiceRoleForAmazonSSM_OpsInsights', 'AWSSSMOpsInsightsServiceRolePolicy'],
    ['elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing', 'AWSElasticLoadBalancingServiceRolePolicy'],
  ])('creates %s as %s under /aws-service-role/, trusting the service, with %s attached', async (service, roleName, policy) => {
    const created = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: service }));
    expect(created.Role).toMatchObject({
      RoleName: roleName,
      Path: `/aws-service-role/${service}/`,
      Arn: `arn:aws:iam::000000000000:role/aws-service-role/${service}/${roleName}`,
    });
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);

    const got = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    expect(JSON.parse(decodeURIComponent(got.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(trustOf(service));
    expect(got.Role).toMatchObject({ MaxSessionDuration: 3600, RoleLastUsed: {} });
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames).toEqual([]);
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies).toEqual([
      { PolicyName: policy, PolicyArn: `arn:aws:iam::aws:policy/aws-service-role/${policy}` },
    ]);
  });

  it('appends a custom suffix with an underscore for services that take one', async () => {
    const created = await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'lexv2.amazonaws.com', CustomSuffix: 'bot1' }));
    expect(created.Role?.RoleName).toBe('AWSServiceRoleForLexV2Bots_bot1');
    expect(created.Role?.Path).toBe('/aws-service-role/lexv2.amazonaws.com/');
  });

  it('refuses a custom suffix for services that take none', async () => {
    await expectAwsError(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com', CustomSuffix: 'testsuffix' })), {
      code: 'InvalidInput',
      message: 'Custom suffix is not allowed for batch.amazonaws.com',
      status: 400,
    });
  });

  it('refuses a second role for the same service: the name is taken', async () => {
    await iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' }));
    await expectAwsError(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'batch.amazonaws.com' })), {
      code: 'InvalidInput',
      message: 'Service role name AWSServiceRoleForBatch has been taken in this account, please try a different suffix.',
      status: 400,
    });
  });

  it('validates the service name against the model without echoing it', async () => {
    await expectAwsError(iam.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'bad name!' })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'aWSServiceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      status: 400,
    });
  });
});

describe('service-linked roles are protected', () => {
  it.each([
    ['DeleteRole', () => new DeleteRoleCommand({ RoleName: 'AWSServiceRoleForECS' })],
    ['PutRolePolicy', () => new PutRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyName: 'x', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' })],
    ['AttachRolePolicy', () => new AttachRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })],
    ['UpdateAssumeRolePolicy', () => new UpdateAssumeRolePolicyCommand({ RoleName: 'AWSServiceRoleForECS', PolicyDocument: JSON.stringify(trustOf('ec2.amazonaws.com')) })],
  ])('%s answers UnmodifiableEntity', async (_op, command) => {
    await expectAwsError(iam.send(command() as never), {
      code: 'UnmodifiableEntity',
      message: "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS",
      status: 400,
    });
  });

  it('still lets the description change', async () => {
    const out = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'AWSServiceRoleForECS', Description: 'ECS uses it' }));
    expect(out.Role?.Description).toBe('ECS uses it');
  });
});

describe('DeleteServiceLinkedRole', () => {
  it('deletes through a deletion task whose status is SUCCEEDED', async () => {
    const del = await iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForBatch' }));
    expect(del.DeletionTaskId).toMatch(/^task\/aws-service-role\/batch\.amazonaws\.com\/AWSServiceRoleForBatch\/[0-9a-f-]{36}$/);
    const status = await iam.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId: del.DeletionTaskId }));
    expect(status.Status).toBe('SUCCEEDED');
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'AWSServiceRoleForBatch' })), { code: 'NoSuchEntity', status: 404 });
  });

  it('answers NoSuchEntity for a role that does not exist', async () => {
    await expectAwsError(iam.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForNothing' })), {
      code: 'NoSuchEntity',
      message: 'The role with name AWSServiceRoleForNothing cannot be found.',
      status: 404,
    });
  });
});
