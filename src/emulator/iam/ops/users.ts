/** Users: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser and user tags. */
import { requestedAt } from '../../cloudtrail/request-time.js';
import { DeleteConflict, EntityAlreadyExists, ValidationError } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type IamState, type User } from '../models.js';
import { mergeTags, removeTags, validateTagKeys, validateTags } from '../tags.js';
import { requireBoundaryPolicy } from '../policy-documents.js';
import { getUser, iam, iamArn, newId, paginate, pathPrefixFilter, tagsFrom, validateName, validatePath } from '../util.js';
import { NON_USER_CREDENTIALS, userArnOf } from './caller.js';
import { emptyRecord } from '../../state/records.js';

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
      const tags = tagsFrom(p);
      validateTags(tags);
      const state = iam(ctx);
      if (state.users[nameKey(userName)]) throw new EntityAlreadyExists(`User with name ${userName} already exists.`);
      const boundary = p.str('PermissionsBoundary');
      if (boundary) requireBoundaryPolicy(state, boundary);
      const user: User = {
        userName,
        userId: newId('AIDA'),
        arn: userArn(ctx, userName, path),
        path,
        createDate: requestedAt(ctx),
        tags,
        inlinePolicies: emptyRecord(),
        attachedPolicies: [],
      };
      if (boundary) user.permissionsBoundary = boundary;
      state.users[nameKey(userName)] = user;
      return { User: userShape(user) };
    },
  },
  GetUser: {
    readOnly: true,
    resource: (ctx, p) => {
      if (p.str('UserName')) return userArnOf(ctx, p.str('UserName'));
      // A role session is no IAM user: there is nobody to default to.
      if (ctx.principal.kind === 'assumed-role') throw new ValidationError(NON_USER_CREDENTIALS);
      return ctx.principal.arn;
    },
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
    // No resource type in the Service Authorization Reference: authorized on "*".
    deniedResource: (ctx) => iamArn(ctx.account.accountId, 'user', '/', ''),
    handler: (ctx, p) => {
      const users = pathPrefixFilter(Object.values(iam(ctx).users), p).sort((a, b) => a.userName.localeCompare(b.userName));
      const { page, ...more } = paginate(users, p);
      return { Users: page.map((u) => ({ ...userShape(u), Tags: undefined })), ...more };
    },
  },
  UpdateUser: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      const newName = p.str('NewUserName');
      const newPath = p.has('NewPath') ? validatePath(p.str('NewPath'), 'newPath') : undefined;
      if (newName !== undefined) {
        validateName(newName, 'newUserName', 64);
        const clash = iam(ctx).users[nameKey(newName)];
        if (clash && clash !== user) throw new EntityAlreadyExists(`User with name ${newName} already exists.`);
      }
      if (newPath !== undefined) user.path = newPath;
      if (newName !== undefined && newName !== user.userName) renameUser(ctx, user, newName);
      user.arn = userArn(ctx, user.userName, user.path);
      return undefined;
    },
  },
  DeleteUser: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      const state = iam(ctx);
      const conflict = deleteUserConflict(state, user);
      if (conflict) throw new DeleteConflict(`Cannot delete entity, must ${conflict} first.`);
      delete state.users[nameKey(user.userName)];
      return undefined;
    },
  },
  TagUser: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      validateTags(tagsFrom(p));
      const user = getUser(ctx, p.required('UserName'));
      user.tags = mergeTags(user.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagUser: {
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      validateTagKeys(p.list('TagKeys'));
      const user = getUser(ctx, p.required('UserName'));
      user.tags = removeTags(user.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListUserTags: {
    readOnly: true,
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const { page, ...more } = paginate(getUser(ctx, p.required('UserName')).tags, p);
      return { Tags: page, ...more };
    },
  },
};

/**
 * What still hangs on a user, in the order AWS's DeleteUser documentation lists the clean-up
 * (password, access keys, MFA devices, inline policies, attached policies, groups), worded as
 * AWS's "Cannot delete entity, must … first." messages.
 */
function deleteUserConflict(state: IamState, user: User): string | undefined {
  const key = nameKey(user.userName);
  if (state.loginProfiles[key]) return 'delete login profile';
  if (Object.values(state.accessKeys).some((k) => nameKey(k.userName) === key)) return 'delete access keys';
  if (Object.values(state.mfaDevices).some((d) => d.userName && nameKey(d.userName) === key)) return 'delete MFA device';
  if (Object.keys(user.inlinePolicies).length) return 'delete policies';
  if (user.attachedPolicies.length) return 'detach all policies';
  if (Object.values(state.groups).some((g) => g.members.includes(key))) return 'remove users from group';
  return undefined;
}

/** Rename keeps the user's id, keys, login profile, MFA devices and group memberships. */
function renameUser(ctx: RequestContext, user: User, newName: string): void {
  const state = iam(ctx);
  const oldKey = nameKey(user.userName);
  const newKey = nameKey(newName);
  delete state.users[oldKey];
  user.userName = newName;
  state.users[newKey] = user;
  for (const k of Object.values(state.accessKeys)) if (nameKey(k.userName) === oldKey) k.userName = newName;
  const profile = state.loginProfiles[oldKey];
  if (profile) {
    delete state.loginProfiles[oldKey];
    profile.userName = newName;
    state.loginProfiles[newKey] = profile;
  }
  for (const d of Object.values(state.mfaDevices)) if (d.userName && nameKey(d.userName) === oldKey) d.userName = newName;
  for (const g of Object.values(state.groups)) g.members = g.members.map((m) => (m === oldKey ? newKey : m));
  for (const s of Object.values(ctx.account.sts.sessions)) if (s.userName && nameKey(s.userName) === oldKey) s.userName = newKey;
}
