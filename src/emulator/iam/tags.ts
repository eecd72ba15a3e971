/**
 * IAM resource tags: validation and merge rules shared by users, roles and other taggable
 * entities (50 tags each, keys unique case-insensitively, AWS's character set and lengths).
 * IAM validates a request's tags before it looks the entity up, and its messages never repeat
 * the values (tags may hold anything).
 */
import { InvalidInput, LimitExceeded, ValidationError } from '../errors.js';
import type { Tag } from './models.js';

export const MAX_TAGS = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const KEY_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+';
const VALUE_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';

const violation = (member: string, constraint: string) =>
  new ValidationError(`1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`);

const validKey = (k: string) => k.length >= 1 && k.length <= 128 && TAG_CHARS.test(k);

/** Validate the Tags of a create or tag request (call before looking the entity up, as IAM does). */
export function validateTags(tags: Tag[]): void {
  if (tags.length > MAX_TAGS) throw violation('tags', `Member must have length less than or equal to ${MAX_TAGS}`);
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    const at = `tags.${i + 1}.member`;
    if (t.Key.length < 1) throw violation(`${at}.key`, 'Member must have length greater than or equal to 1');
    if (t.Key.length > 128) throw violation(`${at}.key`, 'Member must have length less than or equal to 128');
    if (!TAG_CHARS.test(t.Key)) throw violation(`${at}.key`, `Member must satisfy regular expression pattern: ${KEY_PATTERN}`);
    if (t.Value.length > 256) throw violation(`${at}.value`, 'Member must have length less than or equal to 256');
    if (!TAG_CHARS.test(t.Value)) throw violation(`${at}.value`, `Member must satisfy regular expression pattern: ${VALUE_PATTERN}`);
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw new InvalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
  });
}

/** Validate the TagKeys of an Untag* request: at most 50, each a valid tag key. */
export function validateTagKeys(keys: string[]): void {
  if (keys.length > MAX_TAGS) throw violation('tagKeys', `Member must have length less than or equal to ${MAX_TAGS}`);
  if (!keys.every(validKey)) {
    throw violation(
      'tagKeys',
      `Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${KEY_PATTERN}, Member must not be null]`,
    );
  }
}

/**
 * TagUser/TagRole: add or overwrite (keys compare case-insensitively), at most 50 in all. An
 * overwritten tag keeps its place in the list, as IAM lists it.
 */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  validateTags(added);
  const out = existing.map((e) => {
    const update = added.find((a) => a.Key.toLowerCase() === e.Key.toLowerCase());
    return update ? { Key: update.Key, Value: update.Value } : e;
  });
  for (const a of added) {
    if (!existing.some((e) => e.Key.toLowerCase() === a.Key.toLowerCase())) out.push({ Key: a.Key, Value: a.Value });
  }
  if (out.length > MAX_TAGS) throw new LimitExceeded('The number of tags has reached the maximum limit.');
  return out;
}

/** UntagUser/UntagRole: drop the given keys (case-insensitively); unknown keys are ignored, as AWS does. */
export function removeTags(existing: Tag[], keys: string[]): Tag[] {
  validateTagKeys(keys);
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}
