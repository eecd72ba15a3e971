/** What lab 04's steps share: the ARNs they probe, customer managed policy facts, "applies to user". */
import { GetPolicyCommand, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { accountInfo, customerPolicyArn, isNotFound, listAttachedGroup, listAttachedUser, listGroupsOfUser, listLocalPolicies, s3Arn } from '../aws.js';
import { misplacedFor } from '../attachments.js';
import { fact, failed, passed } from '../conditions.js';
import type { Condition, LabContext } from '../types.js';
import { PAYROLL, REPORTS } from './setup.js';

export const arns = async (ctx: LabContext) => {
  const { partition, accountId } = await accountInfo(ctx);
  return {
    partition,
    accountId,
    reportsBucket: s3Arn(partition, REPORTS),
    reportsObjects: s3Arn(partition, `${REPORTS}/*`),
    q1: s3Arn(partition, `${REPORTS}/q1.csv`),
    newReport: s3Arn(partition, `${REPORTS}/q3.csv`),
    payrollBucket: s3Arn(partition, PAYROLL),
    payrollObjects: s3Arn(partition, `${PAYROLL}/*`),
    salaries: s3Arn(partition, `${PAYROLL}/salaries.csv`),
    /** a bucket whose name starts like acme-reports: catches "acme-reports*" wildcards */
    lookalikeBucket: s3Arn(partition, `${REPORTS}-archive`),
  };
};
export type LabArns = Awaited<ReturnType<typeof arns>>;

export interface PolicyInfo {
  arn: string;
  defaultVersion?: string;
  /** oldest first (v1, v2, …), so the last one is the version published most recently */
  versions: string[];
}

/** "v12" → 12: version ids are "v" and a number that only grows (v10 comes after v9). */
const versionNumber = (id: string) => Number(id.replace(/^v/i, '')) || 0;

/**
 * A customer managed policy: its default version and all versions, or undefined when it does not
 * exist. IAM lists versions newest first (other backends may not), so they are sorted here.
 */
export async function policyInfo(ctx: LabContext, name: string): Promise<PolicyInfo | undefined> {
  const arn = await customerPolicyArn(ctx, name);
  try {
    const r = await ctx.clients.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const v = await ctx.clients.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    return { arn, defaultVersion: r.Policy?.DefaultVersionId, versions: (v.Versions ?? []).map((x) => x.VersionId ?? '').sort((a, b) => versionNumber(a) - versionNumber(b)) };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * "customer managed policy X exists", case-aware: `internReadReports` where `InternReadReports`
 * was asked is reported as such. IAM refuses a second policy whose name differs only by case, so
 * the way out is to delete the first one.
 */
export async function customerPolicyExists(ctx: LabContext, info: PolicyInfo | undefined, name: string, file: string): Promise<Condition> {
  const create = `aws iam create-policy --policy-name ${name} --policy-document file://${file}`;
  if (!info) {
    const other = (await listLocalPolicies(ctx.clients.iam)).find((p) => p.PolicyName?.toLowerCase() === name.toLowerCase());
    if (other?.PolicyName && other.Arn) {
      return failed(
        `customer managed policy ${name} exists`,
        name,
        `customer managed policy ${other.PolicyName} (different case)`,
        `There is a customer managed policy called ${other.PolicyName}, but this step asks for ${name}. IAM keeps the case you type, and names that differ only by case count as the same name, so you cannot have both.`,
        `Delete ${other.PolicyName} (aws iam delete-policy --policy-arn ${other.Arn}; IAM refuses while it is attached to anyone or has versions other than the default: detach it and delete those first), then create ${name} with exactly that spelling: ${create}`,
      );
    }
  }
  return fact(
    !!info,
    `customer managed policy ${name} exists`,
    name,
    info ? info.arn : 'no such policy',
    `There is no customer managed policy ${name}: the step asks for a standalone, reusable policy with that name (an inline policy of the same name is not one).`,
    `Create it: ${create}`,
  );
}

/**
 * The managed policy applies to the user: attached to the user, or to a group the user is in
 * (either way its statements count for the user).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
 */
export async function appliesTo(ctx: LabContext, user: string, policy: string): Promise<Condition> {
  const name = `${policy} applies to ${user}`;
  let direct: string[];
  let groups: string[];
  try {
    direct = (await listAttachedUser(ctx.clients.iam, user)).map((a) => a.PolicyName ?? '');
    groups = await listGroupsOfUser(ctx.clients.iam, user);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return failed(name, `${policy} attached to user ${user}`, `no user ${user}`, `User ${user} does not exist any more; this lab needs it.`, 'Run iam-labs reset to bring the lab back to its start.');
  }
  if (direct.includes(policy)) return passed(name, `${policy} attached to ${user}`, `attached to user ${user}`);
  for (const g of groups) {
    if ((await listAttachedGroup(ctx.clients.iam, g)).some((a) => a.PolicyName === policy)) return passed(name, `${policy} attached to ${user}`, `attached to group ${g}, which ${user} is in`);
  }
  const arn = await customerPolicyArn(ctx, policy);
  const elsewhere = await misplacedFor(ctx, { kind: 'user', name: user }, arn);
  return failed(
    name,
    `${policy} attached to ${user} (or to a group ${user} is in)`,
    direct.length ? `attached to ${user}: ${direct.join(', ')}` : `no policies attached to ${user}`,
    `${elsewhere ?? `${policy} is not attached to ${user}.`} A managed policy does nothing until it is attached, so none of its statements apply to ${user}.`,
    `Attach it: aws iam attach-user-policy --user-name ${user} --policy-arn ${arn}`,
  );
}
