/** Lambda on REST-JSON (signing name `lambda`; errors as `{"Type":"User","Message":…}`). */
import { responseElements } from '../cloudtrail/parameters.js';
import { RestJsonService } from '../protocol/rest-json-service.js';
import { lowerFirstKeys } from '../protocol/service-operation.js';
import { lambdaOperations, lambdaRoutes } from './operations.js';

export const lambdaService = new RestJsonService({
  service: 'lambda',
  routes: lambdaRoutes,
  operations: lambdaOperations,
  errorStyle: 'lambda',
  timestamps: 'epoch-seconds',
  deniedStatus: 403,
  // (its body limit is read before this code loads: service-modules.ts)
  // CloudTrail: the function's settings, never its code or the values of its environment variables
  requestParameters: (_op, input) => {
    const { Code: _code, ZipFile: _zip, Environment: env, ...rest } = input.body as Record<string, unknown>;
    return lowerFirstKeys({
      ...(input.labels.FunctionName ? { FunctionName: input.labels.FunctionName } : {}),
      ...rest,
      ...(env ? { Environment: {} } : {}),
    });
  },
  responseElements: (op, result) => {
    if (lambdaOperations[op]?.readOnly || result === undefined) return null;
    const body = (result as { body?: unknown }).body ?? result;
    const { Environment: _e, ...rest } = (body ?? {}) as Record<string, unknown>;
    return responseElements(rest, (d) => d.toISOString());
  },
});
