/**
 * moto_server: spawned on a free loopback port with AWS managed policies loaded, reset through
 * /moto-api/reset. moto does not enforce IAM and keeps no last-used data: graders say so.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Capabilities } from '../core/aws-types.js';
import { withoutAwsSettings } from '../core/sdk-env.js';
import { BackendUnavailableError } from '../core/errors.js';
import { statePaths } from '../core/paths.js';
import { probeDocker } from './docker-probe.js';
import { callerIdentity } from './identity.js';
import { CONTAINER_LABEL, dockerCall } from './localstack.js';
import { freePort, httpRequest, killAndWait, processAlive, waitUntilAnswers } from './net.js';
import { processPresence, reachablePresence } from './presence.js';
import { BASELINE_CAPABILITIES, REGION, ROOT_CREDENTIALS, type BackendExtras, type BackendHandle, type BackendInfo, type StartOptions } from './types.js';

export const MOTO_CAPABILITIES: Capabilities = {
  // moto 5.2.1 answers LookupEvents and every Access Analyzer call with a 500, ignores the
  // request-time header, and has no PutUserPermissionsBoundary (boundaries on roles only)
  ...BASELINE_CAPABILITIES,
  // moto ignores PasswordResetRequired on CreateLoginProfile (and its UpdateLoginProfile fails)
  recordsPasswordResetRequired: false,
  // moto keeps instances, instance profile associations, functions and ECR repositories (proved by dev check
  // of lab 06 on moto); it has no metadata service, runs no function code without Docker, and its
  // CloudTrail records no calls
  ec2Instances: true,
  lambda: true,
  ecr: true,
};

export const MOTO_LIMITS =
  'moto does not enforce IAM (every signed request is allowed) and does not record when keys or roles were last used; ' +
  'graders evaluate policies themselves, and conditions that need those records are reported as not verifiable.';

export function motoServerPath(env: Record<string, string | undefined> = process.env): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8', env: { PATH: env.PATH ?? '' } });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export async function startMoto(opts: StartOptions): Promise<BackendHandle> {
  const bin = motoServerPath(opts.env);
  if (!bin) {
    // no moto_server: its image, when Docker answers
    const probe = await probeDocker(opts.env);
    if (probe.ok) return startMotoContainer(opts);
    throw new BackendUnavailableError(
      'moto_server is not installed (not found on PATH), and no Docker engine answers for the motoserver/moto image.',
      2,
      "Install it with `pip install 'moto[server]'`, or use the embedded emulator: iam-labs start <lab> --backend embedded",
    );
  }
  const port = await freePort();
  // a private moto (dev check, tests) logs to a temporary file, not over the session's log
  const logFile = opts.ephemeral ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-moto-')), 'moto.log') : statePaths(opts.home).backendLog;
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const logFd = fs.openSync(logFile, 'w');
  opts.log(`starting moto_server on 127.0.0.1:${port}`);
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    // moto never calls AWS, but it gets none of the learner's AWS settings all the same
    env: { ...withoutAwsSettings(opts.env), MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  fs.closeSync(logFd);
  if (child.pid) opts.onSpawn?.({ pid: child.pid });
  let exited: string | undefined;
  child.once('exit', (code) => (exited = `moto_server exited with code ${code}`));
  child.once('error', (e) => (exited = `moto_server could not run: ${e.message}`));
  if (opts.detach) child.unref();
  const spawnedAt = Date.now();
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswers(`${endpoint}/moto-api/`, 30_000, () => exited);
  } catch (e) {
    if (child.pid && !exited) await killAndWait(child.pid);
    const log = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-8).join('\n');
    throw new BackendUnavailableError(`moto_server did not start: ${(e as Error).message}.`, 2, log ? `Its output (${logFile}):\n${log}` : undefined);
  }
  const info: BackendInfo = {
    backend: 'moto',
    endpoint,
    credentials: ROOT_CREDENTIALS,
    accountId: (await callerIdentity(endpoint, ROOT_CREDENTIALS, REGION)).account,
    region: REGION,
    capabilities: MOTO_CAPABILITIES,
    pid: child.pid,
    reason: '',
    limits: MOTO_LIMITS,
    // a moto_server keeps its accounts in memory: each process is a store of its own
    instanceId: `moto:${child.pid}:${spawnedAt}`,
    storeId: `moto:${child.pid}:${spawnedAt}`,
  };
  const handle = attachMoto(info);
  if (!opts.detach) {
    // foreground: moto lives as long as this process
    const kill = () => {
      if (child.pid && processAlive(child.pid)) process.kill(child.pid, 'SIGTERM');
    };
    process.once('exit', kill);
  }
  return handle;
}

/** the image when moto_server is not installed (--image or IAM_LABS_MOTO_IMAGE override it) */
export const MOTO_IMAGE = 'motoserver/moto:latest';

async function startMotoContainer(opts: StartOptions): Promise<BackendHandle> {
  if (opts.detach) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const image = opts.image ?? opts.env.IAM_LABS_MOTO_IMAGE ?? MOTO_IMAGE;
  opts.log(`moto_server is not installed; starting the ${image} image in Docker`);
  const { GenericContainer, Wait } = await import('testcontainers');
  const started = await new GenericContainer(image)
    .withExposedPorts(5000)
    .withEnvironment({ MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' })
    .withLabels({ [CONTAINER_LABEL]: 'moto', 'dev.iam-labs.home': opts.home })
    .withWaitStrategy(Wait.forHttp('/moto-api/', 5000))
    .start();
  const endpoint = `http://${started.getHost()}:${started.getMappedPort(5000)}`;
  const info: BackendInfo = {
    backend: 'moto',
    endpoint,
    credentials: ROOT_CREDENTIALS,
    accountId: (await callerIdentity(endpoint, ROOT_CREDENTIALS, REGION)).account,
    region: REGION,
    capabilities: MOTO_CAPABILITIES,
    containerId: started.getId(),
    reason: '',
    limits: MOTO_LIMITS,
    instanceId: `container:${started.getId()}`,
    storeId: `container:${started.getId()}`,
  };
  return attachMoto(info, opts.env);
}

export function attachMoto(info: BackendInfo, env: Record<string, string | undefined> = process.env): BackendHandle {
  return {
    info,
    resetsAccount: true,
    reset: async () => {
      const r = await httpRequest(`${info.endpoint}/moto-api/reset`, { method: 'POST', timeoutMs: 10_000 });
      if (r.status !== 200) throw new BackendUnavailableError(`moto_server at ${info.endpoint} refused to reset (HTTP ${r.status}).`);
    },
    stop: async () => {
      if (info.pid && processAlive(info.pid)) await killAndWait(info.pid);
      if (info.containerId) await dockerCall(env, 'DELETE', `/containers/${info.containerId}?force=true`).catch(() => 0);
    },
    describe: () => `moto_server at ${info.endpoint}${info.pid ? ` (pid ${info.pid})` : ''}`,
    presence: () => (info.pid ? processPresence(info, '/moto-api/') : reachablePresence(info.endpoint, '/moto-api/')),
    extras: MOTO_EXTRAS,
  };
}

/**
 * moto (5.2) picks the account from its `x-moto-account-id` header (or MOTO_ACCOUNT_ID), not from
 * a 12-digit access key: the AWS CLI cannot send that header, so every lab shares moto's one account.
 */
const MOTO_EXTRAS: BackendExtras = { keepsState: false, makesAccounts: false, stopsServer: true };
