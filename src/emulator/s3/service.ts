/**
 * S3 over REST-XML: route (addressing style, subresources) → authorize (with the bucket policy)
 * → dispatch to the operation → persist when it changed state; errors in S3's <Error> shape.
 */
import { AwsError, InvalidRequest, NotImplemented } from '../errors.js';
import type { OutgoingResponse, RequestContext, ServiceModule } from '../types.js';
import type { S3Call } from './operation.js';
import { s3Operations } from './operations.js';
import { serializeS3Error } from './rest-xml.js';
import { route } from './routing.js';
import { bucketArn, findBucket, objectArn, requireBucket } from './store.js';
import { handleS3Control, S3_CONTROL_PREFIX } from './control.js';
import { policyForCaller } from './ops/public-access.js';

function firstHeader(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Condition keys S3 adds to every request (S3 service authorization reference). */
function commonContext(ctx: RequestContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (ctx.auth) {
    out['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
    out['s3:authType'] = ctx.auth.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER';
    const sha = firstHeader(ctx, 'x-amz-content-sha256');
    if (sha) out['s3:x-amz-content-sha256'] = sha;
  }
  return out;
}

const SIGV2_REFUSED = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

export const s3Service: ServiceModule = {
  async handle(ctx: RequestContext): Promise<OutgoingResponse> {
    if (ctx.request.rawPath.startsWith(S3_CONTROL_PREFIX)) return handleS3Control(ctx);
    const r = route(ctx.request);
    if (ctx.principal.kind === 'anonymous' && r.query.has('AWSAccessKeyId') && r.query.has('Signature')) {
      // Signature Version 2 presigned URLs (CLI v1's `aws s3 presign` default): S3 refuses them for
      // buckets created since June 2020, with this error.
      throw new InvalidRequest(SIGV2_REFUSED);
    }
    const op = Object.hasOwn(s3Operations, r.operation) ? s3Operations[r.operation] : undefined;
    if (!op) {
      throw new NotImplemented(
        `A header you provided implies functionality that is not implemented. (${r.operation} is not emulated by iam-labs' embedded emulator.)`,
      );
    }
    const bucketName = r.bucket ?? '';
    const key = r.key ?? '';
    // x-amz-expected-bucket-owner must be an account id before anything else is looked at.
    const expected = firstHeader(ctx, 'x-amz-expected-bucket-owner');
    if (expected !== undefined && !/^\d{12}$/.test(expected)) {
      throw new AwsError('InvalidBucketOwnerAWSAccountID', `The value of the expected bucket owner parameter must be an AWS Account ID... [${expected}]`, 400);
    }
    // CreateBucket acts in the caller's account; any other call finds the bucket in the caller's
    // account, or in the account x-amz-expected-bucket-owner names (store.ts).
    const ref = bucketName && op.needsBucket ? findBucket(ctx, bucketName, expected) : undefined;
    const call: S3Call = { ctx, route: r, bucketName, key, ref, header: (name) => firstHeader(ctx, name) };

    if (op.action !== 'per-key') {
      const resource = op.resource === 'bucket' ? bucketArn(bucketName) : op.resource === 'object' ? objectArn(bucketName, key) : '*';
      await ctx.authorize({
        action: op.action,
        resource,
        // RestrictPublicBuckets keeps other accounts and anonymous callers out of a public policy.
        resourcePolicy: policyForCaller(ctx, ref),
        resourceAccount: ref?.account.accountId,
        context: { ...commonContext(ctx), ...op.context?.(call) },
      });
    }
    if (op.needsBucket) requireBucket(ref, bucketName);

    const response = await op.handler(call);
    if (op.mutating) {
      ctx.emulator.state.commit({ accountId: (ref?.account ?? ctx.account).accountId, service: 's3', operation: r.operation });
    }
    return response;
  },

  serializeError(err: AwsError, ctx: Pick<RequestContext, 'requestId' | 'request'>): OutgoingResponse {
    return serializeS3Error(err, ctx.requestId, ctx.request.method);
  },
};
