/**
 * The embedded emulator: a detached `iam-labs emulator` process (what `start` runs, with or
 * without --detach: one backend for every open lab, ended by `iam-labs stop`) with a grading
 * service next to it and its state in <home>/emulator-state.json; or, for `dev check`, a private
 * one in this process. Port 4566 when free (LocalStack's), else any free port.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Capabilities } from '../core/aws-types.js';
import { BackendUnavailableError, UsageError } from '../core/errors.js';
import { packageRoot, statePaths } from '../core/paths.js';
import { withoutAwsSettings } from '../core/sdk-env.js';
import type { DecisionRecord } from '../emulator/authz/decision-log.js';
import { CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER, newControlToken } from '../emulator/control-api.js';
import { callerIdentity } from './identity.js';
import { httpRequest, killAndWait, portFree, processAlive } from './net.js';
import { embeddedPresence } from './presence.js';
import { REGION, ROOT_CREDENTIALS, type AccountChanges, type BackendExtras, type BackendHandle, type BackendInfo, type StartOptions } from './types.js';

export const EMBEDDED_CAPABILITIES: Capabilities = {
  enforcesIam: true,
  recordsAccessKeyLastUsed: true,
  recordsRoleLastUsed: true,
  bucketPolicies: true,
  cloudTrail: true,
  accessAnalyzer: true,
  backdatedHistory: true,
  userPermissionsBoundaries: true,
  ec2Instances: true,
  instanceMetadata: true,
  lambda: true,
  lambdaInvoke: true,
  ecr: true,
};
const PREFERRED_PORT = 4566;

async function choosePort(log: (l: string) => void): Promise<number> {
  if (await portFree(PREFERRED_PORT)) return PREFERRED_PORT;
  log(`port ${PREFERRED_PORT} is taken (LocalStack?), so the emulator takes any free port`);
  return 0;
}

export async function startEmbedded(opts: StartOptions): Promise<BackendHandle> {
  const paths = statePaths(opts.home);
  if (opts.ephemeral && opts.detach) throw new UsageError('a private (ephemeral) emulator runs in this process; it cannot be detached.');
  const port = opts.ephemeral ? 0 : await choosePort(opts.log);
  if (opts.detach) return startDetached(opts, port);
  // the emulator's modules load only here: attaching to a running one (check, hint…) needs none
  const { PortInUseError, startEmulator } = await import('../emulator/index.js');
  const stateFile = opts.ephemeral ? undefined : paths.emulatorState;
  const start = (p: number) => startEmulator({ host: '127.0.0.1', port: p, stateFile });
  // someone may take the port between the probe and the bind: then any free port will do
  const running = await start(port).catch((e: unknown) => {
    if (e instanceof PortInUseError && port !== 0) return start(0);
    throw e;
  });
  const info: BackendInfo = {
    backend: 'embedded',
    endpoint: running.endpoint,
    credentials: ROOT_CREDENTIALS,
    accountId: running.emulator.state.defaultAccountId,
    region: REGION,
    capabilities: EMBEDDED_CAPABILITIES,
    pid: process.pid,
    reason: '',
    controlToken: running.emulator.controlToken,
    instanceId: running.emulator.instanceId,
    storeId: stateFile ? `embedded:${stateFile}` : `embedded:${running.emulator.instanceId}`,
  };
  return {
    info,
    resetsAccount: true,
    reset: async () => running.emulator.state.reset(),
    resetAccount: async (id) => running.emulator.state.reset(id),
    accountExists: async (id) => running.emulator.state.accounts.has(id),
    presence: async () => ({ state: 'same' }),
    stop: () => running.close(),
    describe: () => `embedded emulator in this process at ${running.endpoint}`,
    onChange: (listener) => {
      running.emulator.state.on('change', listener);
      return () => running.emulator.state.off('change', listener);
    },
    extras: embeddedExtras(info, { keepsState: !opts.ephemeral }),
  };
}

/**
 * `iam-labs emulator` in its own process, the way a learner could run it, asked to also offer
 * the grading service on <home>/grading.sock: each `check` then finds the graders and the AWS
 * SDK already loaded. The runner's emulator command starts that service, so this module never
 * imports runner code.
 */
async function startDetached(opts: StartOptions, port: number): Promise<BackendHandle> {
  const paths = statePaths(opts.home);
  fs.mkdirSync(opts.home, { recursive: true });
  const logFd = fs.openSync(paths.emulatorLog, 'w');
  const args = [path.join(packageRoot(), 'bin', 'iam-labs.js'), 'emulator', '--port', String(port), '--state', paths.emulatorState, '--quiet'];
  if (paths.gradingSocket) args.push('--grading-socket', paths.gradingSocket);
  // The control API's token: made here and handed to the emulator process only (its environment),
  // so the runner is the one other party that can reset the lab or read its decision log.
  const controlToken = newControlToken();
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    // the emulator needs none of the learner's AWS settings (it never calls AWS)
    env: { ...withoutAwsSettings(process.env), NO_COLOR: '1', [CONTROL_TOKEN_ENV]: controlToken },
  });
  fs.closeSync(logFd);
  // in the same tick as the spawn: a Ctrl-C from here on finds the process recorded (stop ends it)
  if (child.pid) opts.onSpawn?.({ pid: child.pid, controlToken });
  let exited: string | undefined;
  child.once('exit', (code) => (exited = `the emulator exited with code ${code}`));
  child.unref();
  const deadline = Date.now() + 15_000;
  let endpoint: string | undefined;
  while (!endpoint) {
    const text = fs.readFileSync(paths.emulatorLog, 'utf8');
    endpoint = /endpoint\s+(http:\/\/\S+)/.exec(text)?.[1];
    if (endpoint) break;
    if (exited && port !== 0 && /already in use/.test(text)) {
      // another process took the port since we probed it: any free port will do
      opts.log(`port ${port} was taken meanwhile, so the emulator takes any free port`);
      return startDetached(opts, 0);
    }
    if (exited || Date.now() > deadline) {
      if (!exited && child.pid) await killAndWait(child.pid);
      throw new BackendUnavailableError(
        `the embedded emulator did not start (${exited ?? 'no endpoint within 15 s'}).`,
        2,
        `Its output is in ${paths.emulatorLog}:\n${text.trim().split('\n').slice(-8).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const info: BackendInfo = {
    backend: 'embedded',
    endpoint,
    credentials: ROOT_CREDENTIALS,
    accountId: '000000000000',
    region: REGION,
    capabilities: EMBEDDED_CAPABILITIES,
    pid: child.pid,
    reason: '',
    gradingSocket: paths.gradingSocket,
    controlToken,
    storeId: `embedded:${paths.emulatorState}`,
  };
  info.instanceId = await healthInstanceId(endpoint);
  return attachEmbedded(info);
}

/** The instance id a running emulator reports (GET /_iam-labs/health). */
async function healthInstanceId(endpoint: string): Promise<string | undefined> {
  try {
    const r = await httpRequest(`${endpoint}/_iam-labs/health`, { timeoutMs: 5000 });
    return (JSON.parse(r.body) as { instanceId?: string }).instanceId;
  } catch {
    return undefined;
  }
}

/** A handle on an emulator another process runs (from backend.json). */
export function attachEmbedded(info: BackendInfo): BackendHandle {
  return {
    info,
    resetsAccount: true,
    reset: () => controlReset(info),
    resetAccount: (id) => controlReset(info, id),
    accountExists: async (id) => {
      const r = await httpRequest(`${info.endpoint}/_iam-labs/accounts/${id}`, { timeoutMs: 5000, headers: controlHeaders(info) }).catch(() => undefined);
      if (r?.status !== 200) return undefined;
      return (JSON.parse(r.body) as { exists?: boolean }).exists === true;
    },
    presence: () => embeddedPresence(info),
    stop: async () => {
      if (info.pid && info.pid !== process.pid && processAlive(info.pid)) await killAndWait(info.pid);
    },
    describe: () => `embedded emulator at ${info.endpoint}${info.pid ? ` (pid ${info.pid})` : ''}`,
    extras: embeddedExtras(info, { keepsState: true }),
  };
}

async function controlReset(info: BackendInfo, accountId?: string): Promise<void> {
  const q = accountId ? `?account=${accountId}` : '';
  const r = await httpRequest(`${info.endpoint}/_iam-labs/reset${q}`, { method: 'POST', timeoutMs: 5000, headers: controlHeaders(info) });
  if (r.status !== 200) throw new BackendUnavailableError(`the emulator at ${info.endpoint} refused to reset${accountId ? ` account ${accountId}` : ''} (HTTP ${r.status}).`);
}

/** Long-poll the emulator's change feed for one account (control-api.ts `changes`). */
async function waitForChanges(info: BackendInfo, accountId: string, after: number, waitMs: number, signal?: AbortSignal): Promise<AccountChanges> {
  const q = new URLSearchParams({ account: accountId, after: String(after), wait: String(waitMs) });
  const r = await httpRequest(`${info.endpoint}/_iam-labs/changes?${q}`, { timeoutMs: waitMs + 5000, headers: controlHeaders(info), signal });
  if (r.status !== 200) throw new BackendUnavailableError(`the emulator at ${info.endpoint} did not share its changes (HTTP ${r.status}).`);
  const body = JSON.parse(r.body) as { seq: number; changes: Array<{ operation: string }>; missed: boolean; instanceId?: string };
  return { seq: body.seq, changed: body.missed || body.changes.some((c) => !READ_ONLY.test(c.operation)), instanceId: body.instanceId };
}

/**
 * Operations that change nothing a check sees (our own gradings among them). A key's last use is a
 * change (recorded as LastUsed): steps check that a profile has been tried.
 */
const READ_ONLY = /^(Get|List|Head|Simulate|Describe|LookupEvents)/;

/** The header that proves a control request comes from this lab session. */
export function controlHeaders(info: Pick<BackendInfo, 'controlToken'>): Record<string, string> {
  return info.controlToken ? { [CONTROL_TOKEN_HEADER]: info.controlToken } : {};
}

function embeddedExtras(info: BackendInfo, o: { keepsState: boolean }): BackendExtras {
  return {
    remoteGrader: info.gradingSocket ? { socket: info.gradingSocket } : undefined,
    decisionLog: { lastDenial: (accountId) => fetchLastDenial(info.endpoint, accountId, info.controlToken) },
    keepsState: o.keepsState,
    // a 12-digit access key id is the root of that account (LocalStack's convention)
    makesAccounts: true,
    stopsServer: true,
    changeFeed: { wait: (accountId, after, waitMs, signal) => waitForChanges(info, accountId, after, waitMs, signal) },
  };
}

/**
 * The newest denial the emulator recorded, through its loopback control API:
 * GET /_iam-labs/decisions?denied=1&limit=1&account=ID → { decisions: DecisionRecord[] }.
 * Undefined when none was recorded; a UsageError when the emulator does not offer the route.
 */
export async function fetchLastDenial(endpoint: string, accountId?: string, controlToken?: string): Promise<DecisionRecord | undefined> {
  const q = new URLSearchParams({ denied: '1', limit: '1', ...(accountId ? { account: accountId } : {}) });
  const res = await fetch(`${endpoint.replace(/\/$/, '')}/_iam-labs/decisions?${q}`, { headers: controlHeaders({ controlToken }) });
  if (res.status === 404) throw new UsageError('this emulator does not share its decision log, so `--last` is not available.', 2, 'Name the request instead: iam-labs why <user> <action> <resource>.');
  if (!res.ok) throw new UsageError(`the emulator answered ${res.status} when asked for its last decisions.`, 2);
  const body = (await res.json()) as DecisionRecord[] | { decisions?: DecisionRecord[] };
  const list = Array.isArray(body) ? body : (body.decisions ?? []);
  return list[0];
}

/** Read the account id the emulator really uses (it may have been started with --account). */
export async function confirmAccount(info: BackendInfo): Promise<void> {
  info.accountId = (await callerIdentity(info.endpoint, info.credentials, info.region)).account || info.accountId;
}
