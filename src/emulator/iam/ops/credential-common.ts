/**
 * What the per-user credential modules (SSH keys, signing certificates, service-specific
 * credentials) share: status values, the user a request names (defaulting to the caller where the
 * API allows it) and its ARN for authorization.
 */
import type { QueryParams } from '../../protocol/query.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, type Violations } from '../constraints.js';
import { nameKey, type CredentialStatus } from '../models.js';
import { targetUserName, userArnOf } from './caller.js';

export const STATUSES: readonly CredentialStatus[] = ['Active', 'Inactive', 'Expired'];

export const userResource = (ctx: RequestContext, p: QueryParams) => userArnOf(ctx, targetUserName(ctx, p));
export const sameUser = (a: string, b: string) => nameKey(a) === nameKey(b);

export function checkUserName(p: QueryParams, v: Violations, max = 64): Violations {
  return v.string(p.str('UserName'), 'userName', { min: 1, max, pattern: PATTERNS.name });
}
