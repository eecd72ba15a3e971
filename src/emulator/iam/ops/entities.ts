/**
 * Users, groups and roles seen alike, for the operations that exist once per kind
 * (Attach/Detach/ListAttached{User,Group,Role}Policies, Put/Get/Delete/List{User,Group,Role}Policy).
 */
import type { QueryParams } from '../../protocol/query.js';
import type { RequestContext } from '../../types.js';
import { nameKey } from '../models.js';
import { getGroup, getRole, getUser, iam, iamArn } from '../util.js';

export type EntityKind = 'User' | 'Group' | 'Role';

/** The named entity, or NoSuchEntity in AWS's wording for that kind. */
export const lookups = {
  User: (ctx: RequestContext, name: string) => getUser(ctx, name),
  Group: (ctx: RequestContext, name: string) => getGroup(ctx, name),
  Role: (ctx: RequestContext, name: string) => getRole(ctx, name),
};

export const collections = { User: 'users', Group: 'groups', Role: 'roles' } as const;
const arnTypes = { User: 'user', Group: 'group', Role: 'role' } as const;

/** ARN of the named entity (with its path when it exists), for authorization. */
export function entityResource(kind: EntityKind) {
  return (ctx: RequestContext, p: QueryParams) => {
    const name = p.str(`${kind}Name`) ?? '';
    return iam(ctx)[collections[kind]][nameKey(name)]?.arn ?? iamArn(ctx.account.accountId, arnTypes[kind], '/', name);
  };
}
