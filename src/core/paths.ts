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

/**
 * Every file the runner keeps in the state directory, named in one place (layout in
 * docs/architecture.md, "The learner's state"): course-wide progress, the one running backend,
 * and a folder per lab (labPaths).
 */
export function statePaths(home: string) {
  return {
    home,
    progress: path.join(home, 'progress.json'),
    /** the running backend (one per state directory, shared by every open lab) */
    backend: path.join(home, 'backend.json'),
    /** the lab the learner started last: the default of commands that name none */
    currentLab: path.join(home, 'current-lab'),
    /** a `start` is setting a lab up right now (its pid): commands in other terminals wait for it */
    starting: path.join(home, 'starting.json'),
    /** the parsed course, reused while its files are unchanged (derived: replaced when stale or unreadable) */
    courseCache: path.join(home, 'course-cache.json'),
    /** before per-lab sessions (format 1): read once to migrate, then removed */
    legacySession: path.join(home, 'session.json'),
    emulatorState: path.join(home, 'emulator-state.json'),
    emulatorLog: path.join(home, 'emulator.log'),
    backendLog: path.join(home, 'backend.log'),
    labsDir: path.join(home, 'labs'),
    /** a backend with one account (a workshop, an endpoint): its root profile before any lab opens */
    accountDir: path.join(home, 'account'),
    /** the aws wrapper every lab shell puts first on PATH (one for all labs: it reads the lab from its environment) */
    shimDir: path.join(home, 'bin'),
    /** per emulated EC2 instance: the home and AWS files of `iam-labs instance-shell` (no keys) */
    instancesDir: path.join(home, 'instances'),
    /** an empty HOME for the tools the runner spawns itself (`aws --version`), so they never read ~/.aws */
    toolHome: path.join(home, 'tool-home'),
    /** an empty config the runner's own SDK clients are pointed at, so they never read ~/.aws */
    sdkConfig: path.join(home, 'aws', 'sdk-isolated-config'),
    /** this installation's Ed25519 key, which signs completion records */
    signingKey: path.join(home, 'identity', 'ed25519-key.pem'),
    /** the grading service of a detached embedded emulator; undefined where there can be none */
    gradingSocket: gradingSocketPath(home),
  };
}
export type StatePaths = ReturnType<typeof statePaths>;

/**
 * A lab's own files: which account it has on which backend (lab.json), its AWS config and
 * credentials, the live screen that has it open, and the rc files of its shells.
 */
export function labPaths(home: string, labId: string) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(labId)) throw new Error(`not a lab id: ${JSON.stringify(labId)}`);
  const dir = path.join(home, 'labs', labId);
  return awsFilesIn(dir, { lab: labId, record: path.join(dir, 'lab.json'), screen: path.join(dir, 'screen.json'), shellDir: path.join(dir, 'shell') });
}
export type LabPaths = ReturnType<typeof labPaths>;

/** Where a set of AWS config and credentials files lives (a lab's, or a one-account backend's). */
export interface AwsFilePaths {
  dir: string;
  awsDir: string;
  awsConfig: string;
  awsCredentials: string;
}

function awsFilesIn<T extends object>(dir: string, more: T): AwsFilePaths & T {
  return { dir, awsDir: path.join(dir, 'aws'), awsConfig: path.join(dir, 'aws', 'config'), awsCredentials: path.join(dir, 'aws', 'credentials'), ...more };
}

/** The AWS files of a one-account backend's root, before any lab is opened (after `workshop join`). */
export function accountFilePaths(home: string): AwsFilePaths & { shellDir: string } {
  const dir = path.join(home, 'account');
  return awsFilesIn(dir, { shellDir: path.join(dir, 'shell') });
}

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
