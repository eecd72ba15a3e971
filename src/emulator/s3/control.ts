/**
 * The S3 Control API's account-level Block Public Access (`aws s3control get-public-access-block
 * --account-id …`): /v20180820/configuration/publicAccessBlock with the x-amz-account-id header,
 * signed for the s3 service like S3 itself.
 */
import { AccessDenied, MethodNotAllowed, NotImplemented } from '../errors.js';
import type { OutgoingResponse, RequestContext } from '../types.js';
import { deleteAccountPublicAccessBlock, getAccountPublicAccessBlock, putAccountPublicAccessBlock } from './ops/public-access.js';

export const S3_CONTROL_PREFIX = '/v20180820/';
const PUBLIC_ACCESS_BLOCK = '/v20180820/configuration/publicAccessBlock';

export async function handleS3Control(ctx: RequestContext): Promise<OutgoingResponse> {
  const path = ctx.request.rawPath.split('?')[0];
  if (path !== PUBLIC_ACCESS_BLOCK) {
    throw new NotImplemented(`A header you provided implies functionality that is not implemented. (${path} of the S3 Control API is not emulated by iam-labs' embedded emulator.)`);
  }
  const header = ctx.request.headers['x-amz-account-id'];
  const accountId = (Array.isArray(header) ? header[0] : header) ?? '';
  const method = ctx.request.method;
  const action = method === 'GET' ? 's3:GetAccountPublicAccessBlock' : 's3:PutAccountPublicAccessBlock';
  if (!['GET', 'PUT', 'DELETE'].includes(method)) {
    throw new MethodNotAllowed('The specified method is not allowed against this resource.', { Method: method, ResourceType: 'ACCOUNT' });
  }
  // The account's settings: no resource type, so authorized on "*".
  await ctx.authorize({ action, resource: '*' });
  // Only the caller's own account can be read or changed.
  if (accountId !== ctx.account.accountId) throw new AccessDenied('Access Denied');
  const s3 = ctx.account.s3;
  if (method === 'GET') return getAccountPublicAccessBlock(ctx, s3, accountId);
  const out = method === 'PUT' ? putAccountPublicAccessBlock(ctx, s3) : deleteAccountPublicAccessBlock(ctx, s3);
  ctx.emulator.state.commit({ accountId: ctx.account.accountId, service: 's3', operation: method === 'PUT' ? 'PutPublicAccessBlock' : 'DeletePublicAccessBlock' });
  return out;
}
