/**
 * `iam-labs workshop serve`: one port for the whole class. This process (the front) keeps the
 * workshop's state (store.ts), serves the workshop's routes under /_workshop/ (join, progress,
 * dashboard, exports, live events) and hands every other connection to the worker process that
 * holds the learner's account (front.ts, workers.ts), one worker per core by default. With
 * `reportOnly`, learners' labs run on their own machines and only progress comes here, so no
 * worker is started. (Bucket names cannot contain "_", so /_workshop/ never shadows an S3
 * path-style request.)
 */
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PortInUseError, withClientErrorGuard } from '../emulator/http-server.js';
import { createApi, DEFAULT_THROTTLES, type ThrottleSettings } from './api.js';
import { Countersigner, type PublicKeyInfo } from './countersign.js';
import { WorkshopError } from './errors.js';
import { ClassEvents, followFrom } from './events.js';
import { createFront } from './front.js';
import { errorResponse, readBody, writeResponse } from './http-io.js';
import { HubLink, type HubOptions } from './hub.js';
import { loadOutline, type OutlineLab } from './outline.js';
import { liveSummary, publicLearner } from './reports.js';
import { WorkshopStore } from './store.js';
import { WorkerPool, type WorkerStats } from './workers.js';

export interface WorkshopOptions {
  host?: string;
  port?: number;
  stateDir: string;
  labs?: string[];
  /** a learner on the same step, not done, for longer than this is shown as stuck */
  stuckMinutes?: number;
  /** worker processes holding the accounts (default: one per core) */
  workers?: number;
  /** learners' labs run on their own machines; only progress comes here */
  reportOnly?: boolean;
  /** the most learners who may join (default 1,000; 10,000 report-only) */
  maxLearners?: number;
  /** report to this class dashboard instead of keeping progress here (several servers, one dashboard) */
  hub?: HubOptions;
  throttles?: Partial<ThrottleSettings>;
  /** where the server says what happens to it (a worker restarted) */
  log?: (line: string) => void;
}

/** The server's own numbers, for the dashboard's footer. */
export interface ServerStats {
  learners: number;
  dashboards: number;
  workers: WorkerStats[];
}

export interface RunningWorkshop {
  host: string;
  port: number;
  endpoint: string;
  dashboardUrl: string;
  store: WorkshopStore;
  outline: OutlineLab[];
  workers?: WorkerPool;
  /** what could not be read at start (kept aside): say it to the instructor */
  problems: string[];
  /** the key that countersigns completion records: its public half, and where both halves are */
  countersignKey: PublicKeyInfo & { files: { privateKey: string; publicKey: string } };
  close(): Promise<void>;
}

export async function startWorkshop(opts: WorkshopOptions): Promise<RunningWorkshop> {
  const outline = loadOutline(opts.labs);
  const reportOnly = !!opts.reportOnly;
  const stuckMinutes = opts.stuckMinutes ?? 10;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const course = loadOutline(undefined);
  const store = new WorkshopStore(opts.stateDir, { course, maxLearners: opts.maxLearners ?? (reportOnly ? 10_000 : 1_000) });
  let countersigner: Countersigner;
  try {
    countersigner = new Countersigner(opts.stateDir, `the iam-labs workshop server created ${store.identity.createdAt.slice(0, 10)}`, course);
  } catch (e) {
    await store.close();
    throw e;
  }
  const workerCount = reportOnly ? 0 : Math.max(1, opts.workers ?? os.availableParallelism());

  let workers: WorkerPool | undefined;
  const serverStats = (): ServerStats => ({ learners: store.size, dashboards: events.listeners, workers: workers?.stats() ?? [] });
  const events: ClassEvents = new ClassEvents(
    (id) => {
      const l = store.learnerById(id);
      return l && publicLearner(l, stuckMinutes);
    },
    () => ({ ...liveSummary(store, outline, stuckMinutes), server: serverStats() }),
    () => [...store.all()].map((l) => l.id),
  );
  const api = createApi({
    store,
    outline,
    stuckMinutes,
    reportOnly,
    hub: opts.hub && new HubLink(opts.hub),
    throttles: { ...DEFAULT_THROTTLES, ...opts.throttles },
    changed: (l) => events.changed(l.id),
    serverStats,
    eventSeq: () => events.seq,
    countersigner,
    get workers() {
      return workers;
    },
  });

  if (workerCount) {
    const accounts = [...store.all()].filter((l) => l.accountId && l.rootSecret).map((l) => [l.accountId!, l.rootSecret!] as [string, string]);
    workers = new WorkerPool({ count: workerCount, accountsDir: path.join(opts.stateDir, 'accounts'), accounts, serveWorkshop: (req) => api.handle(req), log });
    await workers.ready();
  }

  const local = withClientErrorGuard(
    http.createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const wire = { method: req.method ?? 'GET', rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), headers: req.headers, remoteAddress: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''), secure: false };
      if (wire.method === 'GET' && wire.rawPath.replace(/\/+$/, '') === '/_workshop/api/events') {
        if (api.isInstructor(wire)) return events.follow(req, res, followFrom(req.headers, wire.rawQuery));
        return writeResponse(req, res, errorResponse(new WorkshopError('This needs the instructor token printed when the workshop server started.', 401)));
      }
      void readBody(req, api.bodyLimit(wire.method, wire.rawPath))
        .then((body) => api.handle({ ...wire, body }), (e: WorkshopError) => errorResponse(e))
        .then((out) => writeResponse(req, res, out))
        .catch(() => writeResponse(req, res, errorResponse(new WorkshopError('The workshop server could not answer this request.', 500))));
    }),
  );
  // The workshop's routes take small bodies: a client gets 10 s for its head, 15 s for the whole request.
  local.headersTimeout = 10_000;
  local.requestTimeout = 15_000;

  const front = createFront({ local, workers });
  let address: { host: string; port: number };
  try {
    address = await listen(front.server, opts.host ?? '127.0.0.1', opts.port ?? 4567);
  } catch (e) {
    await workers?.close();
    await store.close();
    throw e;
  }
  const shownHost = address.host.includes(':') ? `[${address.host}]` : address.host;
  const endpoint = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}`;
  return {
    ...address,
    endpoint,
    dashboardUrl: `${endpoint}/_workshop/?token=${encodeURIComponent(store.identity.instructorToken)}`,
    store,
    outline,
    workers,
    problems: [...store.problems, ...countersigner.problems],
    countersignKey: { ...countersigner.info, files: countersigner.files },
    close: async () => {
      events.close();
      // Not waited for: connections handed to workers end when the workers do.
      front.server.close();
      front.dropPending();
      local.closeAllConnections();
      await workers?.close();
      await store.close();
    },
  };
}

function listen(server: net.Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new PortInUseError(host, port) : e));
    server.listen(port, host, () => resolve({ host, port: (server.address() as net.AddressInfo).port }));
  });
}
