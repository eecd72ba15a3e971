/**
 * Workshop capacity: N learners (default 200) each run a lab check every second against one
 * workshop server (a child process on loopback), for a bounded time. A check is what a grader
 * does: several signed IAM/STS reads with the learner's own credentials (through a lean SigV4
 * client, so the load generator does not starve the server of CPU), then a progress
 * report to the dashboard. Prints p50/p95/p99 check latency, errors, and the server's memory.
 *
 *   node --import tsx bench/workshop-load.ts [--learners 200] [--seconds 30]
 * Target (issue 7): 200 learners, p99 < 100 ms, no errors, on a 2-core machine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { joinWorkshop, reportProgress } from '../src/workshop/client.js';
import { LightQueryClient } from './lib/light-query-client.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const LEARNERS = Math.min(arg('learners', 200), 500);
const SECONDS = Math.min(arg('seconds', 30), 120);

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-ws-load-'));
const profile = process.env.IAM_LABS_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.IAM_LABS_BENCH_CPU_PROF}`] : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(import.meta.dirname, 'workshop-server-child.ts'), stateDir], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
const hardStop = setTimeout(() => {
  console.error('benchmark took too long; stopping');
  child.kill('SIGKILL');
  process.exit(1);
}, (SECONDS + 120) * 1000);

const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
const { endpoint, code } = JSON.parse(first) as { endpoint: string; code: string };

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

console.log(`workshop server at ${endpoint}; joining ${LEARNERS} learners…`);
const learners = await Promise.all(
  Array.from({ length: LEARNERS }, async (_, i) => {
    const j = await joinWorkshop(endpoint, `learner-${i}`, code);
    return { j, aws: new LightQueryClient(endpoint, { accessKeyId: j.accessKeyId!, secretAccessKey: j.secretAccessKey! }) };
  }),
);
// Each learner's account holds what a lab-01 learner would have made.
await Promise.all(
  learners.map(async ({ aws }) => {
    await aws.call('iam', 'CreateUser', { UserName: 'Samy' });
    await aws.call('iam', 'CreateGroup', { GroupName: 'contractors' });
    await aws.call('iam', 'AttachUserPolicy', { UserName: 'Samy', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  }),
);
const rssAfterSetup = rssMb(child.pid!);

const latencies: number[] = [];
let errors = 0;
const firstErrors: string[] = [];
async function check(l: (typeof learners)[number]): Promise<void> {
  const t0 = performance.now();
  try {
    const who = await l.aws.call('sts', 'GetCallerIdentity');
    if (who.status !== 200) throw new Error(`GetCallerIdentity: HTTP ${who.status}`);
    const reads = await Promise.all([
      l.aws.call('iam', 'GetUser', { UserName: 'Samy' }),
      l.aws.call('iam', 'ListAttachedUserPolicies', { UserName: 'Samy' }),
      l.aws.call('iam', 'ListUserPolicies', { UserName: 'Samy' }),
      l.aws.call('iam', 'ListGroupsForUser', { UserName: 'Samy' }),
      l.aws.call('iam', 'GetGroup', { GroupName: 'contractors' }),
    ]);
    // Until every IAM operation lands, an InvalidAction answer still exercises the full pipeline.
    const failed = reads.find((r) => r.status >= 500);
    if (failed) throw new Error(`HTTP ${failed.status}: ${failed.body.slice(0, 200)}`);
    const ok = await reportProgress(endpoint, l.j.token, {
      lab: '01-users',
      current: 'users/attach-managed-policy',
      steps: [
        { id: 'users/create-user', status: 'passing' },
        { id: 'users/attach-managed-policy', status: 'failing', failing: ['Samy can s3:GetObject'] },
      ],
    });
    if (!ok) throw new Error('progress report refused');
    latencies.push(performance.now() - t0);
  } catch (e) {
    errors++;
    if (firstErrors.length < 3) firstErrors.push((e as Error).message);
  }
}

console.log(`running: ${LEARNERS} learners × 1 check/s for ${SECONDS}s (a check = 6 AWS calls + 1 progress report)…`);
const end = Date.now() + SECONDS * 1000;
const serverCpu0 = cpuSeconds(child.pid!);
const selfCpu0 = process.cpuUsage();
let peakRss = rssAfterSetup;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(child.pid!))), 500);
await Promise.all(
  learners.map(async (l, i) => {
    // Spread the learners over the first second, as a class would be.
    await new Promise((r) => setTimeout(r, (i * 1000) / LEARNERS));
    while (Date.now() < end) {
      const started = Date.now();
      await check(l);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
    }
  }),
);
clearInterval(sampler);
const serverCpuPct = ((cpuSeconds(child.pid!) - serverCpu0) / SECONDS) * 100;
const selfCpu = process.cpuUsage(selfCpu0);
const loadGenCpuPct = ((selfCpu.user + selfCpu.system) / 1e6 / SECONDS) * 100;

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const result = {
  learners: LEARNERS,
  seconds: SECONDS,
  checks: latencies.length,
  checksPerSecond: +(latencies.length / SECONDS).toFixed(1),
  errors,
  p50Ms: +pct(50).toFixed(1),
  p95Ms: +pct(95).toFixed(1),
  p99Ms: +pct(99).toFixed(1),
  maxMs: +(sorted.at(-1) ?? NaN).toFixed(1),
  serverRssAfterSetupMb: +rssAfterSetup.toFixed(0),
  serverPeakRssMb: +peakRss.toFixed(0),
  cpus: os.cpus().length,
  // Where the CPU went: a saturated load generator, not the server, limits the figures then.
  serverCpuPercent: +serverCpuPct.toFixed(0),
  loadGeneratorCpuPercent: +loadGenCpuPct.toFixed(0),
};
console.log(JSON.stringify(result, null, 2));
if (firstErrors.length) console.log('first errors:', firstErrors);
console.log(
  `workshop load: ${LEARNERS} learners, ${result.checksPerSecond} checks/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${errors} errors, server RSS peak ${result.serverPeakRssMb} MB` +
    ` — target p99 < 100 ms, 0 errors: ${result.p99Ms < 100 && errors === 0 ? 'MET' : 'NOT MET'}`,
);
child.kill('SIGTERM');
clearTimeout(hardStop);
fs.rmSync(stateDir, { recursive: true, force: true });
process.exit(0);
