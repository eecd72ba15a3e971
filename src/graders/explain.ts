/**
 * Probe outcomes in learner language: the decision (explicitly denied, implicitly denied, allowed
 * when it should not be) and the statement or element that decided, naming policy, statement
 * (index and Sid) and element. Also renders a policy as readable JSON with a statement marked.
 */
import { describeResource } from '../policy/explain.js';
import { asList, parsePolicy, statementCoversAction, statementCoversResource, statementsOf } from '../policy/statements.js';
import type { Decision, EvaluationResult, NearMiss } from '../policy/types.js';
import type { GatheredPolicy, ProbeOutcome } from './probes.js';
import { allStatements, clausePhrase, matchClauses, statementOf, type FoundStatement } from './statement-match.js';

export type Expectation = 'allow' | 'deny' | 'explicit-deny';

export function decisionWords(d: Decision): string {
  return d === 'Allowed' ? 'allowed' : d === 'ExplicitlyDenied' ? 'explicitly denied' : 'implicitly denied (nothing allows it)';
}

export function statementLabel(index: number, sid?: string): string {
  return sid ? `statement ${index} "${sid}"` : `statement ${index}`;
}

/** "ReportsReader, attached to user analyst, statement 1" — without repeating a source equal to the name. */
export function policyLabel(name: string, source: string | undefined, index: number, sid?: string): string {
  const where = source && !source.endsWith(name) && !name.endsWith(source) ? `, ${source}` : '';
  return `${name}${where}, ${statementLabel(index, sid)}`;
}

/** Policies a probe invents for hypothetical principals ("their own account allows …") are not worth naming. */
export const HYPOTHETICAL_SOURCE = 'hypothetical';

const present = <T>(x: T | undefined): x is T => x !== undefined;
const capitalize = (s: string) => (/^(the|a) /.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/**
 * Why an Allow did not apply, from the engine's near misses (src/policy/explain.ts, the one place
 * near misses are worked out): statements that allow the action but name other resources, whose
 * Condition did not hold, or whose Principal is someone else. Used when nothing allowed the request.
 */
/**
 * How close an Allow came: 0 = one element off (a Principal, a Condition, the bucket named where
 * its objects were meant or the reverse), 1 = a NotResource, 2 = a Resource naming something
 * else altogether (another bucket: that statement is about other things, not a near miss).
 */
export function missRank(m: NearMiss): number {
  if (m.element !== 'Resource') return m.element === 'NotResource' ? 1 : 0;
  return /names objects, not the bucket|names the bucket itself/.test(m.detail) ? 0 : 2;
}

/** The Allow near misses worth telling: the closest ones (statements about other resources only when nothing came closer). */
export function closestAllowMisses(outcome: ProbeOutcome): NearMiss[] {
  const allows = outcome.result.nearMisses.filter((m) => m.effect === 'Allow' && m.element !== 'Action' && m.element !== 'NotAction');
  const best = Math.min(...allows.map(missRank));
  return allows.filter((m) => missRank(m) === best);
}

export function nearMissSentences(outcome: ProbeOutcome): string[] {
  const { action, resource } = outcome.request;
  const allows = closestAllowMisses(outcome);
  const only = allows.length === 1 ? 'the only statement that allows it' : 'a statement that allows it';
  return allows.slice(0, 3).map((m) => {
    const label = `${m.policy}, ${statementLabel(m.index, m.sid)}`;
    if (m.element === 'Resource' || m.element === 'NotResource') {
      // "Resource lists X, which …" reads on from the element: "the Resource of (label) lists X, which …"
      const clause = m.detail.startsWith(`${m.element} `) ? m.detail.slice(m.element.length + 1) : m.detail;
      return `${action} acts on ${describeResource(resource)}, but the ${m.element} of ${only} (${label}) ${clause}`;
    }
    // An account principal is not a miss of the Principal but a hand-over to identity policies.
    if (m.handsOverToAccount) return `${only} (${label}) is not enough on its own: ${m.detail}`;
    return `${only} (${label}) did not apply: ${m.detail}`;
  });
}

/** Deny statements that came close but missed (for steps that want an explicit deny). */
function denyMissSentences(outcome: ProbeOutcome): string[] {
  const { action, resource } = outcome.request;
  return outcome.result.nearMisses
    .filter((m) => m.effect === 'Deny')
    .slice(0, 2)
    .map((m) => {
      const label = `${m.policy}, ${statementLabel(m.index, m.sid)}`;
      if (m.element === 'Resource' || m.element === 'NotResource') {
        const clause = m.detail.startsWith(`${m.element} `) ? m.detail.slice(m.element.length + 1) : m.detail;
        return `there is a Deny (${label}), but ${action} acts on ${describeResource(resource)} and its Resource ${clause}`;
      }
      return `there is a Deny (${label}), but it did not apply: ${m.detail}`;
    });
}

/** The statements that decided (Allow or Deny), as label plus the clause naming the element that matched. */
function decidingSentences(outcome: ProbeOutcome, effect: 'Allow' | 'Deny'): string[] {
  const { action, resource, context } = outcome.request;
  const refs = outcome.result.deciding.filter((d) => d.effect === effect && outcome.policies.find((p) => p.name === d.policy)?.source !== HYPOTHETICAL_SOURCE);
  const found: FoundStatement[] = refs.length
    ? refs.map((r) => statementOf(outcome, r)).filter(present)
    : allStatements(outcome.policies)
        .filter((s) => s.policy.source !== HYPOTHETICAL_SOURCE)
        .filter((s) => s.st.Effect === effect && statementCoversAction(s.st, action) && statementCoversResource(s.st, resource));
  return found.slice(0, 3).map((f) => {
    const clauses = matchClauses(f.st, { action, resource, context }, f.policy.kind === 'resource');
    return `${policyLabel(f.policy.name, f.policy.source, f.index, f.st.Sid)} ${effect === 'Allow' ? 'allows' : 'denies'} ${action} on ${resource}: ${clausePhrase(clauses)}`;
  });
}

export function probeSubject(outcome: ProbeOutcome): string {
  const { action, resource, context } = outcome.request;
  const ctx = Object.entries(context ?? {}).filter(([k]) => !/^aws:(username|userid)$/i.test(k));
  const withCtx = ctx.length ? ` with ${ctx.map(([k, v]) => `${k}=${asList(v).join(',')}`).join(', ')}` : '';
  return `${outcome.principalLabel} → ${action} on ${resource}${withCtx}`;
}

/** Whether the outcome meets the expectation. */
export function meets(result: EvaluationResult, want: Expectation): boolean {
  if (want === 'allow') return result.decision === 'Allowed';
  if (want === 'deny') return result.decision !== 'Allowed';
  return result.decision === 'ExplicitlyDenied';
}

/**
 * Explain why the outcome does (not) meet the expectation. An explicit Deny that applies wins;
 * otherwise an Allow is needed, and without one the request is implicitly denied:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 */
export function explainOutcome(outcome: ProbeOutcome, want: Expectation): string {
  const { result } = outcome;
  const { action, resource } = outcome.request;
  if (result.decision === 'Allowed' && want !== 'allow') {
    const by = decidingSentences(outcome, 'Allow');
    // a Deny that was meant to stop it but missed is the thing to fix
    const missed = want === 'explicit-deny' ? denyMissSentences(outcome).map((n) => ` ${n.charAt(0).toUpperCase()}${n.slice(1)}.`).join('') : '';
    return `Allowed when it should not be: ${by.length ? by.join('; ') : result.reason.replace(/\.$/, '')}.${missed}`;
  }
  if (result.decision === 'ExplicitlyDenied') {
    const by = decidingSentences(outcome, 'Deny');
    return by.length ? `Explicitly denied: ${by.join('; ')}. An explicit Deny wins over every Allow.` : result.reason || 'Explicitly denied: an explicit Deny wins over every Allow.';
  }
  if (result.decision === 'ImplicitlyDenied') {
    if (want === 'explicit-deny') {
      const near = denyMissSentences(outcome);
      const lead = `Only implicitly denied: nothing allows ${action} on ${resource} right now, but no statement explicitly denies it, so a policy added later could allow it.`;
      return near.length ? `${lead} ${near.map((n) => n.charAt(0).toUpperCase() + n.slice(1)).join('. ')}.` : `${lead} This step asks for a statement with "Effect": "Deny".`;
    }
    const misses = nearMissSentences(outcome);
    // no Allow came close: the other near misses (a Deny that did not apply, a typo in Action)
    const others = result.nearMisses.slice(0, 2).map((m) => `${m.policy}, ${statementLabel(m.index, m.sid)}: ${m.detail}`);
    const details = misses.length ? misses : others;
    const head =
      result.deniedBy === 'boundary'
        ? 'Implicitly denied by the permissions boundary'
        : result.deniedBy === 'resource'
          ? 'Implicitly denied: the resource policy does not allow it'
          : `Implicitly denied: no policy of ${outcome.principalLabel} allows ${action} on ${resource}`;
    if (details.length) return `${head}. ${details.map(capitalize).join('. ')}.`;
    // the boundary is what stops it: name it, not the identity policies that do allow the action
    if (result.deniedBy === 'boundary') return `${head}.${boundaryNote(outcome)}`;
    return `${head}.${policiesNote(outcome)}`;
  }
  return result.reason;
}

/**
 * A permissions boundary caps what identity policies can grant: an action it does not allow is
 * denied whatever they allow.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
function boundaryNote(outcome: ProbeOutcome): string {
  const boundary = outcome.policies.find((p) => p.kind === 'boundary');
  if (!boundary) return '';
  const where = boundary.source && !boundary.source.endsWith(boundary.name) ? `, ${boundary.source}` : '';
  return ` The boundary (${boundary.name}${where}) does not allow ${outcome.request.action}, so no identity policy can grant it.`;
}

/** What the principal has when nothing came close: no policies, or policies that never mention the action. */
function policiesNote(outcome: ProbeOutcome): string {
  const own = outcome.policies.filter((p) => p.source !== HYPOTHETICAL_SOURCE);
  const identity = own.filter((p) => p.kind === 'identity');
  const resourceOnly = outcome.identityIgnored ? ` Only the resource's own policy counts here: ${outcome.principalLabel}'s identity policies are left out on purpose.` : '';
  if (outcome.identityIgnored) return resourceOnly;
  // a hypothetical member of a group has exactly the group's policies
  const holder = outcome.principalLabel.replace(/^a member of (group .+)$/, '$1');
  if (!own.length) return ` (${holder} has no policies at all.)`;
  if (!identity.length) return ` (${outcome.principalLabel} has no identity-based policies.)`;
  const names = identity.slice(0, 3).map((p) => (p.source && !p.source.endsWith(p.name) ? `${p.name}, ${p.source}` : p.name));
  return ` None of its policies (${names.join('; ')}) mentions ${outcome.request.action}.`;
}

/**
 * A policy as readable JSON with the given statements (1-based) marked by "▶" in the margin,
 * for `iam-labs why` and failed checks.
 */
export function renderPolicyMarked(document: string, marked: number[], marker = '▶'): string {
  const doc = parsePolicy(document);
  if (!doc) return document;
  const statements = statementsOf(doc);
  const pad = ' '.repeat(marker.length + 1);
  const lines: string[] = [];
  const head = { ...doc, Statement: '__STATEMENTS__' };
  const headText = JSON.stringify(head, null, 2).split('\n');
  for (const l of headText) {
    if (!l.includes('"__STATEMENTS__"')) {
      lines.push(pad + l);
      continue;
    }
    const indent = /^\s*/.exec(l)?.[0] ?? '';
    const comma = l.trimEnd().endsWith(',') ? ',' : '';
    lines.push(`${pad}${indent}"Statement": [`);
    statements.forEach((st, i) => {
      const isMarked = marked.includes(i + 1);
      const body = JSON.stringify(st, null, 2).split('\n');
      const last = i === statements.length - 1;
      body.forEach((b, j) => {
        const margin = isMarked ? `${marker} ` : pad;
        lines.push(`${margin}${indent}  ${b}${j === body.length - 1 && !last ? ',' : ''}`);
      });
    });
    lines.push(`${pad}${indent}]${comma}`);
  }
  return lines.join('\n');
}

/**
 * The one policy worth showing for a failed probe: the one holding the deciding statement (explicit
 * deny, or the Allow that should not be there), else the one whose statement nearly matched.
 */
export function decidingPolicyText(outcome: ProbeOutcome): string | undefined {
  const { action, resource } = outcome.request;
  const own = outcome.policies.filter((p) => p.source !== HYPOTHETICAL_SOURCE);
  const decision = outcome.result.decision;
  const pick = (effect: 'Allow' | 'Deny', applies: boolean) => {
    for (const p of own) {
      const idx = statementsOf(parsePolicy(p.document))
        .map((st, i) => ({ st, i: i + 1 }))
        .filter(({ st }) => st.Effect === effect && statementCoversAction(st, action) && (!applies || (statementCoversResource(st, resource) && !st.Condition)))
        .map(({ i }) => i);
      if (idx.length) return { p, idx };
    }
    return undefined;
  };
  const engineRef = outcome.result.deciding.find((d) => own.some((p) => p.name === d.policy));
  let found: { p: GatheredPolicy; idx: number[] } | undefined;
  if (engineRef) {
    const p = own.find((x) => x.name === engineRef.policy)!;
    found = { p, idx: outcome.result.deciding.filter((d) => d.policy === p.name).map((d) => d.index) };
  } else if (decision === 'ExplicitlyDenied') found = pick('Deny', true);
  else if (decision === 'Allowed') found = pick('Allow', true) ?? pick('Allow', false);
  else found = pick('Allow', false);
  if (!found) return undefined;
  const where = found.p.source && !found.p.source.endsWith(found.p.name) ? ` — ${found.p.source}` : '';
  return `${found.p.name}${where}:\n${renderPolicyMarked(found.p.document, found.idx)}`;
}
