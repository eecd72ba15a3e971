/**
 * GetFederationToken: temporary credentials for a federated user, asked for by an IAM user (or
 * the root user) with long-term keys. The federated user has the caller's permissions narrowed
 * by the session policy passed here; with none, it has no permissions at all.
 */
import { AccessDenied } from '../errors.js';
import { validateTags } from '../iam/tags.js';
import { tagsFrom } from '../iam/util.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { packedPolicySize, sessionPolicyText } from './assume-role.js';
import { credentialsShape, issueSession } from './credentials.js';
import { checkSessionTags } from './session-tags.js';
import { STS_RULES, stsViolations } from './validation.js';

export const federatedUserArn = (accountId: string, name: string) => `arn:aws:sts::${accountId}:federated-user/${name}`;

export async function getFederationToken(ctx: RequestContext, p: QueryParams) {
  const name = p.required('Name');
  const requested = p.int('DurationSeconds');
  const v = stsViolations()
    .string(name, 'name', STS_RULES.federatedName)
    .string(p.str('Policy'), 'policy', STS_RULES.sessionPolicy)
    .int(requested, 'durationSeconds', 900, 129600);
  checkSessionTags(v, p, { transitive: false }).done();
  // Constraints passed; what is left is the rule across tags (duplicate keys).
  validateTags(tagsFrom(p));

  const caller = ctx.principal;
  if (caller.kind !== 'user' && caller.kind !== 'root') throw new AccessDenied('Cannot call GetFederationToken with session credentials');
  if (caller.session) throw new AccessDenied('Cannot call GetFederationToken with session credentials');
  const sessionPolicy = sessionPolicyText(ctx, p);
  await ctx.authorize({ action: 'sts:GetFederationToken', resource: federatedUserArn(ctx.account.accountId, name) });

  // The root user's federation tokens last at most an hour.
  const duration = caller.kind === 'root' ? Math.min(requested ?? 3600, 3600) : (requested ?? 43200);
  const session = issueSession(ctx.account, duration, {
    kind: 'federated-user',
    federatedName: name,
    ...(caller.kind === 'user' ? { userName: caller.userName } : {}),
    ...(sessionPolicy ? { sessionPolicy } : {}),
    issuedTo: caller.arn,
  });
  return {
    Credentials: credentialsShape(session),
    FederatedUser: { FederatedUserId: `${ctx.account.accountId}:${name}`, Arn: federatedUserArn(ctx.account.accountId, name) },
    PackedPolicySize: sessionPolicy ? packedPolicySize(sessionPolicy) : 0,
  };
}
