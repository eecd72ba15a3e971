/**
 * IAM instance profiles on instances: resolving `IamInstanceProfile` (Name or Arn) against IAM as
 * EC2 does (with EC2's errors), iam:PassRole for the profile's role, and the association records.
 */
import { nameKey, type InstanceProfile, type Role } from '../iam/models.js';
import type { Ec2Params } from '../protocol/ec2-query.js';
import type { AccountState } from '../state/account.js';
import { getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { InvalidParameterValue, MissingParameter } from './errors.js';
import { newEc2Id } from './ids.js';
import { ec2State, type Instance, type ProfileAssociation } from './models.js';

const PROFILE_ARN = /^arn:aws:iam::(\d{12}):instance-profile\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;

export interface ResolvedProfile {
  profile: InstanceProfile;
  role: Role;
}

/** The instance profile an `IamInstanceProfile.Name` / `.Arn` names, with its role (EC2's errors otherwise). */
export function resolveProfile(ctx: RequestContext, spec: Ec2Params | undefined): ResolvedProfile {
  const name = spec?.str('Name');
  const arn = spec?.str('Arn');
  if (!name && !arn) throw MissingParameter('The request must contain the parameter iamInstanceProfile.name or iamInstanceProfile.arn');
  let profile: InstanceProfile | undefined;
  if (arn) {
    const m = PROFILE_ARN.exec(arn);
    const candidate = m && m[1] === ctx.account.accountId ? getRecord(ctx.account.iam.instanceProfiles, nameKey(m[2])) : undefined;
    profile = candidate && candidate.arn === arn ? candidate : undefined;
    if (!profile) throw InvalidParameterValue(`Value (${arn}) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN`);
  } else {
    profile = getRecord(ctx.account.iam.instanceProfiles, nameKey(name!));
    if (!profile || profile.instanceProfileName !== name) {
      throw InvalidParameterValue(`Value (${name}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`);
    }
  }
  const role = profile.roles.length ? getRecord(ctx.account.iam.roles, profile.roles[0]) : undefined;
  if (!role) throw InvalidParameterValue(`IAM Instance Profile "${profile.arn}" has no associated IAM Roles`);
  return { profile, role };
}

/** Giving an instance a role is passing the role to EC2: iam:PassRole on the role (root is never restricted). */
export async function authorizePassRole(ctx: RequestContext, role: Role, instanceArn?: string): Promise<void> {
  await ctx.authorize({
    action: 'iam:PassRole',
    resource: role.arn,
    context: { 'iam:PassedToService': 'ec2.amazonaws.com', ...(instanceArn ? { 'iam:AssociatedResourceArn': instanceArn } : {}) },
  });
}

export function associate(account: AccountState, instance: Instance, profile: InstanceProfile): ProfileAssociation {
  const a: ProfileAssociation = {
    associationId: newEc2Id('iip-assoc'),
    instanceId: instance.instanceId,
    instanceProfileArn: profile.arn,
    instanceProfileId: profile.instanceProfileId,
    state: 'associating',
    timestamp: new Date().toISOString(),
  };
  ec2State(account).associations[a.associationId] = a;
  return a;
}

/** The instance's current association (associating or associated), if any. */
export function currentAssociation(account: AccountState, instanceId: string): ProfileAssociation | undefined {
  return Object.values(ec2State(account).associations).find((a) => a.instanceId === instanceId && (a.state === 'associated' || a.state === 'associating'));
}

export function associationShape(a: ProfileAssociation) {
  return {
    associationId: a.associationId,
    instanceId: a.instanceId,
    iamInstanceProfile: { arn: a.instanceProfileArn, id: a.instanceProfileId },
    state: a.state,
    timestamp: new Date(a.timestamp),
  };
}

/** The IAM role an instance's profile holds now (IAM may have changed since the association). */
export function instanceRole(account: AccountState, instanceId: string): { profile: InstanceProfile; role?: Role } | undefined {
  const a = currentAssociation(account, instanceId);
  if (!a) return undefined;
  const m = PROFILE_ARN.exec(a.instanceProfileArn);
  const profile = m ? getRecord(account.iam.instanceProfiles, nameKey(m[2])) : undefined;
  if (!profile || profile.arn !== a.instanceProfileArn) return undefined;
  const role = profile.roles.length ? getRecord(account.iam.roles, profile.roles[0]) : undefined;
  return { profile, role };
}
