/**
 * How much history an account keeps: CloudTrail's event history covers 90 days; the emulator
 * also caps each account's history (it persists with the account), dropping the oldest read-only
 * events first so the changes an audit looks for outlive the noise of reads.
 */
import type { TrailEvent } from './models.js';

export const RETENTION_DAYS = 90;
export const MAX_EVENTS_PER_ACCOUNT = 1000;

export function retentionStart(now = Date.now()): number {
  return now - RETENTION_DAYS * 24 * 3600 * 1000;
}

/** Insert `event` in time order and apply the retention rules. */
export function addEvent(events: TrailEvent[], event: TrailEvent, now = Date.now()): void {
  const t = Date.parse(event.eventTime);
  if (t < retentionStart(now)) return;
  let i = events.length;
  while (i > 0 && Date.parse(events[i - 1].eventTime) > t) i--;
  events.splice(i, 0, event);
  prune(events, now);
}

export function prune(events: TrailEvent[], now = Date.now()): void {
  const start = retentionStart(now);
  let expired = 0;
  while (expired < events.length && Date.parse(events[expired].eventTime) < start) expired++;
  if (expired) events.splice(0, expired);
  let excess = events.length - MAX_EVENTS_PER_ACCOUNT;
  for (let i = 0; excess > 0 && i < events.length; ) {
    if (events[i].readOnly) {
      events.splice(i, 1);
      excess--;
    } else i++;
  }
  if (excess > 0) events.splice(0, excess);
}
