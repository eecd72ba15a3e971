/**
 * Helpers for the runner's e2e tests: the built CLI spawned with an isolated state directory
 * (IAM_LABS_HOME), the toy fixture course and its graders, and no AWS_* from the test's env.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive as isProcessAlive } from '../../src/backends/net.js';
import { ensureFreshBuild, ROOT } from '../helpers/build.js';

export { ROOT };
export const BIN = path.join(ROOT, 'bin', 'iam-labs.js');

/** The built CLI is the code in src/ (rebuilt when src/ changed; never from a failed build). */
export const ensureBuilt = ensureFreshBuild;

export interface Lab {
  home: string;
  env: Record<string, string>;
}

export function newLabHome(extra: Record<string, string> = {}): Lab {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-e2e-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    IAM_LABS_HOME: path.join(home, 'state'),
    IAM_LABS_COURSE_DIR: path.join(ROOT, 'tests', 'fixtures', 'course'),
    IAM_LABS_GRADERS: path.join(ROOT, 'tests', 'fixtures', 'course', 'graders.mjs'),
    NO_COLOR: '1',
    ...extra,
  };
  return { home, env };
}

/** A lab home on the real course (labs/ and src/graders): no fixture overrides. */
export function realCourse(): Lab {
  const lab = newLabHome();
  delete lab.env.IAM_LABS_COURSE_DIR;
  delete lab.env.IAM_LABS_GRADERS;
  return lab;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(lab: Lab, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: lab.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    c.stdin.end(input ?? '');
  });
}

export interface SeenSession {
  endpoint: string;
  pid?: number;
  backend: string;
  state?: string;
  instanceId?: string;
  gradingSocket?: string;
  /** the current lab (the last started) and its account, when it has one */
  lab?: string;
  accountId?: string;
}

const readJson = (f: string) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined);

/** What the state folder says is running: the backend, and the current lab with its account. */
export function session(lab: Lab): SeenSession | undefined {
  const home = lab.env.IAM_LABS_HOME;
  const backend = readJson(path.join(home, 'backend.json'));
  if (!backend) return undefined;
  const current = fs.existsSync(path.join(home, 'current-lab')) ? fs.readFileSync(path.join(home, 'current-lab'), 'utf8').trim() : undefined;
  const record = current ? readJson(path.join(home, 'labs', current, 'lab.json')) : undefined;
  return { ...backend, ...(record ? { lab: record.lab, accountId: record.accountId } : { lab: undefined }) };
}

/** A lab's own files under the state folder (labs/<lab>/…). */
export function labFile(lab: Lab, labId: string, ...parts: string[]): string {
  return path.join(lab.env.IAM_LABS_HOME, 'labs', labId, ...parts);
}

/** Whether the process serving a lab is still running (a zombie counts as dead). */
export function alive(pid: number | undefined): boolean {
  return pid !== undefined && isProcessAlive(pid);
}

/** Stop whatever a test left running (by the pid it recorded), never by name. */
export async function cleanup(lab: Lab): Promise<void> {
  const s = session(lab);
  if (s) await cli(lab, ['stop']);
  const after = session(lab);
  if (after?.pid && alive(after.pid)) process.kill(after.pid, 'SIGKILL');
}

/** SDK clients signed as the root of the current lab's own account (as the lab's default profile is). */
export async function labClients(lab: Lab, labId?: string) {
  const { clients } = await import('../helpers/emulator.js');
  const s = session(lab)!;
  const id = labId ?? s.lab!;
  const record = JSON.parse(fs.readFileSync(labFile(lab, id, 'lab.json'), 'utf8')) as { credentials: { accessKeyId: string; secretAccessKey: string } };
  return clients(s.endpoint, record.credentials);
}
