/**
 * One metadata-service listener per instance, on its own loopback port. Clients find IMDS
 * through AWS_EC2_METADATA_SERVICE_ENDPOINT, and SDK v3 keeps only the scheme, host and port of
 * it (botocore keeps a path, SDK v3 drops it), so the instance is told apart by the port, not a
 * path. A listener starts when someone asks for the instance's address and closes when the
 * instance is terminated, the account reset, or the emulator closed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ec2State, type Instance } from '../ec2/models.js';
import { instanceRole } from '../ec2/profiles.js';
import type { AccountState } from '../state/account.js';
import { getRecord } from '../state/records.js';
import type { Emulator } from '../types.js';
import { respond, TokenStore } from './responder.js';

interface Listener {
  accountId: string;
  instanceId: string;
  server: http.Server;
  port: number;
}

interface Listeners {
  byInstance: Map<string, Listener>;
  starting: Map<string, Promise<Listener>>;
  unsubscribe: () => void;
}

const registry = new WeakMap<Emulator, Listeners>();
const key = (accountId: string, instanceId: string) => `${accountId}/${instanceId}`;

/** What the runner needs to open a shell "on" an instance. */
export interface InstanceMetadataEndpoint {
  instanceId: string;
  accountId: string;
  region: string;
  state: string;
  /** http://127.0.0.1:<port>: the address to print and to curl (`<endpoint>/latest/meta-data/`) */
  endpoint: string;
  /**
   * The value for AWS_EC2_METADATA_SERVICE_ENDPOINT: the endpoint with a trailing slash, because
   * AWS CLI v2 before 2.13 joins it to `latest/api/token` without adding one (botocore v1 and
   * SDK v3 accept either form).
   */
  metadataServiceEndpoint: string;
  httpTokens: 'optional' | 'required';
  instanceProfileArn?: string;
  roleName?: string;
}

export class UnknownInstanceError extends Error {
  constructor(readonly instanceId: string) {
    super(`There is no running instance ${instanceId} in the emulator.`);
    this.name = 'UnknownInstanceError';
  }
}

function findInstance(emulator: Emulator, instanceId: string, accountId?: string): { account: AccountState; instance: Instance } | undefined {
  const accounts = accountId ? [emulator.state.account(accountId)] : [...emulator.state.accounts.values()];
  for (const account of accounts) {
    if (!account.ec2) continue;
    const instance = getRecord(ec2State(account).instances, instanceId);
    if (instance) return { account, instance };
  }
  return undefined;
}

/** DNS rebinding guard: a page that points its own name at 127.0.0.1 still sends its own Host. */
function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, '169.254.169.254', '169.254.169.254:80'].includes(h);
}

function listeners(emulator: Emulator): Listeners {
  let l = registry.get(emulator);
  if (!l) {
    const onChange = (e: { operation: string }) => {
      if (e.operation === 'Reset') void closeOrphans(emulator);
    };
    emulator.state.on('change', onChange);
    l = { byInstance: new Map(), starting: new Map(), unsubscribe: () => emulator.state.off('change', onChange) };
    registry.set(emulator, l);
  }
  return l;
}

function startListener(emulator: Emulator, accountId: string, instanceId: string): Promise<Listener> {
  const tokens = new TokenStore();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const port = (server.address() as AddressInfo).port;
      if (!hostAllowed(req.headers.host, port)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
        return;
      }
      const account = emulator.state.accounts.get(accountId);
      const out = account
        ? respond(account, instanceId, tokens, {
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            header: (n) => {
              const v = req.headers[n];
              return Array.isArray(v) ? v[0] : v;
            },
          })
        : { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
      if (out.changed) void emulator.state.persist(accountId);
      const body = typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
      res.writeHead(out.status, { ...out.headers, 'content-length': body.length, server: 'EC2ws' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.unref();
      resolve({ accountId, instanceId, server, port: (server.address() as AddressInfo).port });
    });
  });
}

/** The metadata service address of an instance (starting its listener), or UnknownInstanceError. */
export async function instanceMetadataEndpoint(emulator: Emulator, instanceId: string, accountId?: string): Promise<InstanceMetadataEndpoint> {
  const found = findInstance(emulator, instanceId, accountId);
  if (!found || found.instance.state === 'terminated' || found.instance.state === 'shutting-down') throw new UnknownInstanceError(instanceId);
  const { account, instance } = found;
  const l = listeners(emulator);
  const k = key(account.accountId, instanceId);
  let listener = l.byInstance.get(k);
  if (!listener) {
    let starting = l.starting.get(k);
    if (!starting) {
      starting = startListener(emulator, account.accountId, instanceId);
      l.starting.set(k, starting);
    }
    try {
      listener = await starting;
    } finally {
      l.starting.delete(k);
    }
    l.byInstance.set(k, listener);
  }
  const role = instanceRole(account, instanceId);
  return {
    instanceId,
    accountId: account.accountId,
    region: instance.region,
    state: instance.state === 'pending' ? 'running' : instance.state,
    endpoint: `http://127.0.0.1:${listener.port}`,
    metadataServiceEndpoint: `http://127.0.0.1:${listener.port}/`,
    httpTokens: instance.metadataOptions.httpTokens,
    ...(role ? { instanceProfileArn: role.profile.arn } : {}),
    ...(role?.role ? { roleName: role.role.roleName } : {}),
  };
}

function closeListener(l: Listeners, k: string): Promise<void> {
  const listener = l.byInstance.get(k);
  if (!listener) return Promise.resolve();
  l.byInstance.delete(k);
  return new Promise((r) => {
    listener.server.close(() => r());
    listener.server.closeAllConnections();
  });
}

export function closeInstanceListener(emulator: Emulator, accountId: string, instanceId: string): void {
  const l = registry.get(emulator);
  if (l) void closeListener(l, key(accountId, instanceId));
}

async function closeOrphans(emulator: Emulator): Promise<void> {
  const l = registry.get(emulator);
  if (!l) return;
  for (const [k, listener] of [...l.byInstance]) {
    const found = findInstance(emulator, listener.instanceId, listener.accountId);
    if (!found || found.instance.state === 'terminated') await closeListener(l, k);
  }
}

export async function closeAllListeners(emulator: Emulator): Promise<void> {
  const l = registry.get(emulator);
  if (!l) return;
  l.unsubscribe();
  registry.delete(emulator);
  await Promise.all([...l.byInstance.keys()].map((k) => closeListener(l, k)));
}
