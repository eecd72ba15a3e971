/** STS's routing table. */
import type { QueryOperationTable } from '../protocol/query-service.js';

export const stsOperations: QueryOperationTable = {
  GetCallerIdentity: {
    readOnly: true,
    // AWS never denies GetCallerIdentity, whatever the policies say.
    authorize: async () => {},
    handler: (ctx) => ({ UserId: ctx.principal.userId, Account: ctx.principal.accountId, Arn: ctx.principal.arn }),
  },
};
