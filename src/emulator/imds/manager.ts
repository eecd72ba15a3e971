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
import { respond, TokenStore, type ImdsRequest, type ImdsResponse } from './responder.js';

interface Listener {
  accountId: string;
  instanceId: string;
  server: http.Server;
  port: number;
}

interface Listeners {
  byInstance: Map<string, Listener>;
  /** IMDSv2 session tokens per instance, shared by its loopback listener and the workshop's route */
  tokens: Map<string, TokenStore>;
  starting: Map<string, Promise<Listener>>;
  unsubscribe: () => void;
}

const registry = new WeakMap<Emulator, Listeners>();
const key = (accountId: string, instanceId: string) => `${accountId}/${instanceId}`;

/** What the runner says of an instance's metadata service: the instance and its role. */
export interface InstanceMetadataInfo {
  instanceId: string;
  accountId: string;
  region: string;
  state: string;
  httpTokens: 'optional' | 'required';
  instanceProfileArn?: string;
  roleName?: string;
}

/** What the runner needs to open a shell "on" an instance. */
export interface InstanceMetadataEndpoint extends InstanceMetadataInfo {
  /** http://127.0.0.1:<port>: the address to print and to curl (`<endpoint>/latest/meta-data/`) */
  endpoint: string;
  /**
   * The value for AWS_EC2_METADATA_SERVICE_ENDPOINT: the endpoint with a trailing slash, because
   * AWS CLI v2 before 2.13 joins it to `latest/api/token` without adding one (botocore v1 and
   * SDK v3 accept either form).
   */
  metadataServiceEndpoint: string;
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
export function hostAllowed(host: string | undefined, port: number): boolean {
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
    l = { byInstance: new Map(), tokens: new Map(), starting: new Map(), unsubscribe: () => emulator.state.off('change', onChange) };
    registry.set(emulator, l);
  }
  return l;
}

/**
 * Answer one request to the metadata service of `instanceId` in `accountId`, as its loopback
 * listener does; the workshop server's route for a learner's own instances (worker.ts) calls it
 * too, so both share the instance's session tokens and record the same role sessions.
 */
export function serveInstanceMetadata(emulator: Emulator, accountId: string, instanceId: string, req: ImdsRequest): ImdsResponse {
  const account = emulator.state.accounts.get(accountId);
  if (!account) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
  const l = listeners(emulator);
  const k = key(accountId, instanceId);
  let tokens = l.tokens.get(k);
  if (!tokens) {
    tokens = new TokenStore();
    // only a live instance's service keeps tokens: requests for made-up ids must not grow the map
    const found = findInstance(emulator, instanceId, accountId);
    if (found && found.instance.state !== 'terminated' && found.instance.state !== 'shutting-down') l.tokens.set(k, tokens);
  }
  const out = respond(account, instanceId, tokens, req);
  if (out.changed) void emulator.state.persist(accountId);
  return out;
}

function startListener(emulator: Emulator, accountId: string, instanceId: string): Promise<Listener> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const port = (server.address() as AddressInfo).port;
      if (!hostAllowed(req.headers.host, port)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad Request');
        return;
      }
      const out = serveInstanceMetadata(emulator, accountId, instanceId, {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        header: (n) => {
          const v = req.headers[n];
          return Array.isArray(v) ? v[0] : v;
        },
      });
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

/** The instance and its role, for a running instance; UnknownInstanceError otherwise. */
export function instanceMetadataInfo(emulator: Emulator, instanceId: string, accountId?: string): InstanceMetadataInfo {
  const found = findInstance(emulator, instanceId, accountId);
  if (!found || found.instance.state === 'terminated' || found.instance.state === 'shutting-down') throw new UnknownInstanceError(instanceId);
  const { account, instance } = found;
  const role = instanceRole(account, instanceId);
  return {
    instanceId,
    accountId: account.accountId,
    region: instance.region,
    state: instance.state === 'pending' ? 'running' : instance.state,
    httpTokens: instance.metadataOptions.httpTokens,
    ...(role ? { instanceProfileArn: role.profile.arn } : {}),
    ...(role?.role ? { roleName: role.role.roleName } : {}),
  };
}

/** The metadata service address of an instance (starting its listener), or UnknownInstanceError. */
export async function instanceMetadataEndpoint(emulator: Emulator, instanceId: string, accountId?: string): Promise<InstanceMetadataEndpoint> {
  const info = instanceMetadataInfo(emulator, instanceId, accountId);
  const l = listeners(emulator);
  const k = key(info.accountId, instanceId);
  let listener = l.byInstance.get(k);
  if (!listener) {
    let starting = l.starting.get(k);
    if (!starting) {
      starting = startListener(emulator, info.accountId, instanceId);
      l.starting.set(k, starting);
    }
    try {
      listener = await starting;
    } finally {
      l.starting.delete(k);
    }
    l.byInstance.set(k, listener);
  }
  return { ...info, endpoint: `http://127.0.0.1:${listener.port}`, metadataServiceEndpoint: `http://127.0.0.1:${listener.port}/` };
}

function closeListener(l: Listeners, k: string): Promise<void> {
  // a terminated instance's (or a reset account's) sessions end with it
  l.tokens.delete(k);
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
  for (const k of new Set([...l.byInstance.keys(), ...l.tokens.keys()])) {
    const [accountId, instanceId] = k.split('/');
    const found = findInstance(emulator, instanceId, accountId);
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
