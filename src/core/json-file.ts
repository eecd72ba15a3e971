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

/** The temporary files writeFileAtomic makes next to `file`: `<file>.<pid>.<ms>.tmp`. */
const tmpPattern = (base: string) => new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.\\d+\\.tmp$`);

/**
 * Remove the temporary files a writer killed mid-write (kill -9, power loss) left next to the
 * file named `base` in `dir` (or, without `base`, next to any file in `dir`). The file itself is
 * never touched: the rename that publishes a write is atomic, so it holds the last complete
 * write. A temporary file of a process still alive is left alone (it may be writing now).
 */
export function removeStaleTempFiles(dir: string, base?: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const re = base ? tmpPattern(base) : /^.+\.(\d+)\.\d+\.tmp$/;
  for (const name of names) {
    const m = re.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    } catch {
      /* another process removed it first */
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
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

type Validator<T> = ((v: unknown) => v is T) | ((v: unknown) => true | string);

/** `text` parsed and accepted by `isValid`, or why not. */
function parseValid<T>(text: string, isValid: Validator<T>, parse: (text: string) => unknown): { value: T } | { reason: string } {
  try {
    const parsed: unknown = parse(text);
    const verdict = isValid(parsed);
    if (verdict === true) return { value: parsed as T };
    // A validator may say what is wrong (a field's path), not only that something is.
    return { reason: typeof verdict === 'string' ? `unexpected content: ${verdict}` : 'unexpected content or format version' };
  } catch (e) {
    return { reason: `invalid JSON: ${(e as Error).message}` };
  }
}

/**
 * Read a JSON file. Undefined when it does not exist; the value when it parses and `isValid`
 * accepts it (returns true); otherwise the file is kept aside and the error `whenCorrupt` makes is
 * thrown.
 */
export function readJsonFile<T>(file: string, isValid: Validator<T>, whenCorrupt: (u: UnreadableFile) => Error, parse: (text: string) => unknown = JSON.parse): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const read = parseValid(text, isValid, parse);
  if ('value' in read) return read.value;
  throw whenCorrupt({ file, keptAs: keepAside(file), reason: read.reason });
}

/**
 * Read a JSON file with no side effect, for a reader that can do without it: undefined when it
 * is absent, cannot be read or is not valid. A damaged file stays where it is, for a reader with
 * readJsonFile to keep aside and report.
 */
export function peekJsonFile<T>(file: string, isValid: Validator<T>): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const read = parseValid(text, isValid, JSON.parse);
  return 'value' in read ? read.value : undefined;
}

/** A plain object (not null, not an array): the first thing every validator asks. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
