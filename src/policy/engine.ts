/**
 * The policy engine: wraps iam-simulate (AWS's evaluation logic: explicit deny, implicit deny,
 * boundaries, session policies, same-/cross-account resource policies, trust policies) and turns
 * its analysis into an EvaluationResult a learner can read.
 */
import type { RequestAnalysis, Simulation } from '@cloud-copilot/iam-simulate';
import { restoreExplain } from './decided-patterns.js';
import { anonymousPrincipal, simulateRequest, simulateUnsafe } from './simulator.js';
import { MatchBudget, MatchBudgetExceeded } from './wildcard.js';
import { accountOfArn, buildContext } from './context.js';
import { accessDeniedMessage, accountPrincipalMiss, nearMissOf, reasonText } from './explain.js';
import type {
  EvaluationRequest,
  EvaluationResult,
  NearMiss,
  PolicyEngine,
  PolicyInput,
  PolicyKind,
  PolicyProblem,
  StatementRef,
} from './types.js';
import { preparePolicy, type PreparedPolicy } from './prepare.js';
import { validatePolicyDocument } from './validate.js';
import { aliasWebIdentityClaimKeys } from './web-identity-keys.js';

type Kind = StatementRef['kind'];
type DeniedBy = 'identity' | 'boundary' | 'session' | 'resource';

/** Statement numbering of the prepared policies of one evaluation: `${kind}:${name}` → indexMap. */
type IndexMaps = Map<string, number[]>;

function prepared(input: PolicyInput, kind: Kind, service: string, maps: IndexMaps): PreparedPolicy['policy'] {
  const p = preparePolicy(input, kind, service);
  maps.set(kind === 'resource' || kind === 'session' ? `${kind}:` : `${kind}:${input.name}`, p.indexMap);
  return p.policy;
}

/** The account that owns a resource ARN; S3 ARNs carry none (the caller says so via resourceAccount). */
function resourceAccountOf(req: EvaluationRequest): string {
  return req.resourceAccount ?? accountOfArn(req.resource) ?? req.principal.accountId ?? accountOfArn(req.principal.arn) ?? '000000000000';
}

function principalFor(req: EvaluationRequest): Simulation['request']['principal'] {
  return req.principal.type === 'anonymous' ? anonymousPrincipal() : req.principal.arn;
}

async function simulate(
  req: EvaluationRequest,
  maps: IndexMaps,
  budget: MatchBudget,
): Promise<{ decision: EvaluationResult['decision']; analysis?: RequestAnalysis; culprit?: DeniedBy }> {
  const isAnonymous = req.principal.type === 'anonymous';
  const service = req.action.split(':')[0].toLowerCase();
  const prep = (input: PolicyInput, kind: Kind) => prepared(input, kind, service, maps);
  // Session policies narrow role sessions and federated users (GetFederationToken).
  const session = req.sessionPolicy && (req.principal.type === 'assumed-role' || req.principal.type === 'federated') ? req.sessionPolicy : undefined;
  const simulation: Simulation = {
    request: {
      principal: principalFor(req),
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccountOf(req) },
      contextVariables: buildContext(req),
    },
    identityPolicies: isAnonymous ? [] : req.identityPolicies.map((p) => ({ name: p.name, policy: prep(p, 'identity') })),
    permissionBoundaryPolicies:
      req.permissionsBoundary && !isAnonymous ? [{ name: req.permissionsBoundary.name, policy: prep(req.permissionsBoundary, 'boundary') }] : undefined,
    sessionPolicy: session ? prep(session, 'session') : undefined,
    resourcePolicy: req.resourcePolicy ? prep(req.resourcePolicy, 'resource') : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const out = await simulateRequest(simulation, budget);
  if (out.resultType === 'single') return { decision: out.overallResult, analysis: out.result.analysis };
  if (out.resultType === 'wildcard') {
    const match = out.results.find((r) => r.analysis.result === out.overallResult) ?? out.results[0];
    if (match) return { decision: out.overallResult, analysis: match.analysis };
    // iam-simulate keeps no analysis when a wildcard resource is implicitly denied outright; for
    // the explanation only, evaluate a concrete stand-in for the pattern (the decision stays).
    // The stand-in's culprit comes along: without it a boundary that stops the request would be
    // reported as "no identity policy allows it" (iam:CreateUser on "*" under a boundary).
    const concrete = await simulate({ ...req, resource: req.resource.replaceAll('*', 'x-any') }, maps, budget);
    return { decision: out.overallResult, analysis: concrete.analysis, ...(concrete.culprit ? { culprit: concrete.culprit } : {}) };
  }
  // An action iam-simulate's data does not know (new or misspelled) or a resource it cannot type:
  // evaluate without its validation, so the decision still follows the policies as written.
  if (!/^[a-z0-9-]+$/i.test(service) || Object.hasOwn(Object.prototype, service)) {
    // Not an action name at all (SimulatePrincipalPolicy takes any text): nothing can allow it.
    return { decision: 'ImplicitlyDenied', culprit: 'identity' };
  }
  const unsafe = (over: Partial<Simulation>) => simulateUnsafe({ ...simulation, ...over }, budget);
  let decision = unsafe({});
  let sessionDecision: EvaluationResult['decision'] | undefined;
  if (session) {
    // runUnsafeSimulation ignores session policies: apply the intersection ourselves.
    sessionDecision = unsafe({ identityPolicies: [{ name: session.name, policy: prep(session, 'session') }], permissionBoundaryPolicies: undefined, resourcePolicy: undefined });
    if (sessionDecision === 'ExplicitlyDenied' || (decision === 'Allowed' && sessionDecision !== 'Allowed')) decision = sessionDecision;
  }
  // Wildcard-only actions (iam:ListUsers…) must be simulated on "*": use that run for the
  // explanation when it reaches the same decision.
  if (out.errors.message === 'must.use.wildcard' && req.resource !== '*') {
    const retry = await simulate({ ...req, resource: '*' }, maps, budget);
    if (retry.decision === decision && retry.analysis) return { decision, analysis: retry.analysis };
  }
  let culprit: DeniedBy | undefined;
  if (decision === 'ImplicitlyDenied') {
    const identityAlone = unsafe({ permissionBoundaryPolicies: undefined });
    if (identityAlone !== 'Allowed') culprit = 'identity';
    else if (simulation.permissionBoundaryPolicies && unsafe({ identityPolicies: simulation.permissionBoundaryPolicies, permissionBoundaryPolicies: undefined }) !== 'Allowed') culprit = 'boundary';
    else if (sessionDecision && sessionDecision !== 'Allowed') culprit = 'session';
  }
  return { decision, culprit };
}

function refOf(
  kind: Kind,
  inputs: Map<string, PolicyInput>,
  maps: IndexMaps,
  a: { policyId: string; statement: { index(): number; sid(): string | undefined; effect(): string } },
): StatementRef {
  // There is at most one session policy and one resource policy: look them up by kind.
  const single = kind === 'resource' || kind === 'session';
  const input = single ? [...inputs.values()][0] : inputs.get(a.policyId);
  const indexMap = maps.get(single ? `${kind}:` : `${kind}:${a.policyId}`);
  const sid = a.statement.sid();
  return {
    policy: input?.name ?? a.policyId ?? kind,
    ...(input?.source ? { source: input.source } : {}),
    ...(input?.arn ? { arn: input.arn } : {}),
    index: indexMap?.[a.statement.index() - 1] ?? a.statement.index(),
    ...(sid ? { sid } : {}),
    effect: a.statement.effect() === 'Deny' ? 'Deny' : 'Allow',
    kind,
  };
}

/** iam-simulate identifies policies by name: make same-named policies (user and group inline) distinct. */
function uniqueNames(policies: PolicyInput[]): PolicyInput[] {
  const seen = new Set<string>();
  return policies.map((p, i) => {
    let name = p.name;
    if (seen.has(name)) name = `${p.name} (${p.source ?? `#${i + 1}`})`;
    seen.add(name);
    return name === p.name ? p : { ...p, name };
  });
}

/**
 * Memo of whole evaluations. An evaluation is a pure function of the request and the policies'
 * texts, except for the clock: buildContext adds aws:CurrentTime / aws:EpochTime (and callers may
 * add aws:MultiFactorAuthAge). Those keys can change the outcome only through a policy that names
 * them, so a request whose policies do not is memoized without them and every other input (policy
 * texts, names, sources, ARNs, principal, action, resource, the caller's context) in the key.
 * The same command run again (a learner retrying, every check, every `aws` call in a loop) then
 * costs a lookup instead of a simulation.
 */
const MEMO_MAX = 1000;
const memo = new Map<string, EvaluationResult>();
const TIME_KEYS = /aws:(currenttime|epochtime|multifactorauthage)/i;
/** policy text → small id (and whether it names a clock key); V8 caches a string's hash. */
const textIds = new Map<string, { id: number; timed: boolean }>();
let nextTextId = 1;

function textId(doc: string | object): { id: number; timed: boolean } | undefined {
  if (typeof doc !== 'string') return undefined; // parsed objects may be mutated by the caller: no memo
  let t = textIds.get(doc);
  if (!t) {
    if (textIds.size >= 4 * MEMO_MAX) textIds.clear();
    t = { id: nextTextId++, timed: TIME_KEYS.test(doc) };
    textIds.set(doc, t);
  }
  return t;
}

function policyKey(p: PolicyInput | undefined, kind: string): string | undefined {
  if (!p) return '';
  const t = textId(p.document);
  if (!t || t.timed) return undefined;
  return `${kind}\u0001${p.name}\u0001${p.source ?? ''}\u0001${p.arn ?? ''}\u0001${t.id}\u0002`;
}

/** The memo key of a request, or undefined when it must be evaluated afresh. */
function memoKey(req: EvaluationRequest): string | undefined {
  let key = `${req.principal.arn}\u0001${req.principal.type}\u0001${req.principal.accountId ?? ''}\u0001${req.action}\u0001${req.resource}\u0001${req.resourceAccount ?? ''}\u0002`;
  for (const p of req.identityPolicies) {
    const k = policyKey(p, 'i');
    if (k === undefined) return undefined;
    key += k;
  }
  for (const [kind, p] of [['b', req.permissionsBoundary], ['s', req.sessionPolicy], ['r', req.resourcePolicy]] as const) {
    const k = policyKey(p, kind);
    if (k === undefined) return undefined;
    key += k;
  }
  for (const [k, v] of Object.entries(req.context ?? {})) {
    // a clock key the caller passed but no policy names cannot change the outcome
    if (TIME_KEYS.test(k)) continue;
    key += `${k}\u0001${Array.isArray(v) ? v.join('\u0003') : v}\u0002`;
  }
  return key;
}

/** A copy the caller may change without changing the memo. */
const copyResult = (r: EvaluationResult): EvaluationResult => ({ ...r, deciding: [...r.deciding], nearMisses: [...r.nearMisses] });

export async function evaluate(input: EvaluationRequest): Promise<EvaluationResult> {
  const aliased = await aliasWebIdentityClaimKeys(input);
  if (aliased) return aliased.restore(await evaluate(aliased.request));
  const budget = input.budget ?? new MatchBudget();
  await budget.yieldIfBusy();
  // A request that has spent its budget is denied at once for the rest of its evaluations.
  if (budget.exhausted) return budgetExceeded(input, new MatchBudgetExceeded());
  const key = memoKey(input);
  const hit = key === undefined ? undefined : memo.get(key);
  if (hit) return copyResult(hit);
  let result: EvaluationResult;
  try {
    result = await evaluateAfresh(input, budget);
  } catch (e) {
    // Not memoized: the same request is refused again, at the same bounded cost.
    if (e instanceof MatchBudgetExceeded) return budgetExceeded(input, e);
    throw e;
  }
  if (key !== undefined) {
    if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value as string);
    memo.set(key, copyResult(result));
  }
  return result;
}

/**
 * A request whose patterns would cost more than a request may spend is denied (never allowed by
 * default), with the reason in the learner's words and in AWS's AccessDenied shape.
 */
function budgetExceeded(req: EvaluationRequest, e: MatchBudgetExceeded): EvaluationResult {
  const reason =
    `iam-labs stopped evaluating this request: ${e.message} ` +
    'Policies with many wildcards (*) in one Resource, Action or Condition value, against a long name, cost the most; simplify the pattern.';
  return {
    decision: 'ImplicitlyDenied',
    deciding: [],
    nearMisses: [],
    reason,
    awsMessage: `User: ${req.principal.arn} is not authorized to perform: ${req.action} on resource: ${req.resource} because ${reason}`,
  };
}

async function evaluateAfresh(input: EvaluationRequest, budget: MatchBudget): Promise<EvaluationResult> {
  const req = { ...input, identityPolicies: uniqueNames(input.identityPolicies) };
  const maps: IndexMaps = new Map();
  const { decision, analysis, culprit } = await simulate(req, maps, budget);
  const names = new Map<Kind, Map<string, PolicyInput>>([
    ['identity', new Map(req.identityPolicies.map((p) => [p.name, p]))],
    ['boundary', new Map(req.permissionsBoundary ? [[req.permissionsBoundary.name, req.permissionsBoundary]] : [])],
    ['session', new Map(req.sessionPolicy ? [[req.sessionPolicy.name, req.sessionPolicy]] : [])],
  ]);
  const resourceName = req.resourcePolicy?.name ?? 'resource policy';
  const parts: Array<[Kind, RequestAnalysis['identityAnalysis'] | RequestAnalysis['resourceAnalysis'] | undefined]> = [
    ['identity', analysis?.identityAnalysis],
    ['resource', analysis?.resourceAnalysis],
    ['boundary', analysis?.permissionBoundaryAnalysis],
    ['session', analysis?.sessionAnalysis],
  ];
  const ref = (kind: Kind, s: any): StatementRef => {
    if (kind === 'resource') {
      const r = refOf(kind, new Map(), maps, s);
      return { ...r, policy: resourceName, ...(req.resourcePolicy?.source ? { source: req.resourcePolicy.source } : {}) };
    }
    return refOf(kind, names.get(kind) ?? new Map(), maps, s);
  };

  const denies: StatementRef[] = [];
  const allows: StatementRef[] = [];
  const nearMisses: NearMiss[] = [];
  const requestInfo = {
    action: req.action,
    resource: req.resource,
    principal: req.principal.type === 'anonymous' ? 'anonymous (an unsigned request)' : req.principal.arn,
  };
  /** resource statements that let the caller's whole account in (Principal "…:root" or an account id) */
  const accountLevel: NearMiss[] = [];
  for (const [kind, part] of parts) {
    if (!part) continue;
    for (const s of part.denyStatements) denies.push(ref(kind, s));
    for (const s of part.allowStatements) {
      allows.push(ref(kind, s));
      const miss = kind === 'resource' ? accountPrincipalMiss(ref(kind, s), s.explain, requestInfo) : undefined;
      if (miss) accountLevel.push(miss);
    }
    for (const s of part.unmatchedStatements) {
      const r = ref(kind, s);
      if (r.index < 0) continue; // placeholder for a policy with nothing about this service
      const miss = nearMissOf(r, restoreExplain((s.statement as { statementObject?: object } | undefined)?.statementObject, s.explain), requestInfo);
      if (miss) nearMisses.push(miss);
    }
  }

  const crossAccount = analysis ? !analysis.sameAccount : resourceAccountOf(req) !== (req.principal.accountId ?? accountOfArn(req.principal.arn));
  let deniedBy: DeniedBy | undefined;
  if (decision === 'ExplicitlyDenied') deniedBy = denies[0]?.kind ?? 'identity';
  else if (decision === 'ImplicitlyDenied') deniedBy = culprit ?? implicitCulprit(req, analysis, crossAccount);
  // An account principal allowed only "for the account": the identity side said no, so that
  // statement is the one that nearly applied (it is not a grant on its own).
  if (deniedBy === 'identity') nearMisses.unshift(...accountLevel);

  const deciding = decision === 'Allowed' ? allows : decision === 'ExplicitlyDenied' ? denies : [];
  const result: EvaluationResult = {
    decision,
    deciding,
    nearMisses,
    ...(deniedBy ? { deniedBy } : {}),
    reason: reasonText({
      decision,
      deciding,
      deniedBy,
      nearMisses: deniedBy ? nearMisses.filter((m) => m.kind === deniedBy || deniedBy === 'identity') : nearMisses,
      action: req.action,
      resource: req.resource,
      crossAccount,
      anonymous: req.principal.type === 'anonymous',
      hasResourcePolicy: Boolean(req.resourcePolicy),
      kindNames: { boundary: req.permissionsBoundary?.name, resource: req.resourcePolicy?.name },
    }),
    awsMessage: deniedBy
      ? accessDeniedMessage({
          principalArn: req.principal.arn,
          action: req.action,
          resource: req.resource,
          explicit: decision === 'ExplicitlyDenied',
          deniedBy,
          // S3 puts the resource in quotes (its extended AccessDenied messages); IAM and STS do not
          quoteResource: /^s3:/i.test(req.action),
          policyArn: decision === 'ExplicitlyDenied' ? denies.find((d) => d.kind === deniedBy)?.arn : undefined,
        })
      : '',
  };
  return result;
}

/** Which policy type failed to allow, following AWS's evaluation order. */
function implicitCulprit(req: EvaluationRequest, a: RequestAnalysis | undefined, crossAccount: boolean): DeniedBy {
  if (!a) return 'identity';
  const identityAllows = a.identityAnalysis?.result === 'Allowed';
  const resourceAllows = ['Allowed', 'AllowedForAccount'].includes(a.resourceAnalysis?.result ?? '');
  const blocked = a.blockedBy ?? [];
  if (blocked.includes('pb')) return 'boundary';
  if (blocked.includes('identity')) return 'identity';
  if (blocked.includes('resource')) return 'resource';
  if (identityAllows || resourceAllows) {
    if (a.permissionBoundaryAnalysis && a.permissionBoundaryAnalysis.result !== 'Allowed') return 'boundary';
    if (a.sessionAnalysis && a.sessionAnalysis.result !== 'Allowed') return 'session';
  }
  // A role's trust policy must name the caller (or its account) whatever the identity policies say.
  if (req.action.toLowerCase().startsWith('sts:assumerole') && req.resourcePolicy && !resourceAllows) return 'resource';
  // Cross-account: the caller's side allowed, the resource's side did not.
  if (crossAccount && identityAllows && !resourceAllows) return 'resource';
  if (req.principal.type === 'anonymous') return 'resource';
  return 'identity';
}

export function validate(document: string, kind: PolicyKind): PolicyProblem[] {
  return validatePolicyDocument(document, kind);
}

export const engine: PolicyEngine = { evaluate, validate };
