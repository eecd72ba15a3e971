/** EC2 on its Query protocol; denials as UnauthorizedOperation with an encoded authorization message. */
import { AwsError } from '../errors.js';
import { Ec2QueryService } from '../protocol/ec2-query-service.js';
import type { RequestContext } from '../types.js';
import { ec2Operations } from './operations.js';
import { ec2RequestParameters, ec2ResponseElements } from './trail.js';

/**
 * EC2 appends an opaque blob that sts:DecodeAuthorizationMessage turns back into the decision.
 * Ours carries the decision as base64 JSON (allowed, the caller, the denial in words).
 */
function encodedMessage(ctx: RequestContext, err: AwsError): string {
  const body = { allowed: false, explicitDeny: / with an explicit deny /.test(err.message), context: { principal: { arn: ctx.principal.arn }, message: err.message } };
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

export const ec2Service = new Ec2QueryService({
  operations: ec2Operations,
  denied: (ctx, err) =>
    new AwsError('UnauthorizedOperation', `You are not authorized to perform this operation. ${err.message}. Encoded authorization failure message: ${encodedMessage(ctx, err)}`, 403),
  requestParameters: ec2RequestParameters,
  responseElements: (operation, result) => (ec2Operations[operation]?.readOnly ? null : ec2ResponseElements(result)),
});
