/** DescribeInstances / DescribeIamInstanceProfileAssociations / DescribeTags filters, with EC2's wildcards (* and ?). */
import { globMatch } from '../glob.js';
import type { Ec2Filter } from '../protocol/ec2-query.js';
import { InvalidParameterValue } from './errors.js';

/** A filter's values match any of `actual`. */
export function matchesAny(filter: Ec2Filter, actual: Array<string | undefined>): boolean {
  return actual.some((a) => a !== undefined && filter.values.some((v) => globMatch(v, a)));
}

/**
 * Keep the items for which every filter matches. `fields` maps a filter name to the item's
 * values; `tags` gives the item's tags for tag:<key>, tag-key and tag-value.
 */
export function applyFilters<T>(
  items: T[],
  filters: Ec2Filter[],
  fields: Record<string, (item: T) => Array<string | undefined>>,
  tags?: (item: T) => Array<{ Key: string; Value: string }>,
): T[] {
  for (const f of filters) {
    const known = Object.hasOwn(fields, f.name) || (tags && (f.name === 'tag-key' || f.name === 'tag-value' || f.name.startsWith('tag:')));
    if (!known) throw InvalidParameterValue(`The filter '${f.name}' is invalid`);
  }
  return items.filter((item) =>
    filters.every((f) => {
      if (Object.hasOwn(fields, f.name)) return matchesAny(f, fields[f.name](item));
      const t = tags!(item);
      if (f.name === 'tag-key') return matchesAny(f, t.map((x) => x.Key));
      if (f.name === 'tag-value') return matchesAny(f, t.map((x) => x.Value));
      const key = f.name.slice('tag:'.length);
      return matchesAny(f, t.filter((x) => x.Key === key).map((x) => x.Value));
    }),
  );
}
