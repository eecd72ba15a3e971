/**
 * Where a function's code runs: its package unpacked once per code version into a private temp
 * directory (task/ for the code; node_modules/@aws-sdk linked to iam-labs' own copy of the AWS
 * SDK v3, as Lambda's Node.js runtimes ship it; bootstrap.mjs; tmp/ as the function's /tmp).
 * Imports of the SDK resolve there from both `import` and `require`; a package that bundles its
 * own SDK wins, as on Lambda.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { BOOTSTRAP_SOURCE } from './bootstrap-source.js';
import { ServiceError } from './errors.js';
import { unzipEntries } from './package.js';

export interface Sandbox {
  root: string;
  taskRoot: string;
  tmp: string;
  bootstrap: string;
}

const byCode = new Map<string, Sandbox>();

/** The directory of iam-labs' @aws-sdk scope (the SDK the functions get). */
function sdkScopeDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@aws-sdk/client-s3/package.json');
    return path.dirname(path.dirname(pkg));
  } catch {
    return undefined;
  }
}

export function sandboxFor(codeSha256: string, zipBase64: string): Sandbox {
  const cached = byCode.get(codeSha256);
  if (cached && fs.existsSync(cached.bootstrap)) return cached;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-lambda-'));
  const taskRoot = path.join(root, 'task');
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(taskRoot, { mode: 0o700 });
  fs.mkdirSync(tmp, { mode: 0o700 });
  for (const [name, data] of unzipEntries(Buffer.from(zipBase64, 'base64'))) {
    const target = path.join(taskRoot, name);
    if (!target.startsWith(taskRoot + path.sep)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
  const scope = sdkScopeDir();
  if (!scope) throw ServiceError('The AWS SDK for JavaScript v3 that functions import could not be found in the iam-labs installation.');
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.symlinkSync(scope, path.join(root, 'node_modules', '@aws-sdk'), 'dir');
  const bootstrap = path.join(root, 'bootstrap.mjs');
  fs.writeFileSync(bootstrap, BOOTSTRAP_SOURCE);
  const sandbox = { root, taskRoot, tmp, bootstrap };
  byCode.set(codeSha256, sandbox);
  return sandbox;
}

/** Remove every unpacked package (on close). */
export function removeSandboxes(): void {
  for (const s of byCode.values()) fs.rmSync(s.root, { recursive: true, force: true });
  byCode.clear();
}
