/**
 * EC2 through the SDK and both AWS CLIs: instances with instance profiles (by name or ARN, EC2's
 * errors for a missing or empty profile), iam:PassRole, filters, termination, profile
 * associations, tags, DryRun, user data, and denials worded as UnauthorizedOperation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssociateIamInstanceProfileCommand,
  CreateTagsCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  DisassociateIamInstanceProfileCommand,
  ReplaceIamInstanceProfileAssociationCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, type IAMClient } from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';
import { ACCOUNT, createRole, createUserWithKey, policy, trustPolicy } from './sts-helpers.js';

let em: StartedEmulator;
let iam: IAMClient;
let ec2: ReturnType<typeof serviceClients>['ec2'];
let launcher: Creds;
let launcherNoPass: Creds;
const AMI = 'ami-0abcdef1234567890';
const profileArn = (name: string) => `arn:aws:iam::${ACCOUNT}:instance-profile/${name}`;

async function makeProfile(name: string, role?: string) {
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  if (role) await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: role }));
}

async function run(extra: object = {}, client = ec2): Promise<Instance> {
  const r = await client.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro', ...extra }));
  return r.Instances![0];
}

beforeAll(async () => {
  em = await startTestEmulator();
  iam = clients(em.endpoint).iam;
  ec2 = serviceClients(em.endpoint).ec2;
  await createRole(iam, 'AppServerRole', trustPolicy({ Service: 'ec2.amazonaws.com' }));
  await createRole(iam, 'OtherRole', trustPolicy({ Service: 'ec2.amazonaws.com' }));
  await makeProfile('AppServerProfile', 'AppServerRole');
  await makeProfile('OtherProfile', 'OtherRole');
  await makeProfile('EmptyProfile');
  launcher = await createUserWithKey(iam, 'launcher', {
    inline: policy({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }, { Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::${ACCOUNT}:role/AppServerRole` }),
  });
  launcherNoPass = await createUserWithKey(iam, 'launcher-nopass', { inline: policy({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }) });
});
afterAll(async () => {
  await em?.close();
});

describe('RunInstances', () => {
  it('launches a pending instance with the profile (by name) that describe shows running', async () => {
    const i = await run({ IamInstanceProfile: { Name: 'AppServerProfile' }, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }] });
    expect(i.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(i.State).toEqual({ Code: 0, Name: 'pending' });
    expect(i.IamInstanceProfile?.Arn).toBe(profileArn('AppServerProfile'));
    expect(i.IamInstanceProfile?.Id).toMatch(/^AIPA/);
    expect(i.Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
    expect(i.InstanceType).toBe('t3.micro');
    expect(i.Placement?.AvailabilityZone).toBe('us-east-1a');
    expect(i.PrivateIpAddress).toMatch(/^172\.31\.\d+\.\d+$/);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(d.Reservations![0].OwnerId).toBe(ACCOUNT);
    expect(d.Reservations![0].Instances![0].State).toEqual({ Code: 16, Name: 'running' });
  });

  it('takes the profile by ARN too', async () => {
    const i = await run({ IamInstanceProfile: { Arn: profileArn('AppServerProfile') } });
    expect(i.IamInstanceProfile?.Arn).toBe(profileArn('AppServerProfile'));
  });

  it("answers EC2's errors for a profile that does not exist (name or ARN) or holds no role", async () => {
    await expectAwsError(run({ IamInstanceProfile: { Name: 'MyProfile' } }), {
      code: 'InvalidParameterValue',
      message: 'Value (MyProfile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
      status: 400,
    });
    await expectAwsError(run({ IamInstanceProfile: { Arn: profileArn('Nope') } }), {
      code: 'InvalidParameterValue',
      message: `Value (${profileArn('Nope')}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`,
    });
    await expectAwsError(run({ IamInstanceProfile: { Name: 'EmptyProfile' } }), {
      code: 'InvalidParameterValue',
      message: `IAM Instance Profile "${profileArn('EmptyProfile')}" has no associated IAM Roles`,
    });
    await expectAwsError(run({ ImageId: 'ubuntu' }), { code: 'InvalidAMIID.Malformed', message: 'Invalid id: "ubuntu" (expecting "ami-...")' });
  });

  it('requires iam:PassRole on the role for a principal that attaches it', async () => {
    const c = serviceClients(em.endpoint, launcherNoPass).ec2;
    await run({}, c);
    const err = await expectAwsError(run({ IamInstanceProfile: { Name: 'AppServerProfile' } }, c), { code: 'UnauthorizedOperation', status: 403 });
    expect(err.message).toMatch(
      new RegExp(
        `^You are not authorized to perform this operation\\. User: arn:aws:iam::${ACCOUNT}:user/launcher-nopass is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCOUNT}:role/AppServerRole because no identity-based policy allows the iam:PassRole action\\. Encoded authorization failure message: [A-Za-z0-9+/=]+$`,
      ),
    );
    const ok = await run({ IamInstanceProfile: { Name: 'AppServerProfile' } }, serviceClients(em.endpoint, launcher).ec2);
    expect(ok.IamInstanceProfile?.Arn).toBe(profileArn('AppServerProfile'));
    await expectAwsError(run({ IamInstanceProfile: { Name: 'OtherProfile' } }, serviceClients(em.endpoint, launcher).ec2), { code: 'UnauthorizedOperation', message: /iam:PassRole on resource: .*role\/OtherRole/ });
  });

  it('denies ec2:RunInstances without an identity policy, and answers DryRun', async () => {
    const nobody = await createUserWithKey(iam, 'nobody');
    await expectAwsError(run({}, serviceClients(em.endpoint, nobody).ec2), {
      code: 'UnauthorizedOperation',
      message: new RegExp(`User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:${ACCOUNT}:instance/\\*`),
    });
    await expectAwsError(run({ DryRun: true }), { code: 'DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.', status: 412 });
  });

  it('keeps user data as sent (where a hard-coded key hides)', async () => {
    const data = Buffer.from('#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAEXAMPLE\n').toString('base64');
    const i = await run({ UserData: data });
    const a = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId!, Attribute: 'userData' }));
    expect(a.UserData?.Value).toBe(data);
  });
});

describe('DescribeInstances filters and TerminateInstances', () => {
  it('filters by instance-state-name, iam-instance-profile.arn, tag and instance-id', async () => {
    const tagged = await run({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'data' }] }] });
    const withProfile = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'iam-instance-profile.arn', Values: [profileArn('AppServerProfile')] }] }));
    const ids = withProfile.Reservations!.flatMap((r) => r.Instances!.map((i) => i.IamInstanceProfile?.Arn));
    expect(ids.length).toBeGreaterThan(1);
    expect(new Set(ids)).toEqual(new Set([profileArn('AppServerProfile')]));
    const byTag = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:team', Values: ['da*'] }] }));
    expect(byTag.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([tagged.InstanceId]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [tagged.InstanceId!] }));
    const running = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }, { Name: 'instance-id', Values: [tagged.InstanceId!] }] }));
    expect(running.Reservations).toEqual([]);
    await expectAwsError(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })), { code: 'InvalidParameterValue', message: "The filter 'colour' is invalid" });
  });

  it('terminates: shutting-down then terminated; unknown ids are InvalidInstanceID.NotFound', async () => {
    const i = await run();
    const t = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(t.TerminatingInstances).toEqual([{ InstanceId: i.InstanceId, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } }]);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(d.Reservations![0].Instances![0].State).toEqual({ Code: 48, Name: 'terminated' });
    await expectAwsError(ec2.send(new TerminateInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), {
      code: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
    });
    await expectAwsError(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] })), { code: 'InvalidInstanceID.Malformed', message: 'Invalid id: "web-1"' });
  });
});

describe('instance profile associations', () => {
  it('associates a profile to an instance without one, refuses a second, replaces and disassociates', async () => {
    const i = await run();
    expect(i.IamInstanceProfile).toBeUndefined();
    const a = await ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: i.InstanceId!, IamInstanceProfile: { Name: 'AppServerProfile' } }));
    expect(a.IamInstanceProfileAssociation).toMatchObject({ InstanceId: i.InstanceId, State: 'associating', IamInstanceProfile: { Arn: profileArn('AppServerProfile') } });
    expect(a.IamInstanceProfileAssociation!.AssociationId).toMatch(/^iip-assoc-[0-9a-f]{17}$/);
    await expectAwsError(ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: i.InstanceId!, IamInstanceProfile: { Name: 'OtherProfile' } })), {
      code: 'IncorrectState',
      message: `There is an existing association for instance ${i.InstanceId}`,
    });
    const listed = await ec2.send(new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [i.InstanceId!] }] }));
    expect(listed.IamInstanceProfileAssociations!.map((x) => x.State)).toEqual(['associated']);
    const r = await ec2.send(new ReplaceIamInstanceProfileAssociationCommand({ AssociationId: a.IamInstanceProfileAssociation!.AssociationId!, IamInstanceProfile: { Arn: profileArn('OtherProfile') } }));
    expect(r.IamInstanceProfileAssociation!.IamInstanceProfile!.Arn).toBe(profileArn('OtherProfile'));
    const desc = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(desc.Reservations![0].Instances![0].IamInstanceProfile!.Arn).toBe(profileArn('OtherProfile'));
    const dis = await ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: r.IamInstanceProfileAssociation!.AssociationId! }));
    expect(dis.IamInstanceProfileAssociation!.State).toBe('disassociating');
    const after = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(after.Reservations![0].Instances![0].IamInstanceProfile).toBeUndefined();
    await expectAwsError(ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: 'iip-assoc-0123456789abcdef0' })), {
      code: 'InvalidAssociationID.NotFound',
      message: 'An association with ID iip-assoc-0123456789abcdef0 does not exist.',
    });
  });

  it('enforces iam:PassRole on association', async () => {
    const i = await run();
    await expectAwsError(
      serviceClients(em.endpoint, launcherNoPass).ec2.send(new AssociateIamInstanceProfileCommand({ InstanceId: i.InstanceId!, IamInstanceProfile: { Name: 'AppServerProfile' } })),
      { code: 'UnauthorizedOperation', message: /iam:PassRole on resource: arn:aws:iam::000000000000:role\/AppServerRole/ },
    );
  });
});

describe('tags and CloudTrail', () => {
  it('creates and describes tags', async () => {
    const i = await run();
    await ec2.send(new CreateTagsCommand({ Resources: [i.InstanceId!], Tags: [{ Key: 'env', Value: 'lab' }] }));
    const t = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [i.InstanceId!] }] }));
    expect(t.Tags).toEqual([{ ResourceId: i.InstanceId, ResourceType: 'instance', Key: 'env', Value: 'lab' }]);
  });
  it('records RunInstances with user data removed and denied calls as Client.UnauthorizedOperation', async () => {
    const trail = serviceClients(em.endpoint).cloudtrail;
    const runs = (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'RunInstances' }] }))).Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
    const withData = runs.find((e) => e.requestParameters?.userData);
    expect(withData.requestParameters).toMatchObject({ instancesSet: { items: [{ imageId: AMI, minCount: 1, maxCount: 1 }] }, userData: '<sensitiveDataRemoved>', instanceType: 't3.micro' });
    expect(withData.eventSource).toBe('ec2.amazonaws.com');
    expect(withData.responseElements.instancesSet.items[0].instanceId).toMatch(/^i-/);
    expect(runs.some((e) => e.errorCode === 'Client.UnauthorizedOperation' && e.userIdentity.userName === 'launcher-nopass')).toBe(true);
  });
});

describe.each(availableClis())('EC2 with CLI $name', (cli) => {
  it('aws ec2 run-instances --iam-instance-profile Name=AppServerProfile, then describe-instances with a filter', async () => {
    const r = await awsCli(em.endpoint, ['ec2', 'run-instances', '--image-id', AMI, '--count', '1', '--instance-type', 't2.micro', '--iam-instance-profile', 'Name=AppServerProfile', '--user-data', 'echo hi'], { bin: cli.bin });
    expect(r.stderr).toBe('');
    const id = r.json.Instances[0].InstanceId;
    expect(r.json.Instances[0].IamInstanceProfile.Arn).toBe(profileArn('AppServerProfile'));
    const d = await awsCli(em.endpoint, ['ec2', 'describe-instances', '--filters', `Name=instance-id,Values=${id}`, '--query', 'Reservations[].Instances[].[InstanceId,State.Name,IamInstanceProfile.Arn]', '--output', 'text'], {
      bin: cli.bin,
    });
    expect(d.stdout.trim()).toBe(`${id}\trunning\t${profileArn('AppServerProfile')}`);
    const attr = await awsCli(em.endpoint, ['ec2', 'describe-instance-attribute', '--instance-id', id, '--attribute', 'userData'], { bin: cli.bin });
    expect(Buffer.from(attr.json.UserData.Value, 'base64').toString()).toBe('echo hi');
  });
  it('a profile that does not exist prints the InvalidParameterValue error', async () => {
    const r = await awsCli(em.endpoint, ['ec2', 'run-instances', '--image-id', AMI, '--count', '1', '--iam-instance-profile', 'Name=MyProfile'], { bin: cli.bin });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'An error occurred (InvalidParameterValue) when calling the RunInstances operation: Value (MyProfile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
    );
  });
  it('associate-iam-instance-profile and describe-iam-instance-profile-associations', async () => {
    const r = await awsCli(em.endpoint, ['ec2', 'run-instances', '--image-id', AMI, '--count', '1'], { bin: cli.bin });
    const id = r.json.Instances[0].InstanceId;
    const a = await awsCli(em.endpoint, ['ec2', 'associate-iam-instance-profile', '--instance-id', id, '--iam-instance-profile', 'Name=AppServerProfile'], { bin: cli.bin });
    expect(a.stderr).toBe('');
    expect(a.json.IamInstanceProfileAssociation.State).toBe('associating');
    const d = await awsCli(em.endpoint, ['ec2', 'describe-iam-instance-profile-associations', '--filters', `Name=instance-id,Values=${id}`], { bin: cli.bin });
    expect(d.json.IamInstanceProfileAssociations[0]).toMatchObject({ InstanceId: id, State: 'associated' });
  });
});
