/**
 * Durable state: one JSON file, rewritten atomically (temp file + fsync + rename) after each
 * change, so a kill -9 at any moment leaves either the old or the new file, never half of one.
 * A file that cannot be read is reported and moved aside, never silently replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseStateJson } from './dict.js';

export const STATE_FORMAT = 1;

export class CorruptStateError extends Error {
  constructor(
    readonly file: string,
    readonly keptAs: string,
    reason: string,
  ) {
    super(
      `The state file ${file} could not be read (${reason}). It was kept as ${keptAs}; ` +
        `the emulator starts from an empty account. Restore that file to recover the old state.`,
    );
    this.name = 'CorruptStateError';
  }
}

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

/** The temporary files writeFileAtomic makes next to `file`: `<file>.<pid>.<ms>.tmp`. */
const tmpPattern = (base: string) => new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.\\d+\\.tmp$`);

/**
 * Remove the temporary files a writer killed mid-write (kill -9, power loss) left next to `file`
 * (or, with `file` a directory, next to any file in it). The state file itself is never touched:
 * the rename that publishes a write is atomic, so it holds the last complete write. A temporary
 * file of a process still alive is left alone (it may be writing now).
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

/**
 * Read a JSON state file written by writeFileAtomic. Returns undefined when it does not exist.
 * Throws CorruptStateError (after keeping the file aside) when it exists but is unreadable or,
 * per `validate`, not the shape it should be (`validate` may return the reason instead of false).
 * Its objects have no prototype (dict.ts), so names such as `__proto__` read back as stored.
 */
export function readJsonState<T>(file: string, validate: ((v: unknown) => v is T) | ((v: unknown) => true | string)): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let reason: string;
  try {
    const parsed: unknown = parseStateJson(text);
    const verdict = validate(parsed);
    if (verdict === true) return parsed as T;
    reason = typeof verdict === 'string' ? `unexpected content: ${verdict}` : 'unexpected content or format version';
  } catch (e) {
    reason = `invalid JSON: ${(e as Error).message}`;
  }
  const keptAs = keepAside(file);
  throw new CorruptStateError(file, keptAs, reason);
}
