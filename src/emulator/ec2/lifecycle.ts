/**
 * Instance state changes happen by themselves in EC2 (pending → running, shutting-down →
 * terminated). The emulator moves them on when an instance is next looked at, a moment after the
 * call that started them, so a `run-instances` followed by `describe-instances` (or `aws ec2 wait
 * instance-running`) sees a running instance, as on AWS a few seconds later.
 */
import type { AccountState } from '../state/account.js';
import { ec2State, type Instance, type InstanceStateName } from './models.js';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** How long a terminated instance stays visible in DescribeInstances (AWS: about an hour). */
const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

const NEXT: Partial<Record<InstanceStateName, InstanceStateName>> = { pending: 'running', 'shutting-down': 'terminated', stopping: 'stopped' };

export function setState(i: Instance, state: InstanceStateName): void {
  i.state = state;
  i.stateSince = new Date().toISOString();
}

/** Move transitional states on and forget instances terminated long ago; returns the live ones. */
export function settle(account: AccountState, now = Date.now()): void {
  const s = ec2State(account);
  for (const [id, i] of Object.entries(s.instances)) {
    const next = NEXT[i.state];
    if (next) setState(i, next);
    if (i.state === 'terminated' && now - Date.parse(i.stateSince) > TERMINATED_VISIBLE_MS) {
      delete s.instances[id];
      for (const [aid, a] of Object.entries(s.associations)) if (a.instanceId === id) delete s.associations[aid];
    }
  }
  for (const a of Object.values(s.associations)) {
    if (a.state === 'associating') a.state = 'associated';
  }
  for (const [aid, a] of Object.entries(s.associations)) {
    if (a.state === 'disassociating') delete s.associations[aid];
  }
}

export const isGone = (i: Instance): boolean => i.state === 'terminated' || i.state === 'shutting-down';
