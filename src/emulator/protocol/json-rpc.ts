/**
 * AWS JSON 1.0/1.1 (CloudTrail, ECR): every call is a POST whose X-Amz-Target header names the
 * operation (`<targetPrefix>.<Operation>`) and whose body is the input as JSON. Results are JSON
 * objects; errors are `{"__type": code, "message": text}` with the error's HTTP status.
 */
import { AwsError } from '../errors.js';
import type { IncomingRequest, OutgoingResponse } from '../types.js';
import { parseJsonObject, wireJson } from './json-values.js';

export type JsonVersion = '1.0' | '1.1';

export interface JsonRpcCall {
  operation: string;
  input: Record<string, unknown>;
}

function header(req: IncomingRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The operation and input of a JSON RPC request for the service whose target prefix is `prefix`.
 * botocore sends the model's full prefix (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`);
 * SDK v3 sends only the service shape's name (`CloudTrail_20131101`): both are the same service.
 */
export function parseJsonRpc(req: IncomingRequest, prefix: string): JsonRpcCall {
  const target = header(req, 'x-amz-target') ?? '';
  const dot = target.lastIndexOf('.');
  const sent = dot < 0 ? '' : target.slice(0, dot);
  const shortPrefix = prefix.slice(prefix.lastIndexOf('.') + 1);
  if (req.method !== 'POST' || dot < 0 || (sent !== prefix && sent !== shortPrefix)) {
    throw new AwsError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing the X-Amz-Target header', 400);
  }
  const input = parseJsonObject(req.body);
  if (!input) throw new AwsError('SerializationException', 'The request body is not a JSON object.', 400);
  return { operation: target.slice(dot + 1), input };
}

export function jsonRpcResponse(result: unknown, requestId: string, version: JsonVersion): OutgoingResponse {
  return {
    status: 200,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId },
    body: wireJson(result, 'epoch-seconds'),
  };
}

export function jsonRpcError(err: AwsError, requestId: string, version: JsonVersion): OutgoingResponse {
  return {
    status: err.status,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: err.code, message: err.message, ...err.extra }),
  };
}
