/**
 * The learner's AWS CLI: which one is on PATH, its version, and whether it honours
 * AWS_ENDPOINT_URL (v2 from 2.13, v1 from 1.29). Older ones get a shim that passes --endpoint-url.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Session } from './session.js';
import type { StatePaths } from '../core/paths.js';
import type { Env } from '../core/paths.js';

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

export function awsCliInfo(env: Env, skipDir?: string): Promise<AwsCliInfo | undefined> {
  const bin = findOnPath('aws', env.PATH ?? '', skipDir);
  if (!bin) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(bin, ['--version'], { timeout: 15_000, env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '' } }, (err, stdout, stderr) => {
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

/** Variables of the lab environment (`iam-labs env`, `iam-labs shell`). */
export function labEnvVars(paths: StatePaths, session: Pick<Session, 'endpoint' | 'region'>): Record<string, string> {
  return {
    AWS_CONFIG_FILE: paths.awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials,
    ...endpointEnvVars(session),
    AWS_PROFILE: 'default',
  };
}

export const UNSET_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE'];

/** Write <home>/bin/aws: runs the real CLI with --endpoint-url from the lab environment. */
export function writeAwsShim(paths: StatePaths, realAws: string): string {
  fs.mkdirSync(paths.shimDir, { recursive: true });
  const shim = path.join(paths.shimDir, 'aws');
  fs.writeFileSync(
    shim,
    [
      '#!/bin/sh',
      '# iam-labs: this AWS CLI ignores AWS_ENDPOINT_URL (v1 before 1.29, v2 before 2.13),',
      '# so pass the lab endpoint explicitly. Outside `iam-labs shell` this file is not on PATH.',
      `if [ -n "$AWS_ENDPOINT_URL" ]; then exec '${realAws.replace(/'/g, "'\\''")}' --endpoint-url "$AWS_ENDPOINT_URL" "$@"; fi`,
      `exec '${realAws.replace(/'/g, "'\\''")}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return shim;
}

/** Run the AWS CLI in the lab environment (doctor). */
export function runAwsInLab(bin: string, args: string[], env: Record<string, string>): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
