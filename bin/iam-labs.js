#!/usr/bin/env node
// Tiny shim: runs the built CLI. In a fresh clone (no node_modules or dist yet) it installs and
// builds first, so `npx iam-labs start 01` is the only command a learner needs; after a
// `git pull` it installs and builds again when the lockfile or the sources changed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The SDK honours only the exact value "true".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'runner', 'main.js');

function run(cmd, args) {
  // npm's output goes to stderr: stdout is the command's own (`check --json` stays JSON)
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 2, 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stderr.write(`\niam-labs: '${cmd} ${args.join(' ')}' failed in ${root}. Fix the error above and try again.\n`);
    process.exit(2);
  }
}

const install = () => {
  process.stderr.write('iam-labs: installing dependencies (npm ci)…\n');
  run('npm', ['ci', '--no-audit', '--no-fund']);
};
const build = (why) => {
  process.stderr.write(`iam-labs: ${why}: building…\n`);
  run('npm', ['run', '--silent', 'build']);
};
if (!existsSync(join(root, 'node_modules', 'commander'))) {
  process.stderr.write('iam-labs: first run in this folder.\n');
  install();
}
if (!existsSync(main)) build('no build yet');

/**
 * Why dist/ no longer matches the sources (bin/build-info.js says how the build records them), or
 * undefined when it does or there are no sources to build from (a package from the registry).
 */
function sourcesChanged() {
  if (!existsSync(join(root, 'src'))) return undefined;
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(join(root, 'dist', 'build-info.json'), 'utf8')).dirs;
  } catch {
    return 'the build does not say what it was built from';
  }
  for (const [dir, mtime] of Object.entries(recorded ?? {})) {
    try {
      if (statSync(join(root, dir)).mtimeMs !== mtime) return 'the sources changed since the last build';
    } catch {
      return 'the sources changed since the last build';
    }
  }
  return undefined;
}

/** Whether the lockfile changed since the packages were installed (npm writes node_modules/.package-lock.json after it). */
function packagesChanged() {
  try {
    return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(join(root, 'node_modules', '.package-lock.json')).mtimeMs;
  } catch {
    return false;
  }
}

// After `git pull`: the packages or the sources may have changed since the last install and build.
if (packagesChanged() || sourcesChanged()) {
  const { withBuildLock } = await import('./build-info.js');
  withBuildLock(
    root,
    () => packagesChanged() || sourcesChanged(),
    () => {
      // npm ci runs the build itself (the package's prepare script)
      if (packagesChanged()) install();
      const why = sourcesChanged();
      if (why) build(why);
    },
  );
}
await import(pathToFileURL(main).href);
