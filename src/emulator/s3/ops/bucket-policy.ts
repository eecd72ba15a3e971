/** Get/Put/DeleteBucketPolicy, with S3's own checks on top of the policy grammar. */
import { policyEngine, wildcardMatch } from '../../../policy/index.js';
import { MalformedPolicy, MethodNotAllowed, NoSuchBucketPolicy } from '../../errors.js';
import { nameKey } from '../../iam/models.js';
import type { Emulator, OutgoingResponse } from '../../types.js';
import type { S3Call } from '../operation.js';
import { commonHeaders } from '../rest-xml.js';
import { empty } from './buckets.js';

const NOT_JSON = "Policies must be valid JSON and the first byte must be '{'";

/** Only identities of the bucket owner's account may manage its policy (S3 answers 405 otherwise). */
function requireOwnerAccount(call: S3Call): void {
  if (call.ref && call.ref.account.accountId !== call.ctx.account.accountId) {
    throw new MethodNotAllowed('The specified method is not allowed against this resource.', {
      Method: call.ctx.request.method,
      ResourceType: 'BUCKETPOLICY',
    });
  }
}

export function getBucketPolicy(call: S3Call): OutgoingResponse {
  requireOwnerAccount(call);
  const policy = call.ref!.bucket.policy;
  if (policy === undefined) throw new NoSuchBucketPolicy('The bucket policy does not exist', { BucketName: call.bucketName });
  return { status: 200, headers: { ...commonHeaders(call.ctx.requestId), 'content-type': 'application/json' }, body: policy };
}

export function putBucketPolicy(call: S3Call): OutgoingResponse {
  requireOwnerAccount(call);
  const text = call.ctx.request.body.toString('utf8');
  validateBucketPolicy(text, call.bucketName, (arn) => principalExists(call.ctx.emulator, arn));
  call.ref!.bucket.policy = text;
  return empty(call, 204);
}

export function deleteBucketPolicy(call: S3Call): OutgoingResponse {
  requireOwnerAccount(call);
  delete call.ref!.bucket.policy;
  return empty(call, 204);
}

/** Throws MalformedPolicy with S3's message for the first problem found. */
export function validateBucketPolicy(text: string, bucket: string, principalKnown: (arn: string) => boolean = () => true): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new MalformedPolicy(NOT_JSON);
  }
  if (!text.trimStart().startsWith('{') || !doc || typeof doc !== 'object' || Array.isArray(doc)) throw new MalformedPolicy(NOT_JSON);
  const problems = policyEngine.validate(text, 'resource');
  if (problems.length > 0) throw new MalformedPolicy(problems[0].message);
  const statements = (doc as { Statement?: unknown }).Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    const stmt = s as Record<string, unknown>;
    for (const action of asList(stmt.Action ?? stmt.NotAction)) {
      // A bucket policy may only name S3 actions.
      if (action !== '*' && !/^s3:/i.test(action)) throw new MalformedPolicy('Policy has invalid action');
    }
    for (const principal of awsPrincipals(stmt.Principal ?? stmt.NotPrincipal)) {
      // S3 resolves IAM principals when the policy is stored: a user or role that does not exist is refused.
      if (!principalKnown(principal)) throw new MalformedPolicy('Invalid principal in policy');
    }
    if (stmt.Resource === undefined && stmt.NotResource === undefined) throw new MalformedPolicy('Missing required field Resource');
    for (const resource of asList(stmt.Resource ?? stmt.NotResource)) {
      // Every resource must be this bucket or objects in it (wildcards allowed).
      if (!resourceInBucket(resource, bucket)) throw new MalformedPolicy('Policy has invalid resource');
    }
  }
}

function awsPrincipals(p: unknown): string[] {
  if (!p || typeof p !== 'object' || Array.isArray(p)) return [];
  return asList((p as Record<string, unknown>).AWS);
}

/**
 * Whether an IAM user or role ARN names an entity that exists, for accounts this emulator holds.
 * Account principals, wildcards and other accounts' ARNs are accepted as they are.
 */
export function principalExists(emulator: Emulator, arn: string): boolean {
  const m = /^arn:aws:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/*?]+)$/.exec(arn);
  if (!m || arn.includes('*') || arn.includes('?')) return true;
  const account = emulator.state.accounts.get(m[1]);
  if (!account) return true;
  const table = m[2] === 'user' ? account.iam.users : account.iam.roles;
  return Object.hasOwn(table, nameKey(m[3]));
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Whether the bucket part of a Resource (wildcards allowed) names this bucket; linear in its length. */
export function resourceInBucket(resource: string, bucket: string): boolean {
  const prefix = 'arn:aws:s3:::';
  if (!resource.startsWith(prefix)) return false;
  const rest = resource.slice(prefix.length);
  const slash = rest.indexOf('/');
  return wildcardMatch(slash < 0 ? rest : rest.slice(0, slash), bucket);
}
