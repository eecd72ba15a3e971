/** ECR on AWS JSON 1.1 (`AmazonEC2ContainerRegistry_V20150921.<Operation>`, signing name `ecr`). */
import { JsonRpcService } from '../protocol/json-rpc-service.js';
import { ecrOperations } from './operations.js';

export const ecrService = new JsonRpcService({
  service: 'ecr',
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  version: '1.1',
  operations: ecrOperations,
});
