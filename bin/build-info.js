// What the build records of the sources it was built from (dist/build-info.json), and the lock
// two rebuilding terminals share. The bin shim compares that record with the sources on every
// command (inline there: a second module would cost every command more than the comparison), so
// after `git pull` (or a checkout) a learner never runs the previous build against new chapters.
//
// The build records the modification time of every directory under src/. Git replaces a file it
// updates (unlink, then create), and adding or removing a file changes its directory, so a pull
// that touches any source moves at least one of those times. Comparing them for equality (not
// "newer than the build") cannot loop on a clock that is off. A package installed from the
// registry has no src/ and is never rebuilt.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** where the record is; bin/iam-labs.js reads it there */
const INFO = ['dist', 'build-info.json'];

function sourceDirs(root) {
  const dirs = [];
  const walk = (dir) => {
    dirs.push(dir);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(join(root, 'src'));
  return dirs;
}

/** Called by the build, before it reads the sources: what the next run compares against. */
export function recordSources(root) {
  const dirs = Object.fromEntries(sourceDirs(root).map((d) => [relative(root, d), statSync(d).mtimeMs]));
  return JSON.stringify({ format: 1, dirs });
}

/** Write what recordSources returned, once the build succeeded. */
export function writeBuildInfo(root, recorded) {
  const file = join(root, ...INFO);
  writeFileSync(`${file}.tmp`, `${recorded}\n`);
  renameSync(`${file}.tmp`, file);
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Run `work` while holding the build lock (two terminals started at once must not build into the
 * same dist/ together). Whoever waited calls `stillNeeded` again: the other one has usually done
 * the work. A lock older than 10 minutes was left by a build that died.
 */
export function withBuildLock(root, stillNeeded, work) {
  const lock = join(root, '.iam-labs-build.lock');
  let waited = false;
  for (const deadline = Date.now() + 600_000; ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) return work();
      if (!waited) process.stderr.write('iam-labs: another terminal is building; waiting for it…\n');
      waited = true;
      sleep(200);
    }
  }
  try {
    if (!waited || stillNeeded()) work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
