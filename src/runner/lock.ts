/**
 * Two runners never write progress.json at once: proper-lockfile's lock (a `<file>.lock`
 * directory, created atomically, its time refreshed while held). A lock whose holder died
 * without releasing it (kill -9, a crash) goes stale after STALE_MS and is taken over, so a
 * crash never blocks the learner for long; a normal exit or Ctrl-C releases it at once.
 */
import type { LockOptions } from 'proper-lockfile';
import { UserError } from '../core/errors.js';

/** Another iam-labs held the lock for longer than we wait: an expected failure, said in one line. */
export class LockedError extends UserError {}

/** A lock not refreshed for this long is abandoned (its holder refreshes it every STALE_MS / 2). */
const STALE_MS = 5_000;
/** Wait for a held lock a little longer than it takes to go stale: about 8 s in all. */
const RETRIES: LockOptions['retries'] = { retries: 80, factor: 1.2, minTimeout: 5, maxTimeout: 150, randomize: true };

/** Run `fn` holding the lock on `file` (which need not exist yet). */
export async function withLock<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  // loaded on first use: commands that never write progress do not pay for it. A CommonJS
  // package: its module.exports is the default export under Node and in the bundle alike
  // (scripts/bundle.mjs), where named exports of a lazily loaded CommonJS chunk do not exist.
  const { lock } = (await import('proper-lockfile')).default;
  let release: () => Promise<void>;
  try {
    release = await lock(file, { stale: STALE_MS, retries: RETRIES, realpath: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    throw new LockedError(
      `another iam-labs command is writing ${file} and has held it for several seconds, so this one gave up waiting.`,
      2,
      `Run the command again when the other one has finished. (If none is running, the lock ${file}.lock goes stale within ${STALE_MS / 1000} s.)`,
    );
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {}); // already released (compromised and taken over): nothing to do
  }
}
