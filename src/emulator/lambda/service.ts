/** Lambda on REST-JSON (signing name `lambda`; errors as `{"Type":"User","Message":…}`). */
import { RestJsonService } from '../protocol/rest-json-service.js';
import { lambdaOperations, lambdaRoutes } from './operations.js';

export const lambdaService = new RestJsonService({
  service: 'lambda',
  routes: lambdaRoutes,
  operations: lambdaOperations,
  errorStyle: 'lambda',
  timestamps: 'epoch-seconds',
  deniedStatus: 403,
});
