/**
 * Helpers for operations whose UserName is optional ("defaults to the caller") and for
 * computing a user's ARN for authorization before we know whether the user exists.
 */
import { ValidationError } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { RequestContext } from '../../types.js';
import { nameKey } from '../models.js';
import { iam, iamArn } from '../util.js';

/** Calls that default to the calling user refuse role sessions with this message. */
export const NON_USER_CREDENTIALS = 'Must specify userName when calling with non-User credentials';

/**
 * The user an operation acts on: UserName if given, else the calling IAM user. Returns
 * undefined for the root user (who has no IAM user; e.g. ListAccessKeys lists root's keys).
 */
export function targetUserName(ctx: RequestContext, p: QueryParams): string | undefined {
  const given = p.str('UserName');
  if (given) return given;
  if (ctx.principal.kind === 'user') return ctx.principal.userName;
  if (ctx.principal.kind === 'root') return undefined;
  // Role sessions have no user to default to.
  throw new ValidationError(NON_USER_CREDENTIALS);
}

/** Like targetUserName, but the operation needs an IAM user (the emulator keeps no root credentials). */
export function requiredTargetUserName(ctx: RequestContext, p: QueryParams): string {
  const name = targetUserName(ctx, p);
  if (!name) throw new ValidationError(NON_USER_CREDENTIALS);
  return name;
}

/** The user's ARN for authorization: the real one (with its path) when it exists. */
export function userArnOf(ctx: RequestContext, userName: string | undefined): string {
  if (!userName) return ctx.principal.arn;
  const u = iam(ctx).users[nameKey(userName)];
  return u ? u.arn : iamArn(ctx.account.accountId, 'user', '/', userName);
}

/** The group's ARN for authorization. */
export function groupArnOf(ctx: RequestContext, groupName: string): string {
  const g = iam(ctx).groups[nameKey(groupName)];
  return g ? g.arn : iamArn(ctx.account.accountId, 'group', '/', groupName);
}
