/** IAM's routing table: every operation the emulator implements, by exact AWS action name. */
import type { QueryOperationTable } from '../protocol/query-service.js';
import { userOperations } from './ops/users.js';
import { accessKeyOperations } from './ops/access-keys.js';
import { loginProfileOperations } from './ops/login-profiles.js';
import { groupOperations } from './ops/groups.js';
import { mfaOperations } from './ops/mfa.js';
import { accountOperations } from './ops/account.js';
import { roleOperations } from './ops/roles.js';
import { instanceProfileOperations } from './ops/instance-profiles.js';
import { managedPolicyOperations } from './ops/managed-policies.js';
import { attachmentOperations } from './ops/attachments.js';
import { inlinePolicyOperations } from './ops/inline-policies.js';
import { boundaryOperations } from './ops/boundaries.js';
import { authorizationDetailsOperations } from './ops/authorization-details.js';
import { simulateOperations } from './ops/simulate.js';

export const iamOperations: QueryOperationTable = {
  ...userOperations,
  ...accessKeyOperations,
  ...loginProfileOperations,
  ...groupOperations,
  ...mfaOperations,
  ...accountOperations,
  ...roleOperations,
  ...instanceProfileOperations,
  ...managedPolicyOperations,
  ...attachmentOperations,
  ...inlinePolicyOperations,
  ...boundaryOperations,
  ...authorizationDetailsOperations,
  ...simulateOperations,
};
