/**
 * How `iam-labs emulator` starts: its socket listens before the request pipeline (the gateway
 * and every service: most of the emulator's code) has loaded, and the pipeline loads right
 * after; a request that arrives meanwhile waits for it, so its answer comes no later than it
 * would have. The state is loaded first, so a corrupt state file still stops the start.
 *
 * Only the CLI's emulator command starts this way. startEmulator (index.ts), used in-process by
 * the runner's embedded backend and the tests, keeps a listener that is whole when it listens;
 * the workshop mounts the pipeline's listener itself (workshop/worker.ts).
 */
import type http from 'node:http';
import { createEmulator, type StartedEmulator } from './create.js';
import { createDispatchingServer, listen } from './http-listen.js';
import type { EmulatorConfig } from './types.js';

export interface ListeningEmulator extends StartedEmulator {
  /** settles once the pipeline has loaded (rejects if it could not: a bug, or a broken install) */
  pipeline: Promise<void>;
}

export async function startEmulatorListeningFirst(opts: Partial<EmulatorConfig> & { host?: string; port?: number } = {}): Promise<ListeningEmulator> {
  const emulator = createEmulator(opts);
  let listener: http.RequestListener | undefined;
  let loading: Promise<http.RequestListener> | undefined;
  const load = () => (loading ??= import('./http-server.js').then((m) => (listener = m.createRequestListener(emulator))));
  const waiting: http.RequestListener = (req, res) => {
    load().then(
      (l) => l(req, res),
      () => {
        res.writeHead(500, { 'content-length': 0 });
        res.end();
      },
    );
  };
  const server = createDispatchingServer(() => listener ?? waiting);
  const running = await listen(server, opts.host ?? '127.0.0.1', opts.port ?? 4566);
  const pipeline = load().then(() => {
    // then warm the policy engine, so the first enforced request does not pay for it either
    if (emulator.config.enforce) void import('../policy/index.js').then((m) => setImmediate(m.preloadPolicyEngine).unref());
  });
  const close = running.close;
  return {
    ...running,
    emulator,
    pipeline,
    close: async () => {
      emulator.changes.close();
      await close();
      await (await import('./index.js')).closeEmulator(emulator);
    },
  };
}
