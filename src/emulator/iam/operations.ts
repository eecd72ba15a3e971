/** IAM's routing table: every operation the emulator implements, by exact AWS action name. */
import type { QueryOperationTable } from '../protocol/query-service.js';
import { userOperations } from './ops/users.js';

export const iamOperations: QueryOperationTable = {
  ...userOperations,
};
