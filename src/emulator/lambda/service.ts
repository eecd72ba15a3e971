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
  // A .zip sent inline (base64 in JSON): Lambda takes requests up to 70,167,211 bytes and answers
  // larger ones itself (package.ts); the gateway refuses only what is beyond even that.
  maxBodyBytes: 72 * 1024 * 1024,
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
