/**
 * What lab 06's reference solutions and scripted mistakes do to instances and their roles, as the
 * chapter's commands do it: role policies, instance profiles, launches, associations, and calls
 * typed in an instance shell.
 */
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { instanceShellExecEnv } from '../../core/aws-types.js';
import { type LabContext } from '../types.js';
import { bucketArns } from './common.js';
import { APP_PROFILE, IMAGE_ID, LEGACY } from './names.js';
import { ec2Client, ec2Sdk, isRunning, labInstances, legacyInstance, profileName, type LabInstance } from './services.js';


export async function readAppDataPolicy(ctx: LabContext, role: string): Promise<void> {
  const a = await bucketArns(ctx);
  await ctx.clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: role,
      PolicyName: 'ReadAppData',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: a.bucket },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${a.bucket}/*` },
        ],
      }),
    }),
  );
}

export async function createProfile(ctx: LabContext, name: string, role?: string): Promise<void> {
  await ctx.clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  if (role) await ctx.clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: role }));
}

/** `aws ec2 run-instances` with a Name tag, and the instance profile when given; the new instance's id. */
export async function launch(ctx: LabContext, name: string, profile?: string): Promise<string> {
  const { RunInstancesCommand } = await ec2Sdk();
  const r = await (
    await ec2Client(ctx)
  ).send(
    new RunInstancesCommand({
      ImageId: IMAGE_ID,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ...(profile ? { IamInstanceProfile: { Name: profile } } : {}),
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  );
  return r.Instances?.[0]?.InstanceId ?? '';
}

export async function associate(ctx: LabContext, instanceId: string, profile: string): Promise<void> {
  const { AssociateIamInstanceProfileCommand } = await ec2Sdk();
  await (await ec2Client(ctx)).send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Name: profile } }));
}

export async function terminate(ctx: LabContext, instanceId: string): Promise<void> {
  const { TerminateInstancesCommand } = await ec2Sdk();
  await (await ec2Client(ctx)).send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
}

/** The seeded instance, or a failed condition saying it is gone. */
export async function requireLegacy(ctx: LabContext): Promise<LabInstance> {
  const legacy = legacyInstance(await labInstances(ctx), LEGACY);
  if (!legacy) throw new Error(`the seeded instance ${LEGACY} is missing`);
  return legacy;
}

/** Running instances with AppServerProfile, other than i-legacy (step 1 launches a new one). */
export const appServers = (list: LabInstance[], legacy?: LabInstance) => list.filter((i) => isRunning(i) && i.id !== legacy?.id && profileName(i.profileArn) === APP_PROFILE);

/** The access key in i-legacy's user data, as a learner would copy it from there. */
export async function userDataKeys(ctx: LabContext, legacy: LabInstance | undefined): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const { DescribeInstanceAttributeCommand } = await ec2Sdk();
  const r = await (await ec2Client(ctx)).send(new DescribeInstanceAttributeCommand({ InstanceId: legacy?.id, Attribute: 'userData' }));
  const text = Buffer.from(r.UserData?.Value ?? '', 'base64').toString('utf8');
  const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(text)?.[1];
  const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(text)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`${LEGACY}'s user data holds no access key`);
  return { accessKeyId, secretAccessKey };
}

/** `aws sts get-caller-identity` typed in the instance shell of `instanceId` with these keys exported. */
export async function callFromInstanceShell(ctx: LabContext, instanceId: string, creds: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  // the shell's AWS_EXECUTION_ENV, which the CLI adds to its User-Agent
  class ShellSts extends STSClient {
    constructor(config: ConstructorParameters<typeof STSClient>[0]) {
      super({ ...config, customUserAgent: [['exec-env', instanceShellExecEnv(instanceId)]] });
    }
  }
  await ctx.serviceClient(ShellSts, creds).send(new GetCallerIdentityCommand({}));
}
