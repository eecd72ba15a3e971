/** A service on AWS JSON 1.0/1.1 (CloudTrail, ECR): X-Amz-Target → operation → the common call steps. */
import { AwsError } from '../errors.js';
import type { OutgoingResponse, RequestContext, ServiceModule } from '../types.js';
import { jsonFlavour } from './error-flavours.js';
import { jsonRpcError, jsonRpcResponse, type JsonVersion, parseJsonRpc } from './json-rpc.js';
import { findOperation, runOperation, type ServiceOperation } from './service-operation.js';

export type JsonInput = Record<string, unknown>;

export interface JsonRpcServiceConfig {
  /** SigV4 signing name, e.g. `cloudtrail`, `ecr` */
  service: string;
  targetPrefix: string;
  version: JsonVersion;
  operations: Record<string, ServiceOperation<JsonInput>>;
  /** the input as CloudTrail records it (default: as sent) */
  requestParameters?: (operation: string, input: JsonInput) => unknown;
  /** the result as CloudTrail records it (default: none) */
  responseElements?: (operation: string, result: unknown) => unknown;
}

export class JsonRpcService implements ServiceModule {
  constructor(private readonly config: JsonRpcServiceConfig) {}

  async handle(ctx: RequestContext): Promise<OutgoingResponse> {
    const c = this.config;
    const { operation, input } = parseJsonRpc(ctx.request, c.targetPrefix);
    const op = findOperation(c.operations, operation);
    if (!op) throw new AwsError('UnknownOperationException', `Unknown operation ${c.targetPrefix}.${operation}`, 400);
    const result = await runOperation(ctx, op, {
      service: c.service,
      operation,
      input,
      denied: (e) => new AwsError('AccessDeniedException', e.message, 400),
      requestParameters: c.requestParameters ? c.requestParameters(operation, input) : input,
      ...(c.responseElements ? { responseElements: (r: unknown) => c.responseElements!(operation, r) } : {}),
    });
    return jsonRpcResponse(result, ctx.requestId, c.version);
  }

  serializeError(err: AwsError, ctx: Pick<RequestContext, 'requestId'>): OutgoingResponse {
    return jsonRpcError(jsonFlavour(err, err.code === 'AccessDenied' ? 400 : undefined), ctx.requestId, this.config.version);
  }
}
