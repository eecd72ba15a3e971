/**
 * AssumeRoot: a privileged root session on a member account of an organization, from its
 * management account, scoped by one of AWS's root task policies. It needs centralized root
 * access in AWS Organizations; an emulated account belongs to no organization, so once the
 * request is valid and allowed it is refused, as it would be for a standalone account.
 */
import { AccessDenied, ValidationError } from '../errors.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { stsViolations } from './validation.js';

/** The root task policies AWS offers (arn:aws:iam::aws:policy/root-task/…). */
export const ROOT_TASK_POLICIES = ['IAMAuditRootUserCredentials', 'IAMCreateRootUserPassword', 'IAMDeleteRootUserCredentials', 'S3UnlockBucketPolicy', 'SQSUnlockQueuePolicy'];

export async function assumeRoot(ctx: RequestContext, p: QueryParams) {
  const target = p.required('TargetPrincipal');
  const taskPolicy = p.str('TaskPolicyArn.arn');
  if (taskPolicy === undefined) p.required('TaskPolicyArn');
  const duration = p.int('DurationSeconds');
  stsViolations()
    .string(target, 'targetPrincipal', { min: 12, max: 2048 })
    .string(taskPolicy, 'taskPolicyArn.arn', { min: 20, max: 2048 })
    .int(duration, 'durationSeconds', 0, 900)
    .done();
  if (!/^\d{12}$/.test(target)) throw new ValidationError(`${target} is invalid`);
  const m = /^arn:aws:iam::aws:policy\/root-task\/([\w+=,.@-]+)$/.exec(taskPolicy as string);
  if (!m || !ROOT_TASK_POLICIES.includes(m[1])) throw new ValidationError(`${taskPolicy} is not a root task policy.`);
  await ctx.authorize({
    action: 'sts:AssumeRoot',
    resource: `arn:aws:iam::${target}:root`,
    resourceAccount: target,
    context: { 'sts:TaskPolicyArn': taskPolicy as string },
  });
  throw new AccessDenied(
    `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::${target}:root because centralized root access is not enabled for an organization that account ${target} belongs to`,
  );
}
