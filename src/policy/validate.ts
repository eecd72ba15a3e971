/**
 * Policy grammar checks: what IAM rejects with MalformedPolicyDocument, worded as AWS words it.
 * Only grammar: a well-formed action that no service has (s3:GetObjects) is valid, as in AWS
 * (IAM Access Analyzer warns about it; CreatePolicy accepts it).
 */
import type { PolicyKind, PolicyProblem } from './types.js';
import { statementList } from './statements.js';

export const SYNTAX_ERRORS = 'Syntax errors in policy.';
export const TRUST_INVALID_JSON = 'This policy contains invalid Json';
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);

/** Parse JSON text once; null when it is not a JSON object. */
export function parsePolicyText(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isStringOrStrings = (v: unknown): boolean =>
  typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

export function validatePolicyDocument(text: string, kind: PolicyKind): PolicyProblem[] {
  const doc = parsePolicyText(text);
  // CreateRole/UpdateAssumeRolePolicy word a JSON error differently from the policy APIs.
  if (!doc) return [{ message: kind === 'trust' ? TRUST_INVALID_JSON : SYNTAX_ERRORS }];
  const problems: PolicyProblem[] = [];
  const add = (message: string, path?: string) => problems.push({ message, path });

  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) add(SYNTAX_ERRORS, key);
  if ('Version' in doc && !VERSIONS.has(doc.Version as string)) {
    add('The policy failed legacy parsing', 'Version');
  }
  if ('Id' in doc && typeof doc.Id !== 'string') add(SYNTAX_ERRORS, 'Id');
  const stmts = doc.Statement;
  if (stmts === undefined || (Array.isArray(stmts) && stmts.length === 0)) {
    add(SYNTAX_ERRORS, 'Statement');
    return problems;
  }
  if (typeof stmts !== 'object' || stmts === null) {
    add(SYNTAX_ERRORS, 'Statement');
    return problems;
  }
  const list = statementList(doc);
  const sids = new Set<string>();
  list.forEach((raw, i) => {
    const at = (field?: string) => (field ? `Statement[${i}].${field}` : `Statement[${i}]`);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      add(SYNTAX_ERRORS, at());
      return;
    }
    const s = raw as Record<string, unknown>;
    for (const key of Object.keys(s)) if (!STATEMENT_FIELDS.has(key)) add(SYNTAX_ERRORS, at(key));
    if (!('Effect' in s)) add('Missing required field Effect', at('Effect'));
    else if (s.Effect !== 'Allow' && s.Effect !== 'Deny') add(SYNTAX_ERRORS, at('Effect'));
    if ('Sid' in s) {
      if (typeof s.Sid !== 'string') add(SYNTAX_ERRORS, at('Sid'));
      else if (s.Sid) {
        if (sids.has(s.Sid)) add('Statement IDs (SID) in a single policy must be unique.', at('Sid'));
        sids.add(s.Sid);
      }
    }
    if ('Action' in s && 'NotAction' in s) add(SYNTAX_ERRORS, at('NotAction'));
    if ('Resource' in s && 'NotResource' in s) add(SYNTAX_ERRORS, at('NotResource'));
    if ('Principal' in s && 'NotPrincipal' in s) add(SYNTAX_ERRORS, at('NotPrincipal'));

    for (const field of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
      if (field in s && !isStringOrStrings(s[field])) add(SYNTAX_ERRORS, at(field));
    }
    const actions = s.Action ?? s.NotAction;
    if (actions === undefined || (Array.isArray(actions) && actions.length === 0)) {
      add('Policy statement must contain actions.', at('Action'));
    } else if (isStringOrStrings(actions)) {
      for (const a of asList(actions) as string[]) {
        const problem = actionProblem(a);
        if (problem) add(problem, at(s.Action !== undefined ? 'Action' : 'NotAction'));
      }
    }

    const hasPrincipal = 'Principal' in s || 'NotPrincipal' in s;
    if (kind === 'identity') {
      if (hasPrincipal) add('Policy document should not specify a principal.', at('Principal'));
      const resources = s.Resource ?? s.NotResource;
      if (resources === undefined || (Array.isArray(resources) && resources.length === 0)) {
        add('Policy statement must contain resources.', at('Resource'));
      } else if (isStringOrStrings(resources)) {
        for (const r of asList(resources) as string[]) {
          const problem = resourceProblem(r);
          if (problem) add(problem, at(s.Resource !== undefined ? 'Resource' : 'NotResource'));
        }
      }
    } else {
      if (!hasPrincipal) add('Missing required field Principal', at('Principal'));
      else {
        const p = s.Principal ?? s.NotPrincipal;
        const problem = principalProblem(p);
        if (problem) add(problem, at('Principal'));
      }
      if (kind === 'trust' && ('Resource' in s || 'NotResource' in s)) {
        add('Has prohibited field Resource', at('Resource'));
      }
    }
    if ('Condition' in s) {
      const problem = conditionProblem(s.Condition);
      if (problem) add(problem, at('Condition'));
    }
  });
  return problems;
}

function actionProblem(action: string): string | undefined {
  if (action === '*') return undefined;
  const parts = action.split(':');
  if (parts.length === 1) return 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
  if (parts.length > 2) return 'Actions/Condition can contain only one colon.';
  if (/[^a-zA-Z0-9\-.]/.test(parts[0]) && parts[0] !== '*') return `Vendor ${parts[0]} is not valid`;
  return undefined;
}

function resourceProblem(resource: string): string | undefined {
  if (resource === '*' || resource.startsWith('arn:') ) {
    if (resource === '*') return undefined;
    const parts = resource.split(':');
    if (parts.length < 6) return `Resource ${resource} must be in ARN format or "*".`;
    const partition = parts[1];
    if (!['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', '*'].includes(partition) && !partition.includes('$')) {
      return `Partition "${partition}" is not valid for resource "${resource}".`;
    }
    return undefined;
  }
  // AWS accepts resources that are only policy variables or wildcards (e.g. "${aws:username}"? no: must be ARN).
  return `Resource ${resource} must be in ARN format or "*".`;
}

function principalProblem(p: unknown): string | undefined {
  if (p === '*') return undefined;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return SYNTAX_ERRORS;
  for (const [type, value] of Object.entries(p as Record<string, unknown>)) {
    if (!['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(type)) return SYNTAX_ERRORS;
    if (!isStringOrStrings(value)) return SYNTAX_ERRORS;
    if (type === 'AWS') {
      for (const v of asList(value) as string[]) {
        if (v !== '*' && !/^\d{12}$/.test(v) && !/^arn:[\w-]+:(iam|sts)::(\d{12}|aws):/.test(v) && !/^[A-Z0-9]{21}$/.test(v)) {
          return `Invalid principal in policy: "AWS":"${v}"`;
        }
      }
    }
  }
  return undefined;
}

function conditionProblem(c: unknown): string | undefined {
  if (!c || typeof c !== 'object' || Array.isArray(c)) return SYNTAX_ERRORS;
  for (const block of Object.values(c as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) return SYNTAX_ERRORS;
    for (const v of Object.values(block as Record<string, unknown>)) {
      const ok = (x: unknown) => typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number';
      if (!(ok(v) || (Array.isArray(v) && v.every(ok)))) return SYNTAX_ERRORS;
    }
    for (const key of Object.keys(block as Record<string, unknown>)) {
      if (!key.includes(':')) return 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
    }
  }
  return undefined;
}
