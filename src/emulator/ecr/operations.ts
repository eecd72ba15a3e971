/** ECR's routing table. */
import type { JsonInput } from '../protocol/json-rpc-service.js';
import type { ServiceOperation } from '../protocol/service-operation.js';

export const ecrOperations: Record<string, ServiceOperation<JsonInput>> = Object.create(null);
