/**
 * What AssumeRoleWithWebIdentity and AssumeRoleWithSAML share: the trust policy alone decides
 * (the caller is an identity provider's user, with no identity policies), the duration rules,
 * and the role session they issue.
 */
import { policyEngine } from '../../policy/index.js';
import { record, requestContext } from '../authz/index.js';
import { AccessDenied, ValidationError } from '../errors.js';
import type { Role } from '../iam/models.js';
import type { AccountState } from '../state/account.js';
import type { RequestContext } from '../types.js';
import { credentialsShape, issueSession } from './credentials.js';
import type { StsSession } from './models.js';

/**
 * Evaluate the role's trust policy for a federated principal (the provider's ARN, or a provider
 * AWS knows by name). A denial is AWS's bare "Not authorized to perform <action>"; the emulator's
 * decision log keeps the full explanation for `iam-labs why`.
 */
export async function authorizeFederatedAssume(
  ctx: RequestContext,
  role: Role,
  req: { action: 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRoleWithSAML'; principal: string; accountId: string; context: Record<string, string | string[]> },
): Promise<void> {
  if (!ctx.emulator.config.enforce) return;
  // Logged under the identity provider, the only principal these calls have.
  const federated: RequestContext = {
    ...ctx,
    principal: { kind: 'anonymous', accountId: req.accountId, arn: req.principal, userId: req.principal, accessKeyId: '' },
  };
  const spec = { action: req.action, resource: role.arn, resourceAccount: req.accountId, resourcePolicy: role.assumeRolePolicyDocument, context: req.context };
  const result = await policyEngine.evaluate({
    principal: { arn: req.principal, type: 'federated', accountId: req.accountId },
    action: req.action,
    resource: role.arn,
    resourceAccount: req.accountId,
    context: { ...requestContext(ctx, []), ...req.context },
    identityPolicies: [],
    resourcePolicy: { name: `trust policy of ${role.roleName}`, document: role.assumeRolePolicyDocument },
  });
  record(federated, spec, result);
  if (result.decision !== 'Allowed') {
    ctx.emulator.config.logDenial?.(`AccessDenied ${req.principal} ${req.action} ${role.arn}: ${result.reason}`);
    throw new AccessDenied(`Not authorized to perform ${req.action}`);
  }
}

export function checkSessionDuration(role: Role, requested: number | undefined): void {
  if (requested !== undefined && requested > role.maxSessionDuration) {
    throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
}

/** A role session in the role's account, and the AssumedRoleUser AWS reports for it. */
export function issueRoleSession(
  ctx: RequestContext,
  roleAccount: AccountState,
  role: Role,
  opts: { sessionName: string; duration: number; sessionPolicy?: string; federation: NonNullable<StsSession['federation']> },
) {
  const session = issueSession(roleAccount, opts.duration, {
    kind: 'assumed-role',
    roleName: role.roleName,
    roleSessionName: opts.sessionName,
    ...(opts.sessionPolicy ? { sessionPolicy: opts.sessionPolicy } : {}),
    federation: opts.federation,
    issuedTo: opts.federation.provider,
  });
  if (roleAccount.accountId !== ctx.account.accountId) void ctx.emulator.state.persist(roleAccount.accountId);
  return {
    credentials: credentialsShape(session),
    assumedRoleUser: {
      AssumedRoleId: `${role.roleId}:${opts.sessionName}`,
      Arn: `arn:aws:sts::${roleAccount.accountId}:assumed-role/${role.roleName}/${opts.sessionName}`,
    },
  };
}
