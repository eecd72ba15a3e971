/** Public surface of the embedded emulator: create one, serve it over HTTP, stop it. */
import crypto from 'node:crypto';
import { preloadPolicyEngine } from '../policy/index.js';
import { ChangeFeed } from './change-feed.js';
import { DecisionLog } from './authz/decision-log.js';
import { newControlToken } from './control-api.js';
import { createHttpServer, listen, type RunningServer } from './http-server.js';
import { stopWorkloadServices } from './service-modules.js';
import { DEFAULT_ACCOUNT, EmulatorState } from './state/emulator-state.js';
import type { Emulator, EmulatorConfig } from './types.js';

export type { Emulator, EmulatorConfig } from './types.js';
export { handleRequest } from './gateway.js';
export { PortInUseError } from './http-server.js';
export { CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER } from './control-api.js';
export { CorruptStateError } from './state/persistence.js';
export { DEFAULT_ACCOUNT } from './state/emulator-state.js';

export function createEmulator(config: Partial<EmulatorConfig> = {}): Emulator {
  const full: EmulatorConfig = {
    defaultAccountId: config.defaultAccountId ?? DEFAULT_ACCOUNT,
    enforce: config.enforce ?? true,
    stateFile: config.stateFile,
    maxBodyBytes: config.maxBodyBytes ?? 256 * 1024 * 1024,
    stateDir: config.stateDir,
    logDenial: config.logDenial,
    rootSecret: config.rootSecret,
    controlToken: config.controlToken,
    bodyIdleTimeoutMs: config.bodyIdleTimeoutMs,
  };
  const state = new EmulatorState(full.defaultAccountId, full.stateFile, full.stateDir);
  state.load();
  return {
    state,
    config: full,
    decisions: new DecisionLog(),
    controlToken: full.controlToken ?? newControlToken(),
    instanceId: crypto.randomUUID(),
    changes: new ChangeFeed(state),
  };
}

export interface StartedEmulator extends RunningServer {
  emulator: Emulator;
}

export async function startEmulator(
  opts: Partial<EmulatorConfig> & { host?: string; port?: number } = {},
): Promise<StartedEmulator> {
  const emulator = createEmulator(opts);
  const server = createHttpServer(emulator);
  const running = await listen(server, opts.host ?? '127.0.0.1', opts.port ?? 4566);
  // Ready first; then warm the policy engine so the first enforced request does not pay for it.
  if (emulator.config.enforce) setImmediate(preloadPolicyEngine).unref();
  const close = running.close;
  return {
    ...running,
    emulator,
    close: async () => {
      emulator.changes.close();
      await close();
      await closeEmulator(emulator);
    },
  };
}

/** Stop what an emulator runs besides its server (metadata services, functions) and write pending state. */
export async function closeEmulator(emulator: Emulator): Promise<void> {
  await stopWorkloadServices(emulator);
  await emulator.state.close();
}
