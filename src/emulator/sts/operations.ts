/** STS's routing table. */
import type { QueryOperationTable } from '../protocol/query-service.js';
import { assumeRole } from './assume-role.js';
import { getSessionToken } from './session-token.js';
import { getAccessKeyInfo } from './access-key-info.js';
import { getFederationToken } from './federation-token.js';
import { assumeRoleWithWebIdentity } from './web-identity.js';
import { assumeRoleWithSaml } from './saml.js';
import { decodeAuthorizationMessage } from './authorization-message.js';
import { assumeRoot } from './assume-root.js';
import { getWebIdentityToken } from './web-identity-token.js';
import { getDelegatedAccessToken } from './delegated-access-token.js';

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
  GetFederationToken: {
    // Authorized inside, once the caller is known to hold long-term credentials.
    authorize: async () => {},
    handler: getFederationToken,
  },
  // Unsigned calls: the token or assertion is the credential, and the trust policy decides.
  AssumeRoleWithWebIdentity: { authorize: async () => {}, handler: assumeRoleWithWebIdentity },
  AssumeRoleWithSAML: { authorize: async () => {}, handler: assumeRoleWithSaml },
  DecodeAuthorizationMessage: { readOnly: true, handler: decodeAuthorizationMessage },
  AssumeRoot: { authorize: async () => {}, handler: assumeRoot },
  GetWebIdentityToken: { authorize: async () => {}, handler: getWebIdentityToken },
  GetDelegatedAccessToken: { handler: getDelegatedAccessToken },
};
