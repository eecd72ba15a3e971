/**
 * ACLs and Object Ownership: Get/PutBucketAcl, Get/PutObjectAcl, Get/Put/DeleteBucketOwnershipControls,
 * and the ACL headers of CreateBucket and PutObject. Since April 2023 new buckets are
 * BucketOwnerEnforced: ACLs are disabled, and any ACL other than the owner's full control is
 * refused with AccessControlListNotSupported. With ACLs enabled, Block Public Access still refuses
 * public ones.
 */
import { AwsError, InvalidArgument, InvalidRequest } from '../../errors.js';
import { escapeXml } from '../../protocol/xml.js';
import type { OutgoingResponse } from '../../types.js';
import type { Bucket, Grant, ObjectOwnership } from '../models.js';
import type { S3Call } from '../operation.js';
import { child, childText, commonHeaders, malformedXml, parseXml, xmlResponse, type XmlNode } from '../rest-xml.js';
import { canonicalUserId, requireObject } from '../store.js';
import { empty } from './empty.js';
import { effectivePublicAccessBlock } from './public-access.js';

const GROUPS = 'http://acs.amazonaws.com/groups/';
export const ALL_USERS = `${GROUPS}global/AllUsers`;
const AUTHENTICATED_USERS = `${GROUPS}global/AuthenticatedUsers`;
const LOG_DELIVERY = `${GROUPS}s3/LogDelivery`;
const KNOWN_GROUPS = new Set([ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY]);
const OWNERSHIPS: ObjectOwnership[] = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'];
const PERMISSIONS = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'] as const;
const MALFORMED_ACL = 'The XML you provided was not well-formed or did not validate against our published schema';
const ACLS_DISABLED = 'The bucket does not allow ACLs';
const GRANT_HEADERS: Record<string, Grant['permission']> = {
  'x-amz-grant-full-control': 'FULL_CONTROL',
  'x-amz-grant-read': 'READ',
  'x-amz-grant-write': 'WRITE',
  'x-amz-grant-read-acp': 'READ_ACP',
  'x-amz-grant-write-acp': 'WRITE_ACP',
};

const owner = (id: string): Grant => ({ grantee: { type: 'CanonicalUser', id }, permission: 'FULL_CONTROL' });
const group = (uri: string, permission: Grant['permission']): Grant => ({ grantee: { type: 'Group', uri }, permission });

/** The grants a canned ACL stands for; undefined when S3 does not know the name. */
function cannedGrants(name: string, ownerId: string, target: 'bucket' | 'object'): Grant[] | undefined {
  switch (name) {
    case 'private':
    case 'bucket-owner-read':
    case 'bucket-owner-full-control':
      return [owner(ownerId)];
    case 'public-read':
      return [owner(ownerId), group(ALL_USERS, 'READ')];
    case 'public-read-write':
      return [owner(ownerId), group(ALL_USERS, 'READ'), group(ALL_USERS, 'WRITE')];
    case 'authenticated-read':
      return [owner(ownerId), group(AUTHENTICATED_USERS, 'READ')];
    case 'aws-exec-read':
      return [owner(ownerId)];
    case 'log-delivery-write':
      return target === 'bucket' ? [owner(ownerId), group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')] : undefined;
    default:
      return undefined;
  }
}

const isPublicGrant = (g: Grant) => g.grantee.type === 'Group' && (g.grantee.uri === ALL_USERS || g.grantee.uri === AUTHENTICATED_USERS);
const ownerOnly = (grants: Grant[], ownerId: string) =>
  grants.every((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === ownerId && g.permission === 'FULL_CONTROL');

/** A grant header value: `uri="…", id="…"` entries. */
function headerGrants(header: string, value: string, permission: Grant['permission']): Grant[] {
  const out: Grant[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^(id|uri|emailAddress)\s*=\s*"?([^"]*)"?$/.exec(entry);
    if (!m) throw new InvalidArgument('Argument format not recognized', { ArgumentName: header, ArgumentValue: value });
    const [, kind, v] = m;
    if (kind === 'uri') {
      if (!KNOWN_GROUPS.has(v)) throw new InvalidArgument('Invalid group uri', { ArgumentName: 'uri', ArgumentValue: v });
      out.push(group(v, permission));
    } else if (kind === 'id') {
      if (!/^[0-9a-f]{64}$/.test(v)) throw new InvalidArgument('Invalid id', { ArgumentName: 'id', ArgumentValue: v });
      out.push({ grantee: { type: 'CanonicalUser', id: v }, permission });
    } else {
      // Grants by e-mail address were discontinued in every region in 2025.
      throw new InvalidArgument('Invalid id', { ArgumentName: 'emailAddress', ArgumentValue: v });
    }
  }
  return out;
}

/** An <AccessControlPolicy> body. */
function bodyGrants(text: string): Grant[] {
  let doc: XmlNode;
  try {
    doc = parseXml(text);
  } catch {
    throw new AwsError('MalformedACLError', MALFORMED_ACL, 400);
  }
  const list = child(doc, 'AccessControlList');
  if (doc.name !== 'AccessControlPolicy' || !child(doc, 'Owner') || !list) throw new AwsError('MalformedACLError', MALFORMED_ACL, 400);
  return list.children.map((g) => {
    const grantee = child(g, 'Grantee');
    const permission = childText(g, 'Permission') as Grant['permission'] | undefined;
    if (g.name !== 'Grant' || !grantee || !permission || !PERMISSIONS.includes(permission)) throw new AwsError('MalformedACLError', MALFORMED_ACL, 400);
    const id = childText(grantee, 'ID');
    const uri = childText(grantee, 'URI');
    if (id !== undefined) {
      if (!/^[0-9a-f]{64}$/.test(id)) throw new InvalidArgument('Invalid id', { ArgumentName: 'CanonicalUser/ID', ArgumentValue: id });
      return { grantee: { type: 'CanonicalUser', id }, permission };
    }
    if (uri !== undefined) {
      if (!KNOWN_GROUPS.has(uri)) throw new InvalidArgument('Invalid group uri', { ArgumentName: 'Group/URI', ArgumentValue: uri });
      return group(uri, permission);
    }
    throw new AwsError('MalformedACLError', MALFORMED_ACL, 400);
  });
}

/**
 * The ACL a request asks for, from exactly one of: the x-amz-acl canned ACL, x-amz-grant-*
 * headers, or an XML body. `optional` (CreateBucket, PutObject): no ACL at all is fine.
 */
export function requestedAcl(call: S3Call, target: 'bucket' | 'object', ownerId: string, optional: boolean): Grant[] | undefined {
  const canned = call.header('x-amz-acl');
  const grants = Object.entries(GRANT_HEADERS).flatMap(([h, perm]) => {
    const v = call.header(h);
    return v === undefined ? [] : headerGrants(h, v, perm);
  });
  const hasGrantHeaders = Object.keys(GRANT_HEADERS).some((h) => call.header(h) !== undefined);
  if (canned !== undefined && hasGrantHeaders) throw new InvalidRequest('Specifying both Canned ACLs and Header Grants is not allowed');
  const body = optional ? '' : call.ctx.request.body.toString('utf8').trim();
  if ((canned !== undefined || hasGrantHeaders) && body) throw new AwsError('UnexpectedContent', 'This request does not support content', 400);
  if (canned !== undefined) {
    const out = cannedGrants(canned, ownerId, target);
    if (!out) throw new InvalidArgument('', { ArgumentName: 'x-amz-acl', ArgumentValue: canned });
    return out;
  }
  if (hasGrantHeaders) return grants;
  if (body) return bodyGrants(body);
  if (optional) return undefined;
  throw new AwsError('MissingSecurityHeader', 'Your request was missing a required header', 400, 'Sender', { MissingHeaderName: 'x-amz-acl' });
}

export const ownershipOf = (bucket: Bucket): ObjectOwnership | undefined =>
  bucket.ownership === undefined ? 'BucketOwnerEnforced' : (bucket.ownership ?? undefined);

/**
 * May these grants be set on (or in) the bucket? ACLs disabled: only the owner's full control.
 * Block Public Access (BlockPublicAcls): no grant to everyone or to every AWS user.
 */
export function checkAclAllowed(call: S3Call, grants: Grant[], ownerId: string): void {
  const ref = call.ref!;
  if (ownershipOf(ref.bucket) === 'BucketOwnerEnforced' && !ownerOnly(grants, ownerId)) {
    throw new AwsError('AccessControlListNotSupported', ACLS_DISABLED, 400);
  }
  if (grants.some(isPublicGrant) && effectivePublicAccessBlock(ref).BlockPublicAcls) throw new AwsError('AccessDenied', 'Access Denied', 403);
}

function grantXml(g: Grant): string {
  const xsi = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
  const grantee =
    g.grantee.type === 'CanonicalUser'
      ? `<Grantee ${xsi} xsi:type="CanonicalUser"><ID>${escapeXml(g.grantee.id)}</ID></Grantee>`
      : `<Grantee ${xsi} xsi:type="Group"><URI>${escapeXml(g.grantee.uri)}</URI></Grantee>`;
  return `<Grant>${grantee}<Permission>${g.permission}</Permission></Grant>`;
}

function aclResponse(call: S3Call, ownerId: string, grants: Grant[]): OutgoingResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Owner><ID>${ownerId}</ID></Owner><AccessControlList>${grants.map(grantXml).join('')}</AccessControlList></AccessControlPolicy>`;
  return { status: 200, headers: { ...commonHeaders(call.ctx.requestId), 'content-type': 'application/xml' }, body };
}

const bucketOwnerId = (call: S3Call) => canonicalUserId(call.ref!.account.accountId);

export function getBucketAcl(call: S3Call): OutgoingResponse {
  const id = bucketOwnerId(call);
  return aclResponse(call, id, call.ref!.bucket.acl ?? [owner(id)]);
}

export function putBucketAcl(call: S3Call): OutgoingResponse {
  const id = bucketOwnerId(call);
  const grants = requestedAcl(call, 'bucket', id, false)!;
  checkAclAllowed(call, grants, id);
  call.ref!.bucket.acl = grants;
  return empty(call, 200);
}

export function getObjectAcl(call: S3Call): OutgoingResponse {
  const id = bucketOwnerId(call);
  const obj = requireObject(call.ref!.bucket, call.key);
  return aclResponse(call, id, obj.acl ?? [owner(id)]);
}

export function putObjectAcl(call: S3Call): OutgoingResponse {
  const id = bucketOwnerId(call);
  const obj = requireObject(call.ref!.bucket, call.key);
  const grants = requestedAcl(call, 'object', id, false)!;
  checkAclAllowed(call, grants, id);
  obj.acl = grants;
  return empty(call, 200);
}

// ---------------------------------------------------------------- Object Ownership

/** x-amz-object-ownership on CreateBucket. */
export function requestedOwnership(call: S3Call): ObjectOwnership | undefined {
  const v = call.header('x-amz-object-ownership');
  if (v === undefined) return undefined;
  if (!OWNERSHIPS.includes(v as ObjectOwnership)) {
    throw new InvalidArgument(`Invalid x-amz-object-ownership header: ${v}`, { ArgumentName: 'x-amz-object-ownership' });
  }
  return v as ObjectOwnership;
}

export function getBucketOwnershipControls(call: S3Call): OutgoingResponse {
  const ownership = ownershipOf(call.ref!.bucket);
  if (!ownership) {
    throw new AwsError('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', 404, 'Sender', { BucketName: call.bucketName });
  }
  return xmlResponse(call.ctx.requestId, 'OwnershipControls', { Rule: { ObjectOwnership: ownership } });
}

export function putBucketOwnershipControls(call: S3Call): OutgoingResponse {
  let doc: XmlNode;
  try {
    doc = parseXml(call.ctx.request.body.toString('utf8').trim());
  } catch {
    throw malformedXml();
  }
  const rules = doc.children.filter((c) => c.name === 'Rule');
  const value = rules.length === 1 ? childText(rules[0], 'ObjectOwnership') : undefined;
  if (doc.name !== 'OwnershipControls' || !value || !OWNERSHIPS.includes(value as ObjectOwnership)) throw malformedXml();
  call.ref!.bucket.ownership = value as ObjectOwnership;
  return empty(call, 200);
}

export function deleteBucketOwnershipControls(call: S3Call): OutgoingResponse {
  call.ref!.bucket.ownership = null;
  return empty(call, 204);
}
