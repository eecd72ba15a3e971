/**
 * The front's side of the workers: start them (a child process per core by default), hand them
 * connections, tell them of new accounts, route the requests they forward, and restart one that
 * dies (its accounts are on disk; its learners' next requests reconnect).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';
import { packageRoot } from '../core/paths.js';
import { asBuffer, NOBODY, Rpc, type ImdsWireRequest, type ToFront, type ToWorker, type WireRequest, type WireResponse } from './ipc.js';
import { shardOf } from './request-head.js';

export interface WorkerStats {
  worker: number;
  pid?: number;
  accounts: number;
  requestsPerSecond: number;
  /** share of the time the worker's event loop was busy, 0–1 */
  busy: number;
  restarts: number;
}

export interface PoolOptions {
  count: number;
  accountsDir: string;
  /** every learner account and its root secret */
  accounts: Array<[string, string]>;
  /** serve a workshop route a worker's connection carried */
  serveWorkshop(req: WireRequest): Promise<WireResponse>;
  log(line: string): void;
}

interface Slot {
  child: ChildProcess;
  rpc: Rpc;
  ready: Promise<void>;
  stats: WorkerStats;
}

// In the built CLI the worker is dist/workshop/worker.js, an entry point of the bundle
// (scripts/bundle.mjs), while this code sits in a shared chunk: so the path is taken from the
// package root, not from this file. From the sources (tests, benchmarks) it runs through tsx.
const fromSources = import.meta.url.endsWith('.ts');
const WORKER_FILE = fromSources ? path.join(packageRoot(), 'src', 'workshop', 'worker.ts') : path.join(packageRoot(), 'dist', 'workshop', 'worker.js');

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly secrets: Map<string, string>;
  /** key id → worker, from lookups (bounded) */
  private readonly keyWorker = new Map<string, number>();
  private closing = false;

  constructor(private readonly opts: PoolOptions) {
    this.secrets = new Map(opts.accounts);
    for (let i = 0; i < opts.count; i++) this.slots.push(this.spawn(i, 0));
  }

  get count(): number {
    return this.slots.length;
  }

  /** Resolves when every worker is ready to take connections. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  private spawn(index: number, restarts: number): Slot {
    const child = fork(WORKER_FILE, [], {
      execArgv: fromSources ? ['--import', 'tsx'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, IAM_LABS_WORKSHOP_WORKER: String(index) },
    });
    const rpc = new Rpc((m) => child.send(m));
    const stats: WorkerStats = { worker: index, pid: child.pid, accounts: 0, requestsPerSecond: 0, busy: 0, restarts };
    let markReady: () => void = () => {};
    let fail: (e: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (fail = reject)));
    const slot: Slot = { child, rpc, ready, stats };
    child.on('message', (m: ToFront) => this.onMessage(slot, m, markReady));
    child.on('error', (e) => fail(e));
    child.on('exit', (code, signal) => {
      rpc.failAll(new Error(`workshop worker ${index} stopped`));
      fail(new Error(`workshop worker ${index} exited (${signal ?? code}) before it was ready`));
      if (this.closing) return;
      this.opts.log(`workshop worker ${index} stopped (${signal ?? `exit ${code}`}); starting it again. Its learners' accounts are on disk.`);
      setTimeout(() => {
        if (!this.closing) this.slots[index] = this.spawn(index, restarts + 1);
      }, Math.min(5000, 200 * 2 ** restarts)).unref();
    });
    const mine = [...this.secrets].filter(([id]) => shardOf(id, this.opts.count) === index);
    child.send({ t: 'init', index, count: this.opts.count, accountsDir: this.opts.accountsDir, accounts: mine } satisfies ToWorker);
    return slot;
  }

  private onMessage(slot: Slot, m: ToFront, markReady: () => void): void {
    switch (m.t) {
      case 'ready':
        for (const p of m.problems) this.opts.log(p);
        markReady();
        return;
      case 'answer':
        slot.rpc.settle(m);
        return;
      case 'stats':
        Object.assign(slot.stats, { accounts: m.accounts, requestsPerSecond: m.requests / 2, busy: m.busy });
        return;
      case 'forward':
        this.route(slot, m).then(
          (value) => slot.child.send({ t: 'answer', rid: m.rid, value } satisfies ToWorker),
          (e: Error) => slot.child.send({ t: 'answer', rid: m.rid, value: undefined, error: e.message } satisfies ToWorker),
        );
        return;
    }
  }

  private async route(from: Slot, m: Extract<ToFront, { t: 'forward' }>): Promise<WireResponse | typeof NOBODY> {
    const req = { ...m.req, body: asBuffer(m.req.body) };
    if (m.kind === 'workshop') return this.opts.serveWorkshop(req);
    const target = m.account ? shardOf(m.account, this.count) : await this.workerWithKey(m.key ?? '', from.stats.worker);
    if (target === undefined || target === from.stats.worker) return NOBODY;
    return this.slots[target].rpc.call<WireResponse>({ t: 'aws', req });
  }

  /** Which worker serves a connection whose first request is signed with `keyId`. */
  async workerFor(keyId: string | undefined): Promise<number> {
    if (!keyId) return 0;
    if (/^\d{12}$/.test(keyId)) return shardOf(keyId, this.count);
    return (await this.workerWithKey(keyId)) ?? 0;
  }

  private async workerWithKey(key: string, except?: number): Promise<number | undefined> {
    const cached = this.keyWorker.get(key);
    if (cached !== undefined && cached !== except) return cached;
    const answers = await Promise.all(
      this.slots.map((s, i) => (i === except ? Promise.resolve(false) : s.rpc.call<boolean>({ t: 'has-key', key }).catch(() => false))),
    );
    const found = answers.findIndex(Boolean);
    if (found < 0) return undefined;
    if (this.keyWorker.size > 50_000) this.keyWorker.clear();
    this.keyWorker.set(key, found);
    return found;
  }

  /** Give a client connection, and what was already read from it, to worker `index`. */
  handOff(index: number, socket: Socket, head: Buffer): void {
    const slot = this.slots[index];
    slot.ready.then(
      () => slot.child.send({ t: 'conn', head } satisfies ToWorker, socket, { keepOpen: false }, (e) => e && socket.destroy()),
      () => socket.destroy(),
    );
  }

  /** Tell the account's worker about a new account; resolves once it can serve it. */
  async addAccount(id: string, secret: string): Promise<void> {
    this.secrets.set(id, secret);
    const slot = this.slots[shardOf(id, this.count)];
    await slot.ready;
    await slot.rpc.call({ t: 'account', id, secret });
  }

  /**
   * Ask the worker that holds `accountId` about one of its instances: the metadata service's
   * answer to `req`, or without it the instance's description (undefined: no such running instance).
   */
  async instanceMetadata(accountId: string, instanceId: string, req?: ImdsWireRequest): Promise<unknown> {
    const slot = this.slots[shardOf(accountId, this.count)];
    await slot.ready;
    return slot.rpc.call({ t: 'imds', accountId, instanceId, ...(req ? { req } : {}) });
  }

  stats(): WorkerStats[] {
    return this.slots.map((s) => ({ ...s.stats }));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return;
        const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
        await s.rpc.call({ t: 'close' }).catch(() => undefined);
        s.child.disconnect();
        await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 3000).unref())]);
        if (s.child.exitCode === null) s.child.kill('SIGKILL');
      }),
    );
  }
}
