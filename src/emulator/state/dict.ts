/**
 * Records keyed by what callers send (user, group and role names, access key ids, bucket names,
 * object keys, metadata names, upload ids) must hold any string. A plain `{}` does not: `__proto__`
 * is its prototype (an assignment to it is silently lost) and `constructor`, `toString`, … are
 * found on it though never stored (a false EntityAlreadyExists, a 500). Every such record is made
 * with `dict()`, which has no prototype, so every string is an ordinary key; a state file read back
 * with `parseStateJson` gets the same kind of records.
 */

/** A record keyed by arbitrary strings. */
export type Dict<T> = Record<string, T>;

/** An empty record without a prototype, optionally filled from entries or another record. */
export function dict<T>(from?: Iterable<readonly [string, T]> | Record<string, T>): Dict<T> {
  const out = Object.create(null) as Dict<T>;
  if (!from) return out;
  const entries = Symbol.iterator in from ? (from as Iterable<readonly [string, T]>) : Object.entries(from as Record<string, T>);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** Whether the record holds `key` itself (never something inherited). */
export function has(record: object, key: string): boolean {
  return Object.hasOwn(record, key);
}

/**
 * JSON.parse for state files: every object it makes has no prototype. (JSON.parse keeps a
 * `"__proto__"` key as an own property, but the object it puts it in still has Object.prototype,
 * whose `constructor` and friends would shadow missing keys.)
 */
export function parseStateJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.setPrototypeOf(value, null) : value,
  );
}
