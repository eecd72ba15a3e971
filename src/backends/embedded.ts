/**
 * The embedded emulator: in this process (foreground `start`, change events drive the live
 * checklist) or as a detached `iam-labs emulator` process (`start --detach`), with its state in
 * <home>/emulator-state.json. Port 4566 when free (LocalStack's), else any free port.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CONTROL_TOKEN_HEADER } from '../emulator/control-api.js';
import { BackendUnavailableError } from '../runner/errors.js';
import { packageRoot, statePaths } from '../runner/paths.js';
import type { Capabilities } from '../graders/types.js';
import { callerIdentity } from './identity.js';
import { httpRequest, killAndWait, portFree, processAlive } from './net.js';
import { REGION, ROOT_CREDENTIALS, type BackendHandle, type BackendInfo, type StartOptions } from './types.js';

export const EMBEDDED_CAPABILITIES: Capabilities = {
  enforcesIam: true,
  recordsAccessKeyLastUsed: true,
  recordsRoleLastUsed: true,
  bucketPolicies: true,
};
const PREFERRED_PORT = 4566;

async function choosePort(log: (l: string) => void): Promise<number> {
  if (await portFree(PREFERRED_PORT)) return PREFERRED_PORT;
  log(`port ${PREFERRED_PORT} is taken (LocalStack?), so the emulator takes any free port`);
  return 0;
}

export async function startEmbedded(opts: StartOptions): Promise<BackendHandle> {
  const paths = statePaths(opts.home);
  const port = await choosePort(opts.log);
  if (opts.detach) return startDetached(opts, port);
  // the emulator's modules load only here: attaching to a running one (check, hint…) needs none
  const { PortInUseError, startEmulator } = await import('../emulator/index.js');
  const start = (p: number) => startEmulator({ host: '127.0.0.1', port: p, stateFile: paths.emulatorState });
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
  };
  return {
    info,
    resetsAccount: true,
    reset: async () => running.emulator.state.reset(),
    stop: () => running.close(),
    describe: () => `embedded emulator in this process at ${running.endpoint}`,
    onChange: (listener) => {
      running.emulator.state.on('change', listener);
      return () => running.emulator.state.off('change', listener);
    },
  };
}

async function startDetached(opts: StartOptions, port: number): Promise<BackendHandle> {
  const paths = statePaths(opts.home);
  fs.mkdirSync(opts.home, { recursive: true });
  const logFd = fs.openSync(paths.emulatorLog, 'w');
  // The emulator plus a grading socket (embedded-host.ts), so each `check` finds the graders
  // loaded; the plain `iam-labs emulator` when dist/ predates it.
  const hostScript = path.join(packageRoot(), 'dist', 'backends', 'embedded-host.js');
  const args = fs.existsSync(hostScript)
    ? [hostScript, '--port', String(port), '--state', paths.emulatorState, '--home', opts.home]
    : [path.join(packageRoot(), 'bin', 'iam-labs.js'), 'emulator', '--port', String(port), '--state', paths.emulatorState, '--quiet'];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, NO_COLOR: '1' },
  });
  fs.closeSync(logFd);
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
  const info = embeddedInfo(endpoint, child.pid);
  // The emulator wrote its control token (mode 0600) before its ready line.
  info.controlToken = readControlToken(controlTokenFile(opts.home));
  return attachEmbedded(info);
}

function embeddedInfo(endpoint: string, pid: number | undefined): BackendInfo {
  return {
    backend: 'embedded',
    endpoint,
    credentials: ROOT_CREDENTIALS,
    accountId: '000000000000',
    region: REGION,
    capabilities: EMBEDDED_CAPABILITIES,
    pid,
    reason: '',
  };
}

/** A handle on an emulator another process runs (from session.json). */
export function attachEmbedded(info: BackendInfo): BackendHandle {
  return {
    info,
    resetsAccount: true,
    reset: async () => {
      const r = await httpRequest(`${info.endpoint}/_iam-labs/reset`, { method: 'POST', timeoutMs: 5000, headers: controlHeaders(info) });
      if (r.status !== 200) throw new BackendUnavailableError(`the emulator at ${info.endpoint} refused to reset (HTTP ${r.status}).`);
    },
    stop: async () => {
      if (info.pid && info.pid !== process.pid && processAlive(info.pid)) await killAndWait(info.pid);
    },
    describe: () => `embedded emulator at ${info.endpoint}${info.pid ? ` (pid ${info.pid})` : ''}`,
  };
}

/** Where a detached emulator leaves its control token for the runner. */
export const controlTokenFile = (home: string) => path.join(home, 'emulator-control-token');

function readControlToken(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The header that proves a control request comes from this lab session. */
export function controlHeaders(info: Pick<BackendInfo, 'controlToken'>): Record<string, string> {
  return info.controlToken ? { [CONTROL_TOKEN_HEADER]: info.controlToken } : {};
}

/** Read the account id the emulator really uses (it may have been started with --account). */
export async function confirmAccount(info: BackendInfo): Promise<void> {
  info.accountId = (await callerIdentity(info.endpoint, info.credentials, info.region)).account || info.accountId;
}
