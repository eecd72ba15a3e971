/**
 * A workshop worker: a child process that holds some of the learners' accounts (each account in
 * exactly one worker: request-head.ts shardOf) and serves the connections the front hands it.
 * Each account is its own emulator with its own state folder (accounts/<id>/), created when the
 * account is first used, so the emulator itself knows nothing of sharding.
 *
 * A kept-alive connection normally carries one learner's requests. A request that belongs
 * elsewhere (another worker's account, the workshop's own routes) is read here and forwarded
 * through the front; the answer comes back the same way.
 */
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { closeEmulator, createEmulator, handleRequest, type Emulator } from '../emulator/index.js';
import { createDispatchingServer, createRequestListener, discardRest } from '../emulator/http-server.js';
import { instanceMetadataInfo, serveInstanceMetadata, UnknownInstanceError } from '../emulator/imds/index.js';
import { preloadPolicyEngine } from '../policy/index.js';
import { asBuffer, NOBODY, Rpc, type ImdsWireRequest, type ToFront, type ToWorker, type WireRequest, type WireResponse } from './ipc.js';
import { isAccountKey, shardOf, signingKeyId, WORKSHOP_PREFIX } from './request-head.js';

/** The largest body a request that must be forwarded may have (forwarding is the rare path). */
const MAX_FORWARD_BODY = 16 * 1024 * 1024;

interface Account {
  emulator: Emulator;
  listener: http.RequestListener;
}

const send = (m: ToFront, handle?: Socket) => process.send!(m, handle as never);
const rpc = new Rpc((m) => send(m as unknown as ToFront));

let index = 0;
let count = 1;
let accountsDir = '';
const secrets = new Map<string, string>();
const accounts = new Map<string, Account>();
/** key id (AKIA…, ASIA…) → account, learned from lookups */
const keyOwners = new Map<string, string>();
let allLoaded = false;
let requests = 0;

// Requests no account here can answer (unsigned, unknown keys) get the emulator's own answers.
const nobody = createEmulator({ rootSecret: () => undefined });
const nobodyListener = createRequestListener(nobody);

function account(id: string): Account {
  let a = accounts.get(id);
  if (!a) {
    const emulator = createEmulator({ stateDir: path.join(accountsDir, id), defaultAccountId: id, rootSecret: (k) => (k === id ? secrets.get(id) : undefined) });
    a = { emulator, listener: createRequestListener(emulator) };
    accounts.set(id, a);
  }
  return a;
}

/** The account of this worker that holds a key made by CreateAccessKey or STS. */
function keyOwner(key: string): Account | undefined {
  const known = keyOwners.get(key);
  if (known && accounts.get(known)?.emulator.state.findKey(key)) return accounts.get(known);
  const scan = () => [...accounts.entries()].find(([, a]) => a.emulator.state.findKey(key));
  let found = scan();
  if (!found && !allLoaded) {
    // After a restart a learner's first request may use an IAM user's key: load every account.
    for (const id of secrets.keys()) account(id);
    allLoaded = true;
    found = scan();
  }
  if (!found) return undefined;
  keyOwners.set(key, found[0]);
  return found[1];
}

function pick(req: http.IncomingMessage): http.RequestListener {
  requests++;
  const url = req.url ?? '/';
  if (url.startsWith(WORKSHOP_PREFIX)) return forwarding('workshop');
  const q = url.indexOf('?');
  const key = signingKeyId(req.headers.authorization, q < 0 ? '' : url.slice(q + 1));
  if (!key) return nobodyListener;
  if (isAccountKey(key)) {
    if (shardOf(key, count) !== index) return forwarding('aws', { account: key });
    return secrets.has(key) ? account(key).listener : nobodyListener;
  }
  return keyOwner(key)?.listener ?? forwarding('aws', { key });
}

/** A listener that reads the request and has the front serve it elsewhere. */
function forwarding(kind: 'workshop' | 'aws', target: { account?: string; key?: string } = {}): http.RequestListener {
  return (req, res) => {
    if (/100-continue/i.test(String(req.headers.expect ?? ''))) res.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_FORWARD_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_FORWARD_BODY) return write(req, res, { status: 413, headers: { 'content-type': 'application/json' }, body: '{"error":"Request body too large."}' });
      const q = (req.url ?? '/').indexOf('?');
      const wire: WireRequest = {
        method: req.method ?? 'GET',
        rawPath: q < 0 ? (req.url ?? '/') : (req.url ?? '/').slice(0, q),
        rawQuery: q < 0 ? '' : (req.url ?? '/').slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks),
        remoteAddress: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        secure: false,
      };
      rpc.call<WireResponse | typeof NOBODY>({ t: 'forward', kind, req: wire, ...target }).then(
        (out) => ('nobody' in out ? void handleRequest(nobody, wire).then((o) => write(req, res, o)) : write(req, res, out)),
        (e: Error) => write(req, res, { status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: `The workshop server could not route this request: ${e.message}` }) }),
      );
    });
  };
}

function write(req: http.IncomingMessage, res: http.ServerResponse, out: WireResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = asBuffer(out.body);
  res.writeHead(out.status, { ...out.headers, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body, () => {
    if (!req.complete) discardRest(req);
  });
}

const server = createDispatchingServer(pick);

async function serveHere(req: WireRequest): Promise<WireResponse> {
  const wire = { ...req, body: asBuffer(req.body) };
  const key = signingKeyId(String(wire.headers.authorization ?? '') || undefined, wire.rawQuery);
  const target = key && isAccountKey(key) ? (secrets.has(key) ? account(key) : undefined) : key ? keyOwner(key) : undefined;
  return handleRequest(target?.emulator ?? nobody, wire);
}

/**
 * The metadata service of an instance in one of this worker's accounts (the front routes the
 * learner's request here): the same answers, session tokens and role sessions as the loopback
 * listener of a local emulator. Another account's instance is not looked for: it is unknown here.
 */
function instanceMetadataHere(accountId: string, instanceId: string, req?: ImdsWireRequest): unknown {
  if (!secrets.has(accountId)) return undefined;
  const { emulator } = account(accountId);
  if (!req) {
    try {
      return instanceMetadataInfo(emulator, instanceId, accountId);
    } catch (e) {
      if (e instanceof UnknownInstanceError) return undefined;
      throw e;
    }
  }
  const out = serveInstanceMetadata(emulator, accountId, instanceId, { method: req.method, path: req.path, header: (n) => req.headers[n] });
  return { status: out.status, headers: out.headers, body: out.body } satisfies WireResponse;
}

process.on('message', (m: ToWorker, handle?: Socket) => {
  switch (m.t) {
    case 'init':
      ({ index, count, accountsDir } = m);
      for (const [id, secret] of m.accounts) secrets.set(id, secret);
      setImmediate(preloadPolicyEngine).unref();
      send({ t: 'ready', problems: [] });
      return;
    case 'conn':
      if (!handle) return;
      server.emit('connection', handle);
      handle.emit('data', asBuffer(m.head));
      handle.resume();
      return;
    case 'account':
      secrets.set(m.id, m.secret);
      send({ t: 'answer', rid: m.rid, value: true });
      return;
    case 'aws':
      serveHere(m.req).then(
        (value) => send({ t: 'answer', rid: m.rid, value }),
        (e: Error) => send({ t: 'answer', rid: m.rid, value: undefined, error: e.message }),
      );
      return;
    case 'imds':
      try {
        send({ t: 'answer', rid: m.rid, value: instanceMetadataHere(m.accountId, m.instanceId, m.req) });
      } catch (e) {
        send({ t: 'answer', rid: m.rid, value: undefined, error: (e as Error).message });
      }
      return;
    case 'has-key':
      send({ t: 'answer', rid: m.rid, value: !!keyOwner(m.key) });
      return;
    case 'answer':
      rpc.settle(m);
      return;
    case 'close':
      void shutDown().then(() => send({ t: 'answer', rid: m.rid, value: true }));
      return;
  }
});

async function shutDown(): Promise<void> {
  server.closeAllConnections();
  for (const a of accounts.values()) await closeEmulator(a.emulator);
}

// The front's stats line: accounts loaded, requests served, and how busy this process was.
let lastElu = performance.eventLoopUtilization();
setInterval(() => {
  const elu = performance.eventLoopUtilization(lastElu);
  lastElu = performance.eventLoopUtilization();
  send({ t: 'stats', accounts: accounts.size, requests, busy: elu.utilization });
  requests = 0;
}, 2000).unref();

// The front going away (even by kill -9) ends the worker: state is written after every change.
process.on('disconnect', () => {
  void shutDown().finally(() => process.exit(0));
});
