/**
 * `iam-labs emulator --port 0 --quiet` from the built CLI (bin/iam-labs.js, rebuilt when src/
 * changed), as a learner or a script starts it: resolves once its ready line names the endpoint.
 * A process that exits, or prints no endpoint in time, is killed and the promise rejects with
 * what it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureFreshBuild, ROOT } from './build.js';

export interface BuiltEmulator {
  child: ChildProcess;
  endpoint: string;
  /** what it wrote to stderr so far */
  stderr(): string;
}

export function startBuiltEmulator(extraArgs: string[] = [], env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }, timeoutMs = 60_000): Promise<BuiltEmulator> {
  ensureFreshBuild();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'iam-labs.js'), 'emulator', '--port', '0', '--quiet', ...extraArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<BuiltEmulator>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}: ${out}${err}`));
    };
    const timer = setTimeout(() => fail(`no endpoint within ${timeoutMs / 1000} s`), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /endpoint\s+(http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, endpoint: m[1], stderr: () => err });
      }
    });
    child.once('exit', (code) => fail(`the emulator exited with ${code} before it was ready`));
  });
}
