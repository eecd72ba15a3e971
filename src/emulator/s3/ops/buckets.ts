/** Bucket calls: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, GetBucketVersioning. */
import {
  AwsError,
  BucketAlreadyOwnedByYou,
  BucketNotEmpty,
  IllegalLocationConstraintException,
  InvalidArgument,
  InvalidLocationConstraint,
} from '../../errors.js';
import type { OutgoingResponse } from '../../types.js';
import type { S3Call } from '../operation.js';
import { childText, parseXml, xmlResponse } from '../rest-xml.js';
import { canonicalUserId, compareKeys, validateBucketName } from '../store.js';
import { emptyRecord } from '../../state/records.js';
import { requestedAcl, requestedOwnership } from './access-control.js';
import { empty } from './empty.js';

const US_EAST_1 = 'us-east-1';


export function listBuckets(call: S3Call): OutgoingResponse {
  const q = call.route.query;
  const prefix = q.get('prefix') ?? '';
  const region = q.get('bucket-region');
  const maxRaw = q.get('max-buckets');
  const max = maxRaw === null ? 10000 : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw new InvalidArgument('Argument max-buckets must be an integer between 1 and 10000', {
      ArgumentName: 'max-buckets',
      ArgumentValue: maxRaw ?? '',
    });
  }
  const after = decodeToken(q.get('continuation-token'));
  const all = Object.values(call.ctx.account.s3.buckets)
    .filter((b) => b.name.startsWith(prefix) && (!region || b.region === region) && (!after || compareKeys(b.name, after) > 0))
    .sort((a, b) => compareKeys(a.name, b.name));
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  return xmlResponse(call.ctx.requestId, 'ListAllMyBucketsResult', {
    Buckets: { Bucket: page.map((b) => ({ Name: b.name, CreationDate: b.creationDate, BucketRegion: b.region })) },
    Owner: { ID: canonicalUserId(call.ctx.account.accountId) },
    ContinuationToken: truncated ? encodeToken(page[page.length - 1].name) : undefined,
    Prefix: q.has('prefix') ? prefix : undefined,
  });
}

const encodeToken = (name: string): string => Buffer.from(name, 'utf8').toString('base64');
const decodeToken = (token: string | null): string | undefined => (token ? Buffer.from(token, 'base64').toString('utf8') : undefined);

export function createBucket(call: S3Call): OutgoingResponse {
  const { ctx, bucketName } = call;
  validateBucketName(bucketName);
  const text = ctx.request.body.toString('utf8').trim();
  let constraint = '';
  if (text) {
    const doc = parseXml(text);
    constraint = childText(doc, 'LocationConstraint')?.trim() ?? '';
  }
  if (constraint === 'EU') constraint = 'eu-west-1';
  const region = ctx.region;
  // Not a region name at all (it would end up in the x-amz-bucket-region header): S3 refuses it.
  if (constraint === US_EAST_1 || (constraint && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(constraint))) {
    throw new InvalidLocationConstraint('The specified location-constraint is not valid', { LocationConstraint: constraint });
  }
  if (region !== US_EAST_1 && !constraint) {
    throw new IllegalLocationConstraintException(
      'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    );
  }
  // The us-east-1 endpoint accepts any other region's constraint (the legacy global endpoint); others only their own.
  if (region !== US_EAST_1 && constraint !== region) {
    throw new IllegalLocationConstraintException(
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  const bucketRegion = constraint || US_EAST_1;
  // Object Ownership and ACL headers. New buckets are BucketOwnerEnforced (ACLs disabled) unless
  // x-amz-object-ownership says otherwise; an ACL beyond the owner's full control then fails.
  const ownership = requestedOwnership(call);
  const ownerId = canonicalUserId(ctx.account.accountId);
  const acl = requestedAcl(call, 'bucket', ownerId, true);
  const ownerOnly = acl?.every((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === ownerId && g.permission === 'FULL_CONTROL');
  if (acl && !ownerOnly && (ownership ?? 'BucketOwnerEnforced') === 'BucketOwnerEnforced') {
    throw new AwsError('InvalidBucketAclWithObjectOwnership', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400);
  }
  const buckets = ctx.account.s3.buckets;
  if (Object.hasOwn(buckets, bucketName)) {
    // AWS: 409 everywhere except us-east-1, where re-creating your own bucket answers 200 (legacy compatibility).
    if (buckets[bucketName].region === US_EAST_1 && region === US_EAST_1) return empty(call, 200, { location: `/${bucketName}` });
    throw new BucketAlreadyOwnedByYou('Your previous request to create the named bucket succeeded and you already own it.', {
      BucketName: bucketName,
    });
  }
  buckets[bucketName] = {
    name: bucketName,
    creationDate: new Date().toISOString(),
    region: bucketRegion,
    objects: emptyRecord(),
    uploads: emptyRecord(),
    ...(ownership ? { ownership } : {}),
    ...(acl ? { acl } : {}),
  };
  return empty(call, 200, { location: `/${bucketName}` });
}

export function headBucket(call: S3Call): OutgoingResponse {
  return empty(call, 200, { 'x-amz-bucket-region': call.ref?.bucket.region ?? US_EAST_1, 'x-amz-access-point-alias': 'false' });
}

export function deleteBucket(call: S3Call): OutgoingResponse {
  const ref = call.ref!;
  if (Object.keys(ref.bucket.objects).length > 0) {
    throw new BucketNotEmpty('The bucket you tried to delete is not empty', { BucketName: call.bucketName });
  }
  delete ref.account.s3.buckets[call.bucketName];
  return empty(call, 204);
}

export function getBucketLocation(call: S3Call): OutgoingResponse {
  const region = call.ref!.bucket.region;
  // us-east-1 buckets report an empty LocationConstraint.
  return xmlResponse(call.ctx.requestId, 'LocationConstraint', region === US_EAST_1 ? '' : region);
}

export function getBucketVersioning(call: S3Call): OutgoingResponse {
  // Versioning is never enabled here: S3 then answers with an empty configuration.
  return xmlResponse(call.ctx.requestId, 'VersioningConfiguration', {});
}
