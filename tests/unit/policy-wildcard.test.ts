/**
 * The wildcard matcher (src/policy/wildcard.ts) and IAM strings with variables
 * (src/policy/iam-string.ts): the same answers as a regular expression on inputs small enough for
 * one, and a bounded number of steps on the inputs that make a regular expression backtrack.
 */
import { describe, expect, it } from 'vitest';
import { iamLiteral, iamStringHasWildcard, iamStringMatches, resolveIamString } from '../../src/policy/iam-string.js';
import { MatchBudget, MatchBudgetExceeded, wildcardMatch } from '../../src/policy/wildcard.js';

/** The textbook translation, fine for short inputs ([\s\S] so `*` also spans newlines, as in AWS). */
function reference(pattern: string, text: string, ignoreCase = false): boolean {
  const src = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${src}$`, ignoreCase ? 'i' : '').test(text);
}

/** A small deterministic random generator, so a failure names a case that can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/at:all', true],
    ['?', '', false],
    ['?', 'a', true],
    ['a*b', 'ab', true],
    ['a*b', 'axxb', true],
    ['a*b', 'axxbc', false],
    ['foo*bar', 'foobarbar', true],
    ['*sip*', 'mississippi', true],
    ['*a*a*a*a*b', 'a'.repeat(200), false],
    ['*a*a*a*a*b', `${'a'.repeat(200)}b`, true],
    ['acme-reports/*', 'acme-reports/q1.csv', true],
    ['acme-reports/*', 'acme-reports', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*.csv', 'dir/with\nnewline.csv', true],
  ])('%j against %j → %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });

  it('ignores case only when asked (actions and ARN partition/service/region/account)', () => {
    expect(wildcardMatch('Get*', 'getobject', { ignoreCase: true })).toBe(true);
    expect(wildcardMatch('Get*', 'getobject')).toBe(false);
  });

  it('matches ? to one character, also an emoji (a surrogate pair)', () => {
    expect(wildcardMatch('a?b', 'a😀b')).toBe(true);
    expect(wildcardMatch('a??b', 'a😀b')).toBe(false);
  });

  it('agrees with a regular expression on 5,000 random short cases', () => {
    const rand = rng(42);
    const pick = (alphabet: string, max: number) => Array.from({ length: Math.floor(rand() * max) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    const differences: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const pattern = pick('ab*?A', 8);
      const text = pick('abAB', 10);
      const ignoreCase = rand() < 0.3;
      if (wildcardMatch(pattern, text, { ignoreCase }) !== reference(pattern, text, ignoreCase)) differences.push(`${pattern} / ${text} / ${ignoreCase}`);
    }
    expect(differences).toEqual([]);
  });

  it('spends at most text × pattern steps where a regular expression backtracks (counted, not timed)', () => {
    for (const stars of [5, 10, 30]) {
      const pattern = `${'*a'.repeat(stars)}*b`;
      const text = 'a'.repeat(1024);
      const budget = new MatchBudget(Number.MAX_SAFE_INTEGER);
      expect(wildcardMatch(pattern, text, { budget })).toBe(false);
      const spent = Number.MAX_SAFE_INTEGER - budget.remaining;
      expect(spent).toBeLessThanOrEqual(text.length * pattern.length);
    }
  });

  it('stops with MatchBudgetExceeded when a request has spent its budget', () => {
    const budget = new MatchBudget(10_000);
    expect(() => wildcardMatch('*aaaaaaaaaaaaaaaaaaaaaaaaaaaaab', 'a'.repeat(5000), { budget })).toThrow(MatchBudgetExceeded);
  });
});

describe('IAM strings with policy variables', () => {
  const context: Record<string, string | string[]> = { 'aws:username': 'analyst', 'aws:tagkeys': ['a', 'b'], 'aws:empty': '' };
  const lookup = (k: string) => context[k.toLowerCase()];

  it('substitutes variables, defaults and the ${*} ${?} ${$} escapes', () => {
    expect(iamStringMatches('home/${aws:username}/*', 'home/analyst/notes.txt', lookup)).toBe(true);
    expect(iamStringMatches('home/${aws:username}/*', 'home/other/notes.txt', lookup)).toBe(false);
    expect(iamStringMatches("home/${aws:missing, 'guest'}/*", 'home/guest/x', lookup)).toBe(true);
    expect(iamStringMatches('literal${*}star', 'literal*star', lookup)).toBe(true);
    expect(iamStringMatches('literal${*}star', 'literalXstar', lookup)).toBe(false);
    expect(iamStringMatches('cost${$}', 'cost$', lookup)).toBe(true);
  });

  it('reports a variable with no single value as unresolvable (the simulator never matches it)', () => {
    expect(resolveIamString('x/${aws:missing}', lookup)).toBeUndefined();
    expect(resolveIamString('x/${aws:TagKeys}', lookup)).toBeUndefined();
  });

  it('a literal made by iamLiteral matches exactly its text', () => {
    for (const text of ['plain', 'a*b?c$d', '${aws:username}', 'x${*}y']) {
      expect(iamStringHasWildcard(iamLiteral(text))).toBe(false);
      expect(iamStringMatches(iamLiteral(text), text, lookup)).toBe(true);
      expect(iamStringMatches(iamLiteral(text), `${text}!`, lookup)).toBe(false);
    }
  });
});
