/**
 * CloudTrail's userIdentity block for the caller of a request, and the Username that
 * LookupEvents shows for it ("root" for the account root, the user name, or the role session name).
 */
import type { Principal } from '../auth/principal.js';

export interface SessionFacts {
  /** when the temporary credentials were issued, when known */
  creationDate?: string;
  /** "1.0" or "2.0" for role credentials an instance got from its metadata service */
  ec2RoleDelivery?: string;
}

function sessionContext(p: Principal, facts: SessionFacts): Record<string, unknown> | undefined {
  if (!p.session) return undefined;
  const attributes: Record<string, string> = {};
  if (facts.creationDate) attributes.creationDate = facts.creationDate;
  attributes.mfaAuthenticated = p.mfaAuthenticatedAt ? 'true' : 'false';
  const out: Record<string, unknown> = {};
  if (p.kind === 'assumed-role') {
    out.sessionIssuer = { type: 'Role', principalId: p.roleId, arn: p.roleArn, accountId: p.accountId, userName: p.roleName };
    out.webIdFederationData = {};
  }
  out.attributes = attributes;
  if (facts.ec2RoleDelivery) out.ec2RoleDelivery = facts.ec2RoleDelivery;
  return out;
}

export function userIdentity(p: Principal, facts: SessionFacts = {}): Record<string, unknown> {
  const ctx = sessionContext(p, facts);
  switch (p.kind) {
    case 'root':
      return { type: 'Root', principalId: p.accountId, arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId, ...(ctx ? { sessionContext: ctx } : {}) };
    case 'user':
      return {
        type: 'IAMUser',
        principalId: p.userId,
        arn: p.arn,
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        userName: p.userName,
        ...(ctx ? { sessionContext: ctx } : {}),
      };
    case 'assumed-role':
      return { type: 'AssumedRole', principalId: p.userId, arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId, sessionContext: ctx };
    default:
      return { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' };
  }
}

/** The Username field of LookupEvents for this caller. */
export function lookupUsername(p: Principal): string | undefined {
  if (p.kind === 'root') return 'root';
  if (p.kind === 'user') return p.userName;
  if (p.kind === 'assumed-role') return p.sessionName;
  return undefined;
}
