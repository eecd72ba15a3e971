/**
 * Groups: Create/Get/List/Update/DeleteGroup, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser.
 * Members are stored as lower-cased user names; group policies belong to ops/policies.
 */
import { DeleteConflict, EntityAlreadyExists, LimitExceeded } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import { nameKey, type Group } from '../models.js';
import { getGroup, getUser, iam, iamArn, newId, nowIso, paginate, pathPrefixFilter, validateName, validatePath } from '../util.js';
import { groupArnOf, userArnOf } from './caller.js';
import { userShape } from './users.js';
import { emptyRecord } from '../../state/records.js';

export function groupShape(g: Group) {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: g.arn, CreateDate: new Date(g.createDate) };
}

const byName = (a: Group, b: Group) => a.groupName.localeCompare(b.groupName);

export const GROUPS_PER_USER = 10;

export const groupOperations: QueryOperationTable = {
  CreateGroup: {
    resource: (ctx, p) => iamArn(ctx.account.accountId, 'group', p.str('Path') ?? '/', p.required('GroupName')),
    handler: (ctx, p) => {
      const groupName = p.required('GroupName');
      validateName(groupName, 'groupName', 128);
      const path = validatePath(p.str('Path'));
      const state = iam(ctx);
      if (state.groups[nameKey(groupName)]) throw new EntityAlreadyExists(`Group with name ${groupName} already exists.`);
      const group: Group = {
        groupName,
        groupId: newId('AGPA'),
        arn: iamArn(ctx.account.accountId, 'group', path, groupName),
        path,
        createDate: nowIso(),
        members: [],
        inlinePolicies: emptyRecord(),
        attachedPolicies: [],
      };
      state.groups[nameKey(groupName)] = group;
      return { Group: groupShape(group) };
    },
  },
  GetGroup: {
    readOnly: true,
    resource: (ctx, p) => groupArnOf(ctx, p.required('GroupName')),
    handler: (ctx, p) => {
      const group = getGroup(ctx, p.required('GroupName'));
      const users = iam(ctx).users;
      const members = group.members
        .map((m) => users[m])
        .filter((u) => u !== undefined)
        .sort((a, b) => a.userName.localeCompare(b.userName));
      const { page, ...more } = paginate(members, p);
      return { Group: groupShape(group), Users: page.map((u) => ({ ...userShape(u), Tags: undefined })), ...more };
    },
  },
  ListGroups: {
    readOnly: true,
    // No resource type in the Service Authorization Reference: authorized on "*".
    deniedResource: (ctx) => iamArn(ctx.account.accountId, 'group', '/', ''),
    handler: (ctx, p) => {
      const groups = pathPrefixFilter(Object.values(iam(ctx).groups), p).sort(byName);
      const { page, ...more } = paginate(groups, p);
      return { Groups: page.map(groupShape), ...more };
    },
  },
  UpdateGroup: {
    resource: (ctx, p) => groupArnOf(ctx, p.required('GroupName')),
    handler: (ctx, p) => {
      const group = getGroup(ctx, p.required('GroupName'));
      const state = iam(ctx);
      const newName = p.str('NewGroupName');
      const newPath = p.has('NewPath') ? validatePath(p.str('NewPath'), 'newPath') : undefined;
      if (newName !== undefined) {
        validateName(newName, 'newGroupName', 128);
        const clash = state.groups[nameKey(newName)];
        if (clash && clash !== group) throw new EntityAlreadyExists(`Group with name ${newName} already exists.`);
        delete state.groups[nameKey(group.groupName)];
        group.groupName = newName;
        state.groups[nameKey(newName)] = group;
      }
      if (newPath !== undefined) group.path = newPath;
      // Members and policies live on the group record, so they follow the rename.
      group.arn = iamArn(ctx.account.accountId, 'group', group.path, group.groupName);
      return undefined;
    },
  },
  DeleteGroup: {
    resource: (ctx, p) => groupArnOf(ctx, p.required('GroupName')),
    handler: (ctx, p) => {
      const group = getGroup(ctx, p.required('GroupName'));
      if (group.members.length) throw new DeleteConflict('Cannot delete entity, must remove users from group first.');
      if (Object.keys(group.inlinePolicies).length) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
      if (group.attachedPolicies.length) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
      delete iam(ctx).groups[nameKey(group.groupName)];
      return undefined;
    },
  },
  AddUserToGroup: {
    resource: (ctx, p) => groupArnOf(ctx, p.required('GroupName')),
    handler: (ctx, p) => {
      const group = getGroup(ctx, p.required('GroupName'));
      const user = getUser(ctx, p.required('UserName'));
      const key = nameKey(user.userName);
      // Adding a member twice is not an error in AWS.
      if (group.members.includes(key)) return undefined;
      const memberships = Object.values(iam(ctx).groups).filter((g) => g.members.includes(key)).length;
      if (memberships >= GROUPS_PER_USER) throw new LimitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
      group.members.push(key);
      return undefined;
    },
  },
  RemoveUserFromGroup: {
    resource: (ctx, p) => groupArnOf(ctx, p.required('GroupName')),
    handler: (ctx, p) => {
      const group = getGroup(ctx, p.required('GroupName'));
      const user = getUser(ctx, p.required('UserName'));
      // Removing a user who is not a member succeeds silently, as in AWS.
      group.members = group.members.filter((m) => m !== nameKey(user.userName));
      return undefined;
    },
  },
  ListGroupsForUser: {
    readOnly: true,
    resource: (ctx, p) => userArnOf(ctx, p.required('UserName')),
    handler: (ctx, p) => {
      const user = getUser(ctx, p.required('UserName'));
      const key = nameKey(user.userName);
      const groups = Object.values(iam(ctx).groups)
        .filter((g) => g.members.includes(key))
        .sort(byName);
      const { page, ...more } = paginate(groups, p);
      return { Groups: page.map(groupShape), ...more };
    },
  },
};
