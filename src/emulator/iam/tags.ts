/**
 * IAM resource tags: validation and merge rules shared by users, roles and other taggable
 * entities (50 tags each, keys unique case-insensitively, AWS's character set and lengths).
 */
import { InvalidInput, LimitExceeded, ValidationError } from '../errors.js';
import type { Tag } from './models.js';

export const MAX_TAGS = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const violation = (value: string, member: string, constraint: string) =>
  new ValidationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);

/** Validate the Tags of a create or tag request. */
export function validateTags(tags: Tag[]): void {
  if (tags.length > MAX_TAGS) {
    throw violation(
      `[${tags.map((t) => `${t.Key}=${t.Value}`).join(', ')}]`,
      'tags',
      `Member must have length less than or equal to ${MAX_TAGS}`,
    );
  }
  const seen = new Set<string>();
  tags.forEach((t, i) => {
    const at = `tags.${i + 1}.member`;
    if (t.Key.length < 1) throw violation(t.Key, `${at}.key`, 'Member must have length greater than or equal to 1');
    if (t.Key.length > 128) throw violation(t.Key, `${at}.key`, 'Member must have length less than or equal to 128');
    if (!TAG_CHARS.test(t.Key)) {
      throw violation(t.Key, `${at}.key`, 'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+');
    }
    if (t.Value.length > 256) throw violation(t.Value, `${at}.value`, 'Member must have length less than or equal to 256');
    if (!TAG_CHARS.test(t.Value)) {
      throw violation(t.Value, `${at}.value`, 'Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*');
    }
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw new InvalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
  });
}

/** TagUser/TagRole: add or overwrite (keys compare case-insensitively), at most 50 in all. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  validateTags(added);
  const out = existing.filter((e) => !added.some((a) => a.Key.toLowerCase() === e.Key.toLowerCase()));
  out.push(...added.map((t) => ({ Key: t.Key, Value: t.Value })));
  if (out.length > MAX_TAGS) throw new LimitExceeded('The number of tags has reached the maximum limit.');
  return out;
}

/** UntagUser/UntagRole: drop the given keys (case-insensitively); unknown keys are ignored, as AWS does. */
export function removeTags(existing: Tag[], keys: string[]): Tag[] {
  if (keys.length > MAX_TAGS) {
    throw violation(`[${keys.join(', ')}]`, 'tagKeys', `Member must have length less than or equal to ${MAX_TAGS}`);
  }
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(t.Key.toLowerCase()));
}
