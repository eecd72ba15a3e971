/**
 * How much history an account keeps: CloudTrail's event history covers 90 days; the emulator
 * also caps each account's history (it persists with the account), dropping the oldest read-only
 * events first so the changes an audit looks for outlive the noise of reads.
 */
import { untracked } from '../state/change-tracker.js';
import type { TrailEvent } from './models.js';

export const RETENTION_DAYS = 90;
export const MAX_EVENTS_PER_ACCOUNT = 1000;

export function retentionStart(now = Date.now()): number {
  return now - RETENTION_DAYS * 24 * 3600 * 1000;
}

/**
 * Insert `event` in time order and apply the retention rules. `events` may be the account's
 * change-tracking proxy: the scans read the array behind it (a read through the proxy costs a
 * proxy per element, and a full history of writes is scanned whole on every call), and only the
 * changes go through the proxy, as splices, so the journal records exactly what changed.
 */
export function addEvent(events: TrailEvent[], event: TrailEvent, now = Date.now()): void {
  const t = Date.parse(event.eventTime);
  if (t < retentionStart(now)) return;
  const raw = untracked(events);
  let i = raw.length;
  while (i > 0 && Date.parse(raw[i - 1].eventTime) > t) i--;
  events.splice(i, 0, event);
  prune(events, now);
}

export function prune(events: TrailEvent[], now = Date.now()): void {
  const start = retentionStart(now);
  const raw = untracked(events);
  let expired = 0;
  while (expired < raw.length && Date.parse(raw[expired].eventTime) < start) expired++;
  if (expired) events.splice(0, expired);
  let excess = raw.length - MAX_EVENTS_PER_ACCOUNT;
  for (let i = 0; excess > 0 && i < raw.length; ) {
    if (raw[i].readOnly) {
      events.splice(i, 1);
      excess--;
    } else i++;
  }
  if (excess > 0) events.splice(0, excess);
}
