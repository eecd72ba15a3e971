/**
 * Records keyed by what callers send (user, group and role names, access key ids, bucket names,
 * object keys, metadata names, upload ids, …) must hold any string. A plain `{}` does not:
 * `__proto__` is its prototype (an assignment to it is silently lost) and `constructor`,
 * `toString`, … are found on it though never stored (a false EntityAlreadyExists, a 500). Every
 * such record is made here, without a prototype, so every string is an ordinary key; records
 * still persist with JSON.stringify. State files are read with `parseStateJson`, which gives every
 * object it makes no prototype either; a service's own state is also revived on first use
 * (`serviceState`), and created on first use in an account that predates it.
 */
import { untracked } from './change-tracker.js';

export type KeyedRecord<T> = Record<string, T>;

export function emptyRecord<T>(): KeyedRecord<T> {
  return Object.create(null) as KeyedRecord<T>;
}

/** A prototype-free record holding the entries of `from` (a record or [key, value] pairs). */
export function recordOf<T>(from?: Iterable<readonly [string, T]> | Record<string, T>): KeyedRecord<T> {
  const out = emptyRecord<T>();
  if (!from) return out;
  const entries = Symbol.iterator in from ? (from as Iterable<readonly [string, T]>) : Object.entries(from as Record<string, T>);
  for (const [k, v] of entries) out[k] = v;
  return out;
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

const revived = new WeakSet<object>();

/**
 * The state object `field` of `holder`, created with `empty()` when missing and revived once
 * (JSON-loaded records made prototype-free) with `revive()`. Creating it is a change (written with
 * the account); reviving it is not (the same content, as loaded), so that goes past the change
 * tracker.
 */
export function serviceState<H extends object, K extends keyof H, S extends object>(
  holder: H,
  field: K,
  empty: () => S,
  revive: (loaded: S) => S,
): S {
  const s = holder[field] as unknown as S | undefined;
  if (!s) {
    const created = empty();
    revived.add(created);
    (holder as Record<K, unknown>)[field] = created;
    return holder[field] as unknown as S;
  }
  if (!revived.has(untracked(s))) {
    const fresh = revive(untracked(s));
    revived.add(fresh);
    (untracked(holder) as Record<K, unknown>)[field] = fresh;
    return holder[field] as unknown as S;
  }
  return s;
}
