/**
 * AssumeRoleWithSAML: an unsigned call that trades a SAML 2.0 response from a registered SAML
 * provider for a role session. The assertion must come from the provider's issuer, be meant for
 * AWS sign-in, still be valid, name the role and provider in its Role attribute and carry a
 * RoleSessionName; then the role's trust policy decides, with saml:* condition keys.
 *
 * XML signatures are not verified (docs/emulator-coverage.md says so); the rest is checked.
 */
import crypto from 'node:crypto';
import { AccessDenied, AwsError, ValidationError } from '../errors.js';
import { parseSamlMetadata, parseSamlResponse } from '../iam/saml-xml.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { findRole, packedPolicySize, sessionPolicyText } from './assume-role.js';
import { authorizeFederatedAssume, checkSessionDuration, issueRoleSession } from './federated-role-session.js';
import { STS_RULES, stsViolations } from './validation.js';

const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
const SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
/** AWS sign-in's SAML endpoints: the global one and the Regional ones. */
const AUDIENCE = /^https:\/\/([a-z0-9-]+\.)?signin\.aws\.amazon\.com\/saml$/;
const invalid = (message: string) => new AwsError('InvalidIdentityToken', message, 400);

/** saml:sub_type: persistent and transient by their short names, other formats as given. */
function subjectType(format: string | undefined): string | undefined {
  if (!format) return undefined;
  const m = /^urn:oasis:names:tc:SAML:2\.0:nameid-format:(persistent|transient)$/.exec(format);
  return m ? m[1] : format;
}

export async function assumeRoleWithSaml(ctx: RequestContext, p: QueryParams) {
  const roleArn = p.required('RoleArn');
  const providerArn = p.required('PrincipalArn');
  const assertionText = p.required('SAMLAssertion');
  const requested = p.int('DurationSeconds');
  stsViolations()
    .string(roleArn, 'roleArn', STS_RULES.roleArn)
    .string(providerArn, 'principalArn', STS_RULES.roleArn)
    .string(assertionText, 'sAMLAssertion', STS_RULES.samlAssertion)
    .string(p.str('Policy'), 'policy', STS_RULES.sessionPolicy)
    .int(requested, 'durationSeconds', 900, 43200)
    .done();
  const roleMatch = /^arn:aws:iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!roleMatch) throw new ValidationError(`${roleArn} is invalid`);
  const providerMatch = /^arn:aws:iam::(\d{12}):saml-provider\/([\w._-]+)$/.exec(providerArn);
  if (!providerMatch) throw new ValidationError(`${providerArn} is invalid`);
  const sessionPolicy = sessionPolicyText(ctx, p);
  const accountId = roleMatch[1];
  const roleAccount = ctx.emulator.state.account(accountId);

  const provider = providerMatch[1] === accountId ? roleAccount.iam.samlProviders[providerArn] : undefined;
  if (!provider) throw invalid(`Specified provider doesn't exist`);
  const assertion = parseSamlResponse(Buffer.from(assertionText, 'base64').toString('utf8'));
  if (!assertion) throw invalid('Invalid SAML response: the assertion could not be parsed.');
  const metadata = parseSamlMetadata(provider.metadata);
  if (!assertion.issuer || assertion.issuer !== metadata?.entityId) throw invalid('Issuer of the assertion does not match the SAML provider metadata.');
  if (!assertion.audiences.some((a) => AUDIENCE.test(a))) throw invalid('Incorrect SAML assertion audience.');
  const now = Date.now();
  if (assertion.notBefore && Date.parse(assertion.notBefore) > now + 5 * 60_000) throw invalid('The SAML assertion is not yet valid.');
  if (assertion.notOnOrAfter && Date.parse(assertion.notOnOrAfter) <= now) {
    throw new AwsError('ExpiredTokenException', 'The SAML assertion has expired.', 400);
  }
  const sessionName = assertion.attributes.get(SESSION_NAME_ATTRIBUTE)?.[0];
  if (!sessionName) throw invalid('RoleSessionName is required in AuthnResponse');
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw invalid('RoleSessionName in AuthnResponse is invalid.');
  // Each Role value pairs a role with a provider, in either order.
  const pairs = (assertion.attributes.get(ROLE_ATTRIBUTE) ?? []).map((v) => new Set(v.split(',').map((s) => s.trim())));
  const role = findRole(ctx, roleArn);
  if (!role || !pairs.some((pair) => pair.has(roleArn) && pair.has(providerArn))) throw new AccessDenied('Not authorized to perform sts:AssumeRoleWithSAML');

  const nameQualifier = crypto.createHash('sha1').update(`${assertion.issuer}${accountId}/${provider.name}`).digest('base64');
  const audience = assertion.audiences.find((a) => AUDIENCE.test(a)) as string;
  const context: Record<string, string | string[]> = {
    'saml:aud': assertion.recipient ?? audience,
    'saml:iss': assertion.issuer,
    'saml:doc': `${accountId}/${provider.name}`,
    'saml:namequalifier': nameQualifier,
    'sts:RoleSessionName': sessionName,
  };
  if (assertion.subject) context['saml:sub'] = assertion.subject;
  const type = subjectType(assertion.subjectType);
  if (type) context['saml:sub_type'] = type;
  // Attributes named like a saml: condition key (mail, uid, eduPersonAffiliation, …) are available as that key.
  for (const [name, values] of assertion.attributes) {
    if (/^[A-Za-z][\w]*$/.test(name)) context[`saml:${name}`] = values.length === 1 ? values[0] : values;
  }
  await authorizeFederatedAssume(ctx, role, { action: 'sts:AssumeRoleWithSAML', principal: providerArn, accountId, context });
  checkSessionDuration(role, requested);

  const { credentials, assumedRoleUser } = issueRoleSession(ctx, roleAccount, role, {
    sessionName,
    duration: requested ?? 3600,
    sessionPolicy,
    federation: { provider: providerArn, subject: assertion.subject ?? '', kind: 'saml' },
  });
  return {
    Credentials: credentials,
    AssumedRoleUser: assumedRoleUser,
    ...(sessionPolicy ? { PackedPolicySize: packedPolicySize(sessionPolicy) } : {}),
    Subject: assertion.subject,
    SubjectType: type,
    Issuer: assertion.issuer,
    Audience: assertion.recipient ?? audience,
    NameQualifier: nameQualifier,
  };
}
