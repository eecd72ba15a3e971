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
import { PROTECTED_ROLE_OPERATIONS, protectServiceLinkedRoles, serviceLinkedRoleOperations } from './ops/service-linked-roles.js';
import { oidcProviderOperations } from './ops/oidc-providers.js';
import { samlProviderOperations } from './ops/saml-providers.js';
import { accountSettingsOperations } from './ops/account-settings.js';
import { userCredentialOperations } from './ops/user-credentials.js';
import { sshKeyOperations } from './ops/ssh-public-keys.js';
import { signingCertificateOperations } from './ops/signing-certificates.js';
import { serviceSpecificCredentialOperations } from './ops/service-specific-credentials.js';
import { serverCertificateOperations } from './ops/server-certificates.js';
import { withUserCredentialRules } from './ops/user-lifecycle.js';
import { accessAdvisorOperations } from './ops/access-advisor.js';
import { contextKeyOperations } from './ops/context-keys.js';
import { delegationRequestOperations } from './ops/delegation-requests.js';
import { accountPropertyOperations } from './ops/account-properties.js';

const everyOperation: QueryOperationTable = {
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
  ...serviceLinkedRoleOperations,
  ...oidcProviderOperations,
  ...samlProviderOperations,
  ...accountSettingsOperations,
  ...userCredentialOperations,
  ...sshKeyOperations,
  ...signingCertificateOperations,
  ...serviceSpecificCredentialOperations,
  ...serverCertificateOperations,
  ...accessAdvisorOperations,
  ...contextKeyOperations,
  ...delegationRequestOperations,
  ...accountPropertyOperations,
};

/**
 * Service-linked roles are changed only by their service: the ordinary role operations refuse them.
 * DeleteUser and UpdateUser also mind the credentials other modules keep for a user.
 */
export const iamOperations: QueryOperationTable = withUserCredentialRules(protectServiceLinkedRoles(everyOperation, PROTECTED_ROLE_OPERATIONS));
