/**
 * GetAccountAuthorizationDetails: every user, group, role and managed policy in use, with their
 * policies, in one paginated snapshot (what auditors and tools like Steampipe read).
 */
import { ValidationError } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import { listAwsManagedPolicies } from '../managed-policies.js';
import { nameKey, type Group, type IamState, type InlinePolicies, type Role, type User } from '../models.js';
import { attachmentCounts, boundaryCounts, customerPolicyView, findPolicy, type PolicyView } from '../policy-documents.js';
import { encodePolicy, iam, paginate } from '../util.js';
import { instanceProfileShape } from './instance-profiles.js';
import { policyShape, versionShape, versionsOf } from './managed-policies.js';

const FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type Filter = (typeof FILTERS)[number];

type Row =
  | { kind: 'User'; user: User }
  | { kind: 'Group'; group: Group }
  | { kind: 'Role'; role: Role }
  | { kind: 'Policy'; policy: PolicyView };

const inlineList = (policies: InlinePolicies) =>
  Object.values(policies).map((p) => ({ PolicyName: p.name, PolicyDocument: encodePolicy(p.document) }));

function attachedList(state: IamState, arns: string[]) {
  return arns.flatMap((arn) => {
    const p = findPolicy(state, arn);
    return p ? [{ PolicyName: p.name, PolicyArn: p.arn }] : [];
  });
}

const boundaryOf = (arn?: string) => (arn ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn } : undefined);

function rowsFor(state: IamState, filters: Set<Filter>): Row[] {
  const all = filters.size === 0;
  const want = (f: Filter) => all || filters.has(f);
  const byName = <T>(items: T[], name: (t: T) => string) => [...items].sort((a, b) => name(a).localeCompare(name(b)));
  const rows: Row[] = [];
  if (want('User')) for (const user of byName(Object.values(state.users), (u) => u.userName)) rows.push({ kind: 'User', user });
  if (want('Group')) for (const group of byName(Object.values(state.groups), (g) => g.groupName)) rows.push({ kind: 'Group', group });
  if (want('Role')) for (const role of byName(Object.values(state.roles), (r) => r.roleName)) rows.push({ kind: 'Role', role });
  if (want('LocalManagedPolicy')) {
    for (const rec of byName(Object.values(state.policies), (p) => p.policyName)) rows.push({ kind: 'Policy', policy: customerPolicyView(rec) });
  }
  if (want('AWSManagedPolicy')) {
    // AWS lists only the AWS managed policies this account uses, not the whole catalog.
    const attached = attachmentCounts(state);
    const bounding = boundaryCounts(state);
    for (const a of listAwsManagedPolicies()) {
      if (!attached.get(a.arn) && !bounding.get(a.arn)) continue;
      const policy = findPolicy(state, a.arn);
      if (policy) rows.push({ kind: 'Policy', policy });
    }
  }
  return rows;
}

export const authorizationDetailsOperations: QueryOperationTable = {
  GetAccountAuthorizationDetails: {
    readOnly: true,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const filters = new Set<Filter>();
      for (const f of p.list('Filter')) {
        if (!(FILTERS as readonly string[]).includes(f)) {
          throw new ValidationError(
            `1 validation error detected: Value at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set]`,
          );
        }
        filters.add(f as Filter);
      }
      const { page, ...more } = paginate(rowsFor(state, filters), p);
      const attachments = attachmentCounts(state);
      const boundaries = boundaryCounts(state);
      const groupsOf = (u: User) =>
        Object.values(state.groups)
          .filter((g) => g.members.includes(nameKey(u.userName)))
          .map((g) => g.groupName);
      return {
        UserDetailList: page.flatMap((r) =>
          r.kind === 'User'
            ? [
                {
                  Path: r.user.path,
                  UserName: r.user.userName,
                  UserId: r.user.userId,
                  Arn: r.user.arn,
                  CreateDate: new Date(r.user.createDate),
                  UserPolicyList: inlineList(r.user.inlinePolicies),
                  GroupList: groupsOf(r.user),
                  AttachedManagedPolicies: attachedList(state, r.user.attachedPolicies),
                  PermissionsBoundary: boundaryOf(r.user.permissionsBoundary),
                  Tags: r.user.tags.length ? r.user.tags : undefined,
                },
              ]
            : [],
        ),
        GroupDetailList: page.flatMap((r) =>
          r.kind === 'Group'
            ? [
                {
                  Path: r.group.path,
                  GroupName: r.group.groupName,
                  GroupId: r.group.groupId,
                  Arn: r.group.arn,
                  CreateDate: new Date(r.group.createDate),
                  GroupPolicyList: inlineList(r.group.inlinePolicies),
                  AttachedManagedPolicies: attachedList(state, r.group.attachedPolicies),
                },
              ]
            : [],
        ),
        RoleDetailList: page.flatMap((r) =>
          r.kind === 'Role'
            ? [
                {
                  Path: r.role.path,
                  RoleName: r.role.roleName,
                  RoleId: r.role.roleId,
                  Arn: r.role.arn,
                  CreateDate: new Date(r.role.createDate),
                  AssumeRolePolicyDocument: encodePolicy(r.role.assumeRolePolicyDocument),
                  InstanceProfileList: Object.values(state.instanceProfiles)
                    .filter((ip) => ip.roles.includes(nameKey(r.role.roleName)))
                    .map((ip) => instanceProfileShape(state, ip, 'when-any')),
                  RolePolicyList: inlineList(r.role.inlinePolicies),
                  AttachedManagedPolicies: attachedList(state, r.role.attachedPolicies),
                  PermissionsBoundary: boundaryOf(r.role.permissionsBoundary),
                  Tags: r.role.tags.length ? r.role.tags : undefined,
                  RoleLastUsed: r.role.roleLastUsed
                    ? { LastUsedDate: new Date(r.role.roleLastUsed.date), Region: r.role.roleLastUsed.region }
                    : {},
                },
              ]
            : [],
        ),
        Policies: page.flatMap((r) =>
          r.kind === 'Policy'
            ? [
                {
                  ...policyShape(
                    r.policy,
                    { attachments: attachments.get(r.policy.arn) ?? 0, boundaries: boundaries.get(r.policy.arn) ?? 0 },
                    true,
                  ),
                  Tags: undefined,
                  PolicyVersionList: versionsOf(r.policy).map((v) => versionShape(v, true)),
                },
              ]
            : [],
        ),
        ...more,
      };
    },
  },
};
