/**
 * Reading CloudTrail for lab 06: calls signed by an instance's role session (session name = the
 * instance id, credentials delivered by the metadata service: `ec2RoleDelivery`), calls typed in
 * an `iam-labs instance-shell` (its AWS_EXECUTION_ENV shows in the User-Agent as exec-env/…), and
 * who signed a call, in words.
 */
import { instanceShellExecEnv } from '../../core/aws-types.js';
import type { LabContext } from '../types.js';
import { trailEvents, type TrailEvent } from './services.js';

// CloudTrail's userIdentity of a call made with instance role credentials: an AssumedRole session
// whose name is the instance id, with sessionContext.ec2RoleDelivery ("1.0" for IMDSv1, "2.0" for
// IMDSv2): https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
// STS calls (GetCallerIdentity included) are management events CloudTrail records:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
/** Calls signed by `role`'s session named after `instanceId` with credentials from its metadata service, newest first. */
export async function roleSessionCalls(ctx: LabContext, role: string, instanceId: string): Promise<TrailEvent[]> {
  // LookupEvents' Username of a role session is the session name: the instance id
  const events = await trailEvents(ctx, { key: 'Username', value: instanceId });
  return events.filter((e) => {
    const u = e.userIdentity;
    return u?.type === 'AssumedRole' && u.sessionContext?.sessionIssuer?.userName === role && !!u.sessionContext.ec2RoleDelivery && !!u.arn?.endsWith(`/${instanceId}`);
  });
}

const SHELL_MARK = new RegExp(`exec-env/${instanceShellExecEnv('(i-[0-9a-f]+)')}`);

/** Recent calls made from any instance shell (newest first), with the instance they were typed on. */
export async function instanceShellCalls(ctx: LabContext): Promise<Array<{ instanceId: string; event: TrailEvent }>> {
  const out: Array<{ instanceId: string; event: TrailEvent }> = [];
  for (const event of await trailEvents(ctx, undefined, 1000)) {
    const m = SHELL_MARK.exec(event.userAgent ?? '');
    if (m) out.push({ instanceId: m[1], event });
  }
  return out;
}

/** "IAM user app-user (access key AKIA…)", "the account root", "role session arn:…" */
export function identityWords(e: TrailEvent): string {
  const u = e.userIdentity;
  const key = u?.accessKeyId ? ` (access key ${u.accessKeyId})` : '';
  switch (u?.type) {
    case 'IAMUser':
      return `IAM user ${u.userName}${key}`;
    case 'Root':
      return `the account root${key}`;
    case 'AssumedRole':
      return `the role session ${u.arn}`;
    default:
      return u?.arn ?? 'an unknown caller';
  }
}
