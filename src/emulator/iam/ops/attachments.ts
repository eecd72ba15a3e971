/** Managed policy attachments: Attach/Detach/ListAttached for users, groups and roles, ListEntitiesForPolicy. */
import { LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperation, QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type IamState } from '../models.js';
import { checkPolicyArn, findPolicy, requireAttachablePolicy, requirePolicy } from '../policy-documents.js';
import { iam, paginate } from '../util.js';
import { entityResource, lookups, type EntityKind } from './entities.js';
import { entityContext } from './roles.js';

/** AWS's default quota of managed policies per user, group and role. */
const MAX_ATTACHED = 10;

/** Condition keys of an attach/detach: iam:PolicyARN, plus the user's or role's tags and current boundary. */
function attachContext(kind: EntityKind) {
  return (ctx: RequestContext, p: QueryParams): Record<string, string> => {
    const arn = p.str('PolicyArn');
    const name = nameKey(p.str(`${kind}Name`) ?? '');
    const entity = kind === 'User' ? iam(ctx).users[name] : kind === 'Role' ? iam(ctx).roles[name] : undefined;
    return { ...entityContext(entity), ...(arn ? { 'iam:PolicyARN': arn } : {}) };
  };
}

function attach(kind: EntityKind): QueryOperation {
  return {
    resource: entityResource(kind),
    context: attachContext(kind),
    handler: (ctx, p) => {
      checkPolicyArn(p.required('PolicyArn'));
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      const policy = requireAttachablePolicy(iam(ctx), p.required('PolicyArn'));
      if (entity.attachedPolicies.includes(policy.arn)) return undefined; // attaching twice is a no-op in AWS
      if (entity.attachedPolicies.length >= MAX_ATTACHED) {
        throw new LimitExceeded(`Cannot exceed quota for PoliciesPer${kind}: ${MAX_ATTACHED}`);
      }
      entity.attachedPolicies.push(policy.arn);
      return undefined;
    },
  };
}

function detach(kind: EntityKind): QueryOperation {
  return {
    resource: entityResource(kind),
    context: attachContext(kind),
    handler: (ctx, p) => {
      const arn = p.required('PolicyArn');
      checkPolicyArn(arn);
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      if (!entity.attachedPolicies.includes(arn)) throw new NoSuchEntity(`Policy ${arn} was not found.`);
      entity.attachedPolicies = entity.attachedPolicies.filter((a) => a !== arn);
      return undefined;
    },
  };
}

function listAttached(kind: EntityKind): QueryOperation {
  return {
    readOnly: true,
    resource: entityResource(kind),
    handler: (ctx, p) => {
      const state = iam(ctx);
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      const prefix = p.str('PathPrefix') ?? '/';
      const attached = entity.attachedPolicies
        .map((arn) => findPolicy(state, arn))
        .filter((x) => x !== undefined && x.path.startsWith(prefix))
        .map((x) => ({ PolicyName: x!.name, PolicyArn: x!.arn }));
      const { page, ...more } = paginate(attached, p);
      return { AttachedPolicies: page, ...more };
    },
  };
}

type EntityRow =
  | { kind: 'Group'; name: string; id: string }
  | { kind: 'User'; name: string; id: string }
  | { kind: 'Role'; name: string; id: string };

function entitiesWith(state: IamState, arn: string, filter: string | undefined, prefix: string): EntityRow[] {
  const rows: EntityRow[] = [];
  const want = (k: EntityKind) => !filter || filter === k || filter === 'LocalManagedPolicy' || filter === 'AWSManagedPolicy';
  if (want('Group')) {
    for (const g of Object.values(state.groups)) {
      if (g.attachedPolicies.includes(arn) && g.path.startsWith(prefix)) rows.push({ kind: 'Group', name: g.groupName, id: g.groupId });
    }
  }
  if (want('User')) {
    for (const u of Object.values(state.users)) {
      if (u.attachedPolicies.includes(arn) && u.path.startsWith(prefix)) rows.push({ kind: 'User', name: u.userName, id: u.userId });
    }
  }
  if (want('Role')) {
    for (const r of Object.values(state.roles)) {
      if (r.attachedPolicies.includes(arn) && r.path.startsWith(prefix)) rows.push({ kind: 'Role', name: r.roleName, id: r.roleId });
    }
  }
  return rows;
}

export const attachmentOperations: QueryOperationTable = {
  AttachUserPolicy: attach('User'),
  AttachGroupPolicy: attach('Group'),
  AttachRolePolicy: attach('Role'),
  DetachUserPolicy: detach('User'),
  DetachGroupPolicy: detach('Group'),
  DetachRolePolicy: detach('Role'),
  ListAttachedUserPolicies: listAttached('User'),
  ListAttachedGroupPolicies: listAttached('Group'),
  ListAttachedRolePolicies: listAttached('Role'),
  ListEntitiesForPolicy: {
    readOnly: true,
    resource: (_ctx, p) => p.str('PolicyArn') ?? '*',
    handler: (ctx, p) => {
      const state = iam(ctx);
      const policy = requirePolicy(state, p.required('PolicyArn'));
      const filter = p.str('EntityFilter');
      const allowed = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];
      if (filter !== undefined && !allowed.includes(filter)) {
        throw new ValidationError(
          `1 validation error detected: Value at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set`,
        );
      }
      // LocalManagedPolicy/AWSManagedPolicy filter on the policy's kind: a mismatch lists nothing.
      const kindMismatch =
        (filter === 'LocalManagedPolicy' && policy.kind !== 'customer') || (filter === 'AWSManagedPolicy' && policy.kind !== 'aws');
      const rows = kindMismatch ? [] : entitiesWith(state, policy.arn, filter, p.str('PathPrefix') ?? '/');
      const { page, ...more } = paginate(rows, p);
      return {
        PolicyGroups: page.filter((r) => r.kind === 'Group').map((r) => ({ GroupName: r.name, GroupId: r.id })),
        PolicyUsers: page.filter((r) => r.kind === 'User').map((r) => ({ UserName: r.name, UserId: r.id })),
        PolicyRoles: page.filter((r) => r.kind === 'Role').map((r) => ({ RoleName: r.name, RoleId: r.id })),
        ...more,
      };
    },
  },
};
