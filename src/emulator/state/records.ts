/**
 * Records keyed by user input (names, ids) for the per-service state of an account. They are
 * objects with no prototype, so a name like `__proto__` or `constructor` is just a key, and they
 * still persist with JSON.stringify. JSON.parse gives plain objects back, so a service's state
 * is revived on first use after loading (and created on first use in an account that predates it).
 */
export type KeyedRecord<T> = Record<string, T>;

export function emptyRecord<T>(): KeyedRecord<T> {
  return Object.create(null) as KeyedRecord<T>;
}

/** A prototype-free copy of a record read from JSON (or a new empty one). */
export function reviveRecord<T>(value: unknown, reviveItem: (item: T) => T = (x) => x): KeyedRecord<T> {
  const out = emptyRecord<T>();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, T>)) out[k] = reviveItem(v);
  }
  return out;
}

/** Safe lookup: own keys only. */
export function getRecord<T>(record: KeyedRecord<T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const revived = new WeakSet<object>();

/**
 * The state object `field` of `holder`, created with `empty()` when missing and revived once
 * (JSON-loaded records made prototype-free) with `revive()`.
 */
export function serviceState<H extends object, K extends keyof H, S extends object>(
  holder: H,
  field: K,
  empty: () => S,
  revive: (loaded: S) => S,
): S {
  let s = holder[field] as unknown as S | undefined;
  if (!s) {
    s = empty();
    revived.add(s);
    (holder as Record<K, unknown>)[field] = s;
    return s;
  }
  if (!revived.has(s)) {
    s = revive(s);
    revived.add(s);
    (holder as Record<K, unknown>)[field] = s;
  }
  return s;
}
