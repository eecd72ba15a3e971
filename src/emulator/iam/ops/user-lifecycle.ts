/**
 * What the user operations must also do for credentials kept in other modules (SSH keys, signing
 * certificates, service-specific credentials): DeleteUser refuses while a user still has any, and
 * UpdateUser's rename carries them to the new name. Applied to the routing table, so the user
 * operations themselves need not know these modules.
 */
import { DeleteConflict } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import { nameKey } from '../models.js';
import { iam } from '../util.js';

export function withUserCredentialRules(table: QueryOperationTable): QueryOperationTable {
  const out: QueryOperationTable = { ...table };
  const del = table.DeleteUser;
  if (del) {
    out.DeleteUser = {
      ...del,
      handler: (ctx, p) => {
        const key = nameKey(p.str('UserName') ?? '');
        const s = iam(ctx);
        const owns = (records: Record<string, { userName: string }>) => Object.values(records).some((r) => nameKey(r.userName) === key);
        if (s.users[key] && (owns(s.sshPublicKeys) || owns(s.signingCertificates) || owns(s.serviceSpecificCredentials))) {
          throw new DeleteConflict('Cannot delete entity, must remove referenced objects first.');
        }
        return del.handler(ctx, p);
      },
    };
  }
  const update = table.UpdateUser;
  if (update) {
    out.UpdateUser = {
      ...update,
      handler: async (ctx, p) => {
        const before = iam(ctx).users[nameKey(p.str('UserName') ?? '')]?.userName;
        const result = await update.handler(ctx, p);
        const newName = p.str('NewUserName');
        if (before && newName && newName !== before) {
          const s = iam(ctx);
          for (const records of [s.sshPublicKeys, s.signingCertificates, s.serviceSpecificCredentials] as Array<Record<string, { userName: string }>>) {
            for (const r of Object.values(records)) if (nameKey(r.userName) === nameKey(before)) r.userName = newName;
          }
        }
        return result;
      },
    };
  }
  return out;
}
