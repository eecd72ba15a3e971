/**
 * The role credentials an instance's metadata service hands out: a real STS session of the
 * instance profile's role (session name = instance id, as EC2 does), valid six hours and replaced
 * when less than fifteen minutes remain, so clients that refresh early always get fresh ones.
 */
import { instanceArn } from '../ec2/ids.js';
import { ec2State, type Instance } from '../ec2/models.js';
import type { Role } from '../iam/models.js';
import type { AccountState } from '../state/account.js';
import { getRecord } from '../state/records.js';
import { issueSession } from '../sts/credentials.js';
import type { StsSession } from '../sts/models.js';
import type { RequestContext } from '../types.js';

const SESSION_SECONDS = 6 * 3600;
const REFRESH_BEFORE_MS = 15 * 60 * 1000;

export interface DeliveredCredentials {
  session: StsSession;
  issuedAt: string;
}

export function instanceCredentials(account: AccountState, instance: Instance, role: Role, delivery: '1.0' | '2.0'): DeliveredCredentials {
  const cached = instance.imdsCredentials;
  const session = cached ? getRecord(account.sts.sessions, cached.accessKeyId) : undefined;
  if (cached && session && cached.roleName === role.roleName && Date.parse(session.expiration) - Date.now() > REFRESH_BEFORE_MS) {
    cached.delivery = delivery;
    return { session, issuedAt: cached.issuedAt };
  }
  const issuedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const fresh = issueSession(account, SESSION_SECONDS, {
    kind: 'assumed-role',
    roleName: role.roleName,
    roleSessionName: instance.instanceId,
    issuedTo: instanceArn(instance.region, account.accountId, instance.instanceId),
  });
  instance.imdsCredentials = { accessKeyId: fresh.accessKeyId, roleName: role.roleName, issuedAt, delivery };
  return { session: fresh, issuedAt };
}

/** CloudTrail's session facts for calls made with an instance's role credentials. */
export function instanceSessionFacts(ctx: RequestContext): { creationDate: string; ec2RoleDelivery: string } | undefined {
  const issuedTo = ctx.principal.session?.issuedTo ?? '';
  const m = /^arn:aws:ec2:[^:]+:\d{12}:instance\/(i-[0-9a-f]+)$/.exec(issuedTo);
  if (!m) return undefined;
  const instance = getRecord(ec2State(ctx.account).instances, m[1]);
  const c = instance?.imdsCredentials;
  if (!c || c.accessKeyId !== ctx.principal.accessKeyId) return undefined;
  return { creationDate: c.issuedAt, ec2RoleDelivery: c.delivery };
}
