/**
 * `npm run bench`: the project's benchmark (not a test; nothing here asserts a time). Prints, in
 * one run, each figure next to its target, and writes them to bench/results/latest.json:
 *   (a) IAM call mix via SDK v3, embedded emulator (HTTP) vs moto_server, alternating rounds
 *   (b) start-to-ready of `iam-labs emulator --port 0` (spawned)
 *   (c) RSS of that process after listing every AWS managed policy
 *   (d) authorization overhead per request (user with the course's policies, enforce on vs off; vs root)
 *   (e) S3 small-object throughput, emulator vs moto_server
 *   (f) `iam-labs --help`, `start --detach`, `check 01` (fresh) and `check NN` of every lab (solved)
 *   (g) the write path: CreateUser with an empty account and with 1,500 users; a burst of writers
 *   (h) the IAM mix against an instant-answer server (the floor any server costs the SDK client)
 *   (i) the live screen: from a change made through the SDK until `iam-labs start 01` shows its verdict
 * Every CLI figure is also read above a bare `node -e 0` timed in the same run. Loopback only; bounded counts. Options: --quick (fewer rounds), --no-build (use dist as is).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { motoAvailable, startMoto, type MotoServer } from '../tests/helpers/moto.js';
import { measureAuthz } from './lib/authz.js';
import { measureEmulatorCli, nodeBaselineMs, ROOT_DIR, startEmulatorCli } from './lib/cli-timing.js';
import { compareIamMix, compareWithFloor } from './lib/iam-mix.js';
import { liveScreenSkipReason, measureLiveScreen } from './lib/live-screen.js';
import { measureRunnerCli } from './lib/runner-cli.js';
import { measureWritePath } from './lib/write-path.js';
import { compareS3 } from './lib/s3-mix.js';

const quick = process.argv.includes('--quick');
const results: Record<string, unknown> = { startedAt: new Date().toISOString(), node: process.version, quick };
const notes: string[] = [];

function line(label: string, value: string, target?: string, ok?: boolean): void {
  const verdict = ok === undefined ? '' : ok ? '  [meets target]' : '  [MISSES target]';
  console.log(`  ${label.padEnd(44)} ${value}${target ? `   (target ${target})` : ''}${verdict}`);
}

async function section<T>(title: string, fn: () => Promise<T>): Promise<T | undefined> {
  console.log(`\n${title}`);
  try {
    return await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    console.log(`  FAILED: ${msg}`);
    notes.push(`${title}: failed: ${msg}`);
    return undefined;
  }
}

function build(): void {
  if (process.argv.includes('--no-build')) return;
  // The spawned CLI runs dist/: rebuild so it measures the current sources.
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT_DIR, encoding: 'utf8' });
  if (r.status !== 0) {
    const msg = 'npm run build reported errors; the CLI figures use whatever dist/ holds';
    console.log(`  note: ${msg}\n${(r.stdout ?? '').split('\n').slice(0, 5).join('\n')}`);
    notes.push(msg);
  }
}

async function main(): Promise<void> {
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`iam-labs benchmark${quick ? ' (quick)' : ''}: node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} CPUs, load average ${load()}`);
  results.loadAverageAtStart = os.loadavg();
  if (os.loadavg()[0] > os.cpus().length) notes.push(`machine busy (load average ${load()} on ${os.cpus().length} CPUs): figures are pessimistic`);
  build();
  // The floor under every CLI figure, measured in this run (and again at the end, to see drift).
  const floorMs = nodeBaselineMs(quick ? 5 : 9);
  results.nodeBaselineMs = floorMs;
  console.log(`\nfloor: bare \`node -e 0\` median ${floorMs} ms`);

  const moto = motoAvailable();
  let motoServer: MotoServer | undefined;
  if (!moto.available) {
    console.log(`\n!!! moto_server comparisons SKIPPED: ${moto.reason}`);
    notes.push(`moto comparisons skipped: ${moto.reason}`);
  } else {
    motoServer = await startMoto();
  }
  // The emulator runs as its own process (the CLI, as learners run it), like moto_server does,
  // so neither shares a thread with the benchmark's SDK clients.
  const emulator = await startEmulatorCli();
  try {
    if (motoServer) {
      const server = motoServer;
      const a = await section(`(a) IAM call mix via SDK v3, emulator (HTTP) vs moto_server ${moto.version ?? ''}, alternating rounds`, () =>
        compareIamMix(emulator.endpoint, server.endpoint, quick ? 3 : 5, quick ? 10 : 20, { emulator: emulator.pid, moto: server.pid }),
      );
      if (a) {
        results.iamMix = a;
        line('calls per round', String(a.callsPerRound));
        line('emulator calls/s per round', a.emulatorPerSecond.join(', '));
        line('moto calls/s per round', a.motoPerSecond.join(', '));
        // One SDK client calling in sequence spends ~1 ms of its own per call (signing, parsing),
        // so the wall-clock ratio is capped near moto's ms per call ÷ that: it measures the
        // client as much as the backends. The target is judged on what the servers do: calls
        // per CPU-second of the server process (read from /proc), the same calls for both.
        line('wall-clock throughput ratio emulator/moto', `${a.medianRatio}× (capped by the SDK client's own cost)`);
        line('SDK v3 client cost per call (replayed, no backend)', `${a.sdkClientMsPerCall} ms`);
        line('per call: emulator / moto (median rounds)', `${a.emulatorMsPerCall} ms / ${a.motoMsPerCall} ms`);
        line('backend-only ratio (SDK cost subtracted)', `${a.backendOnlyRatio}×`);
        if (a.serverCpuRatio !== undefined) {
          line('server CPU per call: emulator / moto', `${a.emulatorServerCpuMsPerCall} ms / ${a.motoServerCpuMsPerCall} ms`);
          line('server-side throughput ratio (calls per server CPU-second)', `${a.serverCpuRatio}×`, '≥ 5×', a.serverCpuRatio >= 5);
        } else {
          line('median throughput ratio emulator/moto', `${a.medianRatio}×`, '≥ 5×', a.medianRatio >= 5);
        }
      }
    }

    const h = await section('(h) the IAM mix via SDK v3: emulator vs an instant-answer server (no work at all), alternating rounds', () => compareWithFloor(emulator.endpoint, quick ? 3 : 5, quick ? 10 : 20));
    if (h) {
      results.floorServer = h;
      line('ms per call: emulator / instant-answer server', `${h.emulatorMsPerCall} ms / ${h.floorMsPerCall} ms`);
      line('emulator ÷ instant-answer server', `${h.ratio}×`, '≤ 1.10×', h.ratio <= 1.1);
    }

    const bc = await section('(b)(c) `iam-labs emulator --port 0`, spawned', () => measureEmulatorCli(quick ? 5 : 9));
    if (bc) {
      results.emulatorCli = bc;
      line('start-to-ready per run (ms)', bc.readyMs.join(', '));
      line('start-to-ready median', `${bc.readyMedianMs} ms`);
      line('start-to-ready above `node -e 0`', `${bc.readyMedianMs - floorMs} ms`, '≤ 60 ms above', bc.readyMedianMs - floorMs <= 60);
      line('start to first answered request, median', `${bc.firstAnswerMedianMs} ms (${bc.firstAnswerMedianMs - floorMs} ms above)`);
      line('RSS at ready', `${bc.rssAtReadyMb} MB`);
      line(`RSS after list-policies --scope AWS (${bc.awsPoliciesListed} policies, ${bc.pages} pages)`, `${bc.rssAfterManagedPoliciesMb} MB`, '< 120 MB', bc.rssAfterManagedPoliciesMb < 120);
    }

    const d = await section('(d) authorization overhead per request (in-process SDK handler; ListObjectsV2, GetObject, GetUser)', () => measureAuthz(quick ? 150 : 600));
    if (d) {
      results.authz = d;
      line('user, enforcement on: median per request', `${d.userEnforcedMedianMs} ms (p95 ${d.userEnforcedP95Ms} ms)`);
      line('user, enforcement off: median per request', `${d.userNotEnforcedMedianMs} ms`);
      line('root (never evaluated): median per request', `${d.rootMedianMs} ms`);
      line('authorization overhead (on − off), median', `${d.overheadMedianMs} ms`, '< 1 ms', d.overheadMedianMs < 1);
      line('user on − root, median', `${d.overheadVsRootMs} ms`);
      line('CPU per request: enforced / not enforced', `${d.cpuPerRequestEnforcedMs} ms / ${d.cpuPerRequestNotEnforcedMs} ms`);
      line('authorization overhead in CPU time', `${d.cpuOverheadMs} ms`, '< 1 ms', d.cpuOverheadMs < 1);
      line('first-seen request (memo miss): overhead, median', `${d.firstSeenOverheadMs} ms (${d.firstSeenEnforcedMedianMs} on / ${d.firstSeenNotEnforcedMedianMs} off)`);
      line('decisions recorded / denied (sanity)', `${d.decisionsEvaluated} / ${d.decisionsDenied}`);
    }

    if (motoServer) {
      const server = motoServer;
      const e = await section('(e) S3 small objects (1 KiB put/get/delete + list), emulator vs moto_server', () =>
        compareS3(emulator.endpoint, server.endpoint, quick ? 3 : 5, quick ? 20 : 50, { emulator: emulator.pid, moto: server.pid }),
      );
      if (e) {
        results.s3 = e;
        line('calls per round', String(e.callsPerRound));
        line('emulator calls/s per round', e.emulatorPerSecond.join(', '));
        line('moto calls/s per round', e.motoPerSecond.join(', '));
        line('median throughput ratio emulator/moto', `${e.medianRatio}×`);
        if (e.serverCpuRatio !== undefined) {
          line('server CPU per call: emulator / moto', `${e.emulatorServerCpuMsPerCall} ms / ${e.motoServerCpuMsPerCall} ms (${e.serverCpuRatio}× less)`);
        }
      }
    }
  } finally {
    await emulator.stop();
    await motoServer?.stop();
  }

  await section('(f) the runner CLI, spawned (median; read above the `node -e 0` floor)', async () => {
    const f = measureRunnerCli(floorMs, quick ? 3 : 7);
    results.runnerCli = f;
    for (const x of f.figures) {
      const target = x.targetAboveMs === undefined ? undefined : `≤ ${x.targetAboveMs} ms above`;
      line(x.label, `${x.medianMs} ms, ${x.aboveFloorMs} ms above (exit ${[...new Set(x.exitCodes)].join(',')})`, target, x.ok);
    }
    if (f.skipped) notes.push(`${f.skipped}: its lines are skipped`);
  });

  const g = await section('(g) the write path: CreateUser via SDK v3 on `iam-labs emulator --state FILE`, each write durable before its answer', () =>
    measureWritePath(quick ? 200 : 400, 1500),
  );
  if (g) {
    results.writePath = g;
    line('CreateUser p50 / p99, empty account', `${g.emptyP50Ms} / ${g.emptyP99Ms} ms`);
    line(`CreateUser p50 / p99, ${g.filledTo} users`, `${g.fullP50Ms} / ${g.fullP99Ms} ms`);
    if (g.cpuGrowth !== undefined) {
      line('growth of wall p50 (full ÷ empty)', `${g.growth}×`);
      line('server CPU per write: empty / full', `${g.emptyServerCpuMs} / ${g.fullServerCpuMs} ms`);
      line('growth of server CPU per write (full ÷ empty)', `${g.cpuGrowth}×`, '≤ 1.2×', g.cpuGrowth <= 1.2);
      line('compactions inside the windows: empty / full', `${g.emptyCompactions} / ${g.fullCompactions}`);
    } else {
      line('growth (p50 full ÷ p50 empty)', `${g.growth}×`, '≤ 1.2×', g.growth <= 1.2);
    }
    line('ms per write: one writer / 16 at once (group commit)', `${g.sequentialMsPerWrite} / ${g.burstMsPerWrite} ms`);
    line('state on disk after the run', `${Math.round(g.stateBytes / 1024)} KiB`);
  }

  const liveSkip = liveScreenSkipReason();
  if (liveSkip) notes.push(`(i) skipped: ${liveSkip}`);
  const i = liveSkip
    ? undefined
    : await section('(i) the live screen: `iam-labs start 01` in a terminal, a change through SDK v3 (create / delete user Samy) until step 1 shows its new verdict', () =>
        measureLiveScreen(quick ? 8 : 16),
      );
  if (i) {
    results.liveScreen = i;
    line(`change → verdict on screen, median / p95 (${i.samples})`, `${i.medianMs} / ${i.p95Ms} ms (max ${i.maxMs})`, `p95 ≤ ${i.targetMs} ms`, i.ok);
    line('of which: feed / quiet time / grading / drawing', `${i.parts.feedMs} / ${i.parts.quietMs} / ${i.parts.gradingMs} / ${i.parts.drawMs} ms (medians)`);
  }

  results.nodeBaselineAtEndMs = nodeBaselineMs(quick ? 5 : 9);
  results.loadAverageAtEnd = os.loadavg();
  results.notes = notes;
  results.finishedAt = new Date().toISOString();
  const out = path.join(ROOT_DIR, 'bench', 'results', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nResults written to ${path.relative(process.cwd(), out)}${notes.length ? `\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : ''}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
