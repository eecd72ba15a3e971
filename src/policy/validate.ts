/**
 * Policy grammar checks: what IAM rejects with MalformedPolicyDocument, worded as AWS words it and
 * in the order IAM checks (syntax → version → legacy parsing → statement ids → actions →
 * resources → action prefixes → per-kind rules), so a document with several problems gets the
 * message AWS gives first. Only grammar: a well-formed action that no service has
 * (s3:GetObjects) is valid, as in AWS (IAM Access Analyzer warns about it; CreatePolicy accepts it).
 */
import { checkPrincipal, checkTrustActions } from './validate-principals.js';
import type { PolicyKind, PolicyProblem, ValidateOptions } from './types.js';
import { statementList } from './statements.js';

export const SYNTAX_ERRORS = 'Syntax errors in policy.';
export const TRUST_INVALID_JSON = 'This policy contains invalid Json';
export const LEGACY_PARSING = 'The policy failed legacy parsing';
export const VERSION_TOO_OLD = 'Policy document must be version 2012-10-17 or greater.';
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
export const POLICY_VERSIONS = new Set(['2008-10-17', '2012-10-17']);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);
/** The start of the resource part of an IAM ARN, as IAM lists them in its error message. */
const IAM_RESOURCE_TYPES = [
  'user/', 'federated-user/', 'role/', 'group/', 'instance-profile/', 'mfa/', 'server-certificate/', 'policy/',
  'sms-mfa/', 'saml-provider/', 'oidc-provider/', 'report/', 'access-report/',
];

/** Condition operators of the IAM policy grammar (before ForAnyValue:/ForAllValues: and IfExists). */
export const CONDITION_OPERATORS = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

/** Parse JSON text once; null when it is not a JSON object. */
export function parsePolicyText(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A string, or a list of strings (IAM skips null entries in lists). */
const isStringOrStrings = (v: unknown): boolean =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => x === null || typeof x === 'string'));
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => asList(v).filter((x): x is string => typeof x === 'string');

/** The base operator of a condition key: "ForAnyValue:StringLikeIfExists" → "StringLike". */
export function baseOperator(op: string): string {
  let s = op.startsWith('ForAnyValue:') ? op.slice(12) : op.startsWith('ForAllValues:') ? op.slice(13) : op;
  if (s.endsWith('IfExists')) s = s.slice(0, -8);
  return s;
}
export const isKnownOperator = (op: string): boolean => CONDITION_OPERATORS.has(baseOperator(op));

type Statement = Record<string, unknown>;

export function validatePolicyDocument(text: string, kind: PolicyKind, opts: ValidateOptions = {}): PolicyProblem[] {
  const doc = parsePolicyText(text);
  // CreateRole/UpdateAssumeRolePolicy word a JSON error differently from the policy APIs.
  if (!doc) return [{ message: kind === 'trust' ? TRUST_INVALID_JSON : SYNTAX_ERRORS }];
  const syntax = syntaxProblems(doc, kind);
  if (syntax.length) return syntax;
  const statements = statementList(doc) as Statement[];
  const at = (i: number, field: string) => `Statement[${i}].${field}`;

  if ('Version' in doc && !POLICY_VERSIONS.has(doc.Version as string)) return [{ message: LEGACY_PARSING, path: 'Version' }];
  if (opts.managed && doc.Version !== '2012-10-17') return [{ message: VERSION_TOO_OLD, path: 'Version' }];
  const legacy = legacyProblem(statements);
  if (legacy) return [legacy];

  const sids = new Set<string>();
  for (const [i, s] of statements.entries()) {
    if (typeof s.Sid !== 'string' || !s.Sid) continue;
    if (sids.has(s.Sid)) return [{ message: 'Statement IDs (SID) in a single policy must be unique.', path: at(i, 'Sid') }];
    sids.add(s.Sid);
  }
  for (const [i, s] of statements.entries()) {
    const actions = s.Action ?? s.NotAction;
    if (actions === undefined || (Array.isArray(actions) && actions.length === 0)) {
      return [{ message: 'Policy statement must contain actions.', path: at(i, 'Action') }];
    }
  }
  if (kind !== 'resource') {
    for (const [i, s] of statements.entries()) {
      const field = s.Resource !== undefined ? 'Resource' : 'NotResource';
      for (const r of strings(s[field])) {
        const message = resourceProblem(r);
        if (message) return [{ message, path: at(i, field) }];
      }
    }
  }
  for (const [i, s] of statements.entries()) {
    const field = s.Action !== undefined ? 'Action' : 'NotAction';
    for (const a of strings(s[field])) {
      const message = actionProblem(a);
      if (message) return [{ message, path: at(i, field) }];
    }
  }
  const problems: PolicyProblem[] = [];
  for (const [i, s] of statements.entries()) {
    if (kind === 'identity') {
      const resources = s.Resource ?? s.NotResource;
      if (resources === undefined || (Array.isArray(resources) && resources.length === 0)) {
        problems.push({ message: 'Policy statement must contain resources.', path: at(i, 'Resource') });
      }
      continue;
    }
    if (kind === 'trust') {
      if (s.Action !== undefined && !checkTrustActions(strings(s.Action))) {
        problems.push({ message: 'AssumeRole policy may only specify STS AssumeRole actions.', path: at(i, 'Action') });
      }
      if ('Resource' in s || 'NotResource' in s) problems.push({ message: 'Has prohibited field Resource.', path: at(i, 'Resource') });
    }
    const field = 'Principal' in s ? 'Principal' : 'NotPrincipal';
    const message = checkPrincipal(s[field]);
    if (message) problems.push({ message, path: at(i, field) });
  }
  return problems;
}

/** Problems IAM reports as "Syntax errors in policy." (and the few it names more precisely). */
function syntaxProblems(doc: Record<string, unknown>, kind: PolicyKind): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const add = (message: string, path?: string) => problems.push({ message, path });
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) add(SYNTAX_ERRORS, key);
  if ('Id' in doc && typeof doc.Id !== 'string') add(SYNTAX_ERRORS, 'Id');
  const stmts = doc.Statement;
  if (stmts === undefined || stmts === null || typeof stmts !== 'object' || (Array.isArray(stmts) && stmts.length === 0)) {
    add(SYNTAX_ERRORS, 'Statement');
    return problems;
  }
  asList(stmts).forEach((raw, i) => {
    const at = (field?: string) => (field ? `Statement[${i}].${field}` : `Statement[${i}]`);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return add(SYNTAX_ERRORS, at());
    const s = raw as Statement;
    for (const key of Object.keys(s)) if (!STATEMENT_FIELDS.has(key)) add(SYNTAX_ERRORS, at(key));
    if (!('Effect' in s)) add('Missing required field Effect', at('Effect'));
    else if (typeof s.Effect !== 'string' || !['allow', 'deny'].includes(s.Effect.toLowerCase())) add(SYNTAX_ERRORS, at('Effect'));
    if ('Sid' in s && typeof s.Sid !== 'string') add(SYNTAX_ERRORS, at('Sid'));
    if ('Action' in s && 'NotAction' in s) add(SYNTAX_ERRORS, at('NotAction'));
    if ('Resource' in s && 'NotResource' in s) add(SYNTAX_ERRORS, at('NotResource'));
    if ('Principal' in s && 'NotPrincipal' in s) add(SYNTAX_ERRORS, at('NotPrincipal'));
    for (const field of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      if (field in s && !isStringOrStrings(s[field])) add(SYNTAX_ERRORS, at(field));
    }
    if ('Condition' in s && conditionSyntaxProblem(s.Condition)) add(SYNTAX_ERRORS, at('Condition'));
    const hasPrincipal = 'Principal' in s || 'NotPrincipal' in s;
    if (kind === 'identity' && hasPrincipal) add('Policy document should not specify a principal.', at('Principal'));
    if (kind !== 'identity' && !hasPrincipal) add('Missing required field Principal', at('Principal'));
  });
  return problems;
}

/**
 * A Condition block: operator → {key: value(s)}. An operator the grammar does not have is a syntax
 * error (IAM tolerates it only with an empty block, which tests nothing).
 */
function conditionSyntaxProblem(c: unknown): boolean {
  if (!c || typeof c !== 'object' || Array.isArray(c)) return true;
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number';
  for (const [op, block] of Object.entries(c as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) return true;
    for (const v of Object.values(block as Record<string, unknown>)) {
      if (!(scalar(v) || (Array.isArray(v) && v.every(scalar)))) return true;
    }
    if (!isKnownOperator(op) && Object.keys(block).length > 0) return true;
    for (const key of Object.keys(block as Record<string, unknown>)) {
      if (!key.includes(':')) return true;
    }
  }
  return false;
}

/** IAM's "legacy parsing": Effect's exact case, date values, and ARN-like resources. */
function legacyProblem(statements: Statement[]): PolicyProblem | undefined {
  for (const [i, s] of statements.entries()) {
    const at = (field: string) => `Statement[${i}].${field}`;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return { message: LEGACY_PARSING, path: at('Effect') };
    for (const [op, block] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!baseOperator(op).startsWith('Date')) continue;
      for (const v of Object.values(block).flatMap(asList)) {
        if (!validDateValue(String(v))) return { message: LEGACY_PARSING, path: at('Condition') };
      }
    }
    for (const field of ['Resource', 'NotResource'] as const) {
      for (const r of strings(s[field])) {
        if (r === '*') continue;
        // An ARN with "::" must have all six parts, and no ARN may leave the service out.
        if ((r.split(':').length - 1 < 5 && r.includes('::')) || r.split(':')[2] === '') return { message: LEGACY_PARSING, path: at(field) };
      }
    }
  }
  return undefined;
}

/** ISO 8601 dates and times ("2026-01-31", "2026-01-31T12:00:00Z", "…+02:00") or epoch seconds. */
function validDateValue(v: string): boolean {
  if (!/[tT-]/.test(v)) return /^\d{1,19}$/.test(v);
  const m = /^(-?\d{1,9})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[tT](\d{1,2})?(?::(\d{1,2})(?::(\d{1,2})(?:\.\d{1,9})?)?)?([zZ]|[+]\d{2}(?::\d{2})?)?)?$/.exec(v);
  if (!m) return false;
  const [, , month, day, hour, minute, second] = m;
  const within = (x: string | undefined, lo: number, hi: number) => x === undefined || (Number(x) >= lo && Number(x) <= hi);
  return within(month, 1, 12) && within(day, 1, 31) && within(hour, 0, 23) && within(minute, 0, 59) && within(second, 0, 59);
}

function actionProblem(action: string): string | undefined {
  if (action === '*') return undefined;
  const parts = action.split(':');
  if (parts.length === 1) return 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
  if (parts.length > 2) return 'Actions/Condition can contain only one colon.';
  if (parts[0] !== '*' && /[^a-zA-Z0-9\-.]/.test(parts[0])) return `Vendor ${parts[0]} is not valid`;
  return undefined;
}

/** The first thing IAM finds wrong with a Resource entry of an identity or trust policy. */
export function resourceProblem(resource: string): string | undefined {
  if (resource === '*') return undefined;
  if (!resource.includes(':')) return `Resource ${resource} must be in ARN format or "*".`;
  const parts = resource.split(':');
  const partition = parts[1];
  if (partition !== '*' && !PARTITIONS.has(partition) && !partition.includes('${')) {
    const rest = parts.slice(2);
    const piece = (n: number) => (rest[n] !== undefined && (rest[n] !== '' || rest.length > n + 1) ? rest[n] : '*');
    const tail = rest.length > 3 ? rest.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${piece(0)}:${piece(1)}:${piece(2)}:${tail}".`;
  }
  if (parts.length < 4) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const [, , service, region] = parts;
  const resourcePart = parts.slice(5).join(':');
  if (service === 'iam' && region !== '') return `IAM resource ${resource} cannot contain region information.`;
  if (service === 's3' && region !== '' && !resourcePart.startsWith('accesspoint/')) {
    return `Resource ${resource} can not contain region information.`;
  }
  if (service === 'iam' && !IAM_RESOURCE_TYPES.some((t) => resourcePart.startsWith(t))) {
    return `IAM resource path must either be "*" or start with ${IAM_RESOURCE_TYPES.join(', ')}.`;
  }
  return undefined;
}

/**
 * Evaluation never ignores an operator it does not know (documents stored before validation, or
 * written by another tool): an unknown operator makes a Deny apply and an Allow never apply,
 * whatever the request. Returns the document unchanged when every operator is known.
 */
export function failClosedConditions(doc: Record<string, unknown>): Record<string, unknown> {
  const list = statementList(doc);
  let changed = false;
  const out = list.map((raw) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
    const s = raw as Statement;
    const cond = s.Condition;
    if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return raw;
    const unknown = Object.keys(cond).filter((op) => !isKnownOperator(op));
    if (unknown.length === 0) return raw;
    changed = true;
    const kept = Object.fromEntries(Object.entries(cond).filter(([op]) => isKnownOperator(op)));
    // The key never exists: Null "true" always matches (Deny applies), "false" never does (Allow cannot).
    const verdict = s.Effect === 'Deny' ? 'true' : 'false';
    return { ...s, Condition: { ...kept, Null: { ...((kept.Null as object) ?? {}), 'iam-labs:UnknownConditionOperator': verdict } } };
  });
  if (!changed) return doc;
  return { ...doc, Statement: Array.isArray(doc.Statement) ? out : out[0] };
}
