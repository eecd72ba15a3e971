/**
 * Collects what the policy engine needs to judge one request: the caller's identity policies
 * (inline, attached, via groups), its permissions boundary, the session policy of a role session,
 * and the request context keys AWS would fill in.
 */
import type { EvaluationRequest, PolicyInput, PrincipalType } from '../../policy/types.js';
import type { Principal } from '../auth/principal.js';
import { gatherPolicies, type GatheredPolicy } from '../iam/policy-documents.js';
import { nameKey, type Tag } from '../iam/models.js';
import type { AccountState } from '../state/account.js';
import type { AuthorizationSpec, RequestContext } from '../types.js';

/** Everything root may do in its own account, as an identity policy (root is never restricted there). */
const ROOT_ALLOWS_ALL: PolicyInput = {
  name: 'account root user',
  source: 'the account root user has every permission in its own account',
  document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
};

const toInput = (p: GatheredPolicy): PolicyInput => ({ name: p.name, document: p.document, source: p.source, ...(p.arn ? { arn: p.arn } : {}) });

export interface GatheredIdentity {
  identityPolicies: PolicyInput[];
  permissionsBoundary?: PolicyInput;
  sessionPolicy?: PolicyInput;
  tags: Tag[];
}

/** The caller's policies, looked up in the caller's own account. */
export function gatherIdentity(account: AccountState, principal: Principal): GatheredIdentity {
  if (principal.kind === 'root') return { identityPolicies: [ROOT_ALLOWS_ALL], tags: [] };
  if (principal.kind === 'user') {
    const user = account.iam.users[nameKey(principal.userName)];
    if (!user) return { identityPolicies: [], tags: [] };
    const g = gatherPolicies(account.iam, { kind: 'user', user });
    return { identityPolicies: g.identity.map(toInput), permissionsBoundary: g.boundary && toInput(g.boundary), tags: user.tags };
  }
  if (principal.kind === 'assumed-role') {
    const role = account.iam.roles[nameKey(principal.roleName)];
    if (!role) return { identityPolicies: [], tags: [] };
    const g = gatherPolicies(account.iam, { kind: 'role', role });
    const sessionText = principal.session?.sessionPolicy;
    return {
      identityPolicies: g.identity.map(toInput),
      permissionsBoundary: g.boundary && toInput(g.boundary),
      sessionPolicy: sessionText ? { name: 'session policy', document: sessionText, source: `passed to AssumeRole for session ${principal.sessionName}` } : undefined,
      tags: withSessionTags(role.tags, principal.session?.sessionTags ?? []),
    };
  }
  if (principal.kind === 'federated-user') return gatherFederatedUser(account, principal);
  return { identityPolicies: [], tags: [] };
}

/** aws:PrincipalTag of a role session: the role's tags, a session tag winning over a role tag of the same key. */
function withSessionTags(roleTags: Tag[], sessionTags: Tag[]): Tag[] {
  const overridden = new Set(sessionTags.map((t) => t.Key.toLowerCase()));
  return [...roleTags.filter((t) => !overridden.has(t.Key.toLowerCase())), ...sessionTags];
}

/** A session policy that allows nothing: a federated user given no policy has no permissions. */
const NO_PERMISSIONS = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"*","NotResource":"*"}]}';

/** GetFederationToken sessions: the issuing user's (or root's) policies, narrowed by the session policy. */
function gatherFederatedUser(account: AccountState, principal: Extract<Principal, { kind: 'federated-user' }>): GatheredIdentity {
  const issuer = principal.userName ? account.iam.users[nameKey(principal.userName)] : undefined;
  let identity: GatheredIdentity = { identityPolicies: [ROOT_ALLOWS_ALL], tags: [] };
  if (principal.userName) {
    if (!issuer) return { identityPolicies: [], tags: [] };
    const g = gatherPolicies(account.iam, { kind: 'user', user: issuer });
    identity = { identityPolicies: g.identity.map(toInput), permissionsBoundary: g.boundary && toInput(g.boundary), tags: [] };
  }
  const text = principal.session?.sessionPolicy ?? NO_PERMISSIONS;
  const source = `passed to GetFederationToken for ${principal.federatedName}`;
  return { ...identity, sessionPolicy: { name: 'session policy', document: text, source } };
}

export function principalType(p: Principal): PrincipalType {
  return p.kind === 'federated-user' ? 'federated' : p.kind;
}

/** aws:SourceIp as AWS sees it: an IPv4-mapped IPv6 address is the IPv4 address. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

/**
 * Global condition keys for this request. MFA keys follow AWS: absent for long-term access keys;
 * present for temporary credentials (true with the MFA age when the session was issued with MFA).
 */
export function requestContext(ctx: RequestContext, tags: Tag[]): Record<string, string | string[]> {
  const p = ctx.principal;
  const out: Record<string, string | string[]> = {
    'aws:SourceIp': normalizeIp(ctx.sourceIp),
    'aws:SecureTransport': String(ctx.secureTransport),
    'aws:RequestedRegion': ctx.region,
  };
  if (p.kind !== 'anonymous') out['aws:userid'] = p.userId;
  // The role's ARN (with its path) is aws:PrincipalArn for its sessions.
  if (p.kind === 'assumed-role') out['aws:PrincipalArn'] = p.roleArn;
  // Sessions from a web identity or SAML provider carry the provider (an ARN, or a built-in provider's name).
  if (p.session?.federation) out['aws:FederatedProvider'] = p.session.federation.provider;
  if (p.session) {
    out['aws:MultiFactorAuthPresent'] = p.mfaAuthenticatedAt ? 'true' : 'false';
  }
  if (p.mfaAuthenticatedAt) {
    out['aws:MultiFactorAuthPresent'] = 'true';
    out['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((Date.now() - Date.parse(p.mfaAuthenticatedAt)) / 1000)));
  }
  for (const t of tags) out[`aws:PrincipalTag/${t.Key}`] = t.Value;
  return out;
}

/** The engine request for `spec` made by the caller of `ctx`. */
export function evaluationRequest(ctx: RequestContext, spec: AuthorizationSpec): EvaluationRequest {
  const p = ctx.principal;
  const identity = gatherIdentity(ctx.account, p);
  return {
    principal: { arn: p.arn, type: principalType(p), ...(p.kind === 'anonymous' ? {} : { accountId: p.accountId }) },
    action: spec.action,
    resource: spec.resource,
    resourceAccount: spec.resourceAccount ?? ctx.account.accountId,
    context: { ...requestContext(ctx, identity.tags), ...(spec.context ?? {}) },
    identityPolicies: identity.identityPolicies,
    ...(identity.permissionsBoundary ? { permissionsBoundary: identity.permissionsBoundary } : {}),
    ...(identity.sessionPolicy ? { sessionPolicy: identity.sessionPolicy } : {}),
    ...(spec.resourcePolicy ? { resourcePolicy: { name: resourcePolicyName(spec), document: spec.resourcePolicy } } : {}),
    // All the evaluations of one request share its match budget (policy/wildcard.ts).
    budget: ctx.budget,
  };
}

function resourcePolicyName(spec: AuthorizationSpec): string {
  if (spec.action.toLowerCase().startsWith('sts:assumerole')) return `trust policy of ${spec.resource.split('/').pop() ?? 'the role'}`;
  if (spec.resource.startsWith('arn:aws:s3:::')) return `bucket policy of ${spec.resource.slice('arn:aws:s3:::'.length).split('/')[0]}`;
  return 'resource policy';
}
