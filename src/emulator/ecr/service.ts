/** ECR on AWS JSON 1.1 (`AmazonEC2ContainerRegistry_V20150921.<Operation>`, signing name `ecr`). */
import { responseElements } from '../cloudtrail/parameters.js';
import { JsonRpcService } from '../protocol/json-rpc-service.js';
import { ecrOperations } from './operations.js';

export const ecrService = new JsonRpcService({
  service: 'ecr',
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  version: '1.1',
  operations: ecrOperations,
  // CloudTrail records what a change made (the repository, the pushed image); reads and tokens record nothing.
  responseElements: (operation, result) => (ecrOperations[operation]?.readOnly ? null : responseElements(result)),
});
