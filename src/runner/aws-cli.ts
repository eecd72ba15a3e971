/**
 * The learner's AWS CLI and the lab's environment for it: which CLI is on PATH and its version
 * (asked with a private HOME and no AWS settings, so even `aws --version` never reads ~/.aws),
 * the variables of a lab's shell, and the `aws` wrapper every lab shell puts first on PATH: before
 * each call it checks that the lab's backend is the one recorded (shell-guard.ts), then runs the
 * real CLI with the lab's current endpoint (which also serves CLIs too old for AWS_ENDPOINT_URL).
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Session } from './session.js';
import { packageRoot, type AwsFilePaths, type Env, type StatePaths } from '../core/paths.js';
import { AWS_CLIENT_VARIABLES } from '../core/sdk-env.js';

export interface AwsCliInfo {
  path: string;
  version: string;
  major: number;
  honoursEndpointEnv: boolean;
}

export function honoursEndpointEnv(version: string): boolean {
  const [maj, min] = version.split('.').map(Number);
  if (maj === 1) return min >= 29;
  if (maj === 2) return min >= 13;
  return maj > 2;
}

export function findOnPath(bin: string, pathVar: string, skipDir?: string): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir || (skipDir && path.resolve(dir) === path.resolve(skipDir))) continue;
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * The environment of a tool the runner runs itself (`aws --version`, doctor's test call): PATH
 * and the locale, a private empty HOME (no ~/.aws, ~/.aws/cli/alias or cache can be read or
 * written) and empty AWS config files; nothing else of the learner's, no AWS_* at all.
 */
export function toolEnvironment(paths: Pick<StatePaths, 'toolHome' | 'sdkConfig'>, env: Env): Record<string, string> {
  fs.mkdirSync(paths.toolHome, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.dirname(paths.sdkConfig), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(paths.sdkConfig)) fs.writeFileSync(paths.sdkConfig, '', { mode: 0o600 });
  const out: Record<string, string> = {
    PATH: env.PATH ?? '',
    HOME: paths.toolHome,
    USERPROFILE: paths.toolHome,
    AWS_CONFIG_FILE: paths.sdkConfig,
    AWS_SHARED_CREDENTIALS_FILE: paths.sdkConfig,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  for (const k of ['LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'SYSTEMROOT', 'TZ']) if (env[k]) out[k] = env[k]!;
  return out;
}

/** The first `aws` on the learner's PATH (our wrapper's folder skipped) and its version. */
export function awsCliInfo(env: Env, paths: Pick<StatePaths, 'toolHome' | 'sdkConfig' | 'shimDir'>): Promise<AwsCliInfo | undefined> {
  const bin = findOnPath('aws', env.PATH ?? '', paths.shimDir);
  if (!bin) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(bin, ['--version'], { timeout: 15_000, env: toolEnvironment(paths, env) }, (err, stdout, stderr) => {
      const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(`${stdout}${stderr}`);
      if (!m) return resolve(err ? undefined : { path: bin, version: '?', major: 0, honoursEndpointEnv: false });
      const version = `${m[1]}.${m[2]}.${m[3]}`;
      resolve({ path: bin, version, major: Number(m[1]), honoursEndpointEnv: honoursEndpointEnv(version) });
    });
  });
}

/** Where every shell of a lab sends AWS calls: the lab's endpoint and region, and no pager. */
export function endpointEnvVars(session: Pick<Session, 'endpoint' | 'region'>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: session.endpoint,
    AWS_DEFAULT_REGION: session.region,
    AWS_REGION: session.region,
    AWS_PAGER: '',
  };
}

/** Loopback never goes through a proxy the learner set: the lab is on this machine. */
export function noProxyFor(env: Env): string {
  const mine = ['127.0.0.1', 'localhost', '::1'];
  const have = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return [...new Set([...have, ...mine])].join(',');
}

/**
 * Variables of a lab's environment (`iam-labs env`, `iam-labs shell`): the lab's own AWS files,
 * endpoint and region, which lab and state folder the aws wrapper checks, no pager.
 */
export function labEnvVars(files: AwsFilePaths, session: Pick<Session, 'endpoint' | 'region' | 'lab'>, home: string, env: Env = {}): Record<string, string> {
  return {
    AWS_CONFIG_FILE: files.awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: files.awsCredentials,
    ...endpointEnvVars(session),
    IAM_LABS_HOME: home,
    ...(session.lab ? { IAM_LABS_LAB: session.lab } : {}),
    NO_PROXY: noProxyFor(env),
    no_proxy: noProxyFor(env),
  };
}

/** Every AWS setting a lab environment removes before it sets its own. */
export const UNSET_VARS: readonly string[] = AWS_CLIENT_VARIABLES;

/** Where the wrapper's check lives in the built package. */
export function shellGuardScript(): string {
  return path.join(packageRoot(), 'dist', 'runner', 'shell-guard.js');
}

const sq = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Write `file` (executable) when its text differs; executable before it is in place, so a shell running it at that moment never finds it half-made. */
function writeShim(file: string, text: string): void {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, text, { mode: 0o755 });
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, file);
}

/**
 * Write the lab shell's two commands into <home>/bin, first on its PATH:
 * - `aws`: it checks the lab's backend (shell-guard.ts) and runs the CLI named by
 *   IAM_LABS_REAL_AWS (the one the lab shell announced) with the lab's endpoint. One file for
 *   every lab: the lab and state folder come from the shell's environment.
 * - `iam-labs`: this very installation, so the chapters' `iam-labs why …` and `iam-labs check`
 *   work in the lab shell of a learner who ran `npx iam-labs` (nothing on PATH then).
 * Returns the aws wrapper's path.
 */
export function writeLabShims(paths: Pick<StatePaths, 'shimDir'>): string {
  fs.mkdirSync(paths.shimDir, { recursive: true });
  const aws = path.join(paths.shimDir, 'aws');
  writeShim(
    aws,
    [
      '#!/bin/sh',
      "# iam-labs: the lab's aws. Before each call it checks that the lab's backend is still the one",
      '# recorded (not stopped, not another program on its port), then runs the AWS CLI the lab shell',
      "# announced with the lab's endpoint. Outside a lab shell (or eval \"$(iam-labs env)\") this is not on PATH.",
      'if [ -z "$IAM_LABS_REAL_AWS" ]; then echo "iam-labs: this aws wrapper works in a lab shell (iam-labs shell)." >&2; exit 2; fi',
      'case "$1" in --version|help|configure) exec "$IAM_LABS_REAL_AWS" "$@" ;; esac',
      `endpoint=$(${sq(process.execPath)} ${sq(shellGuardScript())}) || exit $?`,
      'exec "$IAM_LABS_REAL_AWS" --endpoint-url "$endpoint" "$@"',
      '',
    ].join('\n'),
  );
  writeShim(
    path.join(paths.shimDir, 'iam-labs'),
    ['#!/bin/sh', '# iam-labs: the installation that opened this lab shell.', `exec ${sq(process.execPath)} ${sq(path.join(packageRoot(), 'bin', 'iam-labs.js'))} "$@"`, ''].join('\n'),
  );
  return aws;
}

/** Run the AWS CLI in the lab environment (doctor). */
export function runAwsInLab(bin: string, args: string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
