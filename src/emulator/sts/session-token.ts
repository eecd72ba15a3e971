/**
 * GetSessionToken: temporary credentials for an IAM user or the root user, optionally proven with
 * an MFA code (then aws:MultiFactorAuthPresent is true for every request signed with them).
 */
import { AccessDenied } from '../errors.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { refuseExplicitDeny } from '../authz/index.js';
import { credentialsShape, issueSession } from './credentials.js';
import { verifyCallerMfa } from './mfa.js';
import { checkMfaParams, stsViolations } from './validation.js';

export async function getSessionToken(ctx: RequestContext, p: QueryParams) {
  const caller = ctx.principal;
  if (caller.session || caller.kind === 'assumed-role' || caller.kind === 'anonymous') {
    throw new AccessDenied('Cannot call GetSessionToken with session credentials');
  }
  const requested = p.int('DurationSeconds');
  const serial = p.str('SerialNumber');
  const tokenCode = p.str('TokenCode');
  checkMfaParams(stsViolations().int(requested, 'durationSeconds', 900, 129600), serial, tokenCode).done();

  // GetSessionToken needs no permission, but an explicit Deny still refuses it.
  if (caller.kind === 'user') await refuseExplicitDeny(ctx, { action: 'sts:GetSessionToken', resource: '*' });
  const mfaAt = verifyCallerMfa(ctx, serial, tokenCode);
  // The root user's sessions are capped at one hour (longer requests get one hour).
  const duration = caller.kind === 'root' ? Math.min(requested ?? 3600, 3600) : (requested ?? 43200);
  const session = issueSession(ctx.account, duration, {
    kind: 'session-token',
    ...(caller.kind === 'user' ? { userName: caller.userName } : {}),
    ...(mfaAt ? { mfaAuthenticatedAt: mfaAt } : {}),
    issuedTo: caller.arn,
  });
  return { Credentials: credentialsShape(session) };
}
