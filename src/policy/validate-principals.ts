/**
 * The Principal element and a trust policy's actions, as IAM validates them when a trust policy
 * (or a resource policy) is written: "Invalid principal in policy: …" for a principal that is not
 * one AWS knows, and "AssumeRole policy may only specify STS AssumeRole actions." for actions a
 * trust policy cannot grant.
 */
import { isKnownServicePrincipal } from './service-principals.js';
import { wildcardMatch } from './wildcard.js';

const SYNTAX_ERRORS = 'Syntax errors in policy.';
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

/** The STS actions a role's trust policy may allow (the rest of STS acts on no role). */
export const TRUST_POLICY_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
  'sts:SetContext',
];

/** Case-insensitive `*`/`?` match, linear in its input (wildcard.ts): the pattern is the caller's. */
function wildcardMatches(pattern: string, value: string): boolean {
  return wildcardMatch(pattern, value, { ignoreCase: true });
}

/** Every action (wildcards allowed) must name at least one of TRUST_POLICY_ACTIONS. */
export function checkTrustActions(actions: string[]): boolean {
  return actions.every((a) => TRUST_POLICY_ACTIONS.some((t) => wildcardMatches(a, t)));
}

/** AWS principal forms: "*", an account id, an account/user/role/session ARN, or a unique id. */
function validAwsPrincipal(v: string): boolean {
  if (v === '*' || /^\d{12}$/.test(v)) return true;
  if (/^A[A-Z0-9]{3}[A-Z2-7]{17}$/.test(v)) return true;
  const m = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):(iam|sts)::(\d{12}|aws):(.+)$/.exec(v);
  // No wildcards inside a principal ARN (the IAM User Guide's Principal element page).
  if (!m || /[*?]/.test(v)) return false;
  const [, , service, , rest] = m;
  if (service === 'iam') return rest === 'root' || /^(user|role|federated-user)\/./.test(rest);
  return /^(assumed-role|federated-user)\/./.test(rest);
}

/** The first problem with a Principal/NotPrincipal element, in AWS's words; undefined when valid. */
export function checkPrincipal(p: unknown): string | undefined {
  if (p === '*') return undefined;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return SYNTAX_ERRORS;
  for (const [type, value] of Object.entries(p as Record<string, unknown>)) {
    if (!PRINCIPAL_TYPES.has(type)) return SYNTAX_ERRORS;
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every((v) => typeof v === 'string')) return SYNTAX_ERRORS;
    for (const v of values as string[]) {
      if (type === 'AWS' && !validAwsPrincipal(v)) return `Invalid principal in policy: "AWS":"${v}"`;
      if (type === 'Service' && v !== '*' && !isKnownServicePrincipal(v)) return `Invalid principal in policy: "SERVICE":"${v}"`;
      if (type === 'Federated' && v.length === 0) return `Invalid principal in policy: "FEDERATED":"${v}"`;
    }
  }
  return undefined;
}
