/**
 * Recording history in the past, for a lab's setup (which reaches the backend only through the
 * AWS SDK): a request that carries `x-iam-labs-request-time: <ISO-8601 time>` is recorded as
 * made at that time — its CloudTrail event, and the last use of the access key or role that
 * signed it. The header counts only when the SigV4 signature covers it (so no page or proxy can
 * add it to someone else's request), and it only moves the signer's own records: it never makes
 * a call act as anyone else. Other backends ignore the header.
 */
import { AwsError } from '../errors.js';
import { nameKey } from '../iam/models.js';
import type { RequestContext } from '../types.js';

export const REQUEST_TIME_HEADER = 'x-iam-labs-request-time';

/** How far ahead of the clock a request time may be (clock differences, not the future). */
const MAX_AHEAD_MS = 5 * 60 * 1000;

/** The time this request is to be recorded at, when its signer asked for one. */
export function requestTime(ctx: RequestContext): Date | undefined {
  const raw = ctx.request.headers[REQUEST_TIME_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !ctx.auth || ctx.principal.kind === 'anonymous') return undefined;
  if (!ctx.auth.signedHeaders.includes(REQUEST_TIME_HEADER)) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value.trim()) ? new Date(value.trim()) : undefined;
  if (!at || Number.isNaN(at.getTime())) {
    throw new AwsError('InvalidParameterValue', `${REQUEST_TIME_HEADER} must be an ISO-8601 time with a zone, e.g. 2024-05-01T12:00:00Z; got '${value}'.`, 400);
  }
  if (at.getTime() > Date.now() + MAX_AHEAD_MS) {
    throw new AwsError('InvalidParameterValue', `${REQUEST_TIME_HEADER} may not be in the future (got ${value}).`, 400);
  }
  return at;
}

/**
 * When this request happened, as an ISO date: the signed request time if there is one, else now.
 * What a call creates (a user, an access key) is dated with it, so a lab's seeded history never
 * shows a key used before it was created.
 */
export function requestedAt(ctx: RequestContext): string {
  return (requestTime(ctx) ?? new Date()).toISOString();
}

/** Make the signer's key (or role) "last used" at `at`, as if this request had been made then. */
export function backdateLastUse(ctx: RequestContext, at: Date): void {
  const p = ctx.principal;
  const iam = ctx.account.iam;
  if (p.kind === 'user' && !p.session) {
    const key = Object.hasOwn(iam.accessKeys, p.accessKeyId) ? iam.accessKeys[p.accessKeyId] : undefined;
    if (key?.lastUsed) key.lastUsed.date = at.toISOString();
  }
  if (p.kind === 'assumed-role') {
    const role = iam.roles[nameKey(p.roleName)];
    if (role?.roleLastUsed) role.roleLastUsed.date = at.toISOString();
  }
}
