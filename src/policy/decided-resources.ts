/**
 * A Resource/NotResource pattern decided against the requested ARN the way iam-simulate reads it
 * (resource/resource.js, singleResourceMatchesRequest): short ARNs padded with `*` (or, in a
 * resource policy, not matching unless they have a wildcard), then the partition, service, region
 * and account compared one by one without regard to case, the product (`user/`, `role/`, nothing
 * for S3 buckets and objects) as plain text, and the resource id with variables and wildcards,
 * case-sensitively. The decision is then written as a pattern the simulator reads in constant
 * time with the same outcome:
 *   - matched: `*`
 *   - did not match, which for NotResource means "outside the set": `arn:x:x:x:x:x` (a partition
 *     that differs)
 *   - did not match, but proves nothing for NotResource (a variable with no value, a padded short
 *     ARN): `arn:x*`, a padded short ARN whose partition differs, which iam-simulate treats alike.
 */
import { resolveIamString, type ContextLookup } from './iam-string.js';
import { wildcardMatch, type MatchBudget } from './wildcard.js';

const ALL_WILDCARDS = /^\*+$/;

export type PolicyType = 'identity' | 'resource';

type Outcome = 'match' | 'mismatch' | 'mismatch-not-invertible';

export interface RequestedResource {
  /** the ARN as requested (a `*` in an S3 key is a character like any other) */
  arn: string;
  /** the ARN the simulator is given: the same, with a literal `*` replaced (see simulator.ts) */
  simulated: string;
}

/** The pattern to give the simulator in place of `value`, or `value` itself when it needs no decision. */
export function decideResource(value: string, requested: RequestedResource, policyType: PolicyType, lookup: ContextLookup, budget: MatchBudget): string {
  // A policy's `*` matches anything; a request for `*` (all resources) is the simulator's own case.
  if (ALL_WILDCARDS.test(value) || requested.arn === '*') return value;
  const outcome = decide(value, requested.arn, policyType, lookup, budget);
  if (outcome === 'match') return '*';
  const partition = requested.simulated.split(':')[1] ?? '';
  const letter = partition.toLowerCase().startsWith('x') ? 'y' : 'x';
  return outcome === 'mismatch' ? `arn:${letter.repeat(partition.length + 1)}:x:x:x:x` : `arn:${letter}*`;
}

function decide(value: string, arn: string, policyType: PolicyType, lookup: ContextLookup, budget: MatchBudget): Outcome {
  const segs = value.split(':');
  if (segs.length < 6) {
    const hasWildcard = value.includes('*');
    // A resource policy's short ARN without a wildcard simply does not match.
    if (policyType === 'resource' && !hasWildcard) return 'mismatch';
    while (segs.length < 6) segs.push('*');
    // A padded short ARN that does not match proves nothing for NotResource (iam-simulate's rule).
    return decide(segs.join(':'), arn, policyType, lookup, budget) === 'match' ? 'match' : 'mismatch-not-invertible';
  }
  const req = arn.split(':');
  for (let i = 1; i <= 4; i++) {
    if (!wildcardMatch(segs[i], String(req[i]), { ignoreCase: true, budget })) return 'mismatch';
  }
  const policyRest = segs.slice(5).join(':');
  const requestRest = req.slice(5).join(':');
  const s3Object = segs[2] === 's3' && segs[3] === '' && segs[4] === '';
  const product = s3Object ? '' : productOf(policyRest);
  if (req.length < 6 || !requestRest.startsWith(product)) return 'mismatch';
  const resolved = resolveIamString(policyRest.slice(product.length), lookup);
  if (!resolved) return 'mismatch-not-invertible';
  return wildcardMatch(resolved.pattern, requestRest.slice(product.length), { wild: resolved.wild, budget }) ? 'match' : 'mismatch';
}

/** iam-simulate's product segment: up to and including the first `/` or `:` of the resource part. */
function productOf(rest: string): string {
  const slash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  let split: number;
  if (slash !== -1 && colon !== -1) split = Math.min(slash, colon) + 1;
  else if (colon === -1) split = slash + 1;
  else split = colon + 1;
  return rest.slice(0, split);
}
