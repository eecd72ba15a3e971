/**
 * Is the backend a session recorded the one that answers now? Light on purpose (node builtins
 * only): the lab shell's aws wrapper asks before every call (runner/shell-guard.ts), and `check`
 * before it grades. Another process's emulator on the same port, a moto_server that exited and
 * a port someone else took are all told apart from "ours".
 */
import { httpRequest, processAlive } from './net.js';
import type { BackendInfo, BackendPresence } from './types.js';

const TIMEOUT_MS = 2000;

/** The embedded emulator: its process, then the instance id its health route reports. */
export async function embeddedPresence(info: Pick<BackendInfo, 'endpoint' | 'pid' | 'instanceId'>): Promise<BackendPresence> {
  if (info.pid && !processAlive(info.pid)) return { state: 'gone', detail: `its emulator process (pid ${info.pid}) is no longer running` };
  let r: { status: number; body: string };
  try {
    r = await httpRequest(`${info.endpoint}/_iam-labs/health`, { timeoutMs: TIMEOUT_MS });
  } catch (e) {
    return { state: 'gone', detail: `nothing answers at ${info.endpoint} (${(e as Error).message})` };
  }
  let body: { service?: string; instanceId?: string } = {};
  try {
    body = JSON.parse(r.body) as typeof body;
  } catch {
    /* not an emulator */
  }
  if (r.status !== 200 || body.service !== 'iam-labs-emulator') return { state: 'changed', detail: `${info.endpoint} is answered by something else than the lab's emulator` };
  if (info.instanceId && body.instanceId !== info.instanceId) {
    return { state: 'changed', detail: `another emulator answers at ${info.endpoint} (instance ${body.instanceId ?? '?'}, not the lab's ${info.instanceId})` };
  }
  return { state: 'same' };
}

/** A server process we started (moto_server): alive, and answering at its address. */
export async function processPresence(info: Pick<BackendInfo, 'endpoint' | 'pid'>, probePath = '/'): Promise<BackendPresence> {
  if (info.pid && !processAlive(info.pid)) return { state: 'gone', detail: `its process (pid ${info.pid}) is no longer running` };
  return reachablePresence(info.endpoint, probePath);
}

/** Someone else's server (an endpoint, a workshop, a container): does it answer at all? */
export async function reachablePresence(endpoint: string, probePath = '/'): Promise<BackendPresence> {
  try {
    // fetch, not httpRequest: an endpoint or a workshop may be https
    const res = await fetch(`${endpoint.replace(/\/$/, '')}${probePath}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    return { state: 'same' };
  } catch (e) {
    return { state: 'gone', detail: `nothing answers at ${endpoint} (${(e as Error).message})` };
  }
}
