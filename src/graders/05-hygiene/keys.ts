/** Access keys with what the backend knows of their use, in words the checks can show. */
import { GetAccessKeyLastUsedCommand } from '@aws-sdk/client-iam';
import { isNotFound, listKeys } from '../aws.js';
import type { LabContext } from '../types.js';
import { DAY_MS, STALE_DAYS } from './names.js';

export interface KeyInfo {
  id: string;
  status: string;
  created?: Date;
  /** when the key last signed a request, if the backend says (never used: undefined) */
  lastUsed?: Date;
}

/** The user's keys (with last use when asked), or undefined when the user does not exist. */
export async function keysOf(ctx: LabContext, user: string, withLastUse = false): Promise<KeyInfo[] | undefined> {
  let keys;
  try {
    keys = await listKeys(ctx, user);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  const out: KeyInfo[] = [];
  for (const k of keys) {
    const info: KeyInfo = { id: k.id, status: k.status, created: k.created };
    if (withLastUse) {
      const r = await ctx.clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.id }));
      if (r.AccessKeyLastUsed?.LastUsedDate) info.lastUsed = r.AccessKeyLastUsed.LastUsedDate;
    }
    out.push(info);
  }
  return out;
}

export const daysSince = (d: Date, now = Date.now()): number => Math.floor((now - d.getTime()) / DAY_MS);

/** Unused for more than STALE_DAYS: last used that long ago, or never used and created that long ago. */
export function isStale(k: KeyInfo, now = Date.now()): boolean {
  const since = k.lastUsed ?? k.created;
  return !!since && daysSince(since, now) > STALE_DAYS;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const ago = (days: number) => (days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`);

/** "AKIA… (Active, last used 2025-01-02, 200 days ago)" */
export function describeKey(k: KeyInfo, now = Date.now()): string {
  const use = k.lastUsed
    ? `last used ${day(k.lastUsed)}, ${ago(daysSince(k.lastUsed, now))}`
    : k.created
      ? `never used, created ${day(k.created)}`
      : 'never used';
  return `${k.id} (${k.status}, ${use})`;
}
