/**
 * Lambda is the one emulated service that runs code on the learner's machine. The emulator is
 * reachable from any web page the learner opens, and a page can send a "simple" POST without a
 * CORS preflight, signed in the query string with the well-known root key. So the calls that
 * upload or run code accept only what the AWS CLI and SDKs send: header-signed requests with no
 * browser Origin. (AWS itself would accept a presigned Lambda call; this is a deliberate gap.)
 */
import { AwsError } from '../errors.js';
import type { RequestContext } from '../types.js';

export function refuseBrowserRequests(ctx: RequestContext): void {
  const h = ctx.request.headers;
  const fromBrowser = h.origin !== undefined || h['sec-fetch-mode'] !== undefined || h['sec-fetch-site'] !== undefined;
  if (fromBrowser || ctx.auth?.presigned) {
    throw new AwsError(
      'AccessDeniedException',
      'iam-labs runs function code only for requests signed in the Authorization header by the AWS CLI or an SDK, never for a request from a web page or a presigned URL.',
      403,
    );
  }
}
