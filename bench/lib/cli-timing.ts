/**
 * (b)(c)(f) The real CLI, spawned: start-to-ready of `iam-labs emulator --port 0`, its RSS after
 * loading the AWS managed policies, `--help` time, and (when the runner has them) `check <lab>`
 * and `start --detach`.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IAMClient, ListPoliciesCommand } from '@aws-sdk/client-iam';
import { median, msSince, round } from './stats.js';

export const ROOT_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BIN = path.join(ROOT_DIR, 'bin', 'iam-labs.js');

const childEnv = (extra: Record<string, string> = {}) => ({ ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1', ...extra });

export interface StartedCli {
  pid: number;
  endpoint: string;
  readyMs: number;
  stop(): Promise<void>;
}

/** Spawn `iam-labs emulator --port 0` and resolve when it prints its ready line. */
export function startEmulatorCli(extraArgs: string[] = []): Promise<StartedCli> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--quiet', ...extraArgs], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line within 30 s:\n${out}\n${err}`));
    }, 30_000);
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const endpoint = /endpoint\s+(http:\/\/\S+)/.exec(out)?.[1];
      if (/ready/.test(out) && endpoint) {
        clearTimeout(timer);
        const readyMs = msSince(t0);
        resolve({
          pid: child.pid!,
          endpoint,
          readyMs,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`iam-labs emulator exited with ${code} before ready:\n${out}\n${err}`));
    });
  });
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return round(kb / 1024, 1);
}

/** Start-to-ready (median of `runs`) and RSS after a full `list-policies --scope AWS`. */
export async function measureEmulatorCli(runs = 5) {
  const ready: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cli = await startEmulatorCli();
    ready.push(cli.readyMs);
    // the services load behind the ready line: the first answer is when they have
    const t0 = process.hrtime.bigint();
    await fetch(`${cli.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15`).then((r) => r.arrayBuffer());
    answered.push(cli.readyMs + msSince(t0));
    await cli.stop();
  }
  const cli = await startEmulatorCli();
  try {
    const rssAtReady = rssMb(cli.pid);
    const iam = new IAMClient({ endpoint: cli.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    let marker: string | undefined;
    let policies = 0;
    let pages = 0;
    do {
      const page = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', Marker: marker }));
      policies += page.Policies?.length ?? 0;
      pages++;
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    iam.destroy();
    return { runs, readyMs: ready.map((x) => round(x, 0)), readyMedianMs: round(median(ready), 0), firstAnswerMedianMs: round(median(answered), 0), rssAtReadyMb: rssAtReady, rssAfterManagedPoliciesMb: rssMb(cli.pid), awsPoliciesListed: policies, pages };
  } finally {
    await cli.stop();
  }
}

/** Median wall time of `iam-labs <args>` (spawned), with its exit codes. */
export function timeCli(args: string[], runs = 5, env: Record<string, string> = {}) {
  const times: number[] = [];
  const codes: number[] = [];
  let lastOut = '';
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, ...args], { env: childEnv(env), encoding: 'utf8', timeout: 60_000 });
    times.push(msSince(t0));
    codes.push(r.status ?? -1);
    lastOut = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  }
  return { args: args.join(' '), runs, ms: times.map((x) => round(x, 0)), medianMs: round(median(times), 0), exitCodes: codes, lastOutput: lastOut.slice(0, 400) };
}

/** Median start-and-exit time of a bare `node -e 0`: the floor under every CLI figure on this machine now. */
export function nodeBaselineMs(runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    times.push(msSince(t0));
  }
  return round(median(times), 0);
}

/** Which runner commands the built CLI has (from its --help). */
export function cliCommands(): Set<string> {
  const r = spawnSync(process.execPath, [BIN, '--help'], { env: childEnv(), encoding: 'utf8', timeout: 60_000 });
  const names = new Set<string>();
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = /^\s{2}([a-z][\w-]*)/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-bench-'));
}
