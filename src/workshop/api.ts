/**
 * The workshop's own routes under /_workshop: joining, progress reports, the learner's own
 * record, the instructor's class view and exports, and the dashboard page. Requests arrive
 * already read (http-io.ts on this process's connections, or forwarded by a worker), so one
 * function serves both; only the live event stream (server.ts) needs a connection of its own.
 */
import crypto from 'node:crypto';
import { COUNTERSIGN_BODY_BYTES, type Countersigner } from './countersign.js';
import { dashboardHtml } from './dashboard.js';
import { WorkshopError } from './errors.js';
import { errorResponse, jsonResponse, parseJsonObject } from './http-io.js';
import { INSTANCE_METADATA_BODY_BYTES, isInstanceMetadataRoute, serveInstanceMetadataRoute } from './imds-route.js';
import type { WireRequest, WireResponse } from './ipc.js';
import { MAX_REPORT_BYTES, parseReport } from './progress-model.js';
import { classCsv, classSummary, publicLearner } from './reports.js';
import { sha256, type Learner, type LearnerMode, type LearnerRecord, type WorkshopStore } from './store.js';
import { Throttle, type BucketSpec } from './throttle.js';
import type { HubLink } from './hub.js';
import type { OutlineLab } from './outline.js';
import type { WorkerPool } from './workers.js';

/** Bodies of the routes that take one: a join is small, a report is one lab, a record is the course. */
const BODY_LIMITS = new Map([
  ['POST /_workshop/api/join', 4 * 1024],
  ['POST /_workshop/api/progress', MAX_REPORT_BYTES],
  ['POST /_workshop/api/countersign', COUNTERSIGN_BODY_BYTES],
]);

export interface ThrottleSettings {
  /** wrong join codes, per client address and for everyone */
  failures: { each: BucketSpec; everyone: BucketSpec };
  /** new learners, per client address and for everyone */
  joins: { each: BucketSpec; everyone: BucketSpec };
  /** progress reports, per learner */
  reports: BucketSpec;
  /** completion records to countersign, per learner */
  countersigns: BucketSpec;
  /** requests to the metadata services of the learner's instances, per learner */
  instanceMetadata: BucketSpec;
}

export const DEFAULT_THROTTLES: ThrottleSettings = {
  // After five wrong codes a client may try once every two seconds, and the whole server five
  // times a second: guessing a 6-character code then takes years.
  failures: { each: { burst: 5, ratePerSecond: 0.5 }, everyone: { burst: 20, ratePerSecond: 5 } },
  // A class behind one NAT address joins at once; bots with the code are bounded by --max-learners too.
  joins: { each: { burst: 200, ratePerSecond: 20 }, everyone: { burst: 500, ratePerSecond: 50 } },
  // A learner's runner reports after each check (the live checklist: about one a second at most).
  reports: { burst: 30, ratePerSecond: 10 },
  // A learner writes a record once or twice; checking one costs a signature check over ~6 KB.
  countersigns: { burst: 5, ratePerSecond: 0.2 },
  // An AWS CLI command in an instance shell asks the metadata service 3 or 4 times (token, role,
  // credentials); a learner's loop of commands or curls stays well under this.
  instanceMetadata: { burst: 60, ratePerSecond: 20 },
};

export interface ApiContext {
  store: WorkshopStore;
  /** the labs on offer */
  outline: OutlineLab[];
  stuckMinutes: number;
  /** every learner's lab runs on their own machine: no accounts here */
  reportOnly: boolean;
  workers?: WorkerPool;
  /** the class dashboard this server's learners report to, when several servers share one */
  hub?: HubLink;
  throttles: ThrottleSettings;
  /** a learner's view changed: tell the dashboards */
  changed(learner: Learner): void;
  /** numbers for the dashboard's footer (workers, connections) */
  serverStats(): unknown;
  /** the live events' latest change: a class view taken now reflects it (events.ts) */
  eventSeq(): number;
  /** the server's key: countersigns learners' completion records */
  countersigner: Countersigner;
}

export interface Api {
  handle(req: WireRequest): Promise<WireResponse>;
  /** the largest body a route takes */
  bodyLimit(method: string, path: string): number;
  isInstructor(req: Pick<WireRequest, 'headers' | 'rawQuery'>): boolean;
}

const route = (method: string, path: string) => `${method} ${path.replace(/\/+$/, '') || '/'}`;
const bearerOf = (req: Pick<WireRequest, 'headers'>) => /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];

export function createApi(ctx: ApiContext): Api {
  const { store } = ctx;
  const failures = new Throttle(ctx.throttles.failures.each, ctx.throttles.failures.everyone);
  const joins = new Throttle(ctx.throttles.joins.each, ctx.throttles.joins.everyone);
  const unbounded = { burst: Number.MAX_SAFE_INTEGER, ratePerSecond: Number.MAX_SAFE_INTEGER };
  const reports = new Throttle(ctx.throttles.reports, unbounded);
  const countersigns = new Throttle(ctx.throttles.countersigns, unbounded);
  const metadataRequests = new Throttle(ctx.throttles.instanceMetadata, unbounded);

  const isInstructor = (req: Pick<WireRequest, 'headers' | 'rawQuery'>) =>
    store.isInstructor(bearerOf(req) ?? new URLSearchParams(req.rawQuery).get('token') ?? undefined);
  const instructor = (req: WireRequest) => {
    if (!isInstructor(req)) throw new WorkshopError('This needs the instructor token printed when the workshop server started.', 401);
  };
  const learner = (req: WireRequest) => {
    const l = store.learnerByToken(bearerOf(req));
    if (!l) throw new WorkshopError('Unknown learner token: join the workshop again (iam-labs workshop join).', 401);
    return l;
  };

  async function join(req: WireRequest): Promise<WireResponse> {
    const client = req.remoteAddress;
    // Throttled clients learn nothing, not even whether their code was right.
    failures.check(client, 'join attempts with a wrong code from this address (or from everyone)');
    const body = parseJsonObject(req.body);
    if (!store.codeMatches(String(body.code ?? ''))) {
      failures.spend(client);
      throw new WorkshopError('That join code is not this workshop’s. Check the code your instructor shows.', 403);
    }
    const wanted: LearnerMode = ctx.reportOnly || body.mode === 'report-only' ? 'report-only' : 'shared';
    const returning = store.learnerByToken(typeof body.token === 'string' ? body.token : undefined);
    let record: LearnerRecord;
    let token: string;
    if (returning) {
      token = body.token as string;
      record = returning;
      // A learner who first joined report-only may now want an account here.
      if (wanted === 'shared' && !returning.accountId) record = await withAccount({ ...stripProgress(returning), mode: 'shared' });
      // A shared learner now running labs on their machine (or back): the dashboard says where
      // they work; their account here is kept either way.
      else if (returning.mode !== wanted) record = await store.saveLearner({ ...stripProgress(returning), mode: wanted });
      else store.learnerById(returning.id)!.progress.lastSeen = new Date().toISOString();
    } else {
      joins.check(client, 'new learners joining');
      const name = store.checkNewName(String(body.name ?? ''));
      token = crypto.randomBytes(24).toString('base64url');
      const base: LearnerRecord = { t: 'learner', id: crypto.randomUUID(), name, mode: wanted, tokenHash: sha256(token), joinedAt: new Date().toISOString() };
      const server = typeof body.server === 'string' ? body.server.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 60) : '';
      if (server) base.server = server;
      if (ctx.hub) base.report = await ctx.hub.register(name);
      record = wanted === 'shared' ? await withAccount(base) : await store.saveLearner(base);
      joins.spend(client);
    }
    const l = store.learnerById(record.id)!;
    ctx.changed(l);
    const host = String(req.headers.host ?? '127.0.0.1');
    return jsonResponse(200, {
      learnerId: l.id,
      name: l.name,
      token,
      mode: wanted === 'shared' && l.accountId ? 'shared' : 'report-only',
      labs: ctx.outline.map((o) => o.id),
      ...(l.accountId && wanted === 'shared'
        ? { accountId: l.accountId, accessKeyId: l.accountId, secretAccessKey: l.rootSecret, endpoint: `http://${host}`, region: 'us-east-1' }
        : {}),
      ...(l.report ? { report: l.report } : {}),
    });
  }

  /** Give a learner an account of their own here, durable and known to its worker before the answer. */
  async function withAccount(record: LearnerRecord): Promise<LearnerRecord> {
    if (!ctx.workers) throw new WorkshopError('This workshop server runs every lab on the learner’s own machine: join with --report-only.', 409, 'ReportOnly');
    const full = { ...record, accountId: store.newAccountId(), rootSecret: crypto.randomBytes(30).toString('base64url').slice(0, 40) };
    await ctx.workers.addAccount(full.accountId, full.rootSecret);
    return store.saveLearner(full);
  }

  async function progress(req: WireRequest): Promise<WireResponse> {
    const l = learner(req);
    reports.check(l.id, 'progress reports from this learner');
    reports.spend(l.id);
    const report = parseReport(parseJsonObject(req.body), ctx.outline, new Date().toISOString());
    if (await store.report(l, report)) ctx.changed(l);
    return { status: 204, headers: {}, body: '' };
  }

  function countersign(req: WireRequest): WireResponse {
    const l = learner(req);
    // A request a worker forwarded was read under its own, larger limit.
    if (req.body.length > COUNTERSIGN_BODY_BYTES) throw new WorkshopError(`Request body too large: this endpoint takes at most ${COUNTERSIGN_BODY_BYTES / 1024} KB.`, 413);
    countersigns.check(l.id, 'countersign requests from this learner');
    countersigns.spend(l.id);
    const body = parseJsonObject(req.body);
    if (!body.record || typeof body.record !== 'object') throw new WorkshopError('Expected {"record": <the completion record>}.', 400);
    return jsonResponse(200, { countersignature: ctx.countersigner.countersign(l, body.record) });
  }

  function instanceMetadata(req: WireRequest): Promise<WireResponse> {
    const l = learner(req);
    metadataRequests.check(l.id, 'instance metadata requests from this learner');
    metadataRequests.spend(l.id);
    return serveInstanceMetadataRoute(req, l, ctx.workers);
  }

  async function handle(req: WireRequest): Promise<WireResponse> {
    try {
      if (isInstanceMetadataRoute(req.rawPath)) return await instanceMetadata(req);
      switch (route(req.method, req.rawPath)) {
        case 'GET /_workshop':
          return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...PAGE_HEADERS }, body: dashboardHtml() };
        case 'POST /_workshop/api/join':
          return await join(req);
        case 'POST /_workshop/api/progress':
          return await progress(req);
        case 'POST /_workshop/api/countersign':
          return countersign(req);
        case 'GET /_workshop/api/public-key':
          return jsonResponse(200, ctx.countersigner.info);
        case 'GET /_workshop/api/me':
          return jsonResponse(200, publicLearner(learner(req), ctx.stuckMinutes));
        case 'GET /_workshop/api/class':
          instructor(req);
          return jsonResponse(200, { ...classSummary(store, ctx.outline, ctx.stuckMinutes), mode: ctx.reportOnly ? 'report-only' : 'shared', server: ctx.serverStats(), eventSeq: ctx.eventSeq() });
        case 'GET /_workshop/api/export.json':
          instructor(req);
          return jsonResponse(200, classSummary(store, ctx.outline, ctx.stuckMinutes), { 'content-disposition': 'attachment; filename="workshop-progress.json"' });
        case 'GET /_workshop/api/export.csv':
          instructor(req);
          return {
            status: 200,
            headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', 'content-disposition': 'attachment; filename="workshop-progress.csv"' },
            body: classCsv(store, ctx.outline, ctx.stuckMinutes),
          };
        default:
          if (!req.rawPath.startsWith('/_workshop')) {
            throw new WorkshopError('This workshop server runs no AWS accounts: every learner’s lab runs on their own machine (report-only).', 404, 'ReportOnly');
          }
          throw new WorkshopError(`No such workshop endpoint: ${route(req.method, req.rawPath).slice(0, 120)}`, 404);
      }
    } catch (e) {
      if (e instanceof WorkshopError) return errorResponse(e);
      process.emitWarning(`workshop server error: ${(e as Error).stack ?? String(e)}`);
      return jsonResponse(500, { error: 'Internal error in the workshop server; see its console.', code: 'InternalFailure' });
    }
  }

  return {
    handle,
    isInstructor,
    bodyLimit: (method, path) => (isInstanceMetadataRoute(path) ? INSTANCE_METADATA_BODY_BYTES : (BODY_LIMITS.get(route(method, path)) ?? 0)),
  };
}

function stripProgress(l: Learner): LearnerRecord {
  const { progress: _progress, ...record } = l;
  return record;
}

/** The dashboard page loads nothing from elsewhere and cannot be framed by another site. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
