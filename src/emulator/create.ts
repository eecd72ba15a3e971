/** An emulator's state and bookkeeping, without a server: what startEmulator and listen-first.ts both build first. */
import crypto from 'node:crypto';
import { DecisionLog } from './authz/decision-log.js';
import { ChangeFeed } from './change-feed.js';
import { newControlToken } from './control-token.js';
import type { RunningServer } from './http-listen.js';
import { DEFAULT_ACCOUNT, EmulatorState } from './state/emulator-state.js';
import type { Emulator, EmulatorConfig } from './types.js';

export interface StartedEmulator extends RunningServer {
  emulator: Emulator;
}

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
