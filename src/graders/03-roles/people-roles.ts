/**
 * Lab 03, steps 5–6: roles that people assume: a colleague of this account (S3AuditRole) and
 * another account with MFA (BreakGlassRole).
 */
import { CreateRoleCommand, GetRoleCommand, PutRolePolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { accountInfo, accountRootArn, attachToRole, awsManagedArn, createRole, iamArn } from '../aws.js';
import { fact, probeCondition, unverifiable } from '../conditions.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { trustHint, trustOf } from '../trust.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { awsTrust, external, objectArn, OTHER_ACCOUNT, roleArn, roleExists, rolePolicyHint, TRUSTED_ACCOUNT } from './setup.js';

const AUDIT = 'S3AuditRole';

/** dev-john assumes the role and signs one request with its temporary credentials (the chapter's `aws s3 ls`). */
async function useRoleAsJohn(ctx: LabContext): Promise<void> {
  const john = ctx.profiles.get('dev-john');
  if (!john) return;
  const session = await ctx.clientsFor(john).sts.send(new AssumeRoleCommand({ RoleArn: await roleArn(ctx, AUDIT), RoleSessionName: 'audit' }));
  const c = session.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) return;
  const as = ctx.clientsFor({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
  await as.sts.send(new GetCallerIdentityCommand({}));
  await as.s3.send(new ListBucketsCommand({}));
}

/**
 * Whether the role's temporary credentials signed a request: IAM's RoleLastUsed is the last
 * time the role was used to make an AWS request; assume-role alone only hands out credentials.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html
 */
async function usedCondition(ctx: LabContext, resource: string): Promise<Condition> {
  const name = `${AUDIT} was used: a request signed with its temporary credentials`;
  if (!ctx.capabilities.recordsRoleLastUsed) return unverifiable(name, 'a last-used date', 'This backend does not record when a role was last used.');
  const used = (await ctx.clients.iam.send(new GetRoleCommand({ RoleName: AUDIT }))).Role?.RoleLastUsed?.LastUsedDate;
  return fact(
    !!used,
    name,
    'a last-used date',
    used ? `last used ${used.toISOString()}` : 'never used',
    `The role's last use is empty: no request has been signed with ${AUDIT}'s temporary credentials yet. aws sts assume-role only hands them out; the role counts as used once you make a request with them.`,
    `Run aws sts assume-role --role-arn ${resource} --role-session-name audit --profile dev-john, export the AccessKeyId, SecretAccessKey and SessionToken it prints (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then run aws s3 ls.`,
  );
}

/** dev-john's identity policy allowing sts:AssumeRole on the role (needed when the trust names the account). */
const johnMayAssume = async (ctx: LabContext) =>
  void (await ctx.clients.iam.send(
    new PutUserPolicyCommand({
      UserName: 'dev-john',
      PolicyName: 'AssumeAudit',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: await roleArn(ctx, AUDIT) }] }),
    }),
  ));

const auditRole = (trust: (ctx: LabContext) => Promise<object>, policy = 'AmazonS3ReadOnlyAccess', use = true) => async (ctx: LabContext) => {
  await createRole(ctx, AUDIT, await trust(ctx));
  await attachToRole(ctx, AUDIT, await awsManagedArn(ctx, policy));
  if (use) await useRoleAsJohn(ctx);
};
const john = (ctx: LabContext) => iamArn(ctx, 'user', 'dev-john');
const account = async (ctx: LabContext) => {
  const { partition, accountId } = await accountInfo(ctx);
  return accountRootArn(partition, accountId);
};

export const assumeRole = defineStep({
  id: 'roles/assume-role',
  async check(ctx) {
    const exists = await roleExists(ctx, AUDIT, `Create it: aws iam create-role --role-name ${AUDIT} --assume-role-policy-document file://audit-trust.json`);
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, AUDIT);
    const role = { kind: 'role' as const, name: AUDIT };
    const object = await objectArn(ctx);
    const policyHint = () => rolePolicyHint(ctx, probes, AUDIT);
    // In one account, a trust policy that names the user lets that user assume the role; one
    // that names the account (…:root) leaves it to the user's identity policies.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
    return [
      exists,
      await probeCondition(probes, 'dev-john can assume S3AuditRole', { principal: { kind: 'user', name: 'dev-john' }, action: 'sts:AssumeRole', resource }, 'allow'),
      await probeCondition(probes, 'intern cannot assume S3AuditRole', { principal: { kind: 'user', name: 'intern' }, action: 'sts:AssumeRole', resource }, 'deny'),
      await probeCondition(probes, 'S3AuditRole can read objects', { principal: role, action: 's3:GetObject', resource: object, resourcePolicy: 'none' }, 'allow', policyHint),
      await probeCondition(probes, 'S3AuditRole cannot write objects', { principal: role, action: 's3:PutObject', resource: object, resourcePolicy: 'none' }, 'deny', policyHint),
      await usedCondition(ctx, resource),
    ];
  },
  async solve(ctx) {
    await auditRole(async (c) => awsTrust(await john(c)))(ctx);
  },
  mistakes: [
    { name: 'trust Principal "*"', element: 'Principal', apply: auditRole(async () => awsTrust('*')), expectFeedback: /intern cannot assume S3AuditRole[\s\S]*its Principal "\*" lets everyone in/ },
    {
      name: 'intern allowed',
      element: 'Principal',
      apply: auditRole(async (c) => awsTrust([await john(c), await iamArn(c, 'user', 'intern')])),
      expectFeedback: /intern cannot assume S3AuditRole[\s\S]*its Principal names \S+user\/dev-john and \S+user\/intern[\s\S]*Narrow the Principal/,
    },
    {
      name: 'trust names the account (…:root), dev-john has no identity policy for it',
      element: 'Principal',
      apply: auditRole(async (c) => awsTrust(await account(c)), 'AmazonS3ReadOnlyAccess', false),
      expectFeedback: /Principal names the whole account[\s\S]*leaves the decision to the caller's own identity-based policies/,
    },
    {
      name: 'AmazonS3FullAccess on the role',
      element: 'AmazonS3FullAccess',
      apply: auditRole(async (c) => awsTrust(await john(c)), 'AmazonS3FullAccess'),
      expectFeedback: /S3AuditRole cannot write objects[\s\S]*AmazonS3FullAccess is attached to S3AuditRole/,
    },
    {
      name: 'created but never assumed and used',
      element: 'last use',
      apply: auditRole(async (c) => awsTrust(await john(c)), 'AmazonS3ReadOnlyAccess', false),
      expectFeedback: /The role's last use is empty[\s\S]*then run aws s3 ls/,
    },
  ],
  variants: [
    {
      name: 'trust names the account, dev-john alone gets sts:AssumeRole in an identity policy',
      apply: async (ctx) => {
        await createRole(ctx, AUDIT, awsTrust(await account(ctx)));
        await attachToRole(ctx, AUDIT, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
        await johnMayAssume(ctx);
        await useRoleAsJohn(ctx);
      },
    },
    {
      name: 'account-id shorthand principal ("AWS": "ACCOUNT") plus dev-john\'s identity policy',
      apply: async (ctx) => {
        await createRole(ctx, AUDIT, awsTrust((await accountInfo(ctx)).accountId));
        await attachToRole(ctx, AUDIT, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
        await johnMayAssume(ctx);
        await useRoleAsJohn(ctx);
      },
    },
    {
      name: 'Principal AWS as a list, inline read-only policy on the role',
      apply: async (ctx) => {
        await createRole(ctx, AUDIT, awsTrust([await john(ctx)]));
        await ctx.clients.iam.send(
          new PutRolePolicyCommand({ RoleName: AUDIT, PolicyName: 'ReadS3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] }) }),
        );
        await useRoleAsJohn(ctx);
      },
    },
  ],
});

const BREAK_GLASS = 'BreakGlassRole';
/**
 * A session signed in with MFA carries aws:MultiFactorAuthPresent=true and aws:MultiFactorAuthAge;
 * temporary credentials without MFA carry "false"; long-term access keys carry no such key at all.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
 */
const WITH_MFA = { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '300' };
const MFA_BOOL = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
const trustedRoot = async (ctx: LabContext, acct = TRUSTED_ACCOUNT) => accountRootArn((await accountInfo(ctx)).partition, acct);
const breakGlass = (principal: (ctx: LabContext) => Promise<string>, condition?: object) => async (ctx: LabContext) => createRole(ctx, BREAK_GLASS, awsTrust(await principal(ctx), condition));

/** The MFA hint that matches what the trust policy has (no Condition, or an …IfExists operator). */
async function mfaHint(probes: Probes): Promise<string | undefined> {
  const t = await trustOf(probes, BREAK_GLASS);
  if (!t) return undefined;
  if (!t.operators.length) return 'Add a Condition to the trust statement: "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}.';
  const ifExists = t.operators.find((o) => /IfExists$/i.test(o));
  if (ifExists) return `Use Bool instead of ${ifExists}: with plain access keys the MFA key is absent, and …IfExists lets absent keys through.`;
  return undefined;
}

export const mfaCrossAccount = defineStep({
  id: 'roles/mfa-cross-account',
  async check(ctx) {
    const exists = await roleExists(ctx, BREAK_GLASS, `Create it: aws iam create-role --role-name ${BREAK_GLASS} --assume-role-policy-document file://break-glass-trust.json`);
    if (exists.status !== 'passed') return [exists];
    const probes = new Probes(ctx);
    const resource = await roleArn(ctx, BREAK_GLASS);
    const trusted = await external(ctx, TRUSTED_ACCOUNT);
    const principalHint = async () => trustHint(probes, BREAK_GLASS, await trustedRoot(ctx), `{"AWS": "${await trustedRoot(ctx)}"}`, 'break-glass-trust.json');
    const condHint = async () => (await mfaHint(probes)) ?? (await principalHint());
    const req = (principal: PrincipalRef, context?: Record<string, string>) => ({ principal, action: 'sts:AssumeRole', resource, context });
    return [
      exists,
      await probeCondition(probes, `a user of ${TRUSTED_ACCOUNT} signed in with MFA can assume it`, req(trusted, WITH_MFA), 'allow', principalHint),
      await probeCondition(probes, `a user of ${TRUSTED_ACCOUNT} without MFA cannot`, req(trusted, { 'aws:MultiFactorAuthPresent': 'false' }), 'deny', condHint),
      await probeCondition(probes, `a user of ${TRUSTED_ACCOUNT} with plain access keys (no MFA key in the request) cannot`, req(trusted), 'deny', condHint),
      await probeCondition(probes, `a user of another account (${OTHER_ACCOUNT}) with MFA cannot`, req(await external(ctx, OTHER_ACCOUNT), WITH_MFA), 'deny', principalHint),
    ];
  },
  async solve(ctx) {
    await breakGlass(trustedRoot, MFA_BOOL)(ctx);
  },
  mistakes: [
    { name: 'no MFA condition', element: 'Condition', apply: breakGlass(trustedRoot), expectFeedback: /without MFA cannot[\s\S]*it has no Condition[\s\S]*Add a Condition to the trust statement/ },
    { name: 'any account ("*") with MFA', element: 'Principal', apply: breakGlass(async () => '*', MFA_BOOL), expectFeedback: /another account \(444455556666\) with MFA cannot[\s\S]*its Principal "\*" lets everyone in/ },
    {
      name: 'BoolIfExists instead of Bool',
      element: 'BoolIfExists',
      apply: breakGlass(trustedRoot, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }),
      expectFeedback: /plain access keys[\s\S]*its Condition BoolIfExists on aws:MultiFactorAuthPresent holds because the request has no aws:MultiFactorAuthPresent[\s\S]*Use Bool instead of BoolIfExists/,
    },
    {
      name: 'own account trusted instead of 111122223333',
      element: 'Principal',
      apply: breakGlass(async (c) => trustedRoot(c, (await accountInfo(c)).accountId), MFA_BOOL),
      expectFeedback: /signed in with MFA can assume it[\s\S]*Principal names arn:aws:iam::\d{12}:root, which does not include the caller arn:aws:iam::111122223333:user\/responder/,
    },
    {
      name: 'Null check instead of Bool (only asks that the key exists)',
      element: 'Null',
      apply: breakGlass(trustedRoot, { Null: { 'aws:MultiFactorAuthPresent': 'false' } }),
      expectFeedback: /without MFA cannot[\s\S]*its Condition Null on aws:MultiFactorAuthPresent holds for aws:MultiFactorAuthPresent=false/,
    },
  ],
  variants: [
    { name: 'account-id shorthand principal ("AWS": "111122223333")', apply: breakGlass(async () => TRUSTED_ACCOUNT, MFA_BOOL) },
    {
      name: 'Bool plus a recent-MFA age limit (NumericLessThan aws:MultiFactorAuthAge)',
      apply: breakGlass(trustedRoot, { ...MFA_BOOL, NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }),
    },
    {
      name: 'Principal as a list, Statement as an object',
      apply: async (ctx) =>
        void (await ctx.clients.iam.send(
          new CreateRoleCommand({
            RoleName: BREAK_GLASS,
            AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: [await trustedRoot(ctx)] }, Action: 'sts:AssumeRole', Condition: MFA_BOOL } }),
          }),
        )),
    },
  ],
});
