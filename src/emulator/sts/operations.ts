/** STS's routing table. */
import type { QueryOperationTable } from '../protocol/query-service.js';
import { assumeRole } from './assume-role.js';
import { getSessionToken } from './session-token.js';
import { getAccessKeyInfo } from './access-key-info.js';

export const stsOperations: QueryOperationTable = {
  GetCallerIdentity: {
    readOnly: true,
    // AWS never denies GetCallerIdentity, whatever the policies say.
    authorize: async () => {},
    handler: (ctx) => ({ UserId: ctx.principal.userId, Account: ctx.principal.accountId, Arn: ctx.principal.arn }),
  },
  AssumeRole: {
    // The trust policy and the caller's identity policy are evaluated together inside the handler.
    authorize: async () => {},
    handler: assumeRole,
  },
  GetSessionToken: {
    authorize: async () => {},
    handler: getSessionToken,
  },
  GetAccessKeyInfo: {
    readOnly: true,
    action: 'sts:GetAccessKeyInfo',
    handler: getAccessKeyInfo,
  },
};
