/**
 * StringLike / StringNotLike and ArnLike / ArnEquals / ArnNotLike / ArnNotEquals values decided
 * against the request's values for the condition key (see decided-patterns.ts). A pattern is
 * replaced by the request values it matches, written as literals, or by a value that matches
 * none of them: for every request value the operator then sees "some policy value matches" (or
 * "none does") exactly as before, whatever its set operator (ForAnyValue, ForAllValues) or
 * IfExists. The ARN operators compare partition, service, region, account and resource one by
 * one (iam-simulate's condition/arn/arn.js), case-sensitively.
 */
import { iamLiteral, iamStringHasWildcard, resolveIamString, unusedText, type ContextLookup } from './iam-string.js';
import { wildcardMatch, type MatchBudget } from './wildcard.js';

const STRING_OPERATORS = new Set(['stringlike', 'stringnotlike']);
const ARN_OPERATORS = new Set(['arnlike', 'arnnotlike', 'arnequals', 'arnnotequals']);

/** Which operators compare with wildcards: `ForAnyValue:StringLikeIfExists` → 'string'. */
export function decidedOperatorKind(operator: string): 'string' | 'arn' | undefined {
  let base = operator.slice(operator.lastIndexOf(':') + 1).toLowerCase();
  if (base.endsWith('ifexists')) base = base.slice(0, -'ifexists'.length);
  if (STRING_OPERATORS.has(base)) return 'string';
  if (ARN_OPERATORS.has(base)) return 'arn';
  return undefined;
}

export interface DecidedValues {
  values: string[];
  /** for each new value, the index of the policy value it stands for */
  origin: number[];
}

export function decideStringCondition(values: string[], candidates: string[], lookup: ContextLookup, budget: MatchBudget): DecidedValues | undefined {
  const out: DecidedValues = { values: [], origin: [] };
  let changed = false;
  values.forEach((value, i) => {
    const resolved = iamStringHasWildcard(value) ? resolveIamString(value, lookup) : undefined;
    // No wildcard (a literal comparison) or an unresolvable variable (never matches): as written.
    if (!resolved) return push(out, value, i);
    changed = true;
    const matched = unique(candidates.filter((c) => wildcardMatch(resolved.pattern, c, { wild: resolved.wild, budget })));
    if (matched.length === 0) return push(out, iamLiteral(unusedText(candidates)), i);
    for (const c of matched) push(out, iamLiteral(c), i);
  });
  return changed ? out : undefined;
}

/** A variable no request has: the simulator reports the value as unresolvable, as it did. */
const UNRESOLVABLE_ARN = 'arn:${iam-labs-unresolvable}:x:x:x:x';

type ArnParts = [string, string, string, string, string];

function arnParts(arn: string): ArnParts | undefined {
  const p = arn.split(':');
  if (p.length < 5) return undefined;
  return [p[1], p[2], p[3], p[4], p.slice(5).join(':')];
}

export function decideArnCondition(values: string[], candidates: string[], lookup: ContextLookup, budget: MatchBudget): DecidedValues | undefined {
  const out: DecidedValues = { values: [], origin: [] };
  let changed = false;
  values.forEach((value, i) => {
    const parts = arnParts(value);
    if (!parts || !parts.some(iamStringHasWildcard)) return push(out, value, i);
    changed = true;
    const matched: string[] = [];
    let unresolvable = false;
    for (const c of unique(candidates)) {
      const want = arnParts(c);
      if (!want) continue; // not an ARN: the simulator refuses it before looking at the pattern
      const outcome = arnOutcome(parts, want, lookup, budget);
      if (outcome === 'match') matched.push(c);
      else if (outcome === 'unresolvable') unresolvable = true;
    }
    for (const c of matched) push(out, iamLiteral(c), i);
    if (unresolvable) push(out, UNRESOLVABLE_ARN, i);
    if (matched.length === 0 && !unresolvable) {
      const partition = unusedText(candidates.map((c) => arnParts(c)?.[0] ?? ''));
      push(out, `arn:${partition}:x:x:x:x`, i);
    }
  });
  return changed ? out : undefined;
}

function arnOutcome(policy: ArnParts, request: ArnParts, lookup: ContextLookup, budget: MatchBudget): 'match' | 'nomatch' | 'unresolvable' {
  for (let k = 0; k < 5; k++) {
    const resolved = resolveIamString(policy[k], lookup);
    if (!resolved) return 'unresolvable';
    if (!wildcardMatch(resolved.pattern, request[k], { wild: resolved.wild, budget })) return 'nomatch';
  }
  return 'match';
}

function push(out: DecidedValues, value: string, origin: number): void {
  out.values.push(value);
  out.origin.push(origin);
}

const unique = (xs: string[]) => [...new Set(xs)];
