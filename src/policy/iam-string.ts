/**
 * IAM strings with policy variables, as a Resource id or a StringLike/ArnLike value is read
 * before matching: `${aws:username}` becomes the request's value, `${key, 'default'}` falls back
 * to the default, `${*}` `${?}` `${$}` are a literal `*` `?` `$`, and a bare `*` / `?` stays a
 * wildcard. The result is a pattern for wildcard.ts with the positions that are wildcards marked.
 * The rules are iam-simulate's (util.js convertIamString), so a decision made here is the one
 * the simulator would have made.
 */
import { wildcardMatch, type MatchBudget } from './wildcard.js';

/** A request context value as the simulator holds it: one string, or a list for multi-valued keys. */
export type ContextValue = string | string[];

/** Looks a context key up without regard to case (IAM context keys are case-insensitive). */
export type ContextLookup = (key: string) => ContextValue | undefined;

export interface ResolvedPattern {
  pattern: string;
  /** 1 where `pattern` has a wildcard, 0 for a literal character */
  wild: Uint8Array;
  hasWildcard: boolean;
}

/** `undefined`: a variable has no single value in the request, so the string can never match. */
export function resolveIamString(value: string, lookup: ContextLookup): ResolvedPattern | undefined {
  let pattern = '';
  const wild: number[] = [];
  let hasWildcard = false;
  const literal = (s: string) => {
    pattern += s;
    for (let i = 0; i < s.length; i++) wild.push(0);
  };
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === '*' || c === '?') {
      pattern += c;
      wild.push(1);
      hasWildcard = true;
      i++;
      continue;
    }
    if (c === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end >= 0) {
        const token = value.slice(i, end + 1);
        const resolved = resolveToken(token, lookup);
        if (resolved === undefined) return undefined;
        literal(resolved);
        i = end + 1;
        continue;
      }
    }
    literal(c);
    i++;
  }
  return { pattern, wild: Uint8Array.from(wild), hasWildcard };
}

function resolveToken(token: string, lookup: ContextLookup): string | undefined {
  if (token === '${*}') return '*';
  if (token === '${?}') return '?';
  if (token === '${$}') return '$';
  const inner = token.slice(2, -1);
  const parts = inner.split(', ');
  let fallback: string | undefined;
  if (parts.length === 2 && parts[1].startsWith("'") && parts[1].endsWith("'")) fallback = parts[1].slice(1, -1);
  const value = lookup(parts[0].trim());
  if (typeof value === 'string' && value !== '') return value;
  if (fallback) return fallback;
  // An empty value is neither missing nor multi-valued: the simulator keeps the token as written.
  if (value === '') return token;
  return undefined;
}

/** Whether an IAM string (variables resolved) matches `text`. `undefined` when it cannot be resolved. */
export function iamStringMatches(value: string, text: string, lookup: ContextLookup, budget?: MatchBudget): boolean | undefined {
  const r = resolveIamString(value, lookup);
  if (!r) return undefined;
  return wildcardMatch(r.pattern, text, { wild: r.wild, budget });
}

/** An IAM string that matches exactly `text` and nothing else (its `*`, `?`, `$` escaped). */
export function iamLiteral(text: string): string {
  return text.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/** Whether an IAM string has a wildcard outside the `${…}` escapes and variables. */
export function iamStringHasWildcard(value: string): boolean {
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === '*' || c === '?') return true;
    if (c === '$' && value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      if (end >= 0) {
        i = end + 1;
        continue;
      }
    }
    i++;
  }
  return false;
}

/** A short string that differs from every one of `taken` (for a decided "does not match"). */
export function unusedText(taken: Iterable<string>, letter = 'x'): string {
  const set = new Set(taken);
  let s = letter;
  while (set.has(s)) s += letter;
  return s;
}
