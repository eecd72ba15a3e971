/** Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and user tags. */
import { EntityAlreadyExists } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import { nameKey, type User } from '../models.js';
import { getUser, iam, iamArn, newId, nowIso, paginate, pathPrefixFilter, tagsFrom, validateName, validatePath } from '../util.js';

export function userShape(u: User) {
  return {
    Path: u.path,
    UserName: u.userName,
    UserId: u.userId,
    Arn: u.arn,
    CreateDate: new Date(u.createDate),
    PasswordLastUsed: u.passwordLastUsed ? new Date(u.passwordLastUsed) : undefined,
    PermissionsBoundary: u.permissionsBoundary
      ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: u.permissionsBoundary }
      : undefined,
    Tags: u.tags.length ? u.tags : undefined,
  };
}

const userArn = (ctx: Parameters<NonNullable<QueryOperationTable[string]['resource']>>[0], name: string, path = '/') =>
  iamArn(ctx.account.accountId, 'user', path, name);

export const userOperations: QueryOperationTable = {
  CreateUser: {
    resource: (ctx, p) => userArn(ctx, p.required('UserName'), p.str('Path') ?? '/'),
    handler: (ctx, p) => {
      const userName = p.required('UserName');
      validateName(userName, 'userName', 64);
      const path = validatePath(p.str('Path'));
      const state = iam(ctx);
      if (state.users[nameKey(userName)]) throw new EntityAlreadyExists(`User with name ${userName} already exists.`);
      const user: User = {
        userName,
        userId: newId('AIDA'),
        arn: userArn(ctx, userName, path),
        path,
        createDate: nowIso(),
        tags: tagsFrom(p),
        inlinePolicies: {},
        attachedPolicies: [],
      };
      const boundary = p.str('PermissionsBoundary');
      if (boundary) user.permissionsBoundary = boundary;
      state.users[nameKey(userName)] = user;
      return { User: userShape(user) };
    },
  },
  GetUser: {
    readOnly: true,
    resource: (ctx, p) => (p.str('UserName') ? getUser(ctx, p.required('UserName')).arn : ctx.principal.arn),
    handler: (ctx, p) => {
      const name = p.str('UserName') ?? (ctx.principal.kind === 'user' ? ctx.principal.userName : undefined);
      if (!name) {
        // The root user has no IAM user; AWS answers with the account's root identity.
        return { User: { UserId: ctx.account.accountId, Arn: ctx.principal.arn, CreateDate: new Date(0) } };
      }
      return { User: userShape(getUser(ctx, name)) };
    },
  },
  ListUsers: {
    readOnly: true,
    resource: (ctx) => iamArn(ctx.account.accountId, 'user', '/', '*'),
    handler: (ctx, p) => {
      const users = pathPrefixFilter(Object.values(iam(ctx).users), p).sort((a, b) => a.userName.localeCompare(b.userName));
      const { page, ...more } = paginate(users, p);
      return { Users: page.map((u) => ({ ...userShape(u), Tags: undefined })), ...more };
    },
  },
};
