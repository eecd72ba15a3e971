/** Inline policies: Put/Get/Delete/List for users, groups and roles. */
import { LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperation, QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey } from '../models.js';
import { policySize, validatePolicyText } from '../policy-documents.js';
import { encodePolicy, iam, paginate, validateName } from '../util.js';
import { entityResource, lookups, type EntityKind } from './entities.js';
import { entityContext } from './roles.js';

/** Aggregate size quotas of all inline policies of one entity (IAM quotas page; whitespace not counted). */
const SIZE_LIMITS: Record<EntityKind, number> = { User: 2048, Group: 5120, Role: 10240 };

const entityNameOf = (kind: EntityKind, e: ReturnType<(typeof lookups)[EntityKind]>): string =>
  kind === 'User' ? (e as { userName: string }).userName : kind === 'Group' ? (e as { groupName: string }).groupName : (e as { roleName: string }).roleName;

/** The user's or role's tags and current permissions boundary as condition keys (groups have neither). */
function entityKeys(kind: EntityKind) {
  return (ctx: RequestContext, p: QueryParams) => {
    const name = nameKey(p.str(`${kind}Name`) ?? '');
    return entityContext(kind === 'User' ? iam(ctx).users[name] : kind === 'Role' ? iam(ctx).roles[name] : undefined);
  };
}

function put(kind: EntityKind): QueryOperation {
  return {
    resource: entityResource(kind),
    context: entityKeys(kind),
    handler: (ctx, p) => {
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      const policyName = p.required('PolicyName');
      validateName(policyName, 'policyName', 128);
      const document = p.required('PolicyDocument');
      validatePolicyText(document, 'identity');
      const key = nameKey(policyName);
      const others = Object.entries(entity.inlinePolicies)
        .filter(([k]) => k !== key)
        .reduce((sum, [, v]) => sum + policySize(v.document), 0);
      const limit = SIZE_LIMITS[kind];
      if (others + policySize(document) > limit) {
        throw new LimitExceeded(`Maximum policy size of ${limit} bytes exceeded for ${kind.toLowerCase()} ${entityNameOf(kind, entity)}`);
      }
      entity.inlinePolicies[key] = { name: policyName, document };
      return undefined;
    },
  };
}

function get(kind: EntityKind): QueryOperation {
  return {
    readOnly: true,
    resource: entityResource(kind),
    handler: (ctx, p) => {
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      const policyName = p.required('PolicyName');
      const policy = entity.inlinePolicies[nameKey(policyName)];
      if (!policy) throw new NoSuchEntity(`The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.`);
      return { [`${kind}Name`]: entityNameOf(kind, entity), PolicyName: policy.name, PolicyDocument: encodePolicy(policy.document) };
    },
  };
}

function remove(kind: EntityKind): QueryOperation {
  return {
    resource: entityResource(kind),
    handler: (ctx, p) => {
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      const policyName = p.required('PolicyName');
      const key = nameKey(policyName);
      if (!entity.inlinePolicies[key]) throw new NoSuchEntity(`The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.`);
      delete entity.inlinePolicies[key];
      return undefined;
    },
  };
}

function list(kind: EntityKind): QueryOperation {
  return {
    readOnly: true,
    resource: entityResource(kind),
    handler: (ctx, p) => {
      const entity = lookups[kind](ctx, p.required(`${kind}Name`));
      const names = Object.values(entity.inlinePolicies)
        .map((x) => x.name)
        .sort((a, b) => a.localeCompare(b));
      const { page, ...more } = paginate(names, p);
      return { PolicyNames: page, ...more };
    },
  };
}

export const inlinePolicyOperations: QueryOperationTable = {
  PutUserPolicy: put('User'),
  PutGroupPolicy: put('Group'),
  PutRolePolicy: put('Role'),
  GetUserPolicy: get('User'),
  GetGroupPolicy: get('Group'),
  GetRolePolicy: get('Role'),
  DeleteUserPolicy: remove('User'),
  DeleteGroupPolicy: remove('Group'),
  DeleteRolePolicy: remove('Role'),
  ListUserPolicies: list('User'),
  ListGroupPolicies: list('Group'),
  ListRolePolicies: list('Role'),
};
