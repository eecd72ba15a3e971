/**
 * One operation of a JSON, REST-JSON or EC2 Query service, and the steps every call goes
 * through whatever its wire protocol: authorize (through authz, with the Service Authorization
 * Reference's action and resource ARN, plus the resource policy where the service has one),
 * run the handler, persist when it changed state, and leave a note for the audit trail.
 */
import { AwsError } from '../errors.js';
import type { RequestContext } from '../types.js';
import { amendCall, noteCall } from './call-notes.js';

export interface ServiceOperation<I> {
  /** IAM action checked, e.g. `ecr:CreateRepository` */
  action: string;
  /** ARN the action acts on ("*" when the action has no resource type) */
  resource?: (ctx: RequestContext, input: I) => string;
  /** the resource's own policy (an ECR repository policy), evaluated with the caller's policies */
  resourcePolicy?: (ctx: RequestContext, input: I) => { document?: string; accountId: string } | undefined;
  context?: (ctx: RequestContext, input: I) => Record<string, string | string[]>;
  /** replaces the single check above (RunInstances checks several resources and iam:PassRole) */
  authorize?: (ctx: RequestContext, input: I) => Promise<void>;
  /** read-only calls neither persist nor emit change events, and CloudTrail marks them readOnly */
  readOnly?: boolean;
  /** data events are not management events: CloudTrail's event history does not show them */
  dataEvent?: boolean;
  /** the account whose state a write changes, when not the caller's (ECR's registryId) */
  stateAccount?: (ctx: RequestContext, input: I) => string;
  handler: (ctx: RequestContext, input: I) => unknown;
}

export interface RunOptions<I> {
  service: string;
  operation: string;
  input: I;
  /** how this service words a denial (AccessDeniedException, UnauthorizedOperation, …) */
  denied: (err: AwsError) => AwsError;
  /** the input as CloudTrail records it */
  requestParameters?: unknown;
  /** the result as CloudTrail records it (undefined: none, as for most calls) */
  responseElements?: (result: unknown) => unknown;
}

export async function authorizeOperation<I>(ctx: RequestContext, op: ServiceOperation<I>, input: I): Promise<void> {
  if (op.authorize) return op.authorize(ctx, input);
  const rp = op.resourcePolicy?.(ctx, input);
  await ctx.authorize({
    action: op.action,
    resource: op.resource ? op.resource(ctx, input) : '*',
    ...(rp ? { resourceAccount: rp.accountId, ...(rp.document ? { resourcePolicy: rp.document } : {}) } : {}),
    ...(op.context ? { context: op.context(ctx, input) } : {}),
  });
}

export async function runOperation<I>(ctx: RequestContext, op: ServiceOperation<I>, o: RunOptions<I>): Promise<unknown> {
  noteCall(ctx, {
    eventName: o.operation,
    readOnly: !!op.readOnly,
    dataEvent: !!op.dataEvent,
    requestParameters: o.requestParameters,
  });
  try {
    await authorizeOperation(ctx, op, o.input);
    const result = await op.handler(ctx, o.input);
    if (!op.readOnly) {
      const accountId = op.stateAccount?.(ctx, o.input) ?? ctx.account.accountId;
      ctx.emulator.state.commit({ accountId, service: o.service, operation: o.operation });
    }
    if (o.responseElements) amendCall(ctx, { responseElements: o.responseElements(result) });
    return result;
  } catch (e) {
    if (e instanceof AwsError && e.code === 'AccessDenied') throw o.denied(e);
    throw e;
  }
}

/** Look up an operation by name without reaching Object.prototype (`constructor`, `__proto__`). */
export function findOperation<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** `CreateRepository` → `createRepository`: CloudTrail's spelling of parameter names. */
export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A JSON input with every member name's first letter lowered (CloudTrail records Lambda's and CloudTrail's own inputs so). */
export function lowerFirstKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerFirstKeys);
  if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(v)) out[lowerFirst(k)] = lowerFirstKeys(x);
    return out;
  }
  return v;
}
