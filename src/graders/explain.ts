/**
 * Probe outcomes in learner language: the decision (explicitly denied, implicitly denied, allowed
 * when it should not be) and the statement or element that decided, naming policy, statement
 * (index and Sid) and element. Also renders a policy as readable JSON with a statement marked.
 */
import { describeResource } from '../policy/explain.js';
import { asList, parsePolicy, statementCoversAction, statementCoversResource, statementsOf, type PolicyStatement } from '../policy/statements.js';
import type { Decision, EvaluationResult, StatementRef } from '../policy/types.js';
import type { GatheredPolicy, ProbeOutcome } from './probes.js';

export type Expectation = 'allow' | 'deny' | 'explicit-deny';

export function decisionWords(d: Decision): string {
  return d === 'Allowed' ? 'allowed' : d === 'ExplicitlyDenied' ? 'explicitly denied' : 'implicitly denied (nothing allows it)';
}

export function statementLabel(index: number, sid?: string): string {
  return sid ? `statement ${index} "${sid}"` : `statement ${index}`;
}

/** "ReportsReader, attached to user analyst, statement 1" — without repeating a source equal to the name. */
function policyLabel(name: string, source: string | undefined, index: number, sid?: string): string {
  const where = source && !source.endsWith(name) && !name.endsWith(source) ? `, ${source}` : '';
  return `${name}${where}, ${statementLabel(index, sid)}`;
}

/** Policies a probe invents for hypothetical principals ("their own account allows …") are not worth naming. */
export const HYPOTHETICAL_SOURCE = 'hypothetical';

function refLabel(r: StatementRef, policies: GatheredPolicy[]): string | undefined {
  const pol = policies.find((p) => p.name === r.policy);
  if (pol?.source === HYPOTHETICAL_SOURCE) return undefined;
  return policyLabel(r.policy, r.source ?? pol?.source, r.index, r.sid);
}

const present = <T>(x: T | undefined): x is T => x !== undefined;
const capitalize = (s: string) => (/^(the|a) /.test(s) ? s.charAt(0).toUpperCase() + s.slice(1) : s);

interface FoundStatement {
  policy: GatheredPolicy;
  index: number;
  st: PolicyStatement;
}

function allStatements(policies: GatheredPolicy[]): FoundStatement[] {
  const out: FoundStatement[] = [];
  for (const policy of policies) {
    statementsOf(parsePolicy(policy.document)).forEach((st, i) => out.push({ policy, index: i + 1, st }));
  }
  return out;
}

/**
 * Why an Allow did not apply, from the engine's near misses (src/policy/explain.ts, the one place
 * near misses are worked out): statements that allow the action but name other resources, whose
 * Condition did not hold, or whose Principal is someone else. Used when nothing allowed the request.
 */
export function nearMissSentences(outcome: ProbeOutcome): string[] {
  const { action, resource } = outcome.request;
  const allows = outcome.result.nearMisses.filter((m) => m.effect === 'Allow' && m.element !== 'Action' && m.element !== 'NotAction');
  const only = allows.length === 1 ? 'the only statement that allows it' : 'a statement that allows it';
  return allows.slice(0, 3).map((m) => {
    const label = `${m.policy}, ${statementLabel(m.index, m.sid)}`;
    if (m.element === 'Resource' || m.element === 'NotResource') {
      // "Resource lists X, which …" reads on from the statement: "(label) lists X, which …"
      const clause = m.detail.startsWith(`${m.element} `) ? m.detail.slice(m.element.length + 1) : m.detail;
      return `${action} acts on ${describeResource(resource)}; ${only} (${label}) ${clause}`;
    }
    return `${only} (${label}) did not apply: ${m.detail}`;
  });
}

/** The statements that granted an allowed request, from the engine or (fallback) the documents. */
function allowingSentences(outcome: ProbeOutcome): string[] {
  const refs = outcome.result.deciding.filter((d) => d.effect === 'Allow');
  const named = refs.map((r) => refLabel(r, outcome.policies)).filter(present);
  if (named.length) return named.slice(0, 3);
  const { action, resource } = outcome.request;
  return allStatements(outcome.policies)
    .filter((s) => s.policy.source !== HYPOTHETICAL_SOURCE)
    .filter((s) => s.st.Effect === 'Allow' && statementCoversAction(s.st, action) && statementCoversResource(s.st, resource))
    .slice(0, 3)
    .map((s) => policyLabel(s.policy.name, s.policy.source, s.index, s.st.Sid));
}

function denyingSentences(outcome: ProbeOutcome): string[] {
  const refs = outcome.result.deciding.filter((d) => d.effect === 'Deny');
  const named = refs.map((r) => refLabel(r, outcome.policies)).filter(present);
  if (named.length) return named.slice(0, 3);
  const { action, resource } = outcome.request;
  return allStatements(outcome.policies)
    .filter((s) => s.st.Effect === 'Deny' && statementCoversAction(s.st, action) && statementCoversResource(s.st, resource))
    .slice(0, 3)
    .map((s) => policyLabel(s.policy.name, s.policy.source, s.index, s.st.Sid));
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

/** Explain why the outcome does (not) meet the expectation. */
export function explainOutcome(outcome: ProbeOutcome, want: Expectation): string {
  const { result } = outcome;
  const { action, resource } = outcome.request;
  if (result.decision === 'Allowed' && want !== 'allow') {
    const by = allowingSentences(outcome);
    return `Allowed when it should not be: ${by.length ? `${by.join('; ')} allows ${action} on ${resource}` : result.reason}.`;
  }
  if (result.decision === 'ExplicitlyDenied') {
    const by = denyingSentences(outcome);
    return by.length ? `Explicitly denied by ${by.join('; ')}: an explicit Deny wins over every Allow.` : result.reason || 'Explicitly denied: an explicit Deny wins over every Allow.';
  }
  if (result.decision === 'ImplicitlyDenied') {
    if (want === 'explicit-deny') {
      return `Only implicitly denied: nothing allows ${action} on ${resource} right now, but no statement explicitly denies it, so any policy added later that grants S3 access would let it through. An explicit "Effect": "Deny" statement is what this step asks for.`;
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
    return details.length ? `${head}. ${details.map(capitalize).join('. ')}.` : `${head}.${outcome.policies.length ? '' : ` (${outcome.principalLabel} has no policies at all.)`}`;
  }
  return result.reason;
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
  const where = found.p.source && !found.p.source.endsWith(found.p.name) ? ` (${found.p.source})` : '';
  return `${found.p.name}${where}:\n${renderPolicyMarked(found.p.document, found.idx)}`;
}
