/**
 * A Query-protocol service (IAM, STS): parse the form body, find the operation, authorize it,
 * run its handler and serialize the result, all errors in the <ErrorResponse> shape.
 */
import { AwsError, InvalidAction, MissingAction } from '../errors.js';
import type { OutgoingResponse, RequestContext, ServiceModule } from '../types.js';
import { QueryParams, serializeQueryError, serializeQueryResponse } from './query.js';
import type { XmlValue } from './xml.js';

export interface QueryOperation {
  /** IAM action checked for authorization; defaults to `${service}:${OperationName}`. */
  action?: string;
  /** The ARN this call acts on, for authorization (the service authorization reference's resource type). */
  resource?: (ctx: RequestContext, p: QueryParams) => string;
  /** For actions authorized on "*": the resource AWS names in their AccessDenied message. */
  deniedResource?: (ctx: RequestContext) => string;
  /** Extra context keys for authorization (e.g. iam:PolicyARN). */
  context?: (ctx: RequestContext, p: QueryParams) => Record<string, string | string[]>;
  /**
   * Custom authorization for calls whose check is not one identity-policy lookup (e.g. AssumeRole,
   * which also evaluates the role's trust policy). Replaces the default check when present.
   */
  authorize?: (ctx: RequestContext, p: QueryParams) => Promise<void>;
  /** Read-only calls neither persist state nor emit a change event. */
  readOnly?: boolean;
  handler: (ctx: RequestContext, p: QueryParams) => XmlValue | Promise<XmlValue>;
}

export type QueryOperationTable = Record<string, QueryOperation>;

const XML_HEADERS = { 'content-type': 'text/xml' };

export class QueryService implements ServiceModule {
  constructor(
    readonly service: 'iam' | 'sts',
    private readonly operations: QueryOperationTable,
  ) {}

  async handle(ctx: RequestContext): Promise<OutgoingResponse> {
    const params = QueryParams.of(ctx.request);
    const opName = params.action;
    if (opName === undefined) throw new MissingAction('Missing Action');
    // AWS finds an operation by action and API version: any other version (or none) has none.
    const version = params.version;
    if (version !== this.version()) throw new InvalidAction(`Could not find operation ${opName} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
    const op = Object.hasOwn(this.operations, opName) ? this.operations[opName] : undefined;
    if (!op) throw new InvalidAction(`Could not find operation ${opName} for version ${version}`);

    if (op.authorize) await op.authorize(ctx, params);
    else
      await ctx.authorize({
        action: op.action ?? `${this.service}:${opName}`,
        resource: op.resource ? op.resource(ctx, params) : '*',
        context: op.context?.(ctx, params),
        deniedResource: op.deniedResource?.(ctx),
      });

    const result = await op.handler(ctx, params);
    if (!op.readOnly) {
      ctx.emulator.state.commit({ accountId: ctx.account.accountId, service: this.service, operation: opName });
    }
    return {
      status: 200,
      headers: { ...XML_HEADERS, 'x-amzn-requestid': ctx.requestId },
      body: serializeQueryResponse(this.service, opName, result, ctx.requestId),
    };
  }

  serializeError(err: AwsError, ctx: Pick<RequestContext, 'requestId'>): OutgoingResponse {
    return {
      status: err.status,
      headers: { ...XML_HEADERS, 'x-amzn-requestid': ctx.requestId },
      body: serializeQueryError(this.service, err, ctx.requestId),
    };
  }

  private version(): string {
    return this.service === 'iam' ? '2010-05-08' : '2011-06-15';
  }
}
