/**
 * `iam-labs workshop serve`: one process, one port. Everything under /_workshop/ is the
 * workshop (join, progress, dashboard, exports, live events); everything else is the emulator,
 * where each learner has their own account whose root signs with its own secret.
 * (Bucket names cannot contain "_", so /_workshop/ never shadows an S3 path-style request.)
 */
import http from 'node:http';
import { createEmulator } from '../emulator/index.js';
import { createRequestListener, listen, withClientErrorGuard, type RunningServer } from '../emulator/http-server.js';
import type { Emulator } from '../emulator/types.js';
import { dashboardHtml } from './dashboard.js';
import { classCsv, classSummary } from './reports.js';
import { loadOutline, type OutlineLab } from './outline.js';
import { WorkshopError, WorkshopStore, type Learner } from './store.js';

export interface WorkshopOptions {
  host?: string;
  port?: number;
  stateDir: string;
  labs?: string[];
  /** a learner failing the same step for longer than this is shown as stuck */
  stuckMinutes?: number;
}

export interface RunningWorkshop extends RunningServer {
  store: WorkshopStore;
  emulator: Emulator;
  outline: OutlineLab[];
  dashboardUrl: string;
}

const MAX_API_BODY = 256 * 1024;

export async function startWorkshop(opts: WorkshopOptions): Promise<RunningWorkshop> {
  const outline = loadOutline(opts.labs);
  const store = new WorkshopStore(opts.stateDir, outline.map((l) => l.id));
  const emulator = createEmulator({
    stateDir: `${opts.stateDir}/accounts`,
    rootSecret: (accountId) => store.rootSecret(accountId),
  });
  const awsListener = createRequestListener(emulator);
  const streams = new Set<http.ServerResponse>();
  const stuckMinutes = opts.stuckMinutes ?? 10;

  const broadcast = (learner: Learner) => {
    const payload = `event: learner\ndata: ${JSON.stringify(store.publicLearner(learner))}\n\n`;
    for (const s of streams) s.write(payload);
  };

  const api = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '') || '/'}`;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const instructor = () => {
      if (!store.isInstructor(bearer ?? url.searchParams.get('token') ?? undefined)) {
        throw new WorkshopError('This needs the instructor token printed when the workshop server started.', 401);
      }
    };
    switch (route) {
      case 'GET /_workshop':
        return send(res, 200, dashboardHtml(), 'text/html; charset=utf-8');
      case 'POST /_workshop/api/join': {
        const body = await readJson(req);
        const { learner, token } = store.join({ code: String(body.code ?? ''), name: String(body.name ?? ''), token: body.token ? String(body.token) : undefined });
        broadcast(learner);
        const host = req.headers.host ?? `${opts.host ?? '127.0.0.1'}`;
        return sendJson(res, 200, {
          learnerId: learner.id,
          name: learner.name,
          token,
          accountId: learner.accountId,
          accessKeyId: learner.accountId,
          secretAccessKey: learner.rootSecret,
          endpoint: `http://${host}`,
          region: 'us-east-1',
          labs: store.data.labs,
        });
      }
      case 'POST /_workshop/api/progress': {
        const learner = store.learnerByToken(bearer);
        if (!learner) throw new WorkshopError('Unknown learner token: join the workshop again (iam-labs workshop join).', 401);
        const body = await readJson(req);
        if (typeof body.lab !== 'string' || !Array.isArray(body.steps)) throw new WorkshopError('Expected {lab, steps: [{id, status, failing}]}.', 400);
        broadcast(store.report(learner, body.lab, body.steps as never));
        res.writeHead(204).end();
        return;
      }
      case 'GET /_workshop/api/me': {
        const learner = store.learnerByToken(bearer);
        if (!learner) throw new WorkshopError('Unknown learner token.', 401);
        return sendJson(res, 200, store.publicLearner(learner));
      }
      case 'GET /_workshop/api/class':
        instructor();
        return sendJson(res, 200, classSummary(store, outline, stuckMinutes));
      case 'GET /_workshop/api/export.json':
        instructor();
        res.setHeader('content-disposition', 'attachment; filename="workshop-progress.json"');
        return sendJson(res, 200, classSummary(store, outline, stuckMinutes));
      case 'GET /_workshop/api/export.csv':
        instructor();
        res.setHeader('content-disposition', 'attachment; filename="workshop-progress.csv"');
        return send(res, 200, classCsv(store, outline), 'text/csv; charset=utf-8');
      case 'GET /_workshop/api/events': {
        instructor();
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(`event: hello\ndata: {}\n\n`);
        streams.add(res);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          streams.delete(res);
        });
        return;
      }
      default:
        throw new WorkshopError(`No such workshop endpoint: ${route}`, 404);
    }
  };

  const server = withClientErrorGuard(
    http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://workshop.local');
      if (!url.pathname.startsWith('/_workshop')) return awsListener(req, res);
      api(req, res, url).catch((e: unknown) => {
        if (res.headersSent) return res.end();
        if (e instanceof WorkshopError) return sendJson(res, e.status, { error: e.message });
        process.emitWarning(`workshop server error: ${(e as Error).stack ?? String(e)}`);
        sendJson(res, 500, { error: 'Internal error in the workshop server; see its console.' });
      });
    }),
  );
  server.keepAliveTimeout = 65_000;
  const running = await listen(server, opts.host ?? '127.0.0.1', opts.port ?? 4567);
  const close = running.close;
  return {
    ...running,
    store,
    emulator,
    outline,
    dashboardUrl: `${running.endpoint}/_workshop/?token=${encodeURIComponent(store.data.instructorToken)}`,
    close: async () => {
      for (const s of streams) s.end();
      await close();
      await emulator.state.close();
      store.flush();
    },
  };
}

function send(res: http.ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_API_BODY) {
        reject(new WorkshopError('Request body too large.', 413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new WorkshopError('Expected a JSON object body.', 400));
      }
    });
    req.on('error', reject);
  });
}
