/**
 * Lab 03 — Roles and trust policies. Seed (COURSE.md): users dev-john and intern, each with an
 * access key (lab profiles of the same names); role ReportsFunctionRole whose trust policy
 * wrongly trusts ec2.amazonaws.com.
 */
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand as StsAssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  accountInfo,
  attachToRole,
  awsManagedArn,
  createKeyAsProfile,
  createRole,
  deleteInstanceProfile,
  deleteRoleCompletely,
  deleteUserCompletely,
  ensureUser,
  findRole,
  iamArn,
  isNotFound,
  s3Arn,
} from '../aws.js';
import { fact, failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { existsCondition } from '../names.js';
import { HYPOTHETICAL_SOURCE } from '../explain.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { trustHint } from '../trust.js';
import { defineLab, defineStep, type Condition, type LabContext } from '../types.js';

const ROLES = ['EC2AccessRole', 'ReportsFunctionRole', 'S3AuditRole', 'BreakGlassRole'];
const PROFILE = 'EC2AccessProfile';
const TRUSTED_ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';

const serviceTrust = (...services: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }],
});
const awsTrust = (aws: string | string[], condition?: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: aws === '*' ? '*' : { AWS: aws }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

/** Remove what this lab seeds or asks the learner to create. */
async function teardown(ctx: LabContext): Promise<void> {
  for (const r of ROLES) await deleteRoleCompletely(ctx, r);
  await deleteInstanceProfile(ctx, PROFILE);
  for (const u of ['dev-john', 'intern']) {
    await deleteUserCompletely(ctx, u);
    ctx.profiles.remove(u);
  }
}

async function setup(ctx: LabContext): Promise<void> {
  await teardown(ctx);
  for (const u of ['dev-john', 'intern']) {
    await ensureUser(ctx, u);
    await createKeyAsProfile(ctx, u, u);
  }
  await createRole(ctx, 'ReportsFunctionRole', serviceTrust('ec2.amazonaws.com'));
}

const roleArn = (ctx: LabContext, name: string) => iamArn(ctx, 'role', name);
const objectArn = async (ctx: LabContext) => s3Arn((await accountInfo(ctx)).partition, 'any-bucket/report.csv');

/** Anyone an identity policy in their own account lets call sts:AssumeRole on anything. */
const ALLOW_ASSUME = { name: 'their own account allows sts:AssumeRole', source: HYPOTHETICAL_SOURCE, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } };

async function anyUser(ctx: LabContext): Promise<PrincipalRef> {
  const { partition, accountId } = await accountInfo(ctx);
  return { kind: 'arn', arn: `arn:${partition}:iam::${accountId}:user/some-admin`, type: 'user', accountId, identityPolicies: [ALLOW_ASSUME], label: 'an IAM user of this account allowed to call sts:AssumeRole' };
}

async function external(ctx: LabContext, account: string): Promise<PrincipalRef> {
  const { partition } = await accountInfo(ctx);
  return { kind: 'arn', arn: `arn:${partition}:iam::${account}:user/responder`, type: 'user', accountId: account, identityPolicies: [ALLOW_ASSUME], label: `user responder of account ${account}` };
}

async function roleExists(ctx: LabContext, name: string, how: string): Promise<Condition> {
  return existsCondition('role', name, await findRole(ctx, name), how);
}

const ec2TrustRole = defineStep({
  id: 'roles/ec2-trust-role',
  async check(ctx) {
    const exists = await roleExists(ctx, 'EC2AccessRole', `aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://ec2-trust.json`);
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, 'EC2AccessRole');
    const hint = () => trustHint(probes, 'EC2AccessRole', 'ec2.amazonaws.com');
    const assume = (principal: PrincipalRef) => ({ principal, action: 'sts:AssumeRole', resource });
    return [
      exists,
      await probeCondition(probes, 'EC2 (ec2.amazonaws.com) can assume EC2AccessRole', assume({ kind: 'service', service: 'ec2.amazonaws.com' }), 'allow', hint),
      await probeCondition(probes, 'Lambda (lambda.amazonaws.com) cannot assume it', assume({ kind: 'service', service: 'lambda.amazonaws.com' }), 'deny', hint),
      await probeCondition(probes, 'IAM users cannot assume it', assume(await anyUser(ctx)), 'deny', hint),
    ];
  },
  async solve(ctx) {
    await createRole(ctx, 'EC2AccessRole', serviceTrust('ec2.amazonaws.com'));
  },
  mistakes: [
    {
      name: 'Principal lambda.amazonaws.com',
      apply: (ctx) => createRole(ctx, 'EC2AccessRole', serviceTrust('lambda.amazonaws.com')),
      expectFeedback: /The trust policy lets lambda\.amazonaws\.com assume EC2AccessRole; this step wants ec2\.amazonaws\.com/,
    },
    {
      name: 'Principal "*"',
      apply: (ctx) => createRole(ctx, 'EC2AccessRole', awsTrust('*')),
      expectFeedback: /IAM users cannot assume it[\s\S]*Allowed when it should not be[\s\S]*everyone \("\*"\)/,
    },
  ],
});

async function rolePolicyHint(probes: Probes, role: string): Promise<string | undefined> {
  try {
    const { identity } = await probes.rolePolicies(role);
    if (!identity.length) return `${role} has no permission policies yet: a trust policy only says who may assume the role, not what the role may do.`;
    if (identity.some((p) => p.name === 'AmazonS3FullAccess')) return `AmazonS3FullAccess is attached to ${role}: it also allows writes. Detach it and attach AmazonS3ReadOnlyAccess.`;
  } catch {
    /* the probe condition reports a missing role */
  }
  return undefined;
}

const rolePermissions = defineStep({
  id: 'roles/role-permissions',
  async check(ctx) {
    const probes = new Probes(ctx);
    const role = { kind: 'role' as const, name: 'EC2AccessRole' };
    const resource = await objectArn(ctx);
    const hint = () => rolePolicyHint(probes, 'EC2AccessRole');
    return [
      await probeCondition(probes, 'EC2AccessRole can read objects (s3:GetObject)', { principal: role, action: 's3:GetObject', resource, resourcePolicy: 'none' }, 'allow', hint),
      await probeCondition(probes, 'EC2AccessRole cannot write objects (s3:PutObject)', { principal: role, action: 's3:PutObject', resource, resourcePolicy: 'none' }, 'deny', hint),
    ];
  },
  async solve(ctx) {
    await attachToRole(ctx, 'EC2AccessRole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
  },
  mistakes: [
    { name: 'nothing attached', apply: async () => {}, expectFeedback: /EC2AccessRole has no permission policies yet/ },
    {
      name: 'AmazonS3FullAccess',
      apply: async (ctx) => attachToRole(ctx, 'EC2AccessRole', await awsManagedArn(ctx, 'AmazonS3FullAccess')),
      expectFeedback: /Allowed when it should not be: AmazonS3FullAccess, attached to role EC2AccessRole/,
    },
  ],
});

const instanceProfile = defineStep({
  id: 'roles/instance-profile',
  async check(ctx) {
    let ip;
    try {
      ip = await ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: PROFILE }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!ip?.InstanceProfile) {
      return [failed(`instance profile ${PROFILE} exists`, `instance profile ${PROFILE}`, 'none', 'EC2 cannot use a role directly: an instance is launched with an instance profile, the container that carries the role.', `aws iam create-instance-profile --instance-profile-name ${PROFILE}`)];
    }
    const roles = (ip.InstanceProfile.Roles ?? []).map((r) => r.RoleName ?? '');
    return [
      passed(`instance profile ${PROFILE} exists`, `instance profile ${PROFILE}`, PROFILE),
      fact(
        roles.includes('EC2AccessRole'),
        `${PROFILE} holds EC2AccessRole`,
        'EC2AccessRole inside the profile',
        roles.length ? `roles: ${roles.join(', ')}` : 'the profile is empty',
        `${PROFILE} exists but holds ${roles.length ? roles.join(', ') : 'no role'}; an instance launched with it would get no EC2AccessRole credentials.`,
        `aws iam add-role-to-instance-profile --instance-profile-name ${PROFILE} --role-name EC2AccessRole`,
      ),
    ];
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: PROFILE }));
    await ctx.clients.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: PROFILE, RoleName: 'EC2AccessRole' }));
  },
  mistakes: [
    {
      name: 'profile without the role',
      apply: async (ctx) => void (await ctx.clients.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: PROFILE }))),
      expectFeedback: /EC2AccessProfile exists but holds no role/,
    },
  ],
});

const fixTrustPrincipal = defineStep({
  id: 'roles/fix-trust-principal',
  async check(ctx) {
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, 'ReportsFunctionRole');
    const hint = () => trustHint(probes, 'ReportsFunctionRole', 'lambda.amazonaws.com');
    return [
      await probeCondition(probes, 'Lambda can assume ReportsFunctionRole', { principal: { kind: 'service', service: 'lambda.amazonaws.com' }, action: 'sts:AssumeRole', resource }, 'allow', hint),
      await probeCondition(probes, 'EC2 cannot assume ReportsFunctionRole', { principal: { kind: 'service', service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole', resource }, 'deny', hint),
    ];
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ReportsFunctionRole', PolicyDocument: JSON.stringify(serviceTrust('lambda.amazonaws.com')) }));
  },
  mistakes: [
    { name: 'unchanged', apply: async () => {}, expectFeedback: /The trust policy lets ec2\.amazonaws\.com assume ReportsFunctionRole; this step wants lambda\.amazonaws\.com/ },
    {
      name: 'both services trusted',
      apply: async (ctx) =>
        void (await ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ReportsFunctionRole', PolicyDocument: JSON.stringify(serviceTrust('lambda.amazonaws.com', 'ec2.amazonaws.com')) }))),
      expectFeedback: /EC2 cannot assume ReportsFunctionRole[\s\S]*Allowed when it should not be[\s\S]*wants lambda\.amazonaws\.com only/,
    },
  ],
});

const assumeRole = defineStep({
  id: 'roles/assume-role',
  async check(ctx) {
    const exists = await roleExists(ctx, 'S3AuditRole', 'aws iam create-role --role-name S3AuditRole --assume-role-policy-document file://audit-trust.json');
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, 'S3AuditRole');
    const johnArn = await iamArn(ctx, 'user', 'dev-john');
    const hint = () => trustHint(probes, 'S3AuditRole', johnArn);
    const role = { kind: 'role' as const, name: 'S3AuditRole' };
    const object = await objectArn(ctx);
    const out: Condition[] = [
      exists,
      await probeCondition(probes, 'dev-john can assume S3AuditRole', { principal: { kind: 'user', name: 'dev-john' }, action: 'sts:AssumeRole', resource }, 'allow', hint),
      await probeCondition(probes, 'intern cannot assume S3AuditRole', { principal: { kind: 'user', name: 'intern' }, action: 'sts:AssumeRole', resource }, 'deny', hint),
      await probeCondition(probes, 'S3AuditRole can read objects', { principal: role, action: 's3:GetObject', resource: object, resourcePolicy: 'none' }, 'allow', () => rolePolicyHint(probes, 'S3AuditRole')),
      await probeCondition(probes, 'S3AuditRole cannot write objects', { principal: role, action: 's3:PutObject', resource: object, resourcePolicy: 'none' }, 'deny', () => rolePolicyHint(probes, 'S3AuditRole')),
    ];
    const usedName = 'S3AuditRole has been used (aws sts assume-role … --profile dev-john)';
    if (!ctx.capabilities.recordsRoleLastUsed) {
      out.push(unverifiable(usedName, 'a last-used date', 'This backend does not record when a role was last used.'));
    } else {
      const r = await ctx.clients.iam.send(new GetRoleCommand({ RoleName: 'S3AuditRole' }));
      const used = r.Role?.RoleLastUsed?.LastUsedDate;
      out.push(
        fact(!!used, usedName, 'a last-used date', used ? `last used ${used.toISOString()}` : 'never used', 'Nobody has used the role yet: the step ends with you assuming it as dev-john.', `aws sts assume-role --role-arn ${resource} --role-session-name audit --profile dev-john`),
      );
    }
    return out;
  },
  async solve(ctx) {
    await createRole(ctx, 'S3AuditRole', awsTrust(await iamArn(ctx, 'user', 'dev-john')));
    await attachToRole(ctx, 'S3AuditRole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
    const john = ctx.profiles.get('dev-john');
    if (!john) return;
    const session = await ctx.clientsFor(john).sts.send(new StsAssumeRoleCommand({ RoleArn: await roleArn(ctx, 'S3AuditRole'), RoleSessionName: 'audit' }));
    const c = session.Credentials;
    if (c?.AccessKeyId && c.SecretAccessKey) {
      await ctx.clientsFor({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }).sts.send(new GetCallerIdentityCommand({}));
    }
  },
  mistakes: [
    {
      name: 'trust Principal "*"',
      apply: async (ctx) => {
        await createRole(ctx, 'S3AuditRole', awsTrust('*'));
        await attachToRole(ctx, 'S3AuditRole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
      },
      expectFeedback: /intern cannot assume S3AuditRole[\s\S]*Allowed when it should not be/,
    },
    {
      name: 'intern allowed',
      apply: async (ctx) => {
        await createRole(ctx, 'S3AuditRole', awsTrust([await iamArn(ctx, 'user', 'dev-john'), await iamArn(ctx, 'user', 'intern')]));
        await attachToRole(ctx, 'S3AuditRole', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
      },
      expectFeedback: /intern cannot assume S3AuditRole[\s\S]*Allowed when it should not be[\s\S]*user\/intern/,
    },
  ],
});

const mfaCrossAccount = defineStep({
  id: 'roles/mfa-cross-account',
  async check(ctx) {
    const exists = await roleExists(ctx, 'BreakGlassRole', 'aws iam create-role --role-name BreakGlassRole --assume-role-policy-document file://break-glass-trust.json');
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, 'BreakGlassRole');
    const trusted = await external(ctx, TRUSTED_ACCOUNT);
    const hint = async () => trustHint(probes, 'BreakGlassRole', `arn:${(await accountInfo(ctx)).partition}:iam::${TRUSTED_ACCOUNT}:root`);
    const req = (principal: PrincipalRef, context?: Record<string, string>) => ({ principal, action: 'sts:AssumeRole', resource, context });
    return [
      exists,
      await probeCondition(probes, `a user of ${TRUSTED_ACCOUNT} signed in with MFA can assume it`, req(trusted, { 'aws:MultiFactorAuthPresent': 'true' }), 'allow', hint),
      await probeCondition(probes, `a user of ${TRUSTED_ACCOUNT} without MFA cannot`, req(trusted, { 'aws:MultiFactorAuthPresent': 'false' }), 'deny', 'Add a Condition to the trust statement: "Bool": {"aws:MultiFactorAuthPresent": "true"}.'),
      await probeCondition(probes, `a user of ${TRUSTED_ACCOUNT} with plain access keys (no MFA key in the request) cannot`, req(trusted), 'deny', 'Use the Bool operator, not BoolIfExists: with plain access keys the MFA key is absent, and BoolIfExists lets absent keys through.'),
      await probeCondition(probes, `a user of another account (${OTHER_ACCOUNT}) with MFA cannot`, req(await external(ctx, OTHER_ACCOUNT), { 'aws:MultiFactorAuthPresent': 'true' }), 'deny', hint),
    ];
  },
  async solve(ctx) {
    const { partition } = await accountInfo(ctx);
    await createRole(ctx, 'BreakGlassRole', awsTrust(`arn:${partition}:iam::${TRUSTED_ACCOUNT}:root`, MFA));
  },
  mistakes: [
    {
      name: 'no MFA condition',
      apply: async (ctx) => createRole(ctx, 'BreakGlassRole', awsTrust(`arn:${(await accountInfo(ctx)).partition}:iam::${TRUSTED_ACCOUNT}:root`)),
      expectFeedback: /without MFA cannot[\s\S]*Allowed when it should not be/,
    },
    {
      name: 'any account',
      apply: (ctx) => createRole(ctx, 'BreakGlassRole', awsTrust('*', MFA)),
      expectFeedback: /another account \(444455556666\) with MFA cannot[\s\S]*Allowed when it should not be/,
    },
  ],
});

export const lab03 = defineLab({ id: '03-roles', setup, teardown, steps: [ec2TrustRole, rolePermissions, instanceProfile, fixTrustPrincipal, assumeRole, mfaCrossAccount] });
