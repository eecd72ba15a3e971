/**
 * Lab 06, steps 1–3: a role for an instance (workloads/instance-role), its credentials read on the
 * instance through the metadata service (workloads/metadata-credentials), and the instance
 * profile the legacy instance lacks (workloads/fix-missing-profile).
 */
import {
  AddRoleToInstanceProfileCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetInstanceProfileCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsManagedArn, iamArn, isNotFound, listKeys } from '../aws.js';
import { fact, failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { instanceShellExecEnv } from '../../core/aws-types.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { trustHint } from '../trust.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { anyUser, bucketArns, embeddedKeyId, instancesOr, roleExists, roleOfProfile, rolePolicyHint } from './common.js';
import { APP_PROFILE, APP_ROLE, APP_SERVER, APP_USER, BUCKET, IMAGE_ID, LEGACY, LEGACY_FIX_FACT } from './names.js';
import { serviceTrust } from './seed.js';
import { describeInstance, ec2Client, ec2Sdk, isRunning, labInstances, legacyInstance, profileName, type LabInstance } from './services.js';
import { identityWords, instanceShellCalls, roleSessionCalls } from './trail.js';

// ---------- building blocks of the reference solutions and the scripted mistakes ----------

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
async function requireLegacy(ctx: LabContext): Promise<LabInstance> {
  const legacy = legacyInstance(await labInstances(ctx), LEGACY);
  if (!legacy) throw new Error(`the seeded instance ${LEGACY} is missing`);
  return legacy;
}

/** Running instances with AppServerProfile, other than i-legacy (step 1 launches a new one). */
const appServers = (list: LabInstance[], legacy?: LabInstance) => list.filter((i) => isRunning(i) && i.id !== legacy?.id && profileName(i.profileArn) === APP_PROFILE);

// ---------- workloads/instance-role ----------

function launchedCondition(list: LabInstance[], legacy: LabInstance | undefined): Condition {
  const name = `an instance launched with ${APP_PROFILE} is running`;
  const expected = `a running instance (not ${LEGACY}) with instance profile ${APP_PROFILE}`;
  const ok = appServers(list, legacy);
  if (ok.length) return passed(name, expected, ok.map(describeInstance).join(', '));
  const others = list.filter((i) => isRunning(i) && i.id !== legacy?.id);
  const launchHint = `aws ec2 run-instances --image-id ${IMAGE_ID} --instance-type t3.micro --iam-instance-profile Name=${APP_PROFILE} --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=${APP_SERVER}}]'`;
  const bare = others.find((i) => !i.profileArn);
  if (bare) {
    return failed(
      name,
      expected,
      `${describeInstance(bare)} runs without an instance profile`,
      `Instance ${describeInstance(bare)} runs without an instance profile, so EC2 gives it no role credentials: everything on it would get "Unable to locate credentials".`,
      `Attach the profile to it (aws ec2 associate-iam-instance-profile --instance-id ${bare.id} --iam-instance-profile Name=${APP_PROFILE}) or launch a new one: ${launchHint}`,
    );
  }
  const other = others.find((i) => i.profileArn);
  if (other) {
    return failed(name, expected, `${describeInstance(other)} has instance profile ${profileName(other.profileArn)}`, `Instance ${describeInstance(other)} has instance profile ${profileName(other.profileArn)}, not ${APP_PROFILE}.`, launchHint);
  }
  if (legacy && isRunning(legacy) && profileName(legacy.profileArn) === APP_PROFILE) {
    return failed(
      name,
      expected,
      `only ${describeInstance(legacy)} has ${APP_PROFILE}`,
      `The only instance with ${APP_PROFILE} is ${describeInstance(legacy)}, the legacy server (fixing it is a later step). This step launches a new instance with the profile.`,
      launchHint,
    );
  }
  return failed(name, expected, `no running instance besides ${LEGACY}`, `No instance has been launched with ${APP_PROFILE} yet: an instance gets a role only through the instance profile it is launched (or associated) with.`, launchHint);
}

async function profileCondition(ctx: LabContext): Promise<Condition> {
  const name = `instance profile ${APP_PROFILE} holds ${APP_ROLE}`;
  let roles: string[] | undefined;
  try {
    const r = await ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: APP_PROFILE }));
    roles = (r.InstanceProfile?.Roles ?? []).map((x) => x.RoleName ?? '');
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!roles) {
    return failed(name, `${APP_ROLE} inside ${APP_PROFILE}`, `no instance profile ${APP_PROFILE}`, 'EC2 does not take a role directly: an instance is launched with an instance profile, the container that carries the role.', `aws iam create-instance-profile --instance-profile-name ${APP_PROFILE}`);
  }
  return fact(
    roles.includes(APP_ROLE),
    name,
    `${APP_ROLE} inside ${APP_PROFILE}`,
    roles.length ? `roles: ${roles.join(', ')}` : 'the profile is empty',
    `${APP_PROFILE} exists but holds ${roles.length ? roles.join(', ') : 'no role'}: an instance launched with it gets no ${APP_ROLE} credentials.`,
    `aws iam add-role-to-instance-profile --instance-profile-name ${APP_PROFILE} --role-name ${APP_ROLE}`,
  );
}

export const instanceRole = defineStep({
  id: 'workloads/instance-role',
  async check(ctx) {
    const exists = await roleExists(ctx, APP_ROLE, `aws iam create-role --role-name ${APP_ROLE} --assume-role-policy-document file://ec2-trust.json`);
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const a = await bucketArns(ctx);
    const roleArn = await iamArn(ctx, 'role', APP_ROLE);
    const trust = async () => `${(await trustHint(probes, APP_ROLE, 'ec2.amazonaws.com')) ?? ''} Change it with aws iam update-assume-role-policy --role-name ${APP_ROLE} --policy-document file://ec2-trust.json`.trim();
    const assume = (principal: PrincipalRef) => ({ principal, action: 'sts:AssumeRole', resource: roleArn });
    const role: PrincipalRef = { kind: 'role', name: APP_ROLE };
    const perms = () => rolePolicyHint(probes, APP_ROLE, `Give it read access to ${BUCKET} only: s3:ListBucket on the bucket, s3:GetObject on its objects, and no write action.`);
    const out: Condition[] = [
      exists,
      await probeCondition(probes, `EC2 (ec2.amazonaws.com) can assume ${APP_ROLE}`, assume({ kind: 'service', service: 'ec2.amazonaws.com' }), 'allow', trust),
      await probeCondition(probes, 'Lambda (lambda.amazonaws.com) cannot assume it', assume({ kind: 'service', service: 'lambda.amazonaws.com' }), 'deny', trust),
      await probeCondition(probes, 'IAM users cannot assume it', assume(await anyUser(ctx)), 'deny', trust),
      await probeCondition(probes, `${APP_ROLE} can read objects in ${BUCKET} (s3:GetObject)`, { principal: role, action: 's3:GetObject', resource: a.object }, 'allow', perms),
      await probeCondition(probes, `${APP_ROLE} can list ${BUCKET} (s3:ListBucket)`, { principal: role, action: 's3:ListBucket', resource: a.bucket }, 'allow', perms),
      await probeCondition(probes, `${APP_ROLE} cannot write objects there (s3:PutObject)`, { principal: role, action: 's3:PutObject', resource: a.report }, 'deny', perms),
      await probeCondition(probes, `${APP_ROLE} cannot delete objects there (s3:DeleteObject)`, { principal: role, action: 's3:DeleteObject', resource: a.object }, 'deny', perms),
      await profileCondition(ctx),
    ];
    const inst = await instancesOr(ctx, `an instance launched with ${APP_PROFILE} is running`, `a running instance with instance profile ${APP_PROFILE}`);
    out.push('status' in inst ? inst : launchedCondition(inst.list, inst.legacy));
    return out;
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new CreateRoleCommand({ RoleName: APP_ROLE, AssumeRolePolicyDocument: JSON.stringify(serviceTrust('ec2.amazonaws.com')) }));
    await readAppDataPolicy(ctx, APP_ROLE);
    await createProfile(ctx, APP_PROFILE, APP_ROLE);
    if (ctx.capabilities.ec2Instances) await launch(ctx, APP_SERVER, APP_PROFILE);
  },
  mistakes: [
    {
      name: 'profile without the role (so the instance is launched without one)',
      apply: async (ctx) => {
        await createRoleWith(ctx, serviceTrust('ec2.amazonaws.com'));
        await readAppDataPolicy(ctx, APP_ROLE);
        await createProfile(ctx, APP_PROFILE);
        await launch(ctx, APP_SERVER);
      },
      expectFeedback: /AppServerProfile exists but holds no role[\s\S]*i-[0-9a-f]+ \(app-server\) runs without an instance profile/,
    },
    {
      name: 'role trusting Lambda instead of EC2',
      apply: async (ctx) => solveWith(ctx, serviceTrust('lambda.amazonaws.com')),
      expectFeedback: /EC2 \(ec2\.amazonaws\.com\) can assume AppServerRole[\s\S]*The trust policy lets lambda\.amazonaws\.com assume AppServerRole; this step wants ec2\.amazonaws\.com/,
    },
    {
      name: 'role trusting EC2 and Lambda',
      apply: async (ctx) => solveWith(ctx, serviceTrust('ec2.amazonaws.com', 'lambda.amazonaws.com')),
      expectFeedback: /Lambda \(lambda\.amazonaws\.com\) cannot assume it[\s\S]*Allowed when it should not be[\s\S]*wants ec2\.amazonaws\.com only/,
    },
    {
      name: 'trust Principal "*"',
      apply: async (ctx) => solveWith(ctx, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] }),
      expectFeedback: /IAM users cannot assume it[\s\S]*Allowed when it should not be[\s\S]*everyone \("\*"\)/,
    },
    {
      name: 'instance launched without the profile',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { launchWithProfile: false });
      },
      expectFeedback: /i-[0-9a-f]+ \(app-server\) runs without an instance profile[\s\S]*associate-iam-instance-profile --instance-id i-[0-9a-f]+ --iam-instance-profile Name=AppServerProfile/,
    },
    {
      name: 'AmazonS3FullAccess on the role (it can write)',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { policy: 'AmazonS3FullAccess' });
      },
      expectFeedback: /AppServerRole cannot write objects there \(s3:PutObject\)[\s\S]*Allowed when it should not be: AmazonS3FullAccess[\s\S]*AmazonS3FullAccess is attached to AppServerRole/,
    },
    {
      name: 'no permission policy on the role',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { policy: 'none' });
      },
      expectFeedback: /AppServerRole can read objects in acme-app-data[\s\S]*AppServerRole has no permission policies yet/,
    },
    {
      name: 'i-legacy given the profile instead of launching an instance',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { launch: false });
        await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
      },
      expectFeedback: /The only instance with AppServerProfile is i-[0-9a-f]+ \(i-legacy\), the legacy server/,
    },
    {
      name: 'role named appserverrole (wrong case)',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new CreateRoleCommand({ RoleName: 'appserverrole', AssumeRolePolicyDocument: JSON.stringify(serviceTrust('ec2.amazonaws.com')) }));
      },
      expectFeedback: /role appserverrole \(different case\)[\s\S]*asks for AppServerRole/,
    },
  ],
});

async function createRoleWith(ctx: LabContext, trust: object): Promise<void> {
  await ctx.clients.iam.send(new CreateRoleCommand({ RoleName: APP_ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) }));
}

/** The reference solution with one thing changed (the trust policy, the permissions, the launch). */
async function solveWith(ctx: LabContext, trust: object, o: { policy?: 'read' | 'none' | 'AmazonS3FullAccess'; launch?: boolean; launchWithProfile?: boolean } = {}): Promise<void> {
  await createRoleWith(ctx, trust);
  const policy = o.policy ?? 'read';
  if (policy === 'read') await readAppDataPolicy(ctx, APP_ROLE);
  if (policy === 'AmazonS3FullAccess') {
    await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: APP_ROLE, PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }));
  }
  await createProfile(ctx, APP_PROFILE, APP_ROLE);
  if (o.launch !== false) await launch(ctx, APP_SERVER, o.launchWithProfile === false ? undefined : APP_PROFILE);
}

// ---------- workloads/metadata-credentials ----------

export const metadataCredentials = defineStep({
  id: 'workloads/metadata-credentials',
  async check(ctx) {
    const usedName = `${APP_ROLE} was used from the instance's own session`;
    const inst = await instancesOr(ctx, `an instance with ${APP_PROFILE} is running`, `a running instance with instance profile ${APP_PROFILE}`);
    if ('status' in inst) return [inst];
    const servers = appServers(inst.list, inst.legacy);
    if (!servers.length) {
      return [
        failed(
          `an instance with ${APP_PROFILE} is running`,
          `a running instance (not ${LEGACY}) with instance profile ${APP_PROFILE}`,
          'none',
          `There is no running instance with ${APP_PROFILE} to open a shell on: it was never launched, or it was terminated.`,
          'Launch it as in the previous step, then: iam-labs instance-shell <its instance id>',
        ),
      ];
    }
    const out: Condition[] = [passed(`an instance with ${APP_PROFILE} is running`, `a running instance with instance profile ${APP_PROFILE}`, servers.map(describeInstance).join(', '))];
    const expected = `a call signed with the role session assumed-role/${APP_ROLE}/<instance id>, its credentials delivered by the metadata service`;
    if (!ctx.capabilities.cloudTrail) {
      out.push(unverifiable(usedName, expected, 'This backend keeps no CloudTrail event history, so it cannot show which credentials signed the calls made on the instance.'));
      return out;
    }
    for (const server of servers) {
      const used = await roleSessionCalls(ctx, APP_ROLE, server.id);
      if (used.length) {
        const e = used[0];
        out.push(passed(usedName, expected, `${e.eventName} at ${e.eventTime} by ${e.userIdentity?.arn} (metadata service, IMDSv${e.userIdentity?.sessionContext?.ec2RoleDelivery?.replace('.0', '')})`));
        return out;
      }
    }
    const shellCalls = await instanceShellCalls(ctx);
    const foreign = shellCalls.filter((c) => c.event.userIdentity?.type !== 'AssumedRole' || !c.event.userIdentity.arn?.endsWith(`/${c.instanceId}`));
    const target = servers[0];
    if (foreign.length) {
      const c = foreign[0];
      const on = inst.list.find((i) => i.id === c.instanceId);
      out.push(
        failed(
          usedName,
          expected,
          `${c.event.eventName} from the instance shell of ${on ? describeInstance(on) : c.instanceId} signed by ${identityWords(c.event)}`,
          `The calls typed in the instance shell of ${on ? describeInstance(on) : c.instanceId} were signed by ${identityWords(c.event)}, not by the instance's role: access keys exported in a shell come first in the AWS CLI's search for credentials, so the metadata service was never asked.`,
          `In the instance shell run: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE — then aws sts get-caller-identity shows assumed-role/${APP_ROLE}/${target.id}${c.instanceId !== target.id ? ` (open the shell on ${describeInstance(target)}: iam-labs instance-shell ${target.id})` : ''}.`,
        ),
      );
      return out;
    }
    out.push(
      failed(
        usedName,
        expected,
        `no call signed by assumed-role/${APP_ROLE}/${target.id}`,
        `No call signed with the role credentials of ${describeInstance(target)} has been recorded: nothing on the instance has used its role yet.`,
        `iam-labs instance-shell ${target.id}, then curl the metadata service (the shell prints its address) and run aws sts get-caller-identity and aws s3 ls s3://${BUCKET}`,
      ),
    );
    return out;
  },
  async solve(ctx) {
    if (!ctx.instanceCredentials) return;
    const list = await labInstances(ctx);
    const [server] = appServers(list, legacyInstance(list, LEGACY));
    if (!server) return;
    // what the CLI on the instance does: credentials from the metadata service, then the calls
    const clients = ctx.clientsFor(await ctx.instanceCredentials(server.id));
    await clients.sts.send(new GetCallerIdentityCommand({}));
    await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  },
  mistakes: [
    { name: 'nothing done on the instance', apply: async () => {}, expectFeedback: /No call signed with the role credentials of i-[0-9a-f]+ \(app-server\) has been recorded/ },
    {
      name: 'keys from i-legacy\'s user data exported in the instance shell',
      apply: async (ctx) => {
        const list = await labInstances(ctx);
        const legacy = legacyInstance(list, LEGACY);
        await callFromInstanceShell(ctx, appServers(list, legacy)[0].id, await userDataKeys(ctx, legacy));
      },
      expectFeedback: /instance shell of i-[0-9a-f]+ \(app-server\) were signed by IAM user app-user \(access key AKIA[A-Z0-9]+\), not by the instance's role[\s\S]*unset AWS_ACCESS_KEY_ID/,
    },
    {
      name: 'the ci-builder profile\'s keys exported in the instance shell',
      apply: async (ctx) => {
        const list = await labInstances(ctx);
        const creds = ctx.profiles.get('ci-builder');
        if (!creds) throw new Error('lab profile ci-builder is missing');
        await callFromInstanceShell(ctx, appServers(list, legacyInstance(list, LEGACY))[0].id, creds);
      },
      expectFeedback: /were signed by IAM user ci-builder/,
    },
    {
      name: 'keys exported in the shell of i-legacy instead',
      apply: async (ctx) => {
        const legacy = await requireLegacy(ctx);
        await callFromInstanceShell(ctx, legacy.id, await userDataKeys(ctx, legacy));
      },
      expectFeedback: /instance shell of i-[0-9a-f]+ \(i-legacy\) were signed by IAM user app-user[\s\S]*open the shell on i-[0-9a-f]+ \(app-server\)/,
    },
    {
      name: 'the instance was terminated',
      apply: async (ctx) => {
        const list = await labInstances(ctx);
        await terminate(ctx, appServers(list, legacyInstance(list, LEGACY))[0].id);
      },
      expectFeedback: /There is no running instance with AppServerProfile to open a shell on/,
    },
  ],
});

/** The access key in i-legacy's user data, as a learner would copy it from there. */
async function userDataKeys(ctx: LabContext, legacy: LabInstance | undefined): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const { DescribeInstanceAttributeCommand } = await ec2Sdk();
  const r = await (await ec2Client(ctx)).send(new DescribeInstanceAttributeCommand({ InstanceId: legacy?.id, Attribute: 'userData' }));
  const text = Buffer.from(r.UserData?.Value ?? '', 'base64').toString('utf8');
  const accessKeyId = /AWS_ACCESS_KEY_ID=(\S+)/.exec(text)?.[1];
  const secretAccessKey = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(text)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`${LEGACY}'s user data holds no access key`);
  return { accessKeyId, secretAccessKey };
}

/** `aws sts get-caller-identity` typed in the instance shell of `instanceId` with these keys exported. */
async function callFromInstanceShell(ctx: LabContext, instanceId: string, creds: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  // the shell's AWS_EXECUTION_ENV, which the CLI adds to its User-Agent
  class ShellSts extends STSClient {
    constructor(config: ConstructorParameters<typeof STSClient>[0]) {
      super({ ...config, customUserAgent: [['exec-env', instanceShellExecEnv(instanceId)]] });
    }
  }
  await ctx.serviceClient(ShellSts, creds).send(new GetCallerIdentityCommand({}));
}

// ---------- workloads/fix-missing-profile ----------

export const fixMissingProfile = defineStep({
  id: 'workloads/fix-missing-profile',
  async check(ctx) {
    const name = `${LEGACY} has instance profile ${APP_PROFILE}`;
    const expected = `${APP_PROFILE} associated with the running ${LEGACY}`;
    const inst = await instancesOr(ctx, name, expected);
    if ('status' in inst) return [inst];
    const { list, legacy } = inst;
    if (!legacy) {
      return [failed(name, expected, `no instance named ${LEGACY}`, `There is no instance named ${LEGACY} any more (its Name tag was changed or removed).`, `iam-labs reset seeds the lab again, with ${LEGACY}.`)];
    }
    // replacements: running instances named like the legacy server (i-legacy, i-legacy-v2…)
    const newer = list.filter((i) => i.id !== legacy.id && isRunning(i) && !!i.name?.startsWith(LEGACY));
    if (!isRunning(legacy)) {
      const replacement = newer.find((i) => i.name === LEGACY) ?? newer[0];
      return [
        failed(
          `${LEGACY} is still running`,
          `the original ${describeInstance(legacy)}, running`,
          `${describeInstance(legacy)} is ${legacy.state}${replacement ? `; a new instance ${describeInstance(replacement)} was launched` : ''}`,
          `${describeInstance(legacy)} was terminated${replacement ? ` and a new instance ${describeInstance(replacement)} was launched in its place` : ''}. The application and its data lived on ${LEGACY}: this step gives the running instance a role, which EC2 lets you do without replacing it (associate-iam-instance-profile).`,
          `A terminated instance cannot be brought back: iam-labs reset seeds the lab again with a new ${LEGACY}; then aws ec2 associate-iam-instance-profile --instance-id <its id> --iam-instance-profile Name=${APP_PROFILE}`,
        ),
      ];
    }
    const profile = profileName(legacy.profileArn);
    const aside = newer.length ? ` Launching ${newer.map(describeInstance).join(', ')} does not help the application that runs on ${LEGACY}.` : '';
    if (!profile) {
      return [
        failed(
          name,
          expected,
          `${describeInstance(legacy)} has no instance profile`,
          `${describeInstance(legacy)} has no instance profile, so the AWS SDK on it finds no credentials ("Unable to locate credentials").${aside}`,
          `aws ec2 associate-iam-instance-profile --instance-id ${legacy.id} --iam-instance-profile Name=${APP_PROFILE}`,
        ),
      ];
    }
    if (profile !== APP_PROFILE) {
      return [
        failed(
          name,
          expected,
          `${describeInstance(legacy)} has instance profile ${profile}`,
          `${describeInstance(legacy)} has instance profile ${profile}; this step wants ${APP_PROFILE}, whose role reads ${BUCKET}.`,
          `aws ec2 replace-iam-instance-profile-association --association-id ${legacy.associationId ?? '<see describe-iam-instance-profile-associations>'} --iam-instance-profile Name=${APP_PROFILE}`,
        ),
      ];
    }
    const role = await roleOfProfile(ctx, APP_PROFILE);
    return [
      passed(name, expected, `${describeInstance(legacy)} has ${APP_PROFILE}`),
      fact(
        !!role,
        `${APP_PROFILE} holds a role`,
        `a role (${APP_ROLE}) inside ${APP_PROFILE}`,
        role ? `role ${role}` : 'the profile is empty',
        `${APP_PROFILE} holds no role any more, so ${LEGACY}'s metadata service has no credentials to hand out.`,
        `aws iam add-role-to-instance-profile --instance-profile-name ${APP_PROFILE} --role-name ${APP_ROLE}`,
      ),
    ];
  },
  async onPass(ctx) {
    // remembered for workloads/retire-embedded-keys on backends without CloudTrail: the profile was
    // there (this association) while the embedded key was still active
    if (!ctx.capabilities.ec2Instances || ctx.facts.get(LEGACY_FIX_FACT)) return;
    const legacy = legacyInstance(await labInstances(ctx), LEGACY);
    const key = await embeddedKeyId(ctx, legacy);
    const keys = await listKeys(ctx, APP_USER).catch(() => []);
    const keyActive = !!key && keys.some((k) => k.id === key && k.status === 'Active');
    ctx.facts.set(LEGACY_FIX_FACT, JSON.stringify({ associationId: legacy?.associationId ?? '', keyActive }));
  },
  async solve(ctx) {
    if (ctx.capabilities.ec2Instances) await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
  },
  mistakes: [
    { name: 'i-legacy unchanged', apply: async () => {}, expectFeedback: /i-[0-9a-f]+ \(i-legacy\) has no instance profile, so the AWS SDK on it finds no credentials/ },
    {
      name: 'a new instance instead of fixing i-legacy',
      apply: async (ctx) => {
        await terminate(ctx, (await requireLegacy(ctx)).id);
        await launch(ctx, LEGACY, APP_PROFILE);
      },
      expectFeedback: /i-[0-9a-f]+ \(i-legacy\) was terminated and a new instance i-[0-9a-f]+ \(i-legacy\) was launched in its place/,
    },
    {
      name: 'a second instance with the profile, i-legacy left as it is',
      apply: async (ctx) => void (await launch(ctx, 'i-legacy-v2', APP_PROFILE)),
      expectFeedback: /has no instance profile[\s\S]*Launching i-[0-9a-f]+ \(i-legacy-v2\) does not help the application that runs on i-legacy/,
    },
    {
      name: 'another instance profile on i-legacy',
      apply: async (ctx) => {
        await createProfile(ctx, 'LegacyProfile', APP_ROLE);
        await associate(ctx, (await requireLegacy(ctx)).id, 'LegacyProfile');
      },
      expectFeedback: /has instance profile LegacyProfile; this step wants AppServerProfile[\s\S]*replace-iam-instance-profile-association --association-id iip-assoc-/,
    },
    {
      name: 'AppServerProfile emptied after the association',
      apply: async (ctx) => {
        await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
        await ctx.clients.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: APP_PROFILE, RoleName: APP_ROLE }));
      },
      expectFeedback: /AppServerProfile holds no role any more, so i-legacy's metadata service has no credentials to hand out/,
    },
  ],
});
