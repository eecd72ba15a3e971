/**
 * Block Public Access: the bucket's settings (Get/Put/DeletePublicAccessBlock), the account's
 * (S3 Control API), GetBucketPolicyStatus, and what "public" means for a bucket policy (the S3
 * User Guide, "The meaning of public"). New buckets since April 2023 have all four settings on.
 */
import { AwsError, NoSuchBucketPolicy } from '../../errors.js';
import type { OutgoingResponse, RequestContext } from '../../types.js';
import type { Bucket, PublicAccessBlock, S3State } from '../models.js';
import type { S3Call } from '../operation.js';
import { childText, malformedXml, parseXml, xmlResponse, type XmlNode } from '../rest-xml.js';
import type { BucketRef } from '../store.js';
import { empty } from './empty.js';

export const ALL_BLOCKED: PublicAccessBlock = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const NONE_BLOCKED: PublicAccessBlock = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
const NOT_FOUND = 'The public access block configuration was not found';

/** The bucket's own settings: the 2023 default when never set, none once deleted. */
export function bucketPublicAccessBlock(bucket: Bucket): PublicAccessBlock | undefined {
  if (bucket.publicAccessBlock === undefined) return ALL_BLOCKED;
  return bucket.publicAccessBlock ?? undefined;
}

/** What applies to a bucket: a setting is on when the bucket or its owner's account turns it on. */
export function effectivePublicAccessBlock(ref: BucketRef): PublicAccessBlock {
  const b = bucketPublicAccessBlock(ref.bucket) ?? NONE_BLOCKED;
  const a = ref.account.s3.publicAccessBlock ?? NONE_BLOCKED;
  return {
    BlockPublicAcls: b.BlockPublicAcls || a.BlockPublicAcls,
    IgnorePublicAcls: b.IgnorePublicAcls || a.IgnorePublicAcls,
    BlockPublicPolicy: b.BlockPublicPolicy || a.BlockPublicPolicy,
    RestrictPublicBuckets: b.RestrictPublicBuckets || a.RestrictPublicBuckets,
  };
}

/** Condition keys whose fixed values make an Allow to "*" non-public (S3 User Guide, "The meaning of public"). */
const RESTRICTING_KEYS = new Set([
  'aws:sourcearn', 'aws:sourcevpc', 'aws:sourcevpce', 'aws:sourceaccount', 'aws:sourceowner', 'aws:sourceorgid', 'aws:sourceorgpaths',
  'aws:principalaccount', 'aws:principalarn', 'aws:principalorgid', 'aws:principalorgpaths', 'aws:userid', 'aws:sourceip',
  's3:dataaccesspointarn', 's3:dataaccesspointaccount',
]);
const FIXED_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'arnequals', 'arnlike', 'stringlike', 'ipaddress']);

type Statement = Record<string, unknown>;

function publicPrincipal(s: Statement): boolean {
  if ('NotPrincipal' in s) return true;
  const p = s.Principal;
  if (p === '*') return true;
  if (!p || typeof p !== 'object') return false;
  const aws = (p as Record<string, unknown>).AWS;
  return [aws].flat().includes('*');
}

/** A condition that pins the caller to fixed values of a restricting key (no wildcards, no 0.0.0.0/0). */
function restrictedByCondition(s: Statement): boolean {
  const cond = s.Condition;
  if (!cond || typeof cond !== 'object') return false;
  for (const [op, block] of Object.entries(cond as Record<string, Record<string, unknown>>)) {
    const base = op.replace(/^For(AnyValue|AllValues):/, '').replace(/IfExists$/, '').toLowerCase();
    if (!FIXED_OPERATORS.has(base) || op.endsWith('IfExists') || !block || typeof block !== 'object') continue;
    for (const [key, value] of Object.entries(block)) {
      if (!RESTRICTING_KEYS.has(key.toLowerCase())) continue;
      const values = [value].flat().map(String);
      if (values.length && values.every((v) => !/[*?]/.test(v) && !/\/0$/.test(v))) return true;
    }
  }
  return false;
}

/** A statement that grants to everyone: Allow to "*" with no condition pinning who may use it. */
export function isPublicStatement(s: Statement): boolean {
  return s.Effect === 'Allow' && publicPrincipal(s) && !restrictedByCondition(s);
}

export function isPublicPolicy(text: string | undefined): boolean {
  if (!text) return false;
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    return [doc.Statement].flat().some((s) => !!s && typeof s === 'object' && isPublicStatement(s as Statement));
  } catch {
    return false;
  }
}

/**
 * RestrictPublicBuckets: while the bucket policy is public, only the bucket owner's account may
 * use it; anonymous and cross-account access through it (even through its non-public statements)
 * is blocked (S3 User Guide, "Blocking public access"). Returns the policy that applies to the caller.
 */
export function policyForCaller(ctx: RequestContext, ref: BucketRef | undefined): string | undefined {
  const policy = ref?.bucket.policy;
  if (!ref || !policy) return policy;
  const sameAccount = ctx.principal.kind !== 'anonymous' && ctx.principal.accountId === ref.account.accountId;
  if (sameAccount || !effectivePublicAccessBlock(ref).RestrictPublicBuckets || !isPublicPolicy(policy)) return policy;
  return undefined;
}

/** A <PublicAccessBlockConfiguration> body; a setting left out is false, anything but true/false is malformed. */
function parseConfiguration(body: Buffer): PublicAccessBlock {
  let doc: XmlNode;
  try {
    doc = parseXml(body.toString('utf8').trim());
  } catch {
    throw malformedXml();
  }
  if (doc.name !== 'PublicAccessBlockConfiguration') throw malformedXml();
  const out = { ...NONE_BLOCKED };
  for (const name of SETTINGS) {
    const v = childText(doc, name)?.trim().toLowerCase();
    if (v === undefined) continue;
    if (v !== 'true' && v !== 'false') throw malformedXml();
    out[name] = v === 'true';
  }
  return out;
}

const shape = (pab: PublicAccessBlock) => Object.fromEntries(SETTINGS.map((k) => [k, pab[k]]));

export function getPublicAccessBlock(call: S3Call): OutgoingResponse {
  const pab = bucketPublicAccessBlock(call.ref!.bucket);
  if (!pab) throw new AwsError('NoSuchPublicAccessBlockConfiguration', NOT_FOUND, 404, 'Sender', { BucketName: call.bucketName });
  return xmlResponse(call.ctx.requestId, 'PublicAccessBlockConfiguration', shape(pab));
}

export function putPublicAccessBlock(call: S3Call): OutgoingResponse {
  call.ref!.bucket.publicAccessBlock = parseConfiguration(call.ctx.request.body);
  return empty(call, 200);
}

export function deletePublicAccessBlock(call: S3Call): OutgoingResponse {
  call.ref!.bucket.publicAccessBlock = null;
  return empty(call, 204);
}

export function getBucketPolicyStatus(call: S3Call): OutgoingResponse {
  const policy = call.ref!.bucket.policy;
  if (policy === undefined) throw new NoSuchBucketPolicy('The bucket policy does not exist', { BucketName: call.bucketName });
  return xmlResponse(call.ctx.requestId, 'PolicyStatus', { IsPublic: isPublicPolicy(policy) });
}

// ---------------------------------------------------------------- account level (S3 Control)

const S3_CONTROL_NAMESPACE = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

function controlXml(requestId: string, root: string, value: Record<string, unknown>): OutgoingResponse {
  const inner = Object.entries(value).map(([k, v]) => `<${k}>${String(v)}</${k}>`).join('');
  return {
    status: 200,
    headers: { 'x-amz-request-id': requestId, 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_CONTROL_NAMESPACE}">${inner}</${root}>`,
  };
}

export function getAccountPublicAccessBlock(ctx: RequestContext, s3: S3State, accountId: string): OutgoingResponse {
  if (!s3.publicAccessBlock) throw new AwsError('NoSuchPublicAccessBlockConfiguration', NOT_FOUND, 404, 'Sender', { AccountId: accountId });
  return controlXml(ctx.requestId, 'PublicAccessBlockConfiguration', shape(s3.publicAccessBlock));
}

export function putAccountPublicAccessBlock(ctx: RequestContext, s3: S3State): OutgoingResponse {
  s3.publicAccessBlock = parseConfiguration(ctx.request.body);
  return { status: 200, headers: { 'x-amz-request-id': ctx.requestId }, body: '' };
}

export function deleteAccountPublicAccessBlock(ctx: RequestContext, s3: S3State): OutgoingResponse {
  delete s3.publicAccessBlock;
  return { status: 204, headers: { 'x-amz-request-id': ctx.requestId }, body: '' };
}
