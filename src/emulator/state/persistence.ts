/**
 * Durable state: one JSON file, rewritten atomically (temp file + fsync + rename) after each
 * change, so a kill -9 at any moment leaves either the old or the new file, never half of one.
 * A file that cannot be read is reported and moved aside, never silently replaced.
 */
import fs from 'node:fs';
import path from 'node:path';

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

/** Move a corrupt file aside under a name that says when and why. Returns the new path. */
export function keepAside(file: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${file}.corrupt-${stamp}`;
  fs.renameSync(file, aside);
  return aside;
}

/**
 * Read a JSON state file written by writeFileAtomic. Returns undefined when it does not exist.
 * Throws CorruptStateError (after keeping the file aside) when it exists but is unreadable.
 */
export function readJsonState<T>(file: string, validate: (v: unknown) => v is T): T | undefined {
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
    if (validate(parsed)) return parsed;
    reason = 'unexpected content or format version';
  } catch (e) {
    reason = `invalid JSON: ${(e as Error).message}`;
  }
  const keptAs = keepAside(file);
  throw new CorruptStateError(file, keptAs, reason);
}
