/** A service on REST-JSON (Access Analyzer, Lambda): method + path template → operation → the common call steps. */
import { AwsError } from '../errors.js';
import type { OutgoingResponse, RequestContext, ServiceModule } from '../types.js';
import { jsonFlavour } from './error-flavours.js';
import type { TimestampFormat } from './json-values.js';
import { type RestErrorStyle, type RestRoute, RestRouter, restJsonBody, restJsonError, restJsonResponse } from './rest-json.js';
import { findOperation, runOperation, type ServiceOperation } from './service-operation.js';

/** Everything a REST-JSON request carries, decoded. */
export interface RestInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** the raw body, for operations whose payload is not JSON input (Lambda Invoke) */
  rawBody: Buffer;
  header(name: string): string | undefined;
}

/** A handler's answer when it is not a plain 200 JSON document. */
export class RestResult {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** a payload sent as is (Lambda Invoke's function result) */
    readonly raw?: Buffer,
  ) {}
}

export interface RestJsonServiceConfig {
  service: string;
  routes: RestRoute[];
  operations: Record<string, ServiceOperation<RestInput>>;
  errorStyle: RestErrorStyle;
  timestamps: TimestampFormat;
  /** the HTTP status this service gives AccessDeniedException and authentication failures */
  deniedStatus: number;
  requestParameters?: (operation: string, input: RestInput) => unknown;
  responseElements?: (operation: string, result: unknown) => unknown;
}

export class RestJsonService implements ServiceModule {
  private readonly router: RestRouter;

  constructor(private readonly config: RestJsonServiceConfig) {
    this.router = new RestRouter(config.routes);
  }

  async handle(ctx: RequestContext): Promise<OutgoingResponse> {
    const c = this.config;
    const req = ctx.request;
    const match = this.router.match(req);
    const op = match && findOperation(c.operations, match.operation);
    if (!match || !op) throw new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.rawPath}`, 404);
    const input: RestInput = {
      labels: match.labels,
      query: match.query,
      body: op.dataEvent ? {} : restJsonBody(req),
      rawBody: req.body,
      header: (name) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
    };
    const result = await runOperation(ctx, op, {
      service: c.service,
      operation: match.operation,
      input,
      denied: (e) => new AwsError('AccessDeniedException', e.message, c.deniedStatus),
      requestParameters: c.requestParameters ? c.requestParameters(match.operation, input) : { ...match.labels, ...input.body },
      ...(c.responseElements ? { responseElements: (r: unknown) => c.responseElements!(match.operation, r) } : {}),
    });
    if (result instanceof RestResult) {
      if (result.raw) {
        return { status: result.status, headers: { 'x-amzn-requestid': ctx.requestId, ...result.headers }, body: result.raw };
      }
      return restJsonResponse(result.status, result.body, ctx.requestId, c.timestamps, result.headers);
    }
    return restJsonResponse(200, result ?? {}, ctx.requestId, c.timestamps);
  }

  serializeError(err: AwsError, ctx: Pick<RequestContext, 'requestId'>): OutgoingResponse {
    const status = ['InvalidClientTokenId', 'SignatureDoesNotMatch', 'AccessDenied'].includes(err.code) ? this.config.deniedStatus : undefined;
    return restJsonError(jsonFlavour(err, status), ctx.requestId, this.config.errorStyle);
  }
}
