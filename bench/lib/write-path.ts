/**
 * (g) The write path: CreateUser latency through SDK v3 against `iam-labs emulator --state FILE`
 * (its own process, over HTTP, every write durable before it is answered) while the account is
 * empty and again once it holds `fill` users. The write path's cost must not grow with the
 * account, so the figure to read is the ratio of the two medians (1.0: no growth). A burst of
 * concurrent writers is timed too: with group commit, writes that arrive together share one
 * fsync, so a burst costs far less per write than writes one at a time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateUserCommand, DeleteUserCommand } from '@aws-sdk/client-iam';
import { startEmulatorCli } from './cli-timing.js';
import { iamClient } from './iam-mix.js';
import { LightQueryClient } from './light-query-client.js';
import { cpuMs } from './proc.js';
import { msSince, percentile, round } from './stats.js';

export interface WritePathResult {
  samples: number;
  filledTo: number;
  emptyP50Ms: number;
  emptyP99Ms: number;
  fullP50Ms: number;
  fullP99Ms: number;
  /** full p50 ÷ empty p50: 1.0 when the cost does not grow with the account */
  growth: number;
  /** the server process's CPU per write (from /proc), empty and full: the machine's load moves it far less than wall time */
  emptyServerCpuMs?: number;
  fullServerCpuMs?: number;
  /** full ÷ empty server CPU per write */
  cpuGrowth?: number;
  /**
   * Compactions (new snapshot generations) inside each timed window: a compaction rewrites the
   * whole snapshot, once per snapshot's worth of journal, so a window that holds one reads higher.
   */
  emptyCompactions: number;
  fullCompactions: number;
  burstWriters: number;
  /** wall time per write, `burstWriters` writers at once (group commit) */
  burstMsPerWrite: number;
  /** wall time per write, one writer */
  sequentialMsPerWrite: number;
  stateBytes: number;
}

/** The snapshot generation the journal files next to `stateFile` have reached. */
function generation(stateFile: string): number {
  const prefix = `${path.basename(stateFile)}.journal.`;
  const gens = fs
    .readdirSync(path.dirname(stateFile))
    .filter((n) => n.startsWith(prefix))
    .map((n) => Number(n.slice(prefix.length)))
    .filter(Number.isInteger);
  return gens.length ? Math.max(...gens) : 0;
}

/**
 * Warm the server up (its code compiled, the first compactions done) and leave the account as
 * empty as it found it: each warm-up user is deleted again.
 */
async function warmUp(endpoint: string, n: number): Promise<void> {
  const client = iamClient(endpoint);
  try {
    for (let i = 0; i < n; i++) {
      await client.send(new CreateUserCommand({ UserName: `warm-${i}` }));
      await client.send(new DeleteUserCommand({ UserName: `warm-${i}` }));
    }
  } finally {
    client.destroy();
  }
}

async function timeCreates(endpoint: string, prefix: string, n: number): Promise<number[]> {
  const client = iamClient(endpoint);
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      await client.send(new CreateUserCommand({ UserName: `${prefix}-${i}` }));
      times.push(msSince(t0));
    }
  } finally {
    client.destroy();
  }
  return times;
}

/** Fill the account quickly (lean client, several at once: the fill is not what is measured). */
async function fill(endpoint: string, from: number, to: number): Promise<void> {
  const width = 8;
  const clients = Array.from({ length: width }, () => new LightQueryClient(endpoint, { accessKeyId: 'test', secretAccessKey: 'test' }));
  let next = from;
  await Promise.all(
    clients.map(async (c) => {
      while (next < to) {
        const i = next++;
        const r = await c.call('iam', 'CreateUser', { UserName: `fill-${i}`, Path: '/fill/' });
        if (r.status !== 200) throw new Error(`fill: CreateUser answered ${r.status}: ${r.body.slice(0, 200)}`);
      }
    }),
  );
}

async function burst(endpoint: string, writers: number, each: number): Promise<number> {
  const clients = Array.from({ length: writers }, () => new LightQueryClient(endpoint, { accessKeyId: 'test', secretAccessKey: 'test' }));
  const t0 = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (c, w) => {
      for (let i = 0; i < each; i++) {
        const r = await c.call('iam', 'CreateUser', { UserName: `burst${writers}-${w}-${i}` });
        if (r.status !== 200) throw new Error(`burst: CreateUser answered ${r.status}`);
      }
    }),
  );
  return msSince(t0) / (writers * each);
}

export async function measureWritePath(samples = 200, filledTo = 1500): Promise<WritePathResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-bench-writes-'));
  const stateFile = path.join(dir, 'state.json');
  const cli = await startEmulatorCli(['--state', stateFile]);
  try {
    await warmUp(cli.endpoint, 100);
    const g0 = generation(stateFile);
    const c0 = cpuMs(cli.pid);
    const empty = await timeCreates(cli.endpoint, 'empty', samples);
    const c1 = cpuMs(cli.pid);
    const g1 = generation(stateFile);
    await fill(cli.endpoint, 0, filledTo - samples);
    const g2 = generation(stateFile);
    const c2 = cpuMs(cli.pid);
    const full = await timeCreates(cli.endpoint, 'full', samples);
    const c3 = cpuMs(cli.pid);
    const g3 = generation(stateFile);
    const cpu =
      c0 !== undefined && c1 !== undefined && c2 !== undefined && c3 !== undefined
        ? { emptyServerCpuMs: round((c1 - c0) / samples, 3), fullServerCpuMs: round((c3 - c2) / samples, 3), cpuGrowth: round((c3 - c2) / Math.max(c1 - c0, 0.001)) }
        : {};
    const sequentialMsPerWrite = await burst(cli.endpoint, 1, 64);
    const burstMsPerWrite = await burst(cli.endpoint, 16, 8);
    const stateBytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    const p = (xs: number[], q: number) => round(percentile(xs, q), 2);
    return {
      samples,
      filledTo,
      emptyP50Ms: p(empty, 50),
      emptyP99Ms: p(empty, 99),
      fullP50Ms: p(full, 50),
      fullP99Ms: p(full, 99),
      growth: round(percentile(full, 50) / percentile(empty, 50)),
      ...cpu,
      emptyCompactions: g1 - g0,
      fullCompactions: g3 - g2,
      burstWriters: 16,
      burstMsPerWrite: round(burstMsPerWrite, 3),
      sequentialMsPerWrite: round(sequentialMsPerWrite, 3),
      stateBytes,
    };
  } finally {
    await cli.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
