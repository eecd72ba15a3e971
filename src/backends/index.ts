/**
 * Choosing and reaching a backend. `auto`: --endpoint / IAM_LABS_ENDPOINT when given, else the
 * embedded emulator (it starts in milliseconds and enforces IAM). Each choice carries its reason.
 */
import { UsageError } from '../core/errors.js';
import { attachEmbedded, startEmbedded } from './embedded.js';
import { attachEndpoint, startEndpoint } from './endpoint.js';
import { attachLocalstack, startLocalstack } from './localstack.js';
import { attachMoto, startMoto } from './moto.js';
import { BACKEND_NAMES, type BackendHandle, type BackendInfo, type BackendName, type StartOptions } from './types.js';
import { attachWorkshop } from './workshop.js';

export type { BackendExtras, BackendHandle, BackendInfo, BackendKind, BackendName, StartOptions } from './types.js';

export function chooseBackend(
  requested: string | undefined,
  endpoint: string | undefined,
  env: Record<string, string | undefined>,
): { name: BackendName; reason: string; endpoint?: string } {
  const choice = requested ?? env.IAM_LABS_BACKEND ?? 'auto';
  const ep = endpoint ?? env.IAM_LABS_ENDPOINT;
  if (choice === 'auto') {
    if (endpoint) return { name: 'endpoint', endpoint, reason: 'auto: --endpoint was given' };
    if (env.IAM_LABS_ENDPOINT) return { name: 'endpoint', endpoint: ep, reason: 'auto: IAM_LABS_ENDPOINT is set' };
    return { name: 'embedded', reason: 'auto: no endpoint given, so the embedded emulator (starts instantly, enforces IAM)' };
  }
  if (!(BACKEND_NAMES as string[]).includes(choice)) {
    throw new UsageError(`unknown backend '${choice}'. Choose one of: auto, ${BACKEND_NAMES.join(', ')}.`);
  }
  const why = requested ? `--backend ${choice}` : `IAM_LABS_BACKEND=${choice}`;
  return { name: choice as BackendName, endpoint: ep, reason: `${why} was asked for` };
}

export async function startBackend(name: BackendName, opts: StartOptions): Promise<BackendHandle> {
  switch (name) {
    case 'embedded':
      return startEmbedded(opts);
    case 'moto':
      return startMoto(opts);
    case 'localstack':
      return startLocalstack(opts);
    case 'endpoint':
      return startEndpoint(opts);
  }
}

/** A handle on the backend a session recorded (running in another process or elsewhere). */
export function attachBackend(info: BackendInfo, env: Record<string, string | undefined> = process.env): BackendHandle {
  switch (info.backend) {
    case 'embedded':
      return attachEmbedded(info);
    case 'moto':
      return attachMoto(info, env);
    case 'localstack':
      return attachLocalstack(info, env);
    case 'endpoint':
      return attachEndpoint(info);
    case 'workshop':
      return attachWorkshop(info);
  }
}
