/**
 * Lambda's routes and routing table. Every function action acts on
 * `arn:aws:lambda:<region>:<account>:function:<name>` (ListFunctions on "*"); creating a function
 * or changing its role also needs iam:PassRole (checked in the handlers). Invoke is a data event.
 */
import type { RestRoute } from '../protocol/rest-json.js';
import type { RestInput } from '../protocol/rest-json-service.js';
import type { ServiceOperation } from '../protocol/service-operation.js';
import type { RequestContext } from '../types.js';
import { refuseBrowserRequests } from './browser-guard.js';
import * as fns from './functions.js';
import { invoke } from './invoke.js';
import { functionArn, parseFunctionName } from './names.js';

type Op = ServiceOperation<RestInput>;

const P = '/2015-03-31/functions';
export const lambdaRoutes: RestRoute[] = [
  { method: 'POST', path: P, operation: 'CreateFunction' },
  { method: 'GET', path: P, operation: 'ListFunctions' },
  { method: 'GET', path: `${P}/{FunctionName}`, operation: 'GetFunction' },
  { method: 'DELETE', path: `${P}/{FunctionName}`, operation: 'DeleteFunction' },
  { method: 'GET', path: `${P}/{FunctionName}/configuration`, operation: 'GetFunctionConfiguration' },
  { method: 'PUT', path: `${P}/{FunctionName}/configuration`, operation: 'UpdateFunctionConfiguration' },
  { method: 'PUT', path: `${P}/{FunctionName}/code`, operation: 'UpdateFunctionCode' },
  { method: 'POST', path: `${P}/{FunctionName}/invocations`, operation: 'Invoke' },
];

function functionResource(ctx: RequestContext, input: RestInput): string {
  const raw = input.labels.FunctionName ?? (typeof input.body.FunctionName === 'string' ? input.body.FunctionName : '');
  const ref = parseFunctionName(ctx, raw);
  return functionArn(ref.region, ref.accountId, ref.name);
}

const onFunction = (action: string, handler: Op['handler'], extra: Partial<Op> = {}): Op => ({ action, resource: functionResource, handler, ...extra });

/** Calls that upload or run code: refused unless they come from a CLI or SDK (browser-guard.ts). */
const runsCode = (handler: Op['handler']): Op['handler'] => (ctx, input) => {
  refuseBrowserRequests(ctx);
  return handler(ctx, input);
};

export const lambdaOperations: Record<string, Op> = Object.assign(Object.create(null), {
  CreateFunction: onFunction('lambda:CreateFunction', runsCode(fns.createFunction)),
  ListFunctions: { action: 'lambda:ListFunctions', readOnly: true, handler: fns.listFunctions },
  GetFunction: onFunction('lambda:GetFunction', fns.getFunction, { readOnly: true }),
  GetFunctionConfiguration: onFunction('lambda:GetFunctionConfiguration', fns.getFunctionConfiguration, { readOnly: true }),
  UpdateFunctionConfiguration: onFunction('lambda:UpdateFunctionConfiguration', fns.updateFunctionConfiguration),
  UpdateFunctionCode: onFunction('lambda:UpdateFunctionCode', runsCode(fns.updateFunctionCode)),
  DeleteFunction: onFunction('lambda:DeleteFunction', fns.deleteFunction),
  Invoke: onFunction('lambda:InvokeFunction', runsCode(invoke), { readOnly: true, dataEvent: true }),
} satisfies Record<string, Op>);
