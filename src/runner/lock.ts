/**
 * A lock file created with O_EXCL: two runners never write progress.json at once. A lock left by
 * a dead process (or older than STALE_MS) is taken over, so a crash never blocks the learner.
 */
import fs from 'node:fs';
import { processAlive as alive } from '../backends/net.js';

const STALE_MS = 10_000;
const WAIT_MS = 5_000;


/** The lock's content if it is stale (dead or missing owner, or too old), else undefined. */
function staleContent(lockFile: string): string | undefined {
  let text: string;
  let age: number;
  try {
    text = fs.readFileSync(lockFile, 'utf8');
    age = Date.now() - fs.statSync(lockFile).mtimeMs;
  } catch {
    return undefined; // gone: just try again
  }
  const pid = Number(text.split('\n')[0]);
  // An empty or partial file is a writer between create and write: stale only once it is old.
  if (!Number.isInteger(pid) || pid <= 0) return age > 1_000 ? text : undefined;
  return !alive(pid) || age > STALE_MS ? text : undefined;
}

export async function withLock<T>(lockFile: string, fn: () => T | Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600);
      fs.writeSync(fd, `${process.pid}\n${new Date().toISOString()}\n`);
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const stale = staleContent(lockFile);
      if (stale !== undefined) {
        try {
          // only remove the very lock judged stale, not one another runner just took over
          if (fs.readFileSync(lockFile, 'utf8') === stale) fs.unlinkSync(lockFile);
        } catch {
          /* someone else took it over first */
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`could not lock ${lockFile} within ${WAIT_MS} ms (held by another iam-labs?)`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      fs.unlinkSync(lockFile);
    } catch {
      /* already gone */
    }
  }
}
