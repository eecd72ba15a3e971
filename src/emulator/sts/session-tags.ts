/**
 * Session tags on AssumeRole: validation as STS does it (InvalidParameterValue for the rules that
 * involve more than one tag), inheritance of transitive tags from the calling session (role
 * chaining), and the condition keys they set (aws:RequestTag/…, aws:TagKeys).
 */
import { InvalidParameterValue } from '../errors.js';
import type { Violations } from '../iam/constraints.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';

export interface SessionTag {
  Key: string;
  Value: string;
}

const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_SESSION_TAGS = 50;

export interface RequestedTags {
  tags: SessionTag[];
  transitiveKeys: string[];
}

const tagKeyRules = { min: 1, max: 128, pattern: { re: TAG_PATTERN, text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' } };
const tagValueRules = { max: 256, pattern: { re: TAG_PATTERN, text: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' } };

const tagsOf = (p: QueryParams): SessionTag[] => p.structList('Tags').map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));

/**
 * The model constraints of Tags (and TransitiveTagKeys, for the operations that take them), added to
 * the request's collector at their place in the model.
 */
export function checkSessionTags(v: Violations, p: QueryParams, opts: { transitive: boolean }): Violations {
  const tags = tagsOf(p);
  // The list's size is reported without the list itself.
  if (tags.length > MAX_SESSION_TAGS) v.add('tags', `Member must have length less than or equal to ${MAX_SESSION_TAGS}`);
  tags.forEach((t, i) => {
    v.string(t.Key, `tags.${i + 1}.member.key`, tagKeyRules).string(t.Value, `tags.${i + 1}.member.value`, tagValueRules);
  });
  if (opts.transitive) v.list(p.list('TransitiveTagKeys'), 'transitiveTagKeys', { maxItems: MAX_SESSION_TAGS, ...tagKeyRules });
  return v;
}

/**
 * The Tags and TransitiveTagKeys of a request whose constraints `checkSessionTags` passed: the rules
 * that involve more than one tag, as STS checks them (before authorization).
 */
export function requestedSessionTags(ctx: RequestContext, p: QueryParams): RequestedTags {
  const tags = tagsOf(p);
  const transitiveKeys = p.list('TransitiveTagKeys');
  const lower = tags.map((t) => t.Key.toLowerCase());
  if (new Set(lower).size !== lower.length) {
    throw new InvalidParameterValue('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  }
  // Transitive keys name tags of this request (case-insensitively).
  if (transitiveKeys.some((k) => !lower.includes(k.toLowerCase()))) {
    throw new InvalidParameterValue('The specified transitive tag key must be included in the requested tags.');
  }
  // A chained session cannot set a key the calling session passed on as transitive.
  const inherited = (ctx.principal.session?.transitiveTagKeys ?? []).map((k) => k.toLowerCase());
  if (lower.some((k) => inherited.includes(k))) {
    throw new InvalidParameterValue(
      "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
    );
  }
  return { tags, transitiveKeys };
}

/** The new session's tags: the request's, plus the calling session's transitive tags. */
export function sessionTagsFor(ctx: RequestContext, req: RequestedTags): { sessionTags: SessionTag[]; transitiveTagKeys: string[] } {
  const caller = ctx.principal.session;
  const inheritedKeys = caller?.transitiveTagKeys ?? [];
  const inherited = (caller?.sessionTags ?? []).filter((t) => inheritedKeys.some((k) => k.toLowerCase() === t.Key.toLowerCase()));
  return { sessionTags: [...inherited, ...req.tags], transitiveTagKeys: [...inheritedKeys, ...req.transitiveKeys] };
}

/** Condition keys of a tagging request (sts:TagSession): aws:RequestTag/K, aws:TagKeys, sts:TransitiveTagKeys. */
export function tagRequestContext(req: RequestedTags): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const t of req.tags) out[`aws:RequestTag/${t.Key}`] = t.Value;
  out['aws:TagKeys'] = req.tags.map((t) => t.Key);
  if (req.transitiveKeys.length) out['sts:TransitiveTagKeys'] = req.transitiveKeys;
  return out;
}
