/** Instance profiles: the container EC2 uses to hand a role to an instance (one role per profile), and their tags. */
import { DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { nameKey, type IamState, type InstanceProfile } from '../models.js';
import { getRole, iam, iamArn, newId, nowIso, paginate, pathPrefixFilter, tagsFrom, validateName, validatePath } from '../util.js';
import { mergeTags, removeTags, validateTagKeys, validateTags } from '../tags.js';
import { requestTagContext, roleResource, roleShape } from './roles.js';

/** `tags`: GetInstanceProfile always lists them (empty too); CreateInstanceProfile when given; lists never. */
export function instanceProfileShape(state: IamState, ip: InstanceProfile, tags: 'always' | 'when-any' | 'never' = 'always') {
  return {
    Path: ip.path,
    InstanceProfileName: ip.instanceProfileName,
    InstanceProfileId: ip.instanceProfileId,
    Arn: ip.arn,
    CreateDate: new Date(ip.createDate),
    Roles: ip.roles.flatMap((k) => (state.roles[k] ? [roleShape(state.roles[k], 'list')] : [])),
    Tags: tags === 'always' || (tags === 'when-any' && ip.tags.length) ? ip.tags : undefined,
  };
}

function getInstanceProfile(ctx: RequestContext, name: string): InstanceProfile {
  const ip = iam(ctx).instanceProfiles[nameKey(name)];
  if (!ip) throw new NoSuchEntity(`Instance Profile ${name} cannot be found.`);
  return ip;
}

const profileArn = (ctx: RequestContext, name: string, path = '/') => iamArn(ctx.account.accountId, 'instance-profile', path, name);

function profileResource(ctx: RequestContext, p: QueryParams): string {
  const name = p.str('InstanceProfileName') ?? '';
  return iam(ctx).instanceProfiles[nameKey(name)]?.arn ?? profileArn(ctx, name);
}

export const instanceProfileOperations: QueryOperationTable = {
  CreateInstanceProfile: {
    resource: (ctx, p) => profileArn(ctx, p.required('InstanceProfileName'), p.str('Path') ?? '/'),
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      const name = p.required('InstanceProfileName');
      validateName(name, 'instanceProfileName', 128);
      const path = validatePath(p.str('Path'));
      validateTags(tagsFrom(p));
      const state = iam(ctx);
      if (state.instanceProfiles[nameKey(name)]) throw new EntityAlreadyExists(`Instance Profile ${name} already exists.`);
      const ip: InstanceProfile = {
        instanceProfileName: name,
        instanceProfileId: newId('AIPA'),
        arn: profileArn(ctx, name, path),
        path,
        createDate: nowIso(),
        roles: [],
        tags: mergeTags([], tagsFrom(p)),
      };
      state.instanceProfiles[nameKey(name)] = ip;
      return { InstanceProfile: instanceProfileShape(state, ip, 'when-any') };
    },
  },
  GetInstanceProfile: {
    readOnly: true,
    resource: profileResource,
    handler: (ctx, p) => ({
      InstanceProfile: instanceProfileShape(iam(ctx), getInstanceProfile(ctx, p.required('InstanceProfileName'))),
    }),
  },
  ListInstanceProfiles: {
    readOnly: true, // no resource type: authorized on "*"
    handler: (ctx, p) => {
      const state = iam(ctx);
      const all = pathPrefixFilter(Object.values(state.instanceProfiles), p).sort((a, b) =>
        a.instanceProfileName.localeCompare(b.instanceProfileName),
      );
      const { page, ...more } = paginate(all, p);
      return { InstanceProfiles: page.map((ip) => instanceProfileShape(state, ip, 'never')), ...more };
    },
  },
  DeleteInstanceProfile: {
    resource: profileResource,
    handler: (ctx, p) => {
      const ip = getInstanceProfile(ctx, p.required('InstanceProfileName'));
      if (ip.roles.length) throw new DeleteConflict('Cannot delete entity, must remove roles from instance profile first.');
      delete iam(ctx).instanceProfiles[nameKey(ip.instanceProfileName)];
      return undefined;
    },
  },
  AddRoleToInstanceProfile: {
    resource: profileResource,
    handler: (ctx, p) => {
      const ip = getInstanceProfile(ctx, p.required('InstanceProfileName'));
      const role = getRole(ctx, p.required('RoleName'));
      // An instance profile holds one role; AWS reports even the same role twice as over quota.
      if (ip.roles.length >= 1) throw new LimitExceeded('Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1');
      ip.roles.push(nameKey(role.roleName));
      return undefined;
    },
  },
  RemoveRoleFromInstanceProfile: {
    resource: profileResource,
    handler: (ctx, p) => {
      const ip = getInstanceProfile(ctx, p.required('InstanceProfileName'));
      const role = getRole(ctx, p.required('RoleName'));
      const key = nameKey(role.roleName);
      if (!ip.roles.includes(key)) {
        throw new NoSuchEntity(`Role ${role.roleName} in Instance Profile ${ip.instanceProfileName} cannot be found.`);
      }
      ip.roles = ip.roles.filter((r) => r !== key);
      return undefined;
    },
  },
  ListInstanceProfilesForRole: {
    readOnly: true,
    resource: roleResource,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const role = getRole(ctx, p.required('RoleName'));
      const key = nameKey(role.roleName);
      const all = Object.values(state.instanceProfiles)
        .filter((ip) => ip.roles.includes(key))
        .sort((a, b) => a.instanceProfileName.localeCompare(b.instanceProfileName));
      const { page, ...more } = paginate(all, p);
      return { InstanceProfiles: page.map((ip) => instanceProfileShape(state, ip, 'never')), ...more };
    },
  },
  TagInstanceProfile: {
    resource: profileResource,
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      validateTags(tagsFrom(p));
      const ip = getInstanceProfile(ctx, p.required('InstanceProfileName'));
      ip.tags = mergeTags(ip.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagInstanceProfile: {
    resource: profileResource,
    context: (_ctx, p) => ({ 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      validateTagKeys(p.list('TagKeys'));
      const ip = getInstanceProfile(ctx, p.required('InstanceProfileName'));
      ip.tags = removeTags(ip.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListInstanceProfileTags: {
    readOnly: true,
    resource: profileResource,
    handler: (ctx, p) => {
      const { page, ...more } = paginate(getInstanceProfile(ctx, p.required('InstanceProfileName')).tags, p);
      return { Tags: page, ...more };
    },
  },
};
