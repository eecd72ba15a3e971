/**
 * The built CLI the e2e tests drive (dist/, through bin/iam-labs.js, as a learner runs it) must
 * be the code in src/: rebuilt whenever any file under src/ (or what shapes the bundle: a
 * tsconfig, scripts/bundle*.mjs, the installed packages' lockfile) is newer than it, and never a
 * dist/ from a build that failed type checking (`npm run build` bundles only after tsc passed,
 * so a failed build leaves dist/ older than src/, and this throws).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'runner', 'main.js');

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/** Whether dist/ was built, successfully, after the last change to src/. */
export function buildIsFresh(): boolean {
  if (!fs.existsSync(MAIN)) return false;
  const inputs = ['tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.mjs', 'scripts/bundle-regroup.mjs', 'bin/build-info.js', 'package-lock.json'];
  const sources = Math.max(newestMtime(path.join(ROOT, 'src')), ...inputs.map((f) => newestMtime(path.join(ROOT, f))));
  return sources <= fs.statSync(MAIN).mtimeMs;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * `npm run build` when dist/ is missing or older than src/. Test files in parallel workers may
 * ask at once: a lock directory in the repository serialises the builds, and whoever waited
 * finds dist/ fresh. A failed build throws with the compiler's output.
 */
export function ensureFreshBuild(): void {
  if (buildIsFresh()) return;
  const lock = path.join(ROOT, '.iam-labs-test', 'build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // a build that crashed may leave the lock behind: older than 5 minutes is stale
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for ${lock} (another build)`);
      sleep(250);
    }
  }
  try {
    if (buildIsFresh()) return; // built by whoever held the lock
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0 || !buildIsFresh()) {
      throw new Error(`npm run build failed, so the e2e tests would run stale code; fix the errors:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
