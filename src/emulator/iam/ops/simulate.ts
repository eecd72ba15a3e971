/**
 * SimulatePrincipalPolicy and SimulateCustomPolicy: IAM's policy simulator, answered by our policy
 * engine (the same one that enforces requests), with AWS's EvaluationResults shape.
 */
import { InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import { policyEngine, type EvaluationResult, type MatchBudget, type PolicyInput, type PrincipalType, type StatementRef } from '../../../policy/index.js';
import { parsePolicy, statementCoversAction, statementsOf } from '../../../policy/statements.js';
import { nameKey, type IamState } from '../models.js';
import { gatherPolicies, validatePolicyText, type GatheredPolicy } from '../policy-documents.js';
import { iam, paginate } from '../util.js';
import { emptyRecord } from '../../state/records.js';

/** A policy given to the simulator, with the id and type AWS reports in MatchedStatements. */
interface SimPolicy {
  id: string;
  type: string;
  document: string;
}

const DECISIONS: Record<EvaluationResult['decision'], string> = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
};

function inputList(p: QueryParams, member: string, kind: 'identity' | 'resource' = 'identity'): SimPolicy[] {
  return p.list(member).map((document, i) => {
    if (kind === 'identity') validatePolicyText(document, 'identity');
    return { id: `${member}.${i + 1}`, type: 'none', document };
  });
}

/** Context entries as the engine wants them: list types stay lists, the rest single values. */
function contextEntries(p: QueryParams): Record<string, string | string[]> {
  const out = emptyRecord<string | string[]>();
  const entries = p.structList('ContextEntries');
  entries.forEach((e, i) => {
    const name = e.ContextKeyName;
    if (!name) return;
    const values = p.list(`ContextEntries.member.${i + 1}.ContextKeyValues`);
    const type = e.ContextKeyType ?? 'string';
    out[name] = type.endsWith('List') ? values : (values[0] ?? '');
  });
  return out;
}

/** 1-based line/column of a character offset in `text`. */
function position(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  return { Line: before.length, Column: before[before.length - 1].length + 1 };
}

/**
 * Where statement `index` (1-based) sits in the document text, for MatchedStatements. A small
 * scanner over the JSON text: the Statement value at depth 1, then its index-th object.
 */
function statementSpan(text: string, index: number): { start: number; end: number } | undefined {
  let depth = 0;
  let i = 0;
  let statementAt = -1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const close = stringEnd(text, i);
      if (depth === 1 && text.slice(i + 1, close) === 'Statement' && /^\s*:/.test(text.slice(close + 1))) {
        statementAt = text.indexOf(':', close) + 1;
        break;
      }
      i = close + 1;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    if (c === '}' || c === ']') depth--;
    i++;
  }
  if (statementAt < 0) return undefined;
  let j = statementAt;
  while (/\s/.test(text[j] ?? '')) j++;
  if (text[j] === '{') return index === 1 ? { start: j, end: matchingEnd(text, j) } : undefined;
  if (text[j] !== '[') return undefined;
  let seen = 0;
  j++;
  while (j < text.length && text[j] !== ']') {
    if (text[j] === '{') {
      seen++;
      const end = matchingEnd(text, j);
      if (seen === index) return { start: j, end };
      j = end + 1;
      continue;
    }
    j++;
  }
  return undefined;
}

function stringEnd(text: string, open: number): number {
  let k = open + 1;
  while (k < text.length && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
  return k;
}

function matchingEnd(text: string, open: number): number {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    const c = text[k];
    if (c === '"') k = stringEnd(text, k);
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return text.length - 1;
}

function matchedStatement(ref: StatementRef, byName: Map<string, SimPolicy>) {
  const policy = byName.get(ref.policy);
  const span = policy ? statementSpan(policy.document, ref.index) : undefined;
  return {
    SourcePolicyId: ref.policy,
    SourcePolicyType: policy?.type ?? (ref.kind === 'resource' ? 'resource' : 'none'),
    StartPosition: span && policy ? position(policy.document, span.start) : { Line: 1, Column: 1 },
    EndPosition: span && policy ? position(policy.document, span.end + 1) : { Line: 1, Column: 1 },
  };
}

/** Condition keys of statements that apply to `action` and that the caller gave no value for. */
function missingContextValues(policies: SimPolicy[], action: string, given: Record<string, unknown>): string[] {
  const provided = new Set(Object.keys(given).map((k) => k.toLowerCase()));
  const missing = new Map<string, string>();
  for (const p of policies) {
    for (const s of statementsOf(parsePolicy(p.document))) {
      if (!statementCoversAction(s, action) || !s.Condition || typeof s.Condition !== 'object') continue;
      for (const block of Object.values(s.Condition)) {
        for (const key of Object.keys(block ?? {})) {
          if (!provided.has(key.toLowerCase())) missing.set(key.toLowerCase(), key);
        }
      }
    }
  }
  return [...missing.values()];
}

interface Simulation {
  principal: { arn: string; type: PrincipalType; accountId: string };
  identity: SimPolicy[];
  boundary?: SimPolicy;
  resourcePolicy?: SimPolicy;
  resourceOwner?: string;
  /** the request's match budget: one SimulatePrincipalPolicy call makes many evaluations */
  budget?: MatchBudget;
}

async function runSimulation(p: QueryParams, sim: Simulation) {
  const actions = p.list('ActionNames');
  if (!actions.length) {
    throw new InvalidInput('1 validation error detected: Value null at \'actionNames\' failed to satisfy constraint: Member must not be null');
  }
  const resources = p.list('ResourceArns');
  const context = contextEntries(p);
  const all = [...sim.identity, ...(sim.boundary ? [sim.boundary] : []), ...(sim.resourcePolicy ? [sim.resourcePolicy] : [])];
  const byName = new Map(all.map((x) => [x.id, x]));
  const asInput = (x: SimPolicy): PolicyInput => ({ name: x.id, document: x.document });
  const pairs = actions.flatMap((action) => (resources.length ? resources : ['*']).map((resource) => ({ action, resource })));
  const { page, ...more } = paginate(pairs, p);
  const results = [];
  for (const { action, resource } of page) {
    const result = await policyEngine.evaluate({
      principal: sim.principal,
      action,
      resource,
      resourceAccount: sim.resourceOwner,
      context,
      identityPolicies: sim.identity.map(asInput),
      permissionsBoundary: sim.boundary ? asInput(sim.boundary) : undefined,
      resourcePolicy: sim.resourcePolicy ? asInput(sim.resourcePolicy) : undefined,
      budget: sim.budget,
    });
    const decision = DECISIONS[result.decision];
    results.push({
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: decision,
      MatchedStatements: result.decision === 'ImplicitlyDenied' ? [] : result.deciding.map((r) => matchedStatement(r, byName)),
      MissingContextValues: missingContextValues(all, action, context),
      PermissionsBoundaryDecisionDetail: sim.boundary ? { AllowedByPermissionsBoundary: result.deniedBy !== 'boundary' } : undefined,
    });
  }
  return { EvaluationResults: results, ...more };
}

const fromGathered = (g: GatheredPolicy): SimPolicy => ({ id: g.name, type: g.type, document: g.document });

/** iam-simulate names policies by id: keep ids unique when a user and a group share a policy name. */
function uniqueIds(policies: SimPolicy[]): SimPolicy[] {
  const seen = new Set<string>();
  return policies.map((x) => {
    let id = x.id;
    for (let n = 2; seen.has(id); n++) id = `${x.id}#${n}`;
    seen.add(id);
    return { ...x, id };
  });
}

function ownerAccount(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return /^\d{12}$/.test(value) ? value : /^arn:[\w-]+:iam::(\d{12}):/.exec(value)?.[1];
}

function resolveSource(state: IamState, arn: string) {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):(user|group|role)(\/(?:[^/]+\/)*)?([^/]+)$/.exec(arn);
  if (!m) throw new InvalidInput(`Invalid ARN: ${arn}`);
  const [, , type, , name] = m;
  if (type === 'user') {
    const user = state.users[nameKey(name)];
    if (!user) throw new NoSuchEntity(`The user with name ${name} cannot be found.`);
    return { arn: user.arn, principalType: 'user' as const, ...gatherPolicies(state, { kind: 'user', user }) };
  }
  if (type === 'group') {
    const group = state.groups[nameKey(name)];
    if (!group) throw new NoSuchEntity(`The group with name ${name} cannot be found.`);
    return { arn: group.arn, principalType: 'user' as const, ...gatherPolicies(state, { kind: 'group', group }) };
  }
  const role = state.roles[nameKey(name)];
  if (!role) throw new NoSuchEntity(`The role with name ${name} cannot be found.`);
  return { arn: role.arn, principalType: 'role' as const, ...gatherPolicies(state, { kind: 'role', role }) };
}

export const simulateOperations: QueryOperationTable = {
  SimulatePrincipalPolicy: {
    readOnly: true,
    resource: (_ctx, p) => p.str('PolicySourceArn') ?? '*',
    handler: async (ctx, p) => {
      const state = iam(ctx);
      const source = resolveSource(state, p.required('PolicySourceArn'));
      const boundaryInputs = inputList(p, 'PermissionsBoundaryPolicyInputList');
      const identity = uniqueIds([...source.identity.map(fromGathered), ...inputList(p, 'PolicyInputList')]);
      const resourcePolicy = p.str('ResourcePolicy');
      return runSimulation(p, {
        budget: ctx.budget,
        principal: { arn: p.str('CallerArn') ?? source.arn, type: source.principalType, accountId: ctx.account.accountId },
        identity,
        boundary: boundaryInputs[0] ?? (source.boundary ? fromGathered(source.boundary) : undefined),
        resourcePolicy: resourcePolicy ? { id: 'ResourcePolicy', type: 'resource', document: resourcePolicy } : undefined,
        resourceOwner: ownerAccount(p.str('ResourceOwner')),
      });
    },
  },
  SimulateCustomPolicy: {
    readOnly: true,
    handler: async (ctx, p) => {
      const identity = inputList(p, 'PolicyInputList');
      if (!identity.length) {
        throw new InvalidInput("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null");
      }
      const boundaryInputs = inputList(p, 'PermissionsBoundaryPolicyInputList');
      const resourcePolicy = p.str('ResourcePolicy');
      const caller = p.str('CallerArn');
      return runSimulation(p, {
        budget: ctx.budget,
        // Without CallerArn the simulated caller is an anonymous user of this account.
        principal: { arn: caller ?? `arn:aws:iam::${ctx.account.accountId}:user/SimulatedUser`, type: 'user', accountId: ctx.account.accountId },
        identity,
        boundary: boundaryInputs[0],
        resourcePolicy: resourcePolicy ? { id: 'ResourcePolicy', type: 'resource', document: resourcePolicy } : undefined,
        resourceOwner: ownerAccount(p.str('ResourceOwner')),
      });
    },
  },
};
