/**
 * GetDelegatedAccessToken: the partner of a finalized delegation request trades the exchange
 * token (sent by SendDelegationToken) for credentials that act as the customer identity that
 * accepted it. The permissions come from AWS's policy templates, which are not published: the
 * credentials carry the accepting identity but no permissions (docs/emulator-coverage.md).
 */
import { AwsError } from '../errors.js';
import { nameKey } from '../iam/models.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { credentialsShape, issueSession } from './credentials.js';

const expired = () =>
  new AwsError('ExpiredTradeInTokenException', 'The trade-in token provided in the request has expired and can no longer be exchanged for credentials. Request a new token and retry the operation.', 400);

export function getDelegatedAccessToken(ctx: RequestContext, p: QueryParams) {
  const token = p.required('TradeInToken');
  for (const account of ctx.emulator.state.accounts.values()) {
    for (const r of Object.values(account.iam.delegationRequests ?? {})) {
      if (r.tradeInToken !== token) continue;
      if (r.tokenRedeemed || r.requestorId !== ctx.account.accountId || !r.ownerAccountId || !r.approverId) throw expired();
      r.tokenRedeemed = true;
      const owner = ctx.emulator.state.account(r.ownerAccountId);
      const approverUser = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(r.approverId)?.[1];
      const session = issueSession(owner, r.sessionDuration, {
        kind: 'federated-user',
        federatedName: `delegation-${r.id}`.slice(0, 32),
        ...(approverUser && owner.iam.users[nameKey(approverUser)] ? { userName: approverUser } : {}),
        issuedTo: ctx.principal.arn,
      });
      if (owner.accountId !== ctx.account.accountId) void ctx.emulator.state.persist(owner.accountId);
      void ctx.emulator.state.persist(account.accountId);
      return { Credentials: credentialsShape(session), AssumedPrincipal: r.approverId };
    }
  }
  throw expired();
}
