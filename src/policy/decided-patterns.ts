/**
 * The matching adapter between our policies and iam-simulate. iam-simulate turns every wildcard
 * pattern into a regular expression (`*` → `.*?`), and those backtrack: a Resource of
 * `arn:aws:s3:::wbk/*a*a*a*a*b` against a key of 200 `a`s held the event loop for seconds. So
 * before a simulation, every pattern the simulator would match against this request with a
 * regular expression (an Action with a wildcard, every Resource/NotResource ARN, a
 * StringLike/ArnLike value with a wildcard) is decided here with wildcard.ts, which does not
 * backtrack, and replaced by a pattern that gives the simulator the same answer at once: `*` or
 * the request's own value where it matched, a value that cannot match where it did not.
 * iam-simulate still applies every other rule (effects, NotAction, short ARNs, condition
 * operators and set operators, policy types); its explanations are mapped back to the patterns
 * as written (restoreExplain) so a learner sees their own policy.
 */
import type { ValidatedPolicy } from '@cloud-copilot/iam-policy';
import type { StatementExplain } from '@cloud-copilot/iam-simulate';
import { decideArnCondition, decideStringCondition, decidedOperatorKind } from './decided-conditions.js';
import { decideResource, type PolicyType, type RequestedResource } from './decided-resources.js';
import type { ContextLookup } from './iam-string.js';
import { wildcardMatch, type MatchBudget } from './wildcard.js';

export interface DecisionInput {
  /** "s3:GetObject" as requested */
  action: string;
  resource: RequestedResource;
  /** how short ARNs read (a resource policy's do not match unless they have a wildcard) */
  policyType: PolicyType;
  /** the context values the simulator will hold for this request */
  lookup: ContextLookup;
  budget: MatchBudget;
}

/** What the rewritten statement replaced, by position, to put the learner's patterns back. */
interface StatementRestore {
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  /** `${operator}\u0000${key}` → original values and, per rewritten value, the original it stands for */
  conditions: Map<string, { values: string[]; origin: number[]; wasArray: boolean }>;
}

type Statement = Record<string, unknown>;

/** Rewritten statement objects → what they replaced (the explain carries the statement object). */
const restores = new WeakMap<object, StatementRestore>();

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const NO_CONDITIONS: StatementRestore['conditions'] = new Map();
const ALL_WILDCARDS = /^\*+$/;

/** The policy with its patterns decided for this request (the same object when it has none to decide). */
export function decidePolicy<M>(policy: ValidatedPolicy<M>, input: DecisionInput): ValidatedPolicy<M> {
  const doc = policy.policyDocument as Record<string, unknown>;
  const statements = asList(doc.Statement);
  let changed = false;
  const out = statements.map((s) => {
    if (!s || typeof s !== 'object') return s;
    const next = decideStatement(s as Statement, input);
    if (next !== s) changed = true;
    return next;
  });
  if (!changed) return policy;
  return { ...policy, policyDocument: { ...doc, Statement: Array.isArray(doc.Statement) ? out : out[0] } as typeof policy.policyDocument };
}

function decideStatement(st: Statement, input: DecisionInput): Statement {
  const restore: StatementRestore = { conditions: NO_CONDITIONS };
  let next: Statement | undefined;
  const set = (key: string, value: unknown) => {
    next ??= { ...st };
    next[key] = value;
  };
  for (const element of ['Action', 'NotAction'] as const) {
    if (st[element] === undefined) continue;
    const values = asList(st[element]);
    const decided = values.map((v) => (typeof v === 'string' ? decideAction(v, input) : v));
    if (decided.some((d, i) => d !== values[i])) {
      restore[element] = values.map(String);
      set(element, Array.isArray(st[element]) ? decided : decided[0]);
    }
  }
  for (const element of ['Resource', 'NotResource'] as const) {
    if (st[element] === undefined) continue;
    const values = asList(st[element]);
    const decided = values.map((v) => (typeof v === 'string' ? decideResource(v, input.resource, input.policyType, input.lookup, input.budget) : v));
    if (decided.some((d, i) => d !== values[i])) {
      restore[element] = values.map(String);
      set(element, Array.isArray(st[element]) ? decided : decided[0]);
    }
  }
  const condition = st.Condition;
  if (condition && typeof condition === 'object' && !Array.isArray(condition)) {
    let newCondition: Record<string, Record<string, unknown>> | undefined;
    for (const [op, block] of Object.entries(condition as Record<string, unknown>)) {
      const kind = decidedOperatorKind(op);
      if (!kind || !block || typeof block !== 'object' || Array.isArray(block)) continue;
      for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
        const values = asList(raw).map((v) => String(v));
        const candidates = input.lookup(key);
        if (candidates === undefined) continue; // the key is absent: the simulator matches no pattern
        const decide = kind === 'arn' ? decideArnCondition : decideStringCondition;
        const decided = decide(values, typeof candidates === 'string' ? [candidates] : candidates, input.lookup, input.budget);
        if (!decided) continue;
        newCondition ??= Object.fromEntries(Object.entries(condition as Record<string, Record<string, unknown>>).map(([o, b]) => [o, { ...b }]));
        newCondition[op][key] = decided.values;
        if (restore.conditions === NO_CONDITIONS) restore.conditions = new Map();
        restore.conditions.set(`${op}\u0000${key}`.toLowerCase(), { values, origin: decided.origin, wasArray: Array.isArray(raw) });
      }
    }
    if (newCondition) set('Condition', newCondition);
  }
  if (!next) return st;
  restores.set(next, restore);
  return next;
}

/** `service:Action*` against the requested action, as iam-simulate's action matching reads it. */
function decideAction(value: string, input: DecisionInput): string {
  if (ALL_WILDCARDS.test(value)) return value;
  const colon = value.indexOf(':');
  if (colon < 0) return value;
  const service = value.slice(0, colon);
  const part = segment(value.slice(colon + 1));
  const reqColon = input.action.indexOf(':');
  const reqService = reqColon < 0 ? input.action : input.action.slice(0, reqColon);
  if (part.length === 0 || /\s/.test(part) || service.toLowerCase() !== reqService.toLowerCase()) return value;
  if (!part.includes('*') && !part.includes('?')) return value;
  const reqPart = reqColon < 0 ? '' : segment(input.action.slice(reqColon + 1));
  // `service:*` matches any action of the service; `service:` (an empty action) matches none.
  return wildcardMatch(part, reqPart, { ignoreCase: true, budget: input.budget }) ? `${service}:*` : `${service}:`;
}

/** The text up to the next `:` (iam-policy reads only the second segment of an action). */
const segment = (s: string) => {
  const c = s.indexOf(':');
  return c < 0 ? s : s.slice(0, c);
};

/** Put the written values back by position (the rewritten element kept the same positions). */
function restoreValues<T extends { action: string } | { resource: string }>(v: T | T[] | undefined, originals: string[], field: 'action' | 'resource'): T | T[] | undefined {
  if (v === undefined) return v;
  if (!Array.isArray(v)) return { ...v, [field]: originals[0] };
  return v.map((x, i) => ({ ...x, [field]: originals[i] }));
}

/**
 * iam-simulate's explanation of a statement, with the patterns as the policy wrote them where
 * this module had decided them.
 */
export function restoreExplain(statementObject: object | undefined, explain: StatementExplain): StatementExplain {
  const r = statementObject ? restores.get(statementObject) : undefined;
  if (!r) return explain;
  const out: StatementExplain = { ...explain };
  if (r.Action) out.actions = restoreValues(explain.actions, r.Action, 'action');
  if (r.NotAction) out.notActions = restoreValues(explain.notActions, r.NotAction, 'action');
  if (r.Resource) out.resources = restoreValues(explain.resources, r.Resource, 'resource');
  if (r.NotResource) out.notResources = restoreValues(explain.notResources, r.NotResource, 'resource');
  if (explain.conditions && r.conditions.size) {
    out.conditions = explain.conditions.map((c) => {
      const info = r.conditions.get(`${c.operator}\u0000${c.conditionKeyValue}`.toLowerCase());
      if (!info) return c;
      const given = Array.isArray(c.values) ? c.values : [c.values];
      const merged = info.values.map((value, i) => {
        const stand = given.filter((_, j) => info.origin[j] === i);
        return { value, matches: stand.some((s) => s.matches) };
      });
      return { ...c, values: info.wasArray ? merged : merged[0] };
    });
  }
  return out;
}
