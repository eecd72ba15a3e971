/**
 * Service-linked roles: CreateServiceLinkedRole (AWS's role name, path and policies per service,
 * the custom-suffix rule), DeleteServiceLinkedRole (a deletion task) and
 * GetServiceLinkedRoleDeletionStatus; and the guard that keeps such roles unmodifiable by the
 * ordinary role operations, as AWS does.
 */
import crypto from 'node:crypto';
import { AwsError, InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations } from '../constraints.js';
import { AWS_MANAGED_ARN_PREFIX } from '../managed-policies.js';
import { nameKey, type Role } from '../models.js';
import { PROTECTED_ROLE_PATHS, serviceLinkedRoleSpec } from '../service-linked-role-catalog.js';
import { getRole, iam, iamArn, newId, nowIso } from '../util.js';
import { roleResource, roleShape } from './roles.js';

export const UnmodifiableEntity = (roleName: string) =>
  new AwsError('UnmodifiableEntity', `Cannot perform the operation on the protected role '${roleName}' - this role is only modifiable by AWS`, 400);

export const isProtectedRole = (role: Role): boolean => PROTECTED_ROLE_PATHS.some((p) => role.path.startsWith(p));

const slrPath = (service: string) => `/aws-service-role/${service}/`;

/** task/aws-service-role/<service>/<role name>/<uuid>, as AWS words deletion task ids. */
const TASK_ID = /^task\/aws-service-role\/([\w.-]+)\/([\w+=,.@-]+)\/[\w-]+$/;

function trustPolicyFor(service: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
}

/** The role a CreateServiceLinkedRole request names, for authorization (it does not exist yet). */
function slrResource(ctx: RequestContext, p: QueryParams): string {
  const service = p.str('AWSServiceName') ?? '';
  const spec = serviceLinkedRoleSpec(service);
  const suffix = p.str('CustomSuffix');
  const name = spec ? `${spec.roleName}${suffix ? `_${suffix}` : ''}` : '*';
  return iamArn(ctx.account.accountId, 'role', slrPath(service), name);
}

function taskResource(ctx: RequestContext, p: QueryParams): string {
  const m = TASK_ID.exec(p.str('DeletionTaskId') ?? '');
  return m ? iamArn(ctx.account.accountId, 'role', slrPath(m[1]), m[2]) : '*';
}

export const serviceLinkedRoleOperations: QueryOperationTable = {
  CreateServiceLinkedRole: {
    resource: slrResource,
    context: (_ctx, p) => ({ 'iam:AWSServiceName': p.str('AWSServiceName') ?? '' }),
    handler: (ctx, p) => {
      const service = p.required('AWSServiceName');
      const description = p.str('Description');
      const suffix = p.str('CustomSuffix');
      new Violations()
        .string(service, 'aWSServiceName', { min: 1, max: 128, pattern: PATTERNS.name })
        .string(description, 'description', { max: 1000, pattern: PATTERNS.description })
        .string(suffix, 'customSuffix', { min: 1, max: 64, pattern: PATTERNS.name })
        .done();
      const spec = serviceLinkedRoleSpec(service);
      if (!spec) throw new InvalidInput(`Invalid service name: ${service}. The service does not support service-linked roles.`);
      if (suffix !== undefined && !spec.customSuffix) throw new InvalidInput(`Custom suffix is not allowed for ${service}`);
      const roleName = suffix !== undefined ? `${spec.roleName}_${suffix}` : spec.roleName;
      const state = iam(ctx);
      if (state.roles[nameKey(roleName)]) {
        throw new InvalidInput(`Service role name ${roleName} has been taken in this account, please try a different suffix.`);
      }
      const path = slrPath(service);
      const role: Role = {
        roleName,
        roleId: newId('AROA'),
        arn: iamArn(ctx.account.accountId, 'role', path, roleName),
        path,
        createDate: nowIso(),
        assumeRolePolicyDocument: trustPolicyFor(service),
        ...(description ? { description } : {}),
        maxSessionDuration: 3600,
        tags: [],
        inlinePolicies: Object.create(null),
        attachedPolicies: spec.policies.map((name) => `${AWS_MANAGED_ARN_PREFIX}aws-service-role/${name}`),
      };
      state.roles[nameKey(roleName)] = role;
      // As CreateRole: no last use yet, and no MaxSessionDuration in the create answer.
      return { Role: { ...roleShape(role), RoleLastUsed: undefined, MaxSessionDuration: undefined } };
    },
  },
  DeleteServiceLinkedRole: {
    resource: roleResource,
    handler: (ctx, p) => {
      const roleName = p.required('RoleName');
      new Violations().string(roleName, 'roleName', { min: 1, max: 64, pattern: PATTERNS.name }).done();
      const role = getRole(ctx, roleName);
      const m = /^\/aws-service-role\/([^/]+)\/$/.exec(role.path);
      if (!m) throw new InvalidInput(`Role ${role.roleName} is not a service-linked role.`);
      const state = iam(ctx);
      const id = `task/aws-service-role/${m[1]}/${role.roleName}/${crypto.randomUUID()}`;
      // The service confirms the role is unused before IAM deletes it; nothing here uses one
      // except an instance profile holding it, which makes the task fail as AWS's would.
      const inUse = Object.values(state.instanceProfiles).some((ip) => ip.roles.includes(nameKey(role.roleName)));
      state.slrDeletionTasks[id] = { id, roleName: role.roleName, status: inUse ? 'FAILED' : 'SUCCEEDED', createDate: nowIso() };
      if (!inUse) delete state.roles[nameKey(role.roleName)];
      return { DeletionTaskId: id };
    },
  },
  GetServiceLinkedRoleDeletionStatus: {
    readOnly: true,
    resource: taskResource,
    handler: (ctx, p) => {
      const id = p.required('DeletionTaskId');
      new Violations().string(id, 'deletionTaskId', { min: 1, max: 1000 }).done();
      if (!TASK_ID.test(id)) throw new InvalidInput(`Invalid deletion task id: ${id}`);
      const task = iam(ctx).slrDeletionTasks[id];
      if (!task) throw new NoSuchEntity(`Deletion task ${id} cannot be found.`);
      return {
        Status: task.status,
        Reason:
          task.status === 'FAILED'
            ? { Reason: `Role ${task.roleName} is in use by an instance profile.`, RoleUsageList: [{ Region: ctx.region, Resources: [] }] }
            : undefined,
      };
    },
  },
};

/**
 * Wrap the ordinary role operations that change a role so they refuse protected roles with AWS's
 * UnmodifiableEntity (after the role is found, before anything changes).
 */
export function protectServiceLinkedRoles(table: QueryOperationTable, operations: readonly string[]): QueryOperationTable {
  const out: QueryOperationTable = { ...table };
  for (const name of operations) {
    const op = table[name];
    if (!op) continue;
    out[name] = {
      ...op,
      handler: (ctx, p) => {
        const role = iam(ctx).roles[nameKey(p.str('RoleName') ?? '')];
        if (role && isProtectedRole(role)) throw UnmodifiableEntity(role.roleName);
        return op.handler(ctx, p);
      },
    };
  }
  return out;
}

/** The role operations AWS refuses on service-linked roles (only their description may change). */
export const PROTECTED_ROLE_OPERATIONS = [
  'DeleteRole',
  'UpdateRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
] as const;
