/** An S3 answer with no body (PUT/DELETE of most sub-resources), with S3's common headers. */
import type { OutgoingResponse } from '../../types.js';
import type { S3Call } from '../operation.js';
import { commonHeaders } from '../rest-xml.js';

export function empty(call: S3Call, status = 200, headers: Record<string, string> = {}): OutgoingResponse {
  return { status, headers: { ...commonHeaders(call.ctx.requestId), ...headers }, body: '' };
}
