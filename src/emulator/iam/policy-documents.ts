/**
 * Policy documents and managed-policy lookups shared by the IAM operations (and by enforcement):
 * validate a document passed to a Create/Put call, resolve a policy ARN to its default document
 * (customer managed or AWS managed), count attachments, and gather a principal's policies.
 */
import { policyEngine } from '../../policy/index.js';
import { LimitExceeded, MalformedPolicyDocument, NoSuchEntity, ValidationError } from '../errors.js';
import { statementList } from '../../policy/statements.js';
import type { AccountState } from '../state/account.js';
import type { Emulator } from '../types.js';
import { getAwsManagedPolicy, isAwsManagedArn } from './managed-policies.js';
import { nameKey, type Group, type IamState, type ManagedPolicy, type Role, type User } from './models.js';

export type DocumentKind = 'identity' | 'trust' | 'managed';

/**
 * Throws MalformedPolicyDocument with AWS's wording for the first problem in `text`. `principalKnown`
 * answers whether a user or role ARN named as a principal exists: IAM resolves principals when a
 * trust policy is written and refuses one that does not exist.
 */
export function validatePolicyText(text: string, kind: DocumentKind, principalKnown?: (arn: string) => boolean): void {
  const problems = policyEngine.validate(text, kind === 'trust' ? 'trust' : 'identity', { managed: kind === 'managed' });
  if (problems.length) throw new MalformedPolicyDocument(problems[0].message);
  if (!principalKnown) return;
  const doc = JSON.parse(text) as { Statement: unknown };
  for (const s of statementList(doc) as Array<Record<string, unknown>>) {
    if (!s || typeof s !== 'object') continue;
    const p = s.Principal ?? s.NotPrincipal;
    const aws = p && typeof p === 'object' ? (p as Record<string, unknown>).AWS : undefined;
    for (const arn of [aws ?? []].flat()) {
      if (typeof arn === 'string' && !principalKnown(arn)) throw new MalformedPolicyDocument(`Invalid principal in policy: "AWS":"${arn}"`);
    }
  }
}

/**
 * Whether an IAM user or role ARN names an entity that exists, for accounts this emulator holds
 * (IAM and S3 resolve such principals when a policy is stored). Account principals and other
 * accounts' ARNs are accepted as they are.
 */
export function principalExists(emulator: Emulator, arn: string): boolean {
  const m = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/*?]+)$/.exec(arn);
  if (!m || arn.includes('*') || arn.includes('?')) return true;
  const account = emulator.state.accounts.get(m[1]);
  if (!account) return true;
  const table = m[2] === 'user' ? account.iam.users : account.iam.roles;
  return Object.hasOwn(table, nameKey(m[3]));
}

/** IAM measures policy size without whitespace (documented in the IAM quotas page). */
export function policySize(text: string): number {
  try {
    return JSON.stringify(JSON.parse(text)).length;
  } catch {
    return text.length;
  }
}

/** Managed policy documents: at most 6,144 characters (whitespace not counted). */
export function checkManagedPolicySize(text: string): void {
  if (policySize(text) > 6144) throw new LimitExceeded('Cannot exceed quota for PolicySize: 6144');
}

/** A managed policy as the API shows it, whichever kind it is. */
export interface PolicyView {
  kind: 'aws' | 'customer';
  name: string;
  arn: string;
  path: string;
  id: string;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  description?: string;
  /** the default version's document */
  document: string;
  /** customer managed policies only */
  record?: ManagedPolicy;
}

/** Find a managed policy by ARN, in this account's customer managed policies or in AWS's catalog. */
export function findPolicy(iam: IamState, arn: string): PolicyView | undefined {
  if (isAwsManagedArn(arn)) {
    const p = getAwsManagedPolicy(arn);
    if (!p) return undefined;
    return {
      kind: 'aws',
      name: p.name,
      arn: p.arn,
      path: p.path,
      id: p.id,
      defaultVersionId: p.version,
      createDate: p.created,
      updateDate: p.updated,
      description: p.description,
      document: p.document,
    };
  }
  const rec = iam.policies[arn];
  if (!rec) return undefined;
  return customerPolicyView(rec);
}

export function customerPolicyView(rec: ManagedPolicy): PolicyView {
  const def = rec.versions.find((v) => v.versionId === rec.defaultVersionId);
  return {
    kind: 'customer',
    name: rec.policyName,
    arn: rec.arn,
    path: rec.path,
    id: rec.policyId,
    defaultVersionId: rec.defaultVersionId,
    createDate: rec.createDate,
    updateDate: rec.updateDate,
    description: rec.description,
    document: def?.document ?? '{}',
    record: rec,
  };
}

/**
 * A PolicyArn parameter as IAM checks it before looking anything up: its length (the model's
 * constraint), then that it parses as an ARN, then that it is a policy ARN.
 */
export function checkPolicyArn(arn: string, member = 'policyArn'): void {
  if (arn.length < 20 || arn.length > 2048) {
    throw new ValidationError(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length ${arn.length < 20 ? 'greater than or equal to 20' : 'less than or equal to 2048'}`,
    );
  }
  if (!arn.startsWith('arn:') || arn.split(':').length < 6) throw new ValidationError('Invalid ARN:  Could not be parsed!');
  if (!/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/.+/.test(arn)) throw new ValidationError(`ARN ${arn} is not valid.`);
}

/** For Attach*Policy: AWS's wording for an ARN that names no policy. */
export function requireAttachablePolicy(iam: IamState, arn: string): PolicyView {
  checkPolicyArn(arn);
  const p = findPolicy(iam, arn);
  if (!p) throw new NoSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return p;
}

/** For permissions boundaries (Put*PermissionsBoundary, Create{User,Role}): IAM calls the policy the scope. */
export function requireBoundaryPolicy(iam: IamState, arn: string): PolicyView {
  checkPolicyArn(arn, 'permissionsBoundary');
  const p = findPolicy(iam, arn);
  if (!p) throw new NoSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  return p;
}

/** For GetPolicy, DeletePolicy, versions: AWS's wording for a policy that is not there. */
export function requirePolicy(iam: IamState, arn: string): PolicyView {
  checkPolicyArn(arn);
  const p = findPolicy(iam, arn);
  if (!p) throw new NoSuchEntity(`Policy ${arn} was not found.`);
  return p;
}

/**
 * Default document of a managed policy (customer managed → its default version; AWS managed →
 * the catalog), for enforcement and the graders. undefined when the ARN names no policy.
 */
export function resolvePolicyDocument(account: AccountState, arn: string): { name: string; document: string } | undefined {
  const p = findPolicy(account.iam, arn);
  return p ? { name: p.name, document: p.document } : undefined;
}

/** How many users, groups and roles each policy ARN is attached to (AttachmentCount). */
export function attachmentCounts(iam: IamState): Map<string, number> {
  const counts = new Map<string, number>();
  const entities: Array<{ attachedPolicies: string[] }> = [
    ...Object.values(iam.users),
    ...Object.values(iam.groups),
    ...Object.values(iam.roles),
  ];
  for (const e of entities) for (const arn of e.attachedPolicies) counts.set(arn, (counts.get(arn) ?? 0) + 1);
  return counts;
}

/** How many users and roles use each policy ARN as their permissions boundary. */
export function boundaryCounts(iam: IamState): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of [...Object.values(iam.users), ...Object.values(iam.roles)]) {
    if (e.permissionsBoundary) counts.set(e.permissionsBoundary, (counts.get(e.permissionsBoundary) ?? 0) + 1);
  }
  return counts;
}

/** One policy that applies to a principal, with where it comes from in plain words. */
export interface GatheredPolicy {
  name: string;
  document: string;
  arn?: string;
  /** "inline on user alice", "attached to group developers", … */
  source: string;
  /** SimulatePrincipalPolicy's SourcePolicyType */
  type: 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed';
}

function entityPolicies(iam: IamState, kind: 'user' | 'group' | 'role', name: string, e: User | Group | Role): GatheredPolicy[] {
  const out: GatheredPolicy[] = [];
  for (const p of Object.values(e.inlinePolicies)) {
    out.push({ name: p.name, document: p.document, source: `inline on ${kind} ${name}`, type: kind });
  }
  for (const arn of e.attachedPolicies) {
    const p = findPolicy(iam, arn);
    if (!p) continue;
    out.push({
      name: p.name,
      document: p.document,
      arn,
      source: `attached to ${kind} ${name}`,
      type: p.kind === 'aws' ? 'aws-managed' : 'user-managed',
    });
  }
  return out;
}

/**
 * Identity policies and boundary of a user (including its groups' policies), a group, or a role.
 * Used by SimulatePrincipalPolicy; enforcement may reuse it.
 */
export function gatherPolicies(
  iam: IamState,
  entity: { kind: 'user'; user: User } | { kind: 'group'; group: Group } | { kind: 'role'; role: Role },
): { identity: GatheredPolicy[]; boundary?: GatheredPolicy } {
  if (entity.kind === 'group') return { identity: entityPolicies(iam, 'group', entity.group.groupName, entity.group) };
  const e = entity.kind === 'user' ? entity.user : entity.role;
  const name = entity.kind === 'user' ? entity.user.userName : entity.role.roleName;
  const identity = entityPolicies(iam, entity.kind, name, e);
  if (entity.kind === 'user') {
    const key = nameKey(entity.user.userName);
    for (const g of Object.values(iam.groups)) {
      if (!g.members.includes(key)) continue;
      for (const p of entityPolicies(iam, 'group', g.groupName, g)) identity.push({ ...p, source: `${p.source} (via group ${g.groupName})` });
    }
  }
  let boundary: GatheredPolicy | undefined;
  if (e.permissionsBoundary) {
    const p = findPolicy(iam, e.permissionsBoundary);
    if (p) {
      boundary = {
        name: p.name,
        document: p.document,
        arn: p.arn,
        source: `permissions boundary of ${entity.kind} ${name}`,
        type: p.kind === 'aws' ? 'aws-managed' : 'user-managed',
      };
    }
  }
  return { identity, boundary };
}
