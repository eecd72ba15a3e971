/** What several lab 06 steps grade alike: roles' trust and permissions, the lab's instances, i-legacy's embedded key. */
import { GetInstanceProfileCommand } from '@aws-sdk/client-iam';
import { accountInfo, findRole, isNotFound, s3Arn } from '../aws.js';
import { unverifiable } from '../conditions.js';
import { HYPOTHETICAL_SOURCE } from '../explain.js';
import { existsCondition } from '../names.js';
import type { PrincipalRef, Probes } from '../probes.js';
import type { Condition, LabContext } from '../types.js';
import { BUCKET, LEGACY } from './names.js';
import { ec2Client, ec2Sdk, labInstances, legacyInstance, type LabInstance } from './services.js';

export async function roleExists(ctx: LabContext, name: string, how: string): Promise<Condition> {
  return existsCondition('role', name, await findRole(ctx, name), how);
}

/** A user of this account whose own policies allow sts:AssumeRole on anything: only the trust policy can stop it. */
export async function anyUser(ctx: LabContext): Promise<PrincipalRef> {
  const { partition, accountId } = await accountInfo(ctx);
  return {
    kind: 'arn',
    arn: `arn:${partition}:iam::${accountId}:user/some-developer`,
    type: 'user',
    accountId,
    identityPolicies: [{ name: 'their own policy allows sts:AssumeRole', source: HYPOTHETICAL_SOURCE, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } }],
    label: 'an IAM user of this account allowed to call sts:AssumeRole',
  };
}

/** ARNs in the lab's bucket (and one outside it), with the account's partition. */
export async function bucketArns(ctx: LabContext) {
  const { partition } = await accountInfo(ctx);
  return {
    partition,
    bucket: s3Arn(partition, BUCKET),
    object: s3Arn(partition, `${BUCKET}/orders/2024-06.csv`),
    report: s3Arn(partition, `${BUCKET}/report.csv`),
    elsewhere: s3Arn(partition, 'acme-payroll/report.csv'),
  };
}

/** The state-aware hint for a role's permission probes: no policy yet, a broad managed one, or what to allow. */
export async function rolePolicyHint(probes: Probes, role: string, wanted: string): Promise<string> {
  try {
    const { identity } = await probes.rolePolicies(role);
    if (!identity.length) return `${role} has no permission policies yet: its trust policy only says who may assume it, not what it may do. ${wanted}`;
    const broad = identity.find((p) => ['AmazonS3FullAccess', 'AdministratorAccess', 'PowerUserAccess'].includes(p.name));
    if (broad) return `${broad.name} is attached to ${role}: it allows far more than this workload needs. Detach it. ${wanted}`;
  } catch {
    /* a missing role is reported by the probe itself */
  }
  return wanted;
}

/** The role an instance profile holds, or undefined (no such profile, or it is empty). */
export async function roleOfProfile(ctx: LabContext, profile: string): Promise<string | undefined> {
  try {
    const r = await ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profile }));
    return r.InstanceProfile?.Roles?.[0]?.RoleName;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** The lab's instances and the seeded i-legacy among them; a "not verifiable" condition where the backend runs no EC2. */
export async function instancesOr(ctx: LabContext, name: string, expected: string): Promise<{ list: LabInstance[]; legacy?: LabInstance } | Condition> {
  if (!ctx.capabilities.ec2Instances) return unverifiable(name, expected, 'This backend runs no EC2 instances.');
  const list = await labInstances(ctx);
  return { list, legacy: legacyInstance(list, LEGACY) };
}

/**
 * The access key id i-legacy's user data embeds (the seeded app-user key), read as anyone with
 * ec2:DescribeInstanceAttribute can.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html
 */
export async function embeddedKeyId(ctx: LabContext, legacy: LabInstance | undefined): Promise<string | undefined> {
  if (!legacy) return undefined;
  const { DescribeInstanceAttributeCommand } = await ec2Sdk();
  try {
    const r = await (await ec2Client(ctx)).send(new DescribeInstanceAttributeCommand({ InstanceId: legacy.id, Attribute: 'userData' }));
    const text = Buffer.from(r.UserData?.Value ?? '', 'base64').toString('utf8');
    return /AWS_ACCESS_KEY_ID=(\S+)/.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/** "2024-06-01T10:00:00Z" without milliseconds, for messages. */
export const when = (d: Date | string | undefined): string => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : '?');
