#!/usr/bin/env node
// Tiny shim: runs the built CLI. In a fresh clone (no node_modules or dist yet) it installs and
// builds first, so `npx iam-labs start 01` is the only command a learner needs.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The SDK honours only the exact value "true".
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'runner', 'main.js');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32' });
  if (r.status !== 0) {
    process.stderr.write(`\niam-labs: '${cmd} ${args.join(' ')}' failed in ${root}. Fix the error above and try again.\n`);
    process.exit(2);
  }
}

if (!existsSync(join(root, 'node_modules', 'commander'))) {
  process.stderr.write('iam-labs: first run in this folder: installing dependencies (npm ci)…\n');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
if (!existsSync(main)) {
  process.stderr.write('iam-labs: building…\n');
  run('npm', ['run', '--silent', 'build']);
}
await import(pathToFileURL(main).href);
