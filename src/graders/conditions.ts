/**
 * Building named conditions: plain facts (pass/fail/unverifiable) and permission probes turned
 * into conditions whose `why` names the deciding statement or the element that did not match.
 */
import { lintHints } from '../policy/lint.js';
import { s3Arn } from './aws.js';
import { decidingPolicyText, decisionWords, explainOutcome, HYPOTHETICAL_SOURCE, meets, probeSubject, type Expectation } from './explain.js';
import { suggestFix } from './fixes.js';
import { MissingPrincipal, type GatheredPolicy, type ProbeRequest, type Probes } from './probes.js';
import type { Condition } from './types.js';

export function passed(name: string, expected: string, found: string): Condition {
  return { name, status: 'passed', expected, found };
}

export function failed(name: string, expected: string, found: string, why: string, hint?: string): Condition {
  return hint ? { name, status: 'failed', expected, found, why, hint } : { name, status: 'failed', expected, found, why };
}

export function unverifiable(name: string, expected: string, why: string): Condition {
  return { name, status: 'unverifiable', expected, found: 'not verifiable on this backend', why };
}

export function fact(ok: boolean, name: string, expected: string, found: string, why: string, hint?: string): Condition {
  return ok ? passed(name, expected, found) : failed(name, expected, found, why, hint);
}

const WANT_WORDS: Record<Expectation, string> = {
  allow: 'allowed',
  deny: 'denied',
  'explicit-deny': 'explicitly denied',
};

/**
 * Run a probe and grade it. `hint` is the state-aware hint shown when it fails (computed by the
 * step, which knows what the learner is likely to have done).
 */
export async function probeCondition(
  probes: Probes,
  name: string,
  req: ProbeRequest,
  want: Expectation,
  hint?: string | (() => Promise<string | undefined>),
): Promise<Condition> {
  const expected = WANT_WORDS[want];
  try {
    const outcome = await probes.run(req);
    const found = decisionWords(outcome.result.decision);
    if (meets(outcome.result, want)) return passed(name, expected, found);
    // the step's own hint when it knows better, else the fix the outcome itself points to
    const h = (typeof hint === 'function' ? await hint() : hint) ?? suggestFix(outcome, want);
    const typos = await typoHints(outcome.policies, h);
    const fullHint = [h, ...typos].filter(Boolean).join(' ') || undefined;
    const cond = failed(name, expected, found, `${probeSubject(outcome)}: ${explainOutcome(outcome, want)}`, fullHint);
    const policy = decidingPolicyText(outcome);
    return policy ? { ...cond, policy } : cond;
  } catch (e) {
    if (e instanceof MissingPrincipal) {
      // Even a wanted denial fails when the principal is gone: "bob deleted" is its own mistake.
      return failed(name, expected, `${e.what} does not exist`, `This needs ${e.what}, which does not exist in the account.`, typeof hint === 'string' ? hint : createCommand(e.what));
    }
    throw e;
  }
}

/**
 * Stand-ins for "any other bucket" (their ARNs; with `key`, an object in each), for a step that allows `bucket` only: one whose name extends
 * it (what a missing "/" or a trailing * reaches: `acme-app-data*`), one whose name ends like it
 * (a leading *: `*-data/*`), and one with nothing in common (NotResource, "*"). No statement that
 * names `bucket` alone reaches any of them; sampling a single other bucket misses the wildcards.
 */
export function otherBuckets(partition: string, bucket: string, key?: string): string[] {
  return [`${bucket}-archive`, `other-${bucket}`, 'unrelated-bucket-0'].map((b) => s3Arn(partition, key === undefined ? b : `${b}/${key}`));
}

/**
 * "Nothing on other buckets, whatever the grammar": the request denied on each of `resources`
 * (otherBuckets'), as one condition — the first one
 * allowed, else passed. (COURSE.md: least privilege, whatever the grammar: `*`, wildcards, NotResource.)
 */
export async function othersDenied(
  probes: Probes,
  name: string,
  req: Omit<ProbeRequest, 'resource'>,
  resources: string[],
  hint?: string | (() => Promise<string | undefined>),
): Promise<Condition> {
  let last: Condition | undefined;
  for (const resource of resources) {
    last = await probeCondition(probes, name, { ...req, resource } as ProbeRequest, 'deny', hint);
    if (last.status !== 'passed') return last;
  }
  return last!;
}

/** "Create it: aws iam create-group --group-name developers" for "group developers". */
function createCommand(what: string): string {
  const [kind, name] = what.split(' ');
  if (kind === 'role') return `Create role ${name} first (aws iam create-role --role-name ${name} --assume-role-policy-document file://trust.json).`;
  return `Create it first: aws iam create-${kind} --${kind}-name ${name}`;
}

/**
 * Typos in the learner's own documents (not AWS managed ones, not the probe's hypothetical ones):
 * unknown actions, service principals that do not exist, ARNs that cannot match.
 */
async function typoHints(policies: GatheredPolicy[], already?: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of policies) {
    if (p.source === HYPOTHETICAL_SOURCE || p.arn?.includes(':iam::aws:policy/')) continue;
    const kind = p.kind === 'resource' ? (p.name.startsWith('trust policy') ? 'trust' : 'resource') : 'identity';
    for (const h of await lintHints(p.document, kind, p.name)) if (!already?.includes(h) && !out.includes(h)) out.push(h);
  }
  return out;
}
