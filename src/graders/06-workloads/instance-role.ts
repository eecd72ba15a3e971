/** Lab 06, workloads/instance-role: a role only EC2 may assume, reading acme-app-data, in an instance profile, on a running instance. */
import { AttachRolePolicyCommand, CreateRoleCommand, GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { awsManagedArn, iamArn, isNotFound } from '../aws.js';
import { fact, failed, otherBuckets, othersDenied, passed, probeCondition } from '../conditions.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { trustHint } from '../trust.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { anyUser, bucketArns, instancesOr, roleExists, rolePolicyHint } from './common.js';
import { APP_PROFILE, APP_ROLE, APP_SERVER, BUCKET, IMAGE_ID, LEGACY } from './names.js';
import { serviceTrust } from './seed.js';
import { describeInstance, isRunning, profileName, type LabInstance } from './services.js';
import { appServers, associate, createProfile, launch, readAppDataPolicy, requireLegacy } from './instance-actions.js';

// An instance gets a role's credentials only through the instance profile it runs with:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html
// A running instance can be given one later (associate-iam-instance-profile):
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/attach-iam-role.html
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
    // trustHint names the principals found and ends with the command, for the file this chapter writes
    const trust = async () =>
      (await trustHint(probes, APP_ROLE, 'ec2.amazonaws.com', '{"Service": "ec2.amazonaws.com"}', 'ec2-trust.json')) ??
      `Make {"Service": "ec2.amazonaws.com"} the only Principal of ${APP_ROLE}'s trust policy and apply it with aws iam update-assume-role-policy --role-name ${APP_ROLE} --policy-document file://ec2-trust.json`;
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
      await othersDenied(probes, `${APP_ROLE} cannot read other buckets`, { principal: role, action: 's3:GetObject' }, otherBuckets(a.partition, BUCKET, 'orders/2024-06.csv'), perms),
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
      name: 'profile without the role (so the instance is launched without one)', element: 'AppServerProfile',
      apply: async (ctx) => {
        await createRoleWith(ctx, serviceTrust('ec2.amazonaws.com'));
        await readAppDataPolicy(ctx, APP_ROLE);
        await createProfile(ctx, APP_PROFILE);
        await launch(ctx, APP_SERVER);
      },
      expectFeedback: /AppServerProfile exists but holds no role[\s\S]*i-[0-9a-f]+ \(app-server\) runs without an instance profile/,
    },
    {
      name: 'role trusting Lambda instead of EC2', element: 'Principal',
      apply: async (ctx) => solveWith(ctx, serviceTrust('lambda.amazonaws.com')),
      expectFeedback: /EC2 \(ec2\.amazonaws\.com\) can assume AppServerRole[\s\S]*The trust policy lets lambda\.amazonaws\.com assume AppServerRole; this step wants ec2\.amazonaws\.com/,
    },
    {
      name: 'role trusting EC2 and Lambda', element: 'Principal',
      apply: async (ctx) => solveWith(ctx, serviceTrust('ec2.amazonaws.com', 'lambda.amazonaws.com')),
      expectFeedback: /Lambda \(lambda\.amazonaws\.com\) cannot assume it[\s\S]*Allowed when it should not be[\s\S]*wants ec2\.amazonaws\.com only/,
    },
    {
      name: 'trust Principal "*"', element: 'Principal',
      apply: async (ctx) => solveWith(ctx, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] }),
      expectFeedback: /Lambda \(lambda\.amazonaws\.com\) cannot assume it[\s\S]*its Principal "\*" lets everyone in[\s\S]*The trust policy lets everyone \("\*"\) assume AppServerRole[\s\S]*IAM users cannot assume it/,
    },
    {
      name: 'instance launched without the profile', element: 'instance profile',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { launchWithProfile: false });
      },
      expectFeedback: /i-[0-9a-f]+ \(app-server\) runs without an instance profile[\s\S]*associate-iam-instance-profile --instance-id i-[0-9a-f]+ --iam-instance-profile Name=AppServerProfile/,
    },
    {
      name: 'AmazonS3FullAccess on the role (it can write)', element: 'AmazonS3FullAccess',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { policy: 'AmazonS3FullAccess' });
      },
      expectFeedback: /AppServerRole cannot write objects there \(s3:PutObject\)[\s\S]*Allowed when it should not be: AmazonS3FullAccess[\s\S]*AmazonS3FullAccess is attached to AppServerRole/,
    },
    {
      name: 'AmazonS3ReadOnlyAccess on the role (it reads every bucket)', element: 'AmazonS3ReadOnlyAccess',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { policy: 'AmazonS3ReadOnlyAccess' });
      },
      expectFeedback: /AppServerRole cannot read other buckets[\s\S]*Allowed when it should not be: AmazonS3ReadOnlyAccess/,
    },
    {
      name: 'no permission policy on the role', element: 'no permission policies',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { policy: 'none' });
      },
      expectFeedback: /AppServerRole can read objects in acme-app-data[\s\S]*AppServerRole has no permission policies yet/,
    },
    {
      name: 'i-legacy given the profile instead of launching an instance', element: 'i-legacy',
      apply: async (ctx) => {
        await solveWith(ctx, serviceTrust('ec2.amazonaws.com'), { launch: false });
        await associate(ctx, (await requireLegacy(ctx)).id, APP_PROFILE);
      },
      expectFeedback: /The only instance with AppServerProfile is i-[0-9a-f]+ \(i-legacy\), the legacy server/,
    },
    {
      name: 'role named appserverrole (wrong case)', element: 'appserverrole',
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
async function solveWith(ctx: LabContext, trust: object, o: { policy?: 'read' | 'none' | 'AmazonS3FullAccess' | 'AmazonS3ReadOnlyAccess'; launch?: boolean; launchWithProfile?: boolean } = {}): Promise<void> {
  await createRoleWith(ctx, trust);
  const policy = o.policy ?? 'read';
  if (policy === 'read') await readAppDataPolicy(ctx, APP_ROLE);
  if (policy === 'AmazonS3FullAccess' || policy === 'AmazonS3ReadOnlyAccess') {
    await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName: APP_ROLE, PolicyArn: await awsManagedArn(ctx, policy) }));
  }
  await createProfile(ctx, APP_PROFILE, APP_ROLE);
  if (o.launch !== false) await launch(ctx, APP_SERVER, o.launchWithProfile === false ? undefined : APP_PROFILE);
}
