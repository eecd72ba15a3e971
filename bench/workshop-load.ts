/**
 * Workshop capacity (issue 18), as ratios to a floor measured in the same run.
 *
 * Scenarios (each against a fresh server, a child process on loopback):
 * - shared 1000 @ 1 check / 2 s: what the live checklist does for a class of 1,000
 * - shared 500 @ 1 check / s
 * - report-only 5000 @ 1 report / 2 s, with a dashboard following the live events
 * A shared-mode check is what a grader does: six signed IAM/STS reads with the learner's own
 * credentials (through a lean SigV4 client, so the load generator does not starve the server),
 * then a progress report. A report-only learner only reports.
 *
 * The floor: the same load generator against a server that answers every request at once with
 * an empty answer (workshop-floor-child.ts), same learners, same pace. The figures are the p99
 * of a check and its ratio to the floor's p99; the target is absolute (p99 < 100 ms, 0 errors),
 * the ratio says how much of it is the server's.
 *
 *   node --import tsx bench/workshop-load.ts                      # every scenario, ~3 minutes
 *   node --import tsx bench/workshop-load.ts --only shared-1000 --seconds 20
 *   node --import tsx bench/workshop-load.ts --only report-only-5000 --cpu-prof /tmp/prof
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { joinWorkshop, reportBody, type LabReport, type WorkshopJoin } from '../src/workshop/client.js';
import { LightQueryClient } from './lib/light-query-client.js';
import { cpuMs } from './lib/proc.js';
import type { LoopFigures } from './workshop-loop-probe.js';
import { percentile, round } from './lib/stats.js';

interface Scenario {
  name: string;
  mode: 'shared' | 'report-only';
  learners: number;
  /** milliseconds between a learner's checks */
  everyMs: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'shared-1000', mode: 'shared', learners: 1000, everyMs: 2000 },
  { name: 'shared-500', mode: 'shared', learners: 500, everyMs: 1000 },
  { name: 'report-only-5000', mode: 'report-only', learners: 5000, everyMs: 2000 },
];
const TARGET_P99_MS = 100;

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Math.min(Number(argOf('seconds') ?? 20), 120);
const ONLY = argOf('only');
/** --cpu-prof DIR: the workshop server child writes a CPU profile there (open it in Chrome's DevTools) */
const PROFILE_DIR = argOf('cpu-prof');

interface Served {
  child: ChildProcess;
  endpoint: string;
  code: string;
  token: string;
  pids: number[];
  /** the child's event-loop figures since the last call (workshop-loop-probe.ts) */
  loopWindow(): Promise<LoopFigures>;
}

async function serve(kind: 'workshop' | 'floor', mode: Scenario['mode'], stateDir: string): Promise<Served> {
  const script = path.join(import.meta.dirname, kind === 'workshop' ? 'workshop-server-child.ts' : 'workshop-floor-child.ts');
  const profile = PROFILE_DIR && kind === 'workshop' ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(PROFILE_DIR)] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, stateDir, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  const info = JSON.parse(first) as { endpoint: string; code: string; token: string; workerPids?: number[] };
  const loopWindow = () =>
    new Promise<LoopFigures>((resolve) => {
      lines.once('line', (line) => resolve((JSON.parse(line) as { loop: LoopFigures }).loop));
      child.kill('SIGUSR2');
    });
  return { child, endpoint: info.endpoint, code: info.code, token: info.token, pids: [child.pid!, ...(info.workerPids ?? [])], loopWindow };
}

const REPORT: LabReport = {
  lab: '01-users',
  current: 'users/attach-managed-policy',
  steps: [
    { id: 'users/create-user', status: 'done', passedAt: '2026-01-01T00:00:00.000Z' },
    { id: 'users/attach-managed-policy', status: 'failing', failing: ['Samy can s3:GetObject'] },
  ],
};

interface Learner {
  j: WorkshopJoin;
  aws?: LightQueryClient;
  /** the learner's own keep-alive connection for reports, as each learner's machine has one */
  agent: http.Agent;
}

const REPORT_BODY = JSON.stringify(reportBody(REPORT));

/**
 * POST the report over the learner's kept-alive connection. (fetch costs the load generator
 * about 1 ms of CPU a call, which at 5,000 learners made it, not the server, the bottleneck.)
 */
function postReport(endpoint: URL, l: Learner): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        method: 'POST',
        path: '/_workshop/api/progress',
        agent: l.agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${l.j.token}`, 'content-length': Buffer.byteLength(REPORT_BODY) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(REPORT_BODY);
  });
}

async function join(s: Served, sc: Scenario, floor: boolean): Promise<Learner[]> {
  const out: Learner[] = [];
  // In batches: a class joins over minutes, not in one instant.
  for (let i = 0; i < sc.learners; i += 250) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(250, sc.learners - i) }, async (_, k): Promise<Learner> => {
        const n = i + k;
        const j: WorkshopJoin = floor
          ? { learnerId: `l${n}`, name: `learner-${n}`, token: `t${n}`, mode: sc.mode, labs: [], accountId: String(100000000000 + n), accessKeyId: String(100000000000 + n), secretAccessKey: 'floor' }
          : await joinWorkshop(s.endpoint, { name: `learner-${n}`, code: s.code, mode: sc.mode });
        return { j, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), aws: sc.mode === 'shared' ? new LightQueryClient(s.endpoint, { accessKeyId: j.accessKeyId!, secretAccessKey: j.secretAccessKey! }) : undefined };
      }),
    );
    out.push(...batch);
  }
  if (sc.mode === 'shared') {
    // Each learner's account holds what a lab-01 learner would have made.
    for (let i = 0; i < out.length; i += 100) {
      await Promise.all(
        out.slice(i, i + 100).map(async ({ aws }) => {
          await aws!.call('iam', 'CreateUser', { UserName: 'Samy' });
          await aws!.call('iam', 'CreateGroup', { GroupName: 'contractors' });
          await aws!.call('iam', 'AttachUserPolicy', { UserName: 'Samy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
        }),
      );
    }
  }
  return out;
}

async function check(s: Served, l: Learner): Promise<void> {
  if (l.aws) {
    const who = await l.aws.call('sts', 'GetCallerIdentity');
    if (who.status !== 200) throw new Error(`GetCallerIdentity: HTTP ${who.status}`);
    const reads = await Promise.all([
      l.aws.call('iam', 'GetUser', { UserName: 'Samy' }),
      l.aws.call('iam', 'ListAttachedUserPolicies', { UserName: 'Samy' }),
      l.aws.call('iam', 'ListUserPolicies', { UserName: 'Samy' }),
      l.aws.call('iam', 'ListGroupsForUser', { UserName: 'Samy' }),
      l.aws.call('iam', 'GetGroup', { GroupName: 'contractors' }),
    ]);
    const failed = reads.find((r) => r.status !== 200);
    if (failed) throw new Error(`HTTP ${failed.status}: ${failed.body.slice(0, 200)}`);
  }
  const status = await postReport(new URL(s.endpoint), l);
  if (status !== 204) throw new Error(`progress report: HTTP ${status}`);
}

/** A dashboard following the live events: how many batches it got, and how late. */
function followDashboard(s: Served): { stop(): { batches: number; bytes: number } } {
  const controller = new AbortController();
  let batches = 0;
  let bytes = 0;
  void fetch(`${s.endpoint}/_workshop/api/events?token=${encodeURIComponent(s.token)}`, { signal: controller.signal })
    .then(async (res) => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        batches += (Buffer.from(chunk).toString('utf8').match(/^event: /gm) ?? []).length;
      }
    })
    .catch(() => undefined);
  return {
    stop: () => {
      controller.abort();
      return { batches, bytes };
    },
  };
}

interface Figures {
  checks: number;
  perSecond: number;
  errors: number;
  firstErrors: string[];
  p50: number;
  p99: number;
  max: number;
  serverCpuPercent: number;
  loadGenCpuPercent: number;
  /** how late the server's and the load generator's event loops ran (ms) */
  serverLoop: LoopFigures;
  loadGenLoop: { p99: number; max: number };
  dashboard?: { batches: number; bytes: number; classMs: number };
}

async function run(sc: Scenario, kind: 'workshop' | 'floor'): Promise<Figures> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-ws-load-'));
  const s = await serve(kind, sc.mode, stateDir);
  try {
    const learners = await join(s, sc, kind === 'floor');
    const latencies: number[] = [];
    const firstErrors: string[] = [];
    let errors = 0;
    // One untimed check each first: connections open, accounts loaded, the first report recorded.
    for (let i = 0; i < learners.length; i += 250) await Promise.all(learners.slice(i, i + 250).map((l) => check(s, l).catch(() => undefined)));
    const dash = sc.mode === 'report-only' ? followDashboard(s) : undefined;
    const end = Date.now() + SECONDS * 1000;
    const cpu0 = s.pids.reduce((a, p) => a + (cpuMs(p) ?? 0) / 1000, 0);
    await s.loopWindow(); // the server's event-loop figures start here
    const selfLoop = monitorEventLoopDelay({ resolution: 10 });
    selfLoop.enable();
    const self0 = process.cpuUsage();
    await Promise.all(
      learners.map(async (l, i) => {
        // Spread over one interval, as a class would be.
        await new Promise((r) => setTimeout(r, (i * sc.everyMs) / learners.length));
        while (Date.now() < end) {
          const t0 = performance.now();
          try {
            await check(s, l);
            latencies.push(performance.now() - t0);
          } catch (e) {
            errors++;
            if (firstErrors.length < 3) firstErrors.push((e as Error).message);
          }
          await new Promise((r) => setTimeout(r, Math.max(0, sc.everyMs - (performance.now() - t0))));
        }
      }),
    );
    const cpu = s.pids.reduce((a, p) => a + (cpuMs(p) ?? 0) / 1000, 0) - cpu0;
    const self = process.cpuUsage(self0);
    selfLoop.disable();
    const serverLoop = await s.loopWindow();
    let dashboard: Figures['dashboard'];
    if (dash) {
      const t0 = performance.now();
      const cls = await fetch(`${s.endpoint}/_workshop/api/class?token=${encodeURIComponent(s.token)}`);
      await cls.arrayBuffer();
      dashboard = { ...dash.stop(), classMs: round(performance.now() - t0, 1) };
    }
    return {
      checks: latencies.length,
      perSecond: round(latencies.length / SECONDS, 0),
      errors,
      firstErrors,
      p50: round(percentile(latencies, 50), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(Math.max(...latencies), 1),
      serverCpuPercent: round((cpu / SECONDS) * 100, 0),
      loadGenCpuPercent: round(((self.user + self.system) / 1e6 / SECONDS) * 100, 0),
      serverLoop,
      loadGenLoop: { p99: round(selfLoop.percentile(99) / 1e6, 1), max: round(selfLoop.max / 1e6, 1) },
      ...(dashboard ? { dashboard } : {}),
    };
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

const hardStop = setTimeout(() => {
  console.error('benchmark took too long; stopping');
  process.exit(1);
}, 15 * 60_000);
hardStop.unref();

console.log(`workshop load on ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${SECONDS} s per run`);
const results: Record<string, unknown> = {};
for (const sc of SCENARIOS.filter((x) => !ONLY || x.name === ONLY)) {
  const floor = await run(sc, 'floor');
  const server = await run(sc, 'workshop');
  const ratio = round(server.p99 / floor.p99, 1);
  const met = server.p99 < TARGET_P99_MS && server.errors === 0;
  results[sc.name] = { scenario: sc, floor, server, p99RatioToFloor: ratio };
  console.log(
    `${sc.name.padEnd(17)} ${server.perSecond} checks/s, p50 ${server.p50} ms, p99 ${server.p99} ms (${ratio}× the floor's ${floor.p99} ms), ` +
      `${server.errors} errors; server ${server.serverCpuPercent}% CPU, load generator ${server.loadGenCpuPercent}%` +
      (server.dashboard ? `; dashboard got ${server.dashboard.batches} live batches, class page in ${server.dashboard.classMs} ms` : '') +
      ` — target p99 < ${TARGET_P99_MS} ms, 0 errors: ${met ? '[meets target]' : '[MISSES target]'}`,
  );
  console.log(
    `  event-loop delay p99 / max: server ${server.serverLoop.p99} / ${server.serverLoop.max} ms (floor server ${floor.serverLoop.max} ms max), ` +
      `load generator ${server.loadGenLoop.p99} / ${server.loadGenLoop.max} ms; longest server stalls: ${server.serverLoop.stalls.slice(0, 5).map((x) => `${x.ms} ms at ${(x.at / 1000).toFixed(1)} s`).join(', ') || 'none'}`,
  );
  const gc = server.serverLoop.gc;
  console.log(
    `  server GC: ${gc.count} collections, ${gc.totalMs} ms in all; ${gc.major} major, ${gc.majorMs} ms; longest pause ${gc.longestMs} ms; heap ${gc.heapMB} MB`,
  );
  if (server.firstErrors.length) console.log('  first errors:', server.firstErrors);
}
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, 'results', 'workshop-latest.json'), `${JSON.stringify({ at: new Date().toISOString(), loadavg: os.loadavg(), results }, null, 2)}\n`);
process.exit(0);
