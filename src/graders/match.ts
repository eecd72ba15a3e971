/**
 * The small pieces of IAM matching the explanations need to find "near misses" on their own:
 * wildcard matching of actions (case-insensitive) and resources (case-sensitive), and a few words
 * about what an S3 ARN names. The decision itself always comes from the policy engine.
 */
import { wildcardMatch } from '../policy/index.js';
import { asList, type PolicyStatement } from './aws.js';

export const actionMatches = (pattern: string, action: string): boolean => wildcardMatch(pattern, action, { ignoreCase: true });
export const resourceMatches = (pattern: string, resource: string): boolean => pattern === '*' || wildcardMatch(pattern, resource);

/** Whether a statement's Action / NotAction element covers the action. */
export function statementCoversAction(st: PolicyStatement, action: string): boolean {
  if (st.Action !== undefined) return asList(st.Action).some((p) => actionMatches(p, action));
  if (st.NotAction !== undefined) return !asList(st.NotAction).some((p) => actionMatches(p, action));
  return false;
}

export function statementCoversResource(st: PolicyStatement, resource: string): boolean {
  if (st.Resource !== undefined) return asList(st.Resource).some((p) => resourceMatches(p, resource));
  if (st.NotResource !== undefined) return !asList(st.NotResource).some((p) => resourceMatches(p, resource));
  // Trust and bucket policies may omit Resource (the resource is implied).
  return true;
}

/** "the bucket arn:aws:s3:::b" / "the object arn:aws:s3:::b/k" / the ARN itself. */
export function describeResource(resource: string): string {
  const m = /^arn:[\w-]+:s3:::([^/]+)(\/.*)?$/.exec(resource);
  if (!m) return resource;
  return m[2] ? `the object ${resource}` : `the bucket ${resource}`;
}

/**
 * Why a statement's Resource list misses `resource`, in learner words — with the classic S3
 * confusion (bucket ARN vs object ARN) spelled out.
 */
export function resourceMissDetail(listed: string[], resource: string): string {
  const shown = listed.join(', ');
  const s3 = /^arn:[\w-]+:s3:::([^/]+)(\/.*)?$/.exec(resource);
  if (s3) {
    const wantsBucket = !s3[2];
    const allObjects = listed.every((r) => /^arn:[\w-]+:s3:::[^/]+\/.*/.test(r));
    const allBuckets = listed.every((r) => /^arn:[\w-]+:s3:::[^/*]+$/.test(r));
    if (wantsBucket && allObjects) return `lists ${shown}, which names objects, not the bucket`;
    if (!wantsBucket && allBuckets) return `lists ${shown}, which names the bucket itself, not the objects in it (add /*)`;
  }
  return `lists ${shown}, which does not include ${resource}`;
}
