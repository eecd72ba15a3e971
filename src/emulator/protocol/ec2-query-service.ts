/** A service on the EC2 Query protocol: form `Action` → operation → the common call steps; `<Response><Errors>` errors. */
import { AwsError } from '../errors.js';
import type { OutgoingResponse, RequestContext, ServiceModule } from '../types.js';
import { ec2Error, Ec2Params, ec2Response } from './ec2-query.js';
import { ec2Flavour } from './error-flavours.js';
import { findOperation, runOperation, type ServiceOperation } from './service-operation.js';

export interface Ec2QueryServiceConfig {
  operations: Record<string, ServiceOperation<Ec2Params>>;
  /** the EC2 wording of a denial (UnauthorizedOperation with the encoded authorization message) */
  denied: (ctx: RequestContext, err: AwsError) => AwsError;
  requestParameters?: (operation: string, p: Ec2Params) => unknown;
  responseElements?: (operation: string, result: unknown) => unknown;
}

export class Ec2QueryService implements ServiceModule {
  constructor(private readonly config: Ec2QueryServiceConfig) {}

  async handle(ctx: RequestContext): Promise<OutgoingResponse> {
    const c = this.config;
    const p = Ec2Params.parse(ctx.request.body.toString('utf8'), ctx.request.rawQuery);
    const operation = p.action;
    if (!operation) throw new AwsError('MissingAction', 'The request must contain the parameter Action', 400);
    const op = findOperation(c.operations, operation);
    if (!op) throw new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`, 400);
    const result = await runOperation(ctx, op, {
      service: 'ec2',
      operation,
      input: p,
      denied: (e) => c.denied(ctx, e),
      requestParameters: c.requestParameters?.(operation, p),
      ...(c.responseElements ? { responseElements: (r: unknown) => c.responseElements!(operation, r) } : {}),
    });
    return ec2Response(operation, (result ?? {}) as Record<string, unknown>, ctx.requestId);
  }

  serializeError(err: AwsError, ctx: Pick<RequestContext, 'requestId'>): OutgoingResponse {
    return ec2Error(ec2Flavour(err), ctx.requestId);
  }
}
