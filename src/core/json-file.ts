/**
 * The one way iam-labs keeps a JSON file on disk (progress, session, emulator and workshop
 * state): written atomically (temp file + fsync + rename, so a kill -9 at any moment leaves the
 * old file or the new one, never half of one), and read with a validator. A file that exists but
 * cannot be used is moved aside under a name that says when, and reported: never silently reset.
 */
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Write `value` as JSON (pretty, with a final newline: people read these files). */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Move a corrupt file aside under a name that says when and why. Returns the new path. */
export function keepAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  return aside;
}

/** What the reader knows about a file it could not use, for the caller's own message. */
export interface UnreadableFile {
  file: string;
  /** where the file was moved */
  keptAs: string;
  /** "invalid JSON: …" or "unexpected content or format version" */
  reason: string;
}

/**
 * Read a JSON file. Undefined when it does not exist; the value when it parses and `isValid`
 * accepts it; otherwise the file is kept aside and the error `whenCorrupt` makes is thrown.
 */
export function readJsonFile<T>(file: string, isValid: (v: unknown) => v is T, whenCorrupt: (u: UnreadableFile) => Error): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let reason: string;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isValid(parsed)) return parsed;
    reason = 'unexpected content or format version';
  } catch (e) {
    reason = `invalid JSON: ${(e as Error).message}`;
  }
  throw whenCorrupt({ file, keptAs: keepAside(file), reason });
}

/** A plain object (not null, not an array): the first thing every validator asks. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
