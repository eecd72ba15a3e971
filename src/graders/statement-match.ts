/**
 * Which element of a statement made it cover a request, in learner words: "its Action "s3:*"
 * covers s3:PutObject", "its Principal "*" lets everyone in", "its Resource "arn:aws:s3:::acme-*"
 * matches arn:aws:s3:::acme-payroll". The engine decides; this only reads the statement the
 * engine named (through the one statement reader, policy/statements.ts), so that a failed check
 * names the element to change.
 */
import { actionMatches, asList, parsePolicy, resourceMatches, statementsOf, type PolicyStatement } from '../policy/statements.js';
import type { StatementRef } from '../policy/types.js';
import type { GatheredPolicy, ProbeOutcome } from './probes.js';

export type StatementElement = 'Principal' | 'Action' | 'NotAction' | 'Resource' | 'NotResource' | 'Condition';

export interface MatchClause {
  element: StatementElement;
  /** the value of the element at fault (a pattern, a principal), when there is one */
  value?: string;
  /** "its Action "s3:*" covers s3:PutObject" */
  text: string;
}

export interface FoundStatement {
  policy: GatheredPolicy;
  /** 1-based, as AWS and the learner count them */
  index: number;
  st: PolicyStatement;
}

/** Every statement of the gathered policies, numbered from 1 in each policy. */
export function allStatements(policies: GatheredPolicy[]): FoundStatement[] {
  const out: FoundStatement[] = [];
  for (const policy of policies) statementsOf(parsePolicy(policy.document)).forEach((st, i) => out.push({ policy, index: i + 1, st }));
  return out;
}

/** The statement an engine reference points at, in the probe's policies. */
export function statementOf(outcome: ProbeOutcome, ref: Pick<StatementRef, 'policy' | 'index'>): FoundStatement | undefined {
  const policy = outcome.policies.find((p) => p.name === ref.policy);
  if (!policy) return undefined;
  const st = statementsOf(parsePolicy(policy.document))[ref.index - 1];
  return st ? { policy, index: ref.index, st } : undefined;
}

const quote = (s: string) => `"${s}"`;

/** The principals a resource or trust statement names, flattened ("*", ARNs, account ids, services). */
export function principalsOf(st: PolicyStatement): string[] {
  const p = st.Principal;
  if (p === '*') return ['*'];
  if (!p || typeof p !== 'object') return [];
  return Object.values(p as Record<string, unknown>).flatMap((v) => asList(v));
}

const isAccountPrincipal = (p: string) => /^\d{12}$/.test(p) || /^arn:[\w-]+:iam::\d{12}:root$/.test(p);

/**
 * Why `st` covers the request: the broadest element first (an open Principal, a wildcard or
 * Not- element), then a missing or IfExists Condition when the request carries context keys.
 * Kind 'resource' statements (bucket and trust policies) also explain their Principal.
 * Principal "*" and account principals:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 * NotAction / NotResource match everything they do not list:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
 * Wildcards in ARNs (a "*" also matches "/"):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
export function matchClauses(st: PolicyStatement, req: { action: string; resource: string; context?: Record<string, unknown> }, isResourcePolicy: boolean): MatchClause[] {
  const out: MatchClause[] = [];
  if (isResourcePolicy) {
    const named = principalsOf(st);
    if (named.includes('*')) {
      // a Deny for "*" shuts everyone out; an Allow for "*" lets everyone in
      const who = '(any account, even unsigned requests where the service allows them)';
      out.push({ element: 'Principal', value: '*', text: st.Effect === 'Deny' ? `its Principal "*" applies to everyone ${who}` : `its Principal "*" lets everyone in ${who}` });
    }
    else if (named.some(isAccountPrincipal)) {
      const acct = named.find(isAccountPrincipal)!;
      out.push({ element: 'Principal', value: acct, text: `its Principal ${quote(acct)} names a whole account, and that account's own policies let the caller through` });
    } else if (named.length) out.push({ element: 'Principal', value: named.join(', '), text: `its Principal names ${named.join(' and ')}` });
  }
  if (st.NotAction !== undefined) {
    out.push({ element: 'NotAction', value: asList(st.NotAction).join(', '), text: `its NotAction excludes only ${asList(st.NotAction).join(', ')}, so it covers ${req.action} and every other action` });
  } else {
    const broad = asList(st.Action).find((p) => p.includes('*') && actionMatches(p, req.action));
    if (broad) out.push({ element: 'Action', value: broad, text: `its Action ${quote(broad)} covers ${req.action}${broad === '*' ? ' and every other action' : ''}` });
  }
  if (st.NotResource !== undefined) {
    out.push({ element: 'NotResource', value: asList(st.NotResource).join(', '), text: `its NotResource excludes only ${asList(st.NotResource).join(', ')}, so it covers ${req.resource} and everything else` });
  } else {
    const wild = asList(st.Resource).find((p) => p.includes('*') && resourceMatches(p, req.resource));
    // "bucket/*" matching an object of that very bucket is not broad: only wildcards that reach further are named
    const ownObjects = wild && /^arn:[\w-]+:s3:::[^/*?]+\/\*$/.test(wild);
    if (wild && !ownObjects) out.push({ element: 'Resource', value: wild, text: wild === '*' ? 'its Resource "*" matches every resource' : `its Resource ${quote(wild)} matches ${req.resource}` });
  }
  const ctxKeys = Object.keys(req.context ?? {}).filter((k) => !/^aws:(username|userid)$/i.test(k));
  if (st.Condition) {
    for (const [op, block] of Object.entries(st.Condition)) {
      for (const key of Object.keys(block ?? {})) {
        const present = ctxKeys.find((k) => k.toLowerCase() === key.toLowerCase());
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
        if (!present && /IfExists$/i.test(op)) {
          out.push({ element: 'Condition', value: op, text: `its Condition ${op} on ${key} holds because the request has no ${key} at all (…IfExists treats a missing key as a match)` });
        } else if (present) {
          const shown = asList(req.context?.[present]).join(',');
          out.push({ element: 'Condition', value: op, text: `its Condition ${op} on ${key} holds for ${key}=${shown}` });
        }
      }
    }
  } else if (ctxKeys.length) {
    const shown = ctxKeys.map((k) => `${k}=${asList(req.context?.[k]).join(',')}`).join(', ');
    out.push({ element: 'Condition', text: `it has no Condition, so ${shown} makes no difference` });
  }
  if (!out.length) out.push({ element: 'Action', value: req.action, text: `it names ${req.action} on ${req.resource} itself` });
  return out;
}

/** The clauses as one phrase: "its Action "s3:*" covers s3:PutObject and its Resource "*" matches …". */
export function clausePhrase(clauses: MatchClause[]): string {
  return clauses.map((c) => c.text).join(', and ');
}
