/** IAM Access Analyzer on REST-JSON (signing name `access-analyzer`; timestamps ISO-8601 as its model says). */
import { RestJsonService } from '../protocol/rest-json-service.js';
import { accessAnalyzerOperations, accessAnalyzerRoutes } from './operations.js';

export const accessAnalyzerService = new RestJsonService({
  service: 'access-analyzer',
  routes: accessAnalyzerRoutes,
  operations: accessAnalyzerOperations,
  errorStyle: 'message',
  timestamps: 'iso8601',
  deniedStatus: 403,
  // CloudTrail: the request as sent (a policy under validation is recorded as text), no response elements
  requestParameters: (_op, input) => ({ ...input.labels, ...input.body }),
});
