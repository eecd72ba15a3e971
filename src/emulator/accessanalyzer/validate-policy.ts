/**
 * ValidatePolicy: the project's own policy checks, reported as IAM Access Analyzer reports them.
 * Grammar problems come from src/policy/validate.ts (what IAM rejects), typos from
 * src/policy/lint.ts (actions and ARNs that cannot match); this module adds the best-practice
 * checks neither makes, and turns everything into findings with AWS's issue codes, finding
 * types and locations (path + span in the submitted text).
 */
import { lintPolicy, type LintFinding } from '../../policy/lint.js';
import { validatePolicyDocument, type PolicyKind } from '../../policy/index.js';
import { globMatch } from '../glob.js';
import type { RestInput } from '../protocol/rest-json-service.js';
import type { RequestContext } from '../types.js';
import { validationError } from './errors.js';
import { JsonSyntaxError, parseLocated, pathElements, pathKey, type LocatedJson, type Span } from './json-locations.js';
import { CHECKS, DETAILS, type IssueCode, learnMoreLink } from './policy-checks.js';

type Path = Array<string | number>;

interface Finding {
  code: IssueCode;
  details?: string;
  path: Path;
  /** point at the member name rather than its value */
  atKey?: boolean;
}

const POLICY_TYPES = ['IDENTITY_POLICY', 'RESOURCE_POLICY', 'SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Statement paths: [Statement] for a single statement object, [Statement, i] in an array. */
function statementPath(doc: Record<string, unknown>, i: number): Path {
  return Array.isArray(doc.Statement) ? ['Statement', i] : ['Statement'];
}

/** "Statement[0].Action[1]" (validate.ts / lint.ts paths) → this document's path. */
function toPath(doc: Record<string, unknown>, dotted: string | undefined, value?: string): Path {
  if (!dotted) return [];
  const m = /^Statement\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?)?$/.exec(dotted);
  if (!m) return dotted.split('.');
  const base = statementPath(doc, Number(m[1]));
  if (!m[2]) return base;
  const st = (Array.isArray(doc.Statement) ? doc.Statement[Number(m[1])] : doc.Statement) as Record<string, unknown>;
  const path: Path = [...base, m[2]];
  let node: unknown = st?.[m[2]];
  if (m[4]) {
    path.push(m[4]);
    node = (node as Record<string, unknown> | undefined)?.[m[4]];
  }
  if (m[3] !== undefined) return Array.isArray(node) ? [...path, Number(m[3])] : path;
  if (Array.isArray(node) && value !== undefined) {
    const idx = node.findIndex((x) => typeof x === 'string' && value.includes(x));
    if (idx >= 0) path.push(idx);
  }
  return path;
}

/** validate.ts problems (IAM's MalformedPolicyDocument wording) → Access Analyzer checks. */
function grammarFindings(doc: Record<string, unknown>, kind: PolicyKind, text: string, resourcePolicy: boolean): Finding[] {
  const out: Finding[] = [];
  for (const p of validatePolicyDocument(text, kind)) {
    const path = toPath(doc, p.path);
    const field = String(path[path.length - 1] ?? '');
    const m = p.message;
    const statement = path.length ? path.slice(0, Array.isArray(doc.Statement) ? 2 : 1) : [];
    if (p.path === 'Version') out.push({ code: 'INVALID_VERSION', path });
    else if (p.path === 'Statement') out.push({ code: 'MISSING_STATEMENT', path: [] });
    else if (!p.path?.startsWith('Statement')) out.push({ code: 'INVALID_POLICY_ELEMENT', details: `The policy element ${p.path} is not valid.`, path, atKey: true });
    else if (m === 'Missing required field Effect') out.push({ code: 'MISSING_EFFECT', path: statement });
    else if (m === 'Missing required field Principal') out.push({ code: 'MISSING_PRINCIPAL', path: statement });
    else if (m === 'Policy statement must contain actions.') out.push(pathValue(doc, path) !== undefined ? { code: 'EMPTY_ARRAY_ACTION', path } : { code: 'MISSING_ACTION', path: statement });
    else if (m === 'Policy statement must contain resources.') out.push(pathValue(doc, path) !== undefined ? { code: 'EMPTY_ARRAY_RESOURCE', path } : { code: 'MISSING_RESOURCE', path: statement });
    else if (m === 'Policy document should not specify a principal.') out.push({ code: 'UNSUPPORTED_PRINCIPAL', path });
    else if (m.startsWith('Statement IDs (SID)')) out.push({ code: resourcePolicy ? 'UNIQUE_SIDS_RECOMMENDED' : 'UNIQUE_SIDS_REQUIRED', path });
    else if (m.startsWith('Vendor ')) out.push({ code: 'INVALID_SERVICE_IN_ACTION', details: `The service ${m.split(' ')[1]} specified in the action does not exist.`, path });
    else if (m.startsWith('Actions/Conditions must be prefaced') && field === 'Condition') out.push({ code: 'INVALID_CONDITION_KEY_FORMAT', path });
    else if (m.startsWith('Actions/Condition')) out.push({ code: 'INVALID_ACTION', details: 'The action does not exist. Actions look like service:ActionName.', path });
    else if (m.includes('must be in ARN format')) out.push({ code: 'INVALID_ARN_PREFIX', path });
    else if (m.startsWith('Partition ')) out.push({ code: 'INVALID_PARTITION', details: `${m.replace(/ for resource.*$/, '')} Use a partition such as aws.`, path });
    else if (m.startsWith('Invalid principal')) out.push({ code: 'INVALID_PRINCIPAL_FORMAT', details: 'The Principal element contains a value that is not a valid principal. Use an account ID, an ARN or "*".', path });
    else if (field === 'Effect') out.push({ code: 'INVALID_EFFECT', path });
    else if (['NotAction', 'NotResource', 'NotPrincipal'].includes(field) && pathValue(doc, [...path.slice(0, -1), field.slice(3)]) !== undefined) {
      out.push({ code: 'UNSUPPORTED_ELEMENT_COMBINATION', details: `The policy elements ${field.slice(3)} and ${field} can not be used in the same statement. Remove one of these elements.`, path });
    } else if (field === 'Principal') out.push({ code: 'INVALID_PRINCIPAL_KEY', details: 'The principal key is not valid. Use AWS, Service, Federated or CanonicalUser.', path });
    else if (['Sid', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'].includes(field)) out.push({ code: 'DATA_TYPE_MISMATCH', path });
    else out.push({ code: 'INVALID_POLICY_ELEMENT', details: `The policy element ${field} is not valid.`, path, atKey: true });
  }
  return out;
}

function pathValue(doc: unknown, path: Path): unknown {
  let node = doc;
  for (const p of path) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[p] : undefined;
  return node;
}

/** lint.ts findings (things that can never match) → Access Analyzer checks. */
function lintFindings(doc: Record<string, unknown>, lint: LintFinding[]): Finding[] {
  const out: Finding[] = [];
  for (const l of lint) {
    const value = /^(\S+)/.exec(l.message)?.[1]?.replace(/:$/, '');
    const path = toPath(doc, l.path, value);
    const field = l.path.replace(/\[\d+\]/g, '').split('.').slice(1).join('.');
    if (field === 'Action' || field === 'NotAction') {
      if (/is not an AWS service prefix/.test(l.message)) {
        out.push({ code: 'INVALID_SERVICE_IN_ACTION', details: `The service ${value?.split(':')[0]} specified in the action does not exist.${l.suggestion ? ` Did you mean ${l.suggestion}?` : ''}`, path });
      } else {
        out.push({ code: 'INVALID_ACTION', details: `The action ${value} does not exist.${l.suggestion ? ` Did you mean ${l.suggestion}?` : ''}`, path });
      }
    } else if (field === 'Resource' || field === 'NotResource') {
      if (/colons/.test(l.message)) out.push({ code: 'MISSING_ARN_FIELD', details: 'Resource ARNs must include at least 6 fields and include the following structure: arn:partition:service:region:account:resource', path });
      else if (/partition/.test(l.message)) out.push({ code: 'INVALID_PARTITION', details: `The resource ARN uses a partition that does not exist.${l.suggestion ? ` Did you mean ${l.suggestion}?` : ''}`, path });
      else if (/no region and no account/.test(l.message)) {
        const parts = (value ?? '').split(':');
        if (parts[3]) out.push({ code: 'ARN_REGION_NOT_ALLOWED', details: 'The service s3 does not support specifying a Region in the resource ARN.', path });
        if (parts[4]) out.push({ code: 'ARN_ACCOUNT_NOT_ALLOWED', details: 'The service s3 does not support specifying an account ID in the resource ARN.', path });
      }
    } else if (field.endsWith('Principal.Service') && /is not a service principal/.test(l.message)) {
      out.push({ code: 'INVALID_SERVICE_PRINCIPAL_FORMAT', details: 'The service principal does not match the expected format. Use the format {service-name}.amazonaws.com.', path });
    }
  }
  return out;
}

const coversAction = (actions: unknown[], target: string) => actions.some((a) => typeof a === 'string' && globMatch(a, target, true));

/** Best-practice checks on each statement (security warnings, warnings, suggestions). */
function practiceFindings(doc: Record<string, unknown>, policyType: string, resourceType: string | undefined): Finding[] {
  const out: Finding[] = [];
  if (doc.Version === undefined) out.push({ code: 'MISSING_VERSION', path: [] });
  list(doc.Statement).forEach((raw, i) => {
    if (!raw || typeof raw !== 'object') return;
    const st = raw as Record<string, unknown>;
    const base = statementPath(doc, i);
    if (st.Sid === '') out.push({ code: 'EMPTY_SID_VALUE', path: [...base, 'Sid'] });
    if (st.Condition && typeof st.Condition === 'object' && !Object.keys(st.Condition).length) out.push({ code: 'EMPTY_OBJECT_CONDITION', path: [...base, 'Condition'] });
    if (Array.isArray(st.Principal) || (st.Principal && typeof st.Principal === 'object' && Object.values(st.Principal).some((v) => Array.isArray(v) && !v.length))) {
      out.push({ code: 'EMPTY_ARRAY_PRINCIPAL', path: [...base, 'Principal'] });
    }
    if (st.Effect !== 'Allow') return;
    if (st.NotPrincipal !== undefined) out.push({ code: 'ALLOW_WITH_NOT_PRINCIPAL', path: [...base, 'NotPrincipal'] });
    const actions = list(st.Action);
    const starResource = list(st.Resource).includes('*');
    const starAction = actions.some((a) => a === '*' || a === 'iam:*');
    if (policyType === 'IDENTITY_POLICY' && starResource && st.Condition === undefined) {
      if (coversAction(actions, 'iam:PassRole')) {
        out.push({ code: starAction ? 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE' : 'PASS_ROLE_WITH_STAR_IN_RESOURCE', path: [...base, 'Resource'] });
      }
      if (coversAction(actions, 'iam:CreateServiceLinkedRole')) {
        out.push({ code: starAction ? 'CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE' : 'CREATE_SLR_WITH_STAR_IN_RESOURCE', path: [...base, 'Resource'] });
      }
    }
    if (resourceType === 'AWS::S3::Bucket') {
      list(st.Action).forEach((a, j) => {
        if (typeof a === 'string' && a !== '*' && !/^s3:/i.test(a)) {
          out.push({ code: 'UNSUPPORTED_ACTION_IN_POLICY', details: `The action ${a} is not supported for the resource-based policy attached to the resource type AWS::S3::Bucket.`, path: [...base, 'Action', ...(Array.isArray(st.Action) ? [j] : [])] });
        }
      });
      list(st.Resource).forEach((r, j) => {
        if (typeof r === 'string' && !/^arn:aws[\w-]*:s3:::[^:]/.test(r)) {
          // AWS's own wording (a recorded answer for "Resource": "*" in a bucket policy), which
          // names the type "S3 Bucket" where the check reference's template reads "the resource type {{resourceType}}"
          out.push({ code: 'UNSUPPORTED_RESOURCE_ARN_IN_POLICY', details: 'The resource ARN is not supported for the resource-based policy attached to resource type S3 Bucket.', path: [...base, 'Resource', ...(Array.isArray(st.Resource) ? [j] : [])] });
        }
      });
    }
  });
  return out;
}

function spanOf(located: LocatedJson, f: Finding): Span {
  const key = pathKey(f.path);
  const span = (f.atKey ? located.keySpans.get(key) : undefined) ?? located.spans.get(key);
  if (span) return span;
  // a missing element: point at the statement (or the document) that lacks it
  for (let n = f.path.length - 1; n >= 0; n--) {
    const s = located.spans.get(pathKey(f.path.slice(0, n)));
    if (s) return s;
  }
  return located.spans.get('')!;
}

function shape(located: LocatedJson, f: Finding) {
  return {
    findingDetails: f.details ?? DETAILS[f.code] ?? CHECKS[f.code].heading,
    findingType: CHECKS[f.code].type,
    issueCode: f.code,
    learnMoreLink: learnMoreLink(f.code),
    locations: [{ path: pathElements(f.path), span: spanOf(located, f) }],
  };
}

const ORDER = { ERROR: 0, SECURITY_WARNING: 1, WARNING: 2, SUGGESTION: 3 };

export async function validatePolicy(_ctx: RequestContext, input: RestInput) {
  const text = input.body.policyDocument;
  const policyType = input.body.policyType;
  if (typeof text !== 'string') throw validationError("1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null", 'policyDocument');
  if (typeof policyType !== 'string' || !POLICY_TYPES.includes(policyType)) {
    throw validationError(`1 validation error detected: Value '${String(policyType)}' at 'policyType' failed to satisfy constraint: Member must satisfy enum value set: [${POLICY_TYPES.join(', ')}]`, 'policyType');
  }
  if (text.length > 131072) throw validationError('The policy document is too large to validate.', 'policyDocument');
  const resourceType = typeof input.body.validatePolicyResourceType === 'string' ? input.body.validatePolicyResourceType : undefined;
  if (resourceType && policyType !== 'RESOURCE_POLICY') throw validationError('validatePolicyResourceType can only be used with policy type RESOURCE_POLICY.', 'validatePolicyResourceType');

  let located: LocatedJson;
  try {
    located = parseLocated(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const p = e.position;
    const finding = {
      findingDetails: `Fix the JSON syntax error at index ${p.offset} line ${p.line} column ${p.column}.`,
      findingType: 'ERROR',
      issueCode: 'JSON_SYNTAX_ERROR',
      learnMoreLink: learnMoreLink('JSON_SYNTAX_ERROR'),
      locations: [{ path: [], span: { start: p, end: p } }],
    };
    return { findings: [finding] };
  }
  const doc = located.value && typeof located.value === 'object' && !Array.isArray(located.value) ? (located.value as Record<string, unknown>) : undefined;
  if (!doc) return { findings: [shape(located, { code: 'DATA_TYPE_MISMATCH', path: [] })] };
  const kind: PolicyKind = policyType === 'RESOURCE_POLICY' ? (resourceType === 'AWS::IAM::AssumeRolePolicyDocument' ? 'trust' : 'resource') : 'identity';
  const findings = [
    ...grammarFindings(doc, kind, text, policyType === 'RESOURCE_POLICY'),
    ...lintFindings(doc, await lintPolicy(doc, kind)),
    ...practiceFindings(doc, policyType, resourceType),
  ];
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const k = `${f.code}|${pathKey(f.path)}|${f.details ?? ''}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  unique.sort((a, b) => ORDER[CHECKS[a.code].type] - ORDER[CHECKS[b.code].type]);
  const max = Number(input.query.get('maxResults') ?? 100) || 100;
  const start = Number(Buffer.from(input.query.get('nextToken') ?? '', 'base64').toString('utf8')) || 0;
  const page = unique.slice(start, start + max).map((f) => shape(located, f));
  return { findings: page, ...(start + max < unique.length ? { nextToken: Buffer.from(String(start + max)).toString('base64') } : {}) };
}
