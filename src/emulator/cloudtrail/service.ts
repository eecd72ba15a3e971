/** CloudTrail on AWS JSON 1.1 (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>`). */
import { JsonRpcService } from '../protocol/json-rpc-service.js';
import { lowerFirstKeys } from '../protocol/service-operation.js';
import { cloudTrailOperations } from './operations.js';

export const cloudTrailService = new JsonRpcService({
  service: 'cloudtrail',
  targetPrefix: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101',
  version: '1.1',
  operations: cloudTrailOperations,
  // CloudTrail records its own (PascalCase) inputs with lower-case first letters.
  requestParameters: (_op, input) => lowerFirstKeys(input),
});
