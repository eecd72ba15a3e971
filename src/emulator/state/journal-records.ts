/**
 * The journal's records: one line per write, `<crc32 of the JSON, 8 hex digits> <JSON>\n`, the
 * JSON a list of changes to accounts (change-tracker.ts), each one of
 *   ["s", accountId, path, value]                     the value at path is now `value`
 *   ["d", accountId, path]                            nothing is at path any more
 *   ["a", accountId, path, start, deleteCount, items] the array at path was spliced
 * where path [] is the whole account. Reading stops at the first line that is not a sound record:
 * when only unsound lines follow it, it is the torn tail of a write that never finished (a kill
 * during the write, a power cut), never acknowledged and ignored; when a sound record follows,
 * the journal is corrupt, and the caller reports it and keeps it aside.
 */
import type { Change, Path } from './change-tracker.js';
import { parseStateJson } from './records.js';

export type JournalChange = ['s', string, Path, unknown] | ['d', string, Path] | ['a', string, Path, number, number, unknown[]];

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE) of a string's UTF-8 bytes. */
export function crc32(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export function toJournalChange(accountId: string, c: Change): JournalChange {
  if (c.op === 'set') return ['s', accountId, c.path, c.value];
  if (c.op === 'delete') return ['d', accountId, c.path];
  return ['a', accountId, c.path, c.start, c.deleteCount, c.items];
}

/** One record, ready to append. */
export function encodeRecord(changes: JournalChange[]): string {
  const json = JSON.stringify(changes);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

const isPath = (v: unknown): v is string[] => Array.isArray(v) && v.every((k) => typeof k === 'string');
const isAccountId = (v: unknown): v is string => typeof v === 'string' && /^\d{12}$/.test(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function soundChange(c: unknown): c is JournalChange {
  if (!Array.isArray(c) || !isAccountId(c[1]) || !isPath(c[2])) return false;
  if (c[0] === 's') return c.length === 4;
  if (c[0] === 'd') return c.length === 3;
  if (c[0] === 'a') return c.length === 6 && isCount(c[3]) && isCount(c[4]) && Array.isArray(c[5]);
  return false;
}

/** The record on one line, or undefined when the line is not a sound record. */
function parseLine(line: string): JournalChange[] | undefined {
  if (line.length < 10 || line[8] !== ' ' || !/^[0-9a-f]{8}$/.test(line.slice(0, 8))) return undefined;
  const json = line.slice(9);
  if (crc32(json) !== parseInt(line.slice(0, 8), 16)) return undefined;
  let value: unknown;
  try {
    value = parseStateJson(json);
  } catch {
    return undefined;
  }
  return Array.isArray(value) && value.every(soundChange) ? value : undefined;
}

export interface ReadJournal {
  records: JournalChange[][];
  /** bytes of the sound records (a torn tail starts here) */
  soundBytes: number;
  /** the torn tail's length in bytes (0: none) */
  tornBytes: number;
  /** the first unsound line when sound records follow it (1-based) */
  corruptLine?: number;
}

export function readJournalText(text: string): ReadJournal {
  const records: JournalChange[][] = [];
  let offset = 0;
  let soundBytes = 0;
  let firstBad: number | undefined;
  let lineNo = 0;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl < 0 ? text.length : nl + 1;
    lineNo++;
    const record = nl < 0 ? undefined : parseLine(text.slice(offset, nl));
    if (record) {
      if (firstBad !== undefined) return { records, soundBytes, tornBytes: 0, corruptLine: firstBad };
      records.push(record);
      soundBytes += Buffer.byteLength(text.slice(offset, end));
    } else firstBad ??= lineNo;
    offset = end;
  }
  return { records, soundBytes, tornBytes: Buffer.byteLength(text) - soundBytes };
}

/** Thrown by applyChange: a record that does not fit the state it is applied to. */
export class UnfitRecord extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Apply one change to `accounts` (prototype-free objects, as parseStateJson makes them). */
export function applyChange(accounts: Record<string, unknown>, c: JournalChange): void {
  const [op, accountId, path] = c;
  if (path.length === 0) {
    if (op === 's' && isObject(c[3])) accounts[accountId] = c[3];
    else if (op === 'd') delete accounts[accountId];
    else throw new UnfitRecord(`account ${accountId} replaced by something that is not an account`);
    return;
  }
  const account: unknown = Object.hasOwn(accounts, accountId) ? accounts[accountId] : undefined;
  if (!isObject(account)) {
    if (op === 'd') return;
    throw new UnfitRecord(`a change to account ${accountId}, which does not exist`);
  }
  let holder: Record<string, unknown> = account;
  for (const key of path.slice(0, -1)) {
    let next: unknown = Object.hasOwn(holder, key) ? holder[key] : undefined;
    if (next === undefined) {
      if (op === 'd') return;
      // a map a newer version added after the snapshot was written (loading fills the rest in)
      next = Object.create(null) as Record<string, unknown>;
      holder[key] = next;
    }
    if (!isObject(next)) throw new UnfitRecord(`${path.join('.')} goes through something that is not an object`);
    holder = next;
  }
  const last = path[path.length - 1];
  const h = holder;
  if (op === 's') h[last] = c[3];
  else if (op === 'd') delete h[last];
  else {
    const arr = Object.hasOwn(h, last) ? h[last] : undefined;
    const [, , , start, deleteCount, items] = c;
    if (!Array.isArray(arr) || start > arr.length) throw new UnfitRecord(`${path.join('.')} is not an array that can be spliced at ${start}`);
    arr.splice(start, deleteCount, ...items);
  }
}
