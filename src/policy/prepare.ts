/**
 * Policies as the simulator receives them: parsed and validated once per document text, and cut
 * down to the statements that can concern the requested service. AWS managed policies such as
 * ReadOnlyAccess list thousands of actions; evaluating all of them on every request would cost
 * milliseconds, while the few statements for one service cost microseconds. Statement numbers
 * stay those of the original document (indexMap) so explanations still point at the right place.
 */
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy, type ValidatedPolicy } from '@cloud-copilot/iam-policy';
import type { PolicyInput, StatementRef } from './types.js';
import { failClosedConditions, parsePolicyText } from './validate.js';
import { actionMatches, statementList } from './statements.js';

type Kind = StatementRef['kind'];

export interface PreparedPolicy {
  policy: ValidatedPolicy<{ name: string }>;
  /** filtered statement position (0-based) → original 1-based index; -1 for the placeholder */
  indexMap: number[];
}

/** A statement that can never apply: keeps a policy non-empty when no statement concerns the service. */
const NEVER = { Effect: 'Deny', NotAction: '*', Resource: '*' };
const MAX_TEXTS = 2000;
/** document text → (kind|name|service → prepared). Keyed by the text object itself: V8 caches its hash. */
const cache = new Map<string, Map<string, PreparedPolicy>>();


/** Could this Action entry match an action of `service`? ("*", "s3:*", "s*:Get*", …) */
function concernsService(entry: unknown, service: string): boolean {
  if (typeof entry !== 'string') return true;
  if (entry === '*') return true;
  const colon = entry.indexOf(':');
  if (colon < 0) return true;
  const svc = entry.slice(0, colon);
  return svc.includes('*') || svc.includes('?') ? actionMatches(svc, service) : svc.toLowerCase() === service;
}

function filterForService(doc: Record<string, unknown>, service: string): { doc: Record<string, unknown>; indexMap: number[] } {
  const list = statementList(doc);
  const kept: unknown[] = [];
  const indexMap: number[] = [];
  list.forEach((s, i) => {
    if (!s || typeof s !== 'object' || !('Action' in s)) {
      kept.push(s);
      indexMap.push(i + 1);
      return;
    }
    const st = s as Record<string, unknown>;
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    const relevant = actions.filter((a) => concernsService(a, service));
    if (relevant.length === 0) return;
    kept.push(relevant.length === actions.length ? st : { ...st, Action: relevant });
    indexMap.push(i + 1);
  });
  if (kept.length === 0) {
    kept.push(NEVER);
    indexMap.push(-1);
  }
  return { doc: { ...doc, Statement: kept }, indexMap };
}

/** `service` is the lower-cased prefix of the requested action ("s3", "iam", "sts"). */
export function preparePolicy(input: PolicyInput, kind: Kind, service: string): PreparedPolicy {
  const text = typeof input.document === 'string' ? input.document : JSON.stringify(input.document);
  let byText = cache.get(text);
  if (!byText) {
    if (cache.size >= MAX_TEXTS) cache.delete(cache.keys().next().value as string);
    byText = new Map();
    cache.set(text, byText);
  }
  const sub = `${kind}|${service}|${input.name}`;
  let hit = byText.get(sub);
  if (!hit) {
    // Stored documents were validated when written; should one not parse, it grants nothing.
    const parsed = (typeof input.document === 'string' ? parsePolicyText(input.document) : (input.document as Record<string, unknown>)) ?? {
      Version: '2012-10-17',
      Statement: [NEVER],
    };
    // An unknown condition operator must never be skipped silently (a Deny would fail open).
    const { doc, indexMap } = filterForService(failClosedConditions(parsed), service);
    const fn = kind === 'resource' ? validateResourcePolicy : validateIdentityPolicy;
    hit = { policy: createValidatedPolicy(doc, fn, { name: input.name }), indexMap };
    byText.set(sub, hit);
  }
  return hit;
}
