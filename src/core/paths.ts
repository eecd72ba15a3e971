/**
 * Where things live: the package root (found from this file up to package.json), the course
 * directory (labs/, or IAM_LABS_COURSE_DIR for tests) and the learner's state directory
 * (IAM_LABS_HOME, else the OS's per-user data directory). Never ~/.aws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';

export type Env = Record<string, string | undefined>;

let cachedRoot: string | undefined;

export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  cachedRoot = dir;
  return dir;
}

export function courseDir(env: Env = process.env): string {
  return env.IAM_LABS_COURSE_DIR ? path.resolve(env.IAM_LABS_COURSE_DIR) : path.join(packageRoot(), 'labs');
}

export function stateHome(env: Env = process.env): string {
  return env.IAM_LABS_HOME ? path.resolve(env.IAM_LABS_HOME) : envPaths('iam-labs', { suffix: '' }).data;
}

/** Every file the runner keeps in the state directory, named in one place. */
export function statePaths(home: string) {
  return {
    home,
    progress: path.join(home, 'progress.json'),
    session: path.join(home, 'session.json'),
    emulatorState: path.join(home, 'emulator-state.json'),
    emulatorLog: path.join(home, 'emulator.log'),
    backendLog: path.join(home, 'backend.log'),
    awsDir: path.join(home, 'aws'),
    awsConfig: path.join(home, 'aws', 'config'),
    awsCredentials: path.join(home, 'aws', 'credentials'),
    shimDir: path.join(home, 'bin'),
    /** per emulated EC2 instance: the home and AWS files of `iam-labs instance-shell` (no keys) */
    instancesDir: path.join(home, 'instances'),
    /** an empty config the runner's own SDK clients are pointed at, so they never read ~/.aws */
    sdkConfig: path.join(home, 'aws', 'sdk-isolated-config'),
    /** the grading service of a detached embedded emulator; undefined where there can be none */
    gradingSocket: gradingSocketPath(home),
  };
}
export type StatePaths = ReturnType<typeof statePaths>;

/**
 * A Unix socket in the learner's own state directory (so only the learner reaches it). Socket
 * paths are limited to ~104 bytes: a longer home gets none (checks then grade in their own
 * process), and so does Windows.
 */
function gradingSocketPath(home: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const p = path.join(home, 'grading.sock');
  return Buffer.byteLength(p) < 100 ? p : undefined;
}
