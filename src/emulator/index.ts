/** Public surface of the embedded emulator: create one, serve it over HTTP, stop it. */
import { preloadPolicyEngine } from '../policy/index.js';
import { createEmulator, type StartedEmulator } from './create.js';
import { createHttpServer, listen } from './http-server.js';
import { stopWorkloadServices } from './service-modules.js';
import type { Emulator, EmulatorConfig } from './types.js';

export type { Emulator, EmulatorConfig } from './types.js';
export { createEmulator, type StartedEmulator } from './create.js';
export { handleRequest } from './gateway.js';
export { PortInUseError } from './http-server.js';
export { CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER } from './control-api.js';
export { CorruptStateError } from './state/persistence.js';
export { DEFAULT_ACCOUNT } from './state/emulator-state.js';

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
