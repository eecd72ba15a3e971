/**
 * Authorization stage of the pipeline. Root is not restricted by IAM in its own account, but an
 * explicit Deny in a bucket policy applies to it too (rootInOwnAccount); IAM users and role
 * sessions are evaluated by the policy engine when enforcement is on; anonymous S3 requests only
 * through a resource policy. Every decision is recorded for `iam-labs why`.
 */
import { bucketPolicyBindsRoot, policyEngine } from '../../policy/index.js';
import type { EvaluationResult } from '../../policy/types.js';
import type { AuthorizationSpec, RequestContext } from '../types.js';
import { evaluationRequest } from './gather.js';
import { AccessDenied } from '../errors.js';
import { accessDeniedError, denialLine } from './messages.js';
import { noteServiceAccess } from '../iam/access-records.js';

export { evaluationRequest, gatherIdentity, requestContext } from './gather.js';
export { accessDeniedError, S3_ACCESS_DENIED } from './messages.js';

/** Evaluate without throwing (STS uses it to combine checks; tests use it to inspect reasons). */
export async function evaluateRequest(ctx: RequestContext, spec: AuthorizationSpec): Promise<EvaluationResult> {
  return policyEngine.evaluate(evaluationRequest(ctx, spec));
}

export async function authorizeRequest(ctx: RequestContext, spec: AuthorizationSpec): Promise<void> {
  const p = ctx.principal;
  const resourceAccount = spec.resourceAccount ?? ctx.account.accountId;
  // Service last accessed data counts every attempt, allowed or not.
  noteServiceAccess(ctx, spec);
  if (!ctx.emulator.config.enforce) return;
  if (p.kind === 'root' && resourceAccount === p.accountId) return rootInOwnAccount(ctx, spec);

  const result = await evaluateRequest(ctx, spec);
  record(ctx, spec, result);
  if (result.decision === 'Allowed') return;
  ctx.emulator.config.logDenial?.(denialLine(p.arn, spec.action, spec.resource, result));
  if (spec.deniedResource && spec.resource === '*' && ctx.service !== 's3') {
    // AWS names a resource even for actions that have no resource type (ListUsers: …:user/).
    throw new AccessDenied(result.awsMessage.replace(` to perform: ${spec.action} `, ` to perform: ${spec.action} on resource: ${spec.deniedResource} `));
  }
  throw accessDeniedError(ctx.service, result, {
    principalArn: p.arn,
    action: spec.action,
    resource: spec.resource,
    sameAccount: resourceAccount === p.accountId,
    anonymous: p.kind === 'anonymous',
  });
}

/**
 * The account root in its own account: no identity policy limits it, but a bucket policy that
 * explicitly denies it (a Deny for Principal "*" included) does, for every action but reading,
 * replacing and deleting that policy (bucketPolicyBindsRoot).
 */
async function rootInOwnAccount(ctx: RequestContext, spec: AuthorizationSpec): Promise<void> {
  if (ctx.service !== 's3' || !spec.resourcePolicy || !bucketPolicyBindsRoot(spec.action)) return;
  const result = await evaluateRequest(ctx, spec);
  if (result.decision !== 'ExplicitlyDenied') return;
  record(ctx, spec, result);
  ctx.emulator.config.logDenial?.(denialLine(ctx.principal.arn, spec.action, spec.resource, result));
  throw accessDeniedError(ctx.service, result, { principalArn: ctx.principal.arn, action: spec.action, resource: spec.resource, sameAccount: true, anonymous: false });
}

/**
 * For calls AWS allows without any policy (GetSessionToken; ChangePassword on one's own user when
 * the password policy allows it): only an explicit Deny refuses them.
 */
export async function refuseExplicitDeny(ctx: RequestContext, spec: AuthorizationSpec): Promise<void> {
  const p = ctx.principal;
  if (!ctx.emulator.config.enforce || p.kind === 'root') return;
  const result = await evaluateRequest(ctx, spec);
  if (result.decision !== 'ExplicitlyDenied') return;
  record(ctx, spec, result);
  throw accessDeniedError(ctx.service, result, { principalArn: p.arn, action: spec.action, resource: spec.resource, sameAccount: true, anonymous: false });
}

/** Add a decision to the emulator's log (allowed ones too: `why` shows what granted access). */
export function record(ctx: RequestContext, spec: AuthorizationSpec, result: EvaluationResult): void {
  ctx.emulator.decisions.add({
    at: new Date().toISOString(),
    accountId: ctx.account.accountId,
    principal: ctx.principal.arn,
    action: spec.action,
    resource: spec.resource,
    decision: result.decision,
    reason: result.reason,
    ...(result.awsMessage ? { message: result.awsMessage } : {}),
    requestId: ctx.requestId,
  });
}
