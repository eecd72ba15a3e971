/**
 * LocalStack in a container through testcontainers (loaded lazily: it is heavy and only this
 * backend needs it). Docker is probed cheaply first, so a missing or silent Docker gives one
 * clear screen within about 2 s instead of a hang.
 */
import http from 'node:http';
import type { Capabilities } from '../core/aws-types.js';
import { BackendUnavailableError } from '../core/errors.js';
import { dockerCandidates, probeDocker, type DockerProbeResult } from './docker-probe.js';
import { callerIdentity } from './identity.js';
import { httpRequest } from './net.js';
import { reachablePresence } from './presence.js';
import { BASELINE_CAPABILITIES, REGION, ROOT_CREDENTIALS, type BackendHandle, type BackendInfo, type StartOptions } from './types.js';

export const DEFAULT_LOCALSTACK_IMAGE = 'localstack/localstack:4.14.0';
export const CONTAINER_LABEL = 'dev.iam-labs.backend';
/** LocalStack's exit code when an image needs a licence (auth token) it was not given */
const LICENCE_EXIT = 55;

// LocalStack Community enforces no IAM and records no last use; started with SERVICES=iam,sts,s3:
// none of the workload services
export const LOCALSTACK_CAPABILITIES: Capabilities = BASELINE_CAPABILITIES;

export function noDockerMessage(probe: DockerProbeResult): BackendUnavailableError {
  const tried = probe.attempts.map((a) => `  ${a.where}: ${a.detail}`).join('\n');
  return new BackendUnavailableError(
    'LocalStack needs a Docker engine, and none answered.',
    2,
    `Tried (GET /_ping, 1 s each):\n${tried}\n\n` +
      `Start Docker (or set DOCKER_HOST), or use the embedded emulator, which needs nothing else:\n` +
      `  iam-labs start <lab> --backend embedded`,
  );
}

export async function startLocalstack(opts: StartOptions): Promise<BackendHandle> {
  const probe = await probeDocker(opts.env);
  if (!probe.ok) throw noDockerMessage(probe);
  const image = opts.image ?? opts.env.IAM_LABS_LOCALSTACK_IMAGE ?? DEFAULT_LOCALSTACK_IMAGE;
  // A detached session must outlive this process: testcontainers' reaper would remove it.
  if (opts.detach) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  opts.log(`Docker answered at ${probe.where}; starting ${image} (the first run downloads it)`);
  const { LocalstackContainer } = await import('@testcontainers/localstack');
  const env: Record<string, string> = { SERVICES: 'iam,sts,s3' };
  if (opts.env.LOCALSTACK_AUTH_TOKEN) env.LOCALSTACK_AUTH_TOKEN = opts.env.LOCALSTACK_AUTH_TOKEN;
  let started;
  try {
    started = await new LocalstackContainer(image)
      .withEnvironment(env)
      .withLabels({ [CONTAINER_LABEL]: 'localstack', 'dev.iam-labs.home': opts.home })
      .start();
  } catch (e) {
    const msg = (e as Error).message;
    if (new RegExp(`\\b${LICENCE_EXIT}\\b|licen[cs]e|auth token|LOCALSTACK_AUTH_TOKEN`, 'i').test(msg)) {
      throw new BackendUnavailableError(
        `LocalStack (${image}) stopped at start-up: it needs an auth token.`,
        2,
        `LocalStack images after 4.14.0 exit with code ${LICENCE_EXIT} unless LOCALSTACK_AUTH_TOKEN is set.\n` +
          `Either set your token (export LOCALSTACK_AUTH_TOKEN=…, from app.localstack.cloud), or use the last free image:\n` +
          `  iam-labs start <lab> --backend localstack --image ${DEFAULT_LOCALSTACK_IMAGE}\n` +
          `or the embedded emulator: --backend embedded`,
      );
    }
    throw new BackendUnavailableError(`LocalStack did not start: ${msg.split('\n')[0]}`, 2, 'Try --backend embedded.');
  }
  const endpoint = started.getConnectionUri();
  const info: BackendInfo = {
    backend: 'localstack',
    endpoint,
    credentials: ROOT_CREDENTIALS,
    accountId: (await callerIdentity(endpoint, ROOT_CREDENTIALS, REGION)).account,
    region: REGION,
    capabilities: LOCALSTACK_CAPABILITIES,
    containerId: started.getId(),
    instanceId: `container:${started.getId()}`,
    storeId: `container:${started.getId()}`,
    reason: '',
    limits: 'LocalStack (community) does not enforce IAM and records no last-used data: graders evaluate policies themselves; conditions that need those records are reported as not verifiable.',
  };
  return attachLocalstack(info, opts.env);
}

/** Talk to the Docker engine directly (stop/remove by id) so `stop` needs no testcontainers. */
export function dockerCall(env: Record<string, string | undefined>, method: string, path: string): Promise<number> {
  const target = dockerCandidates(env)[0];
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: target.socketPath, host: target.host, port: target.port, method, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('Docker did not answer')));
    req.on('error', reject);
    req.end();
  });
}

export function attachLocalstack(info: BackendInfo, env: Record<string, string | undefined> = process.env): BackendHandle {
  let resetsAccount = true;
  return {
    info,
    get resetsAccount() {
      return resetsAccount;
    },
    reset: async () => {
      const r = await httpRequest(`${info.endpoint}/_localstack/state/reset`, { method: 'POST', timeoutMs: 30_000 }).catch(() => undefined);
      // Older images lack the state API: the runner then removes what the lab made itself.
      if (!r || r.status >= 300) resetsAccount = false;
    },
    stop: async () => {
      if (!info.containerId) return;
      await dockerCall(env, 'DELETE', `/containers/${info.containerId}?force=true`).catch(() => 0);
    },
    describe: () => `LocalStack at ${info.endpoint} (container ${info.containerId?.slice(0, 12) ?? '?'}); it does not enforce IAM`,
    presence: () => reachablePresence(info.endpoint, '/_localstack/health'),
    // LocalStack documents a 12-digit access key id as the account id (its multi-account
    // support), so each lab gets its own account there too
    extras: { keepsState: false, makesAccounts: true, stopsServer: !!info.containerId },
  };
}
