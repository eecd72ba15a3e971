/** Permissions boundaries: Put/Delete for users and roles (a managed policy that caps identity permissions). */
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey } from '../models.js';
import { requireBoundaryPolicy } from '../policy-documents.js';
import { getRole, getUser, iam, iamArn } from '../util.js';

const userResource = (ctx: RequestContext, p: QueryParams) => {
  const name = p.str('UserName') ?? '';
  return iam(ctx).users[nameKey(name)]?.arn ?? iamArn(ctx.account.accountId, 'user', '/', name);
};
const roleResource = (ctx: RequestContext, p: QueryParams) => {
  const name = p.str('RoleName') ?? '';
  return iam(ctx).roles[nameKey(name)]?.arn ?? iamArn(ctx.account.accountId, 'role', '/', name);
};
/** Put*: iam:PermissionsBoundary is the boundary being set. */
const boundaryContext = (_ctx: RequestContext, p: QueryParams): Record<string, string> => {
  const arn = p.str('PermissionsBoundary');
  return arn ? { 'iam:PermissionsBoundary': arn } : {};
};
/** Delete*: iam:PermissionsBoundary is the boundary being removed. */
const currentBoundary = (entity: { permissionsBoundary?: string } | undefined): Record<string, string> =>
  entity?.permissionsBoundary ? { 'iam:PermissionsBoundary': entity.permissionsBoundary } : {};

export const boundaryOperations: QueryOperationTable = {
  PutUserPermissionsBoundary: {
    resource: userResource,
    context: boundaryContext,
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      const arn = p.required('PermissionsBoundary');
      user.permissionsBoundary = requireBoundaryPolicy(iam(ctx), arn).arn;
      return undefined;
    },
  },
  DeleteUserPermissionsBoundary: {
    resource: userResource,
    context: (ctx, p) => currentBoundary(iam(ctx).users[nameKey(p.str('UserName') ?? '')]),
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      delete user.permissionsBoundary;
      return undefined;
    },
  },
  PutRolePermissionsBoundary: {
    resource: roleResource,
    context: boundaryContext,
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      const arn = p.required('PermissionsBoundary');
      role.permissionsBoundary = requireBoundaryPolicy(iam(ctx), arn).arn;
      return undefined;
    },
  },
  DeleteRolePermissionsBoundary: {
    resource: roleResource,
    context: (ctx, p) => currentBoundary(iam(ctx).roles[nameKey(p.str('RoleName') ?? '')]),
    handler: (ctx, p) => {
      const role = getRole(ctx, p.required('RoleName'));
      delete role.permissionsBoundary;
      return undefined;
    },
  },
};
