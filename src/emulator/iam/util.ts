/** Helpers every IAM operation module shares: ids, ARNs, validation, pagination, lookups. */
import crypto from 'node:crypto';
import { NoSuchEntity, ValidationError } from '../errors.js';
import { PATTERNS, Violations } from './constraints.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { nameKey, type IamState, type Tag } from './models.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** IAM unique ids: a 4-letter prefix (AIDA user, AGPA group, AROA role, ANPA policy, AIPA profile, AKIA key) + 17 chars. */
export function newId(prefix: string, length = 21): string {
  const bytes = crypto.randomBytes(length - prefix.length);
  let s = prefix;
  for (const b of bytes) s += ID_ALPHABET[b % 32];
  return s;
}

export function newSecret(): string {
  return crypto.randomBytes(30).toString('base64').replace(/[+/=]/g, 'A').slice(0, 40);
}

export function iamArn(accountId: string, type: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${type}${path}${name}`;
}

export const nowIso = (): string => new Date().toISOString();

/** Names of users, groups, roles, policies, instance profiles: [\w+=,.@-]+ within a length. */
export function validateName(value: string, member: string, max: number): void {
  new Violations().string(value, member, { min: 1, max, pattern: PATTERNS.name }).done();
}

export function validatePath(path: string | undefined, member = 'path'): string {
  const p = path ?? '/';
  const v = new Violations().string(p, member, { min: 1, max: 512, pattern: PATTERNS.path });
  // "//" matches the model's pattern but IAM still refuses it, worded as the pattern.
  if (p.includes('//') && PATTERNS.path.re.test(p)) v.add(member, `Member must satisfy regular expression pattern: ${PATTERNS.path.text}`);
  v.done();
  return p;
}

/**
 * Marker/MaxItems pagination as IAM does it: the marker is opaque to clients; ours is the
 * index of the next item, base64'd so it looks (and is treated) as opaque.
 */
export function paginate<T>(items: T[], p: QueryParams): { page: T[]; IsTruncated: boolean; Marker?: string } {
  const maxItems = p.int('MaxItems') ?? 100;
  if (maxItems < 1 || maxItems > 1000) {
    throw new ValidationError(
      `1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value ${maxItems < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`,
    );
  }
  const marker = p.str('Marker');
  let start = 0;
  if (marker) {
    const n = Number(Buffer.from(marker, 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw new ValidationError('Invalid Marker.');
    start = n;
  }
  const page = items.slice(start, start + maxItems);
  const next = start + maxItems;
  return next < items.length
    ? { page, IsTruncated: true, Marker: Buffer.from(String(next)).toString('base64') }
    : { page, IsTruncated: false };
}

export function pathPrefixFilter<T extends { path: string }>(items: T[], p: QueryParams): T[] {
  const prefix = p.str('PathPrefix') ?? '/';
  return items.filter((i) => i.path.startsWith(prefix));
}

export function iam(ctx: RequestContext): IamState {
  return ctx.account.iam;
}

/** Look an entity up by name, case-insensitively, with AWS's NoSuchEntity wording. */
export function getUser(ctx: RequestContext, userName: string) {
  const u = iam(ctx).users[nameKey(userName)];
  if (!u) throw new NoSuchEntity(`The user with name ${userName} cannot be found.`);
  return u;
}

export function getGroup(ctx: RequestContext, groupName: string) {
  const g = iam(ctx).groups[nameKey(groupName)];
  if (!g) throw new NoSuchEntity(`The group with name ${groupName} cannot be found.`);
  return g;
}

export function getRole(ctx: RequestContext, roleName: string) {
  const r = iam(ctx).roles[nameKey(roleName)];
  if (!r) throw new NoSuchEntity(`The role with name ${roleName} cannot be found.`);
  return r;
}

export function tagsFrom(p: QueryParams): Tag[] {
  return p.structList('Tags').map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/**
 * IAM hands policy documents back URL-encoded (RFC 3986), as AWS does. RFC 3986 leaves only
 * A-Z a-z 0-9 - . _ ~ unencoded, so ! ' ( ) * are encoded too (encodeURIComponent keeps them).
 */
export function encodePolicy(doc: string): string {
  return encodeURIComponent(doc).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
