/**
 * Lab 03 seed (COURSE.md): users dev-john and intern, each with an access key (lab profiles of
 * the same names); role ReportsFunctionRole whose trust policy wrongly trusts ec2.amazonaws.com.
 * Plus what the steps share: trust documents, principals for probes, the role-permission hint.
 */
import { GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { accountInfo, awsManagedArn, createKeyAsProfile, createRole, deleteInstanceProfile, deleteRoleCompletely, deleteUserCompletely, ensureUser, findRole, iamArn, s3Arn } from '../aws.js';
import { misplacedFor } from '../attachments.js';
import { HYPOTHETICAL_SOURCE } from '../explain.js';
import { existsCondition } from '../names.js';
import type { PrincipalRef, Probes } from '../probes.js';
import type { Condition, LabContext } from '../types.js';

export const ROLES = ['EC2AccessRole', 'ReportsFunctionRole', 'S3AuditRole', 'BreakGlassRole'];
export const PROFILE = 'EC2AccessProfile';
export const TRUSTED_ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

export const serviceTrust = (...services: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }],
});
export const awsTrust = (aws: string | string[], condition?: object) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: aws === '*' ? '*' : { AWS: aws }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});

/** Remove what this lab seeds or asks the learner to create. */
export async function teardownLab03(ctx: LabContext): Promise<void> {
  for (const r of ROLES) await deleteRoleCompletely(ctx, r);
  await deleteInstanceProfile(ctx, PROFILE);
  for (const u of ['dev-john', 'intern']) {
    await deleteUserCompletely(ctx, u);
    ctx.profiles.remove(u);
  }
}

export async function setupLab03(ctx: LabContext): Promise<void> {
  await teardownLab03(ctx);
  for (const u of ['dev-john', 'intern']) {
    await ensureUser(ctx, u);
    await createKeyAsProfile(ctx, u, u);
  }
  await createRole(ctx, 'ReportsFunctionRole', serviceTrust('ec2.amazonaws.com'));
}

export const roleArn = (ctx: LabContext, name: string) => iamArn(ctx, 'role', name);
/** "any bucket": AmazonS3ReadOnlyAccess reads every bucket, which is what the steps ask for */
export const objectArn = async (ctx: LabContext) => s3Arn((await accountInfo(ctx)).partition, 'any-bucket/report.csv');

export const setTrust = (role: string, doc: object) => async (ctx: LabContext) =>
  void (await ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: JSON.stringify(doc) })));

export async function trustText(ctx: LabContext, role: string): Promise<string> {
  return decodeURIComponent((await ctx.clients.iam.send(new GetRoleCommand({ RoleName: role }))).Role?.AssumeRolePolicyDocument ?? '');
}

/**
 * Someone whose own account's identity policy lets them call sts:AssumeRole on anything: with
 * such a caller only the trust policy decides (for a role in another account both must allow).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */
const ALLOW_ASSUME = { name: 'their own account allows sts:AssumeRole', source: HYPOTHETICAL_SOURCE, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } };

export async function anyUser(ctx: LabContext): Promise<PrincipalRef> {
  const { partition, accountId } = await accountInfo(ctx);
  return { kind: 'arn', arn: `arn:${partition}:iam::${accountId}:user/some-admin`, type: 'user', accountId, identityPolicies: [ALLOW_ASSUME], label: 'an IAM user of this account allowed to call sts:AssumeRole' };
}

export async function external(ctx: LabContext, account: string): Promise<PrincipalRef> {
  const { partition } = await accountInfo(ctx);
  return { kind: 'arn', arn: `arn:${partition}:iam::${account}:user/responder`, type: 'user', accountId: account, identityPolicies: [ALLOW_ASSUME], label: `user responder of account ${account}` };
}

export async function roleExists(ctx: LabContext, name: string, how: string): Promise<Condition> {
  return existsCondition('role', name, await findRole(ctx, name), how);
}

/**
 * What a role's permission policies get wrong, for the read-only steps: none at all (a trust
 * policy only says who may assume a role), AmazonS3FullAccess, or the policy on someone else.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html
 */
export async function rolePolicyHint(ctx: LabContext, probes: Probes, role: string): Promise<string | undefined> {
  let identity, boundary;
  try {
    ({ identity, boundary } = await probes.rolePolicies(role));
  } catch {
    return undefined; // the probe condition reports a missing role
  }
  const attach = `aws iam attach-role-policy --role-name ${role} --policy-arn ${READ_ONLY}`;
  if (identity.some((p) => p.name === 'AmazonS3FullAccess')) {
    return `AmazonS3FullAccess is attached to ${role}: it also allows writes and deletes. Detach it (aws iam detach-role-policy --role-name ${role} --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess) and attach AmazonS3ReadOnlyAccess: ${attach}`;
  }
  if (!identity.length && boundary) {
    // A permissions boundary caps what permission policies grant and grants nothing itself.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    return `${boundary.name} is the permissions boundary of ${role}: a boundary only caps what permission policies grant, it grants nothing itself. Attach it as a permission policy: ${attach}`;
  }
  if (!identity.length) {
    const elsewhere = await misplacedFor(ctx, { kind: 'role', name: role }, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
    if (elsewhere) return `${elsewhere} Attach it to the role: ${attach}`;
    return `${role} has no permission policies yet: a trust policy only says who may assume the role, not what the role may do. Attach one: ${attach}`;
  }
  const own = identity.filter((p) => !p.arn?.includes(':iam::aws:policy/'));
  if (own.length && !identity.some((p) => p.name === 'AmazonS3ReadOnlyAccess')) {
    return `Attach the AWS managed policy this step asks for (${attach}) and remove your own ${own.map((p) => p.name).join(', ')}.`;
  }
  return undefined;
}
