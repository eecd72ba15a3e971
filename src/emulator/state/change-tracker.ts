/**
 * Which parts of an account changed since they were last written, so a write appends only those
 * (journal.ts) instead of the whole account. Handlers change state with plain assignments
 * (`iam.users[key] = user`, `user.tags.push(tag)`, `delete bucket.objects[k]`); the account they
 * are given is a proxy that notes the path of every change and otherwise behaves as the object
 * itself. What is written later is the value found at each noted path at that moment, so a change
 * made through a reference the proxy never saw (an object a handler built, then inserted and
 * kept changing) is still written whole: the path where it was inserted is noted.
 *
 * Paths never go through an array: a change inside an array (or to one of its elements) notes
 * the array itself, written whole, except for push/pop/shift/unshift/splice called on the array,
 * which are noted as splices. That keeps CloudTrail's event history (an array of up to a thousand
 * events, one added per call) cheap to write.
 */

export type Path = readonly string[];

/** One change to an account, found when the changes are taken. */
export type Change =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'splice'; path: Path; start: number; deleteCount: number; items: unknown[] };

interface Splice {
  start: number;
  deleteCount: number;
  items: unknown[];
}

/** The noted paths of one account, as a tree: a node marked `whole` is written with everything under it. */
interface Mark {
  whole: boolean;
  children: Map<string, Mark>;
  splices?: Splice[];
}

const newMark = (): Mark => ({ whole: false, children: new Map() });

/** A noted array holding more splices than this is written whole instead (fewer bytes by then). */
const MAX_SPLICES = 64;

/** Where a proxy sits: its parent, its key there, and the outermost array it is inside, if any. */
interface Position {
  parent: Position | undefined;
  key: string;
  tracker: AccountTracker;
  /** the outermost array on the way down (a change below it notes that array) */
  inArray: Position | undefined;
  isArray: boolean;
}

const targets = new WeakMap<object, object>(); // proxy → target
const proxies = new WeakMap<object, { proxy: object; at: Position }>(); // target → its proxy

/** The object behind a tracked proxy (or the value itself). */
export function untracked<T>(v: T): T {
  return (v !== null && typeof v === 'object' ? (targets.get(v) as T | undefined) : undefined) ?? v;
}

/** Plain data only: objects (with or without a prototype of their own) and arrays. */
function trackable(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

function pathOf(at: Position): string[] {
  const out: string[] = [];
  for (let p: Position | undefined = at; p?.parent; p = p.parent) out.push(p.key);
  return out.reverse();
}

function childOf(value: object, parent: Position, key: string): object {
  const cached = proxies.get(value);
  const inArray = parent.inArray ?? (parent.isArray ? parent : undefined);
  // Inside an array a change notes the array, so where an element sits there does not matter
  // (and moves as the array is spliced).
  if (cached && cached.at.parent === parent && (inArray || cached.at.key === key)) return cached.proxy;
  return wrap(value, { parent, key, tracker: parent.tracker, isArray: Array.isArray(value), inArray });
}

function wrap(value: object, at: Position): object {
  const proxy = new Proxy(value, new Handler(at)) as object;
  targets.set(proxy, value);
  proxies.set(value, { proxy, at });
  return proxy;
}

const SPLICING = new Set(['push', 'pop', 'shift', 'unshift', 'splice']);

class Handler implements ProxyHandler<object> {
  constructor(private readonly at: Position) {}

  get(target: object, key: string | symbol): unknown {
    const v: unknown = Reflect.get(target, key);
    if (typeof key === 'symbol') return v;
    if (v !== null && typeof v === 'object') return trackable(v) ? childOf(v, this.at, key) : v;
    if (typeof v === 'function' && this.at.isArray && SPLICING.has(key)) return this.splicer(target as unknown[], key);
    return v;
  }

  set(target: object, key: string | symbol, value: unknown): boolean {
    const ok = Reflect.set(target, key, untracked(value));
    if (typeof key === 'string') this.changed(key);
    return ok;
  }

  deleteProperty(target: object, key: string | symbol): boolean {
    const ok = Reflect.deleteProperty(target, key);
    if (typeof key === 'string') this.changed(key);
    return ok;
  }

  defineProperty(target: object, key: string | symbol, d: PropertyDescriptor): boolean {
    const ok = Reflect.defineProperty(target, key, 'value' in d ? { ...d, value: untracked(d.value) } : d);
    if (typeof key === 'string') this.changed(key);
    return ok;
  }

  private changed(key: string): void {
    const { at } = this;
    if (at.inArray) at.tracker.note(pathOf(at.inArray));
    else if (at.isArray) at.tracker.note(pathOf(at));
    else at.tracker.note([...pathOf(at), key]);
  }

  /** push/pop/shift/unshift/splice on the array itself, noted as one splice. */
  private splicer(target: unknown[], method: string) {
    const at = this.at;
    return (...args: unknown[]): unknown => {
      const raw = args.map(untracked);
      const len = target.length;
      let s: Splice | undefined;
      if (method === 'push') s = { start: len, deleteCount: 0, items: raw };
      else if (method === 'unshift') s = { start: 0, deleteCount: 0, items: raw };
      else if (method === 'pop') s = len ? { start: len - 1, deleteCount: 1, items: [] } : undefined;
      else if (method === 'shift') s = len ? { start: 0, deleteCount: 1, items: [] } : undefined;
      else if (raw.length) {
        const rel = Math.trunc(Number(raw[0])) || 0;
        const start = rel < 0 ? Math.max(len + rel, 0) : Math.min(rel, len);
        const deleteCount = raw.length < 2 ? len - start : Math.min(Math.max(Math.trunc(Number(raw[1])) || 0, 0), len - start);
        s = { start, deleteCount, items: raw.slice(2) };
      }
      const result: unknown = (Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[method].apply(target, raw);
      if (s && (s.deleteCount || s.items.length)) {
        if (at.inArray) at.tracker.note(pathOf(at.inArray));
        else at.tracker.noteSplice(pathOf(at), s);
      }
      return result;
    };
  }
}

/** The noted changes of one account; `onChange` is told the first time something is noted after a take. */
export class AccountTracker {
  private marks = newMark();
  private pending = false;

  constructor(private readonly onChange: () => void) {}

  /** A proxy of `account` that notes every change made through it. */
  track<T extends object>(account: T): T {
    const raw = untracked(account);
    return wrap(raw, { parent: undefined, key: '', tracker: this, inArray: undefined, isArray: false }) as T;
  }

  get hasChanges(): boolean {
    return this.pending;
  }

  /** Note that the value at `path` changed (the whole account for []). */
  note(path: Path): void {
    let m = this.marks;
    for (const k of path) {
      if (m.whole) return;
      let next = m.children.get(k);
      if (!next) m.children.set(k, (next = newMark()));
      m = next;
    }
    if (!m.whole) {
      m.whole = true;
      m.children.clear();
      m.splices = undefined;
    }
    this.signal();
  }

  noteSplice(path: Path, s: Splice): void {
    let m = this.marks;
    for (const k of path) {
      if (m.whole) return;
      let next = m.children.get(k);
      if (!next) m.children.set(k, (next = newMark()));
      m = next;
    }
    if (m.whole) return;
    (m.splices ??= []).push(s);
    if (m.splices.length > MAX_SPLICES) return this.note(path);
    this.signal();
  }

  private signal(): void {
    if (this.pending) return;
    this.pending = true;
    this.onChange();
  }

  /** The changes noted since the last take, as they stand in `account` now (undefined: removed); forgets them. */
  take(account: object | undefined): Change[] {
    const marks = this.marks;
    this.marks = newMark();
    this.pending = false;
    const out: Change[] = [];
    collect(untracked(account), marks, [], out);
    return out;
  }
}

function collect(value: unknown, m: Mark, path: string[], out: Change[]): void {
  if (m.whole) {
    out.push(value === undefined ? { op: 'delete', path } : { op: 'set', path, value });
    return;
  }
  if (m.splices) {
    // Splices of an array that is no longer there (or no longer an array) are moot: whatever
    // replaced it was noted where it was put.
    if (Array.isArray(value)) for (const s of m.splices) out.push({ op: 'splice', path, ...s });
  }
  for (const [k, child] of m.children) {
    const v = value !== null && typeof value === 'object' && Object.hasOwn(value, k) ? (value as Record<string, unknown>)[k] : undefined;
    collect(v, child, [...path, k], out);
  }
}
