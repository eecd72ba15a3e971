/** Roles: Create/Get/List/Update/Delete, the trust policy, role tags. */
import { DeleteConflict, EntityAlreadyExists, LimitExceeded, ValidationError } from '../../errors.js';
import { mergeTags, removeTags, validateTagKeys, validateTags } from '../tags.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type Role, type Tag } from '../models.js';
import { policySize, principalExists, requireBoundaryPolicy, validatePolicyText } from '../policy-documents.js';
import { encodePolicy, getRole, iam, iamArn, newId, nowIso, paginate, pathPrefixFilter, tagsFrom, validateName, validatePath } from '../util.js';
import { emptyRecord } from '../../state/records.js';

/**
 * The Role structure. ListRoles and instance profiles leave out tags, boundary and last use;
 * CreateRole and UpdateRoleDescription answer without MaxSessionDuration and last use, as AWS does.
 */
export function roleShape(r: Role, detail: 'full' | 'list' | 'created' = 'full') {
  const boundary = r.permissionsBoundary ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: r.permissionsBoundary } : undefined;
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: new Date(r.createDate),
    AssumeRolePolicyDocument: encodePolicy(r.assumeRolePolicyDocument),
    Description: r.description,
    MaxSessionDuration: detail === 'created' ? undefined : r.maxSessionDuration,
    PermissionsBoundary: detail !== 'list' ? boundary : undefined,
    Tags: detail !== 'list' && r.tags.length ? r.tags : undefined,
    RoleLastUsed:
      detail === 'full'
        ? r.roleLastUsed
          ? { LastUsedDate: new Date(r.roleLastUsed.date), Region: r.roleLastUsed.region }
          : {}
        : undefined,
  };
}

export const roleArnFor = (ctx: RequestContext, name: string, path = '/') => iamArn(ctx.account.accountId, 'role', path, name);

/** ARN of an existing role (with its path), or the ARN it would have, for authorization. */
export function roleResource(ctx: RequestContext, p: QueryParams): string {
  const name = p.str('RoleName') ?? '';
  return iam(ctx).roles[nameKey(name)]?.arn ?? roleArnFor(ctx, name);
}

/** Condition keys of a request that carries tags (Create*, Tag*): aws:RequestTag/K and aws:TagKeys. */
export function requestTagContext(p: QueryParams): Record<string, string | string[]> {
  const tags = tagsFrom(p);
  const out: Record<string, string | string[]> = {};
  for (const t of tags) out[`aws:RequestTag/${t.Key}`] = t.Value;
  if (tags.length) out['aws:TagKeys'] = tags.map((t) => t.Key);
  return out;
}

/**
 * Condition keys about an existing user or role: its tags (aws:ResourceTag/K) and its current
 * permissions boundary (iam:PermissionsBoundary, which delegated-admin policies test).
 */
export function entityContext(entity: { tags: Tag[]; permissionsBoundary?: string } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!entity) return out;
  for (const t of entity.tags) out[`aws:ResourceTag/${t.Key}`] = t.Value;
  if (entity.permissionsBoundary) out['iam:PermissionsBoundary'] = entity.permissionsBoundary;
  return out;
}

/** entityContext for the role named in the request. */
export const roleContext = (ctx: RequestContext, p: QueryParams) => entityContext(iam(ctx).roles[nameKey(p.str('RoleName') ?? '')]);

/** A trust policy: valid grammar with a Principal, at most 2,048 characters (the default quota). */
function checkTrustPolicy(ctx: RequestContext, text: string): void {
  validatePolicyText(text, 'trust', (arn) => principalExists(ctx.emulator, arn));
  if (policySize(text) > 2048) throw new LimitExceeded('Cannot exceed quota for ACLSizePerRole: 2048');
}

function checkMaxSessionDuration(value: number): void {
  if (value < 3600 || value > 43200) {
    throw new ValidationError(
      `1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value ${
        value < 3600 ? 'greater than or equal to 3600' : 'less than or equal to 43200'
      }`,
    );
  }
}

function checkDescription(value: string): void {
  if (value.length > 1000) {
    throw new ValidationError(
      `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`,
    );
  }
}

export const roleOperations: QueryOperationTable = {
  CreateRole: {
    resource: (ctx, p) => roleArnFor(ctx, p.required('RoleName'), p.str('Path') ?? '/'),
    context: (_ctx, p) => {
      const b = p.str('PermissionsBoundary');
      return { ...requestTagContext(p), ...(b ? { 'iam:PermissionsBoundary': b } : {}) };
    },
    handler: (ctx, p) => {
      const roleName = p.required('RoleName');
      validateName(roleName, 'roleName', 64);
      const path = validatePath(p.str('Path'));
      const trust = p.required('AssumeRolePolicyDocument');
      const tags = tagsFrom(p);
      validateTags(tags);
      const maxSessionDuration = p.int('MaxSessionDuration') ?? 3600;
      checkMaxSessionDuration(maxSessionDuration);
      const description = p.str('Description');
      if (description !== undefined) checkDescription(description);
      const state = iam(ctx);
      if (state.roles[nameKey(roleName)]) throw new EntityAlreadyExists(`Role with name ${roleName} already exists.`);
      checkTrustPolicy(ctx, trust);
      const boundary = p.str('PermissionsBoundary');
      if (boundary) requireBoundaryPolicy(state, boundary);
      const role: Role = {
        roleName,
        roleId: newId('AROA'),
        arn: roleArnFor(ctx, roleName, path),
        path,
        createDate: nowIso(),
        assumeRolePolicyDocument: trust,
        description,
        maxSessionDuration,
        tags: mergeTags([], tags),
        permissionsBoundary: boundary || undefined,
        inlinePolicies: emptyRecord(),
        attachedPolicies: [],
      };
      state.roles[nameKey(roleName)] = role;
      return { Role: roleShape(role, 'created') };
    },
  },
  GetRole: {
    readOnly: true,
    resource: roleResource,
    context: roleContext,
    handler: (ctx, p) => ({ Role: roleShape(getRole(ctx, p.required('RoleName'))) }),
  },
  ListRoles: {
    readOnly: true, // no resource type: authorized on "*"
    deniedResource: (ctx) => iamArn(ctx.account.accountId, 'role', '/', ''),
    handler: (ctx, p) => {
      const roles = pathPrefixFilter(Object.values(iam(ctx).roles), p).sort((a, b) => a.roleName.localeCompare(b.roleName));
      const { page, ...more } = paginate(roles, p);
      return { Roles: page.map((r) => roleShape(r, 'list')), ...more };
    },
  },
  UpdateRole: {
    resource: roleResource,
    context: roleContext,
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      const max = p.int('MaxSessionDuration');
      if (max !== undefined) checkMaxSessionDuration(max);
      const description = p.str('Description');
      if (description !== undefined) checkDescription(description);
      if (max !== undefined) role.maxSessionDuration = max;
      if (description !== undefined) role.description = description;
      return {};
    },
  },
  UpdateRoleDescription: {
    resource: roleResource,
    context: roleContext,
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      const description = p.str('Description') ?? '';
      checkDescription(description);
      role.description = description;
      return { Role: roleShape(role, 'created') };
    },
  },
  UpdateAssumeRolePolicy: {
    resource: roleResource,
    context: roleContext,
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      const doc = p.required('PolicyDocument');
      checkTrustPolicy(ctx, doc);
      role.assumeRolePolicyDocument = doc;
      return undefined;
    },
  },
  DeleteRole: {
    resource: roleResource,
    context: roleContext,
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      const state = iam(ctx);
      const key = nameKey(role.roleName);
      // AWS checks in this order: instance profiles, attached managed policies, inline policies.
      if (Object.values(state.instanceProfiles).some((ip) => ip.roles.includes(key))) {
        throw new DeleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      }
      if (role.attachedPolicies.length) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
      if (Object.keys(role.inlinePolicies).length) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
      delete state.roles[key];
      return undefined;
    },
  },
  TagRole: {
    resource: roleResource,
    context: (ctx, p) => ({ ...roleContext(ctx, p), ...requestTagContext(p) }),
    handler: (ctx, p) => {
      validateTags(tagsFrom(p));
      const role = getRole(ctx, p.required('RoleName'));
      role.tags = mergeTags(role.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagRole: {
    resource: roleResource,
    context: (ctx, p) => ({ ...roleContext(ctx, p), 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      validateTagKeys(p.list('TagKeys'));
      const role = getRole(ctx, p.required('RoleName'));
      role.tags = removeTags(role.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListRoleTags: {
    readOnly: true,
    resource: roleResource,
    context: roleContext,
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      const { page, ...more } = paginate(role.tags, p);
      return { Tags: page, ...more };
    },
  },
};
