/**
 * Service last accessed data: every request an IAM user or role session makes is an attempt to
 * use a service, recorded per entity and service (and per action for the services AWS tracks at
 * action level), as the Access Advisor reports show them. Allowed or denied alike: AWS counts
 * attempts. Kept in the caller's account state; the gateway's batched flush persists it.
 */
import type { AuthorizationSpec, RequestContext } from '../types.js';

/** Services whose actions AWS also tracks one by one (ACTION_LEVEL reports). */
export const ACTION_TRACKED_SERVICES = new Set(['s3', 'ec2', 'iam', 'lambda']);

/** The IAM entity a request is attributed to: the user, or the role behind a role session. */
export function entityArnOf(ctx: RequestContext): string | undefined {
  const p = ctx.principal;
  if (p.kind === 'user') return p.arn;
  if (p.kind === 'assumed-role') return p.roleArn;
  return undefined;
}

export function noteServiceAccess(ctx: RequestContext, spec: Pick<AuthorizationSpec, 'action'>): void {
  const arn = entityArnOf(ctx);
  const [service, action] = spec.action.split(':');
  if (!arn || !service || !action) return;
  const ns = service.toLowerCase();
  const date = new Date().toISOString();
  const perEntity = (ctx.account.iam.serviceAccess[arn] ??= Object.create(null) as Record<string, never>);
  const rec = (perEntity[ns] ??= { date, region: ctx.region, actions: Object.create(null) });
  rec.date = date;
  rec.region = ctx.region;
  if (ACTION_TRACKED_SERVICES.has(ns)) rec.actions[action] = { date, region: ctx.region };
}
