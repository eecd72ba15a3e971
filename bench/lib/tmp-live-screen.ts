/**
 * (i) The live screen's latency, as a learner meets it: a detached embedded lab 01 (`start 01
 * --detach` in a temporary IAM_LABS_HOME), the live screen (`iam-labs start 01`) in a
 * pseudo-terminal (`script`), and the learner's change made through SDK v3 with the lab's own
 * credentials: create the user Samy (step 1 turns "✔ done"), delete her (it turns "done, changed
 * since"), again and again. Each figure is the time from sending the change until the screen's
 * output shows the new verdict on step 1's checklist line (the issue: "the live screen shows a
 * verdict ≤ 300 ms after the account changed"). The runner's trace (IAM_LABS_LIVE_TRACE) splits
 * it into the change feed's delivery, the quiet time before grading, the grading and the drawing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { CreateUserCommand, DeleteUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { ROOT_DIR, tempHome } from './cli-timing.js';
import { median, percentile, round } from './stats.js';

const BIN = path.join(ROOT_DIR, 'bin', 'iam-labs.js');
const TARGET_MS = 300;
const SCREEN = { cols: 120, rows: 40 };

export interface LiveScreenFigures {
  samples: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  targetMs: number;
  ok: boolean;
  /** medians of the parts, from the runner's trace (ms) */
  parts: { feedMs: number; quietMs: number; gradingMs: number; drawMs: number };
}

/** Why (i) cannot run here, or undefined: it needs util-linux's `script` for the pseudo-terminal. */
export function liveScreenSkipReason(): string | undefined {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0 ? undefined : '`script` (util-linux) is not installed: no pseudo-terminal for the live screen';
}

/** Terminal output as text: escape sequences (colours, cursor moves, modes) removed. */
const stripEscapes = stripVTControlCharacters;

/** The verdicts step 1's checklist line shows (screen/model.ts). */
const DONE = /1\. ✔ done\b/;
const CHANGED = /1\. ✔~ done, changed since/;

function labCredentials(home: string): { endpoint: string; accessKeyId: string; secretAccessKey: string } {
  const env = spawnSync(process.execPath, [BIN, 'env', '01'], { env: childEnv(home), encoding: 'utf8', timeout: 60_000 }).stdout ?? '';
  const endpoint = /^export AWS_ENDPOINT_URL='([^']+)'/m.exec(env)?.[1];
  const file = /^export AWS_SHARED_CREDENTIALS_FILE='([^']+)'/m.exec(env)?.[1];
  if (!endpoint || !file) throw new Error(`iam-labs env 01 did not say the lab's endpoint and credentials:\n${env.slice(0, 400)}`);
  const ini = fs.readFileSync(file, 'utf8');
  const accessKeyId = /^aws_access_key_id\s*=\s*(\S+)/m.exec(ini)?.[1];
  const secretAccessKey = /^aws_secret_access_key\s*=\s*(\S+)/m.exec(ini)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`no default credentials in ${file}`);
  return { endpoint, accessKeyId, secretAccessKey };
}

function childEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, IAM_LABS_HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TERM: 'xterm-256color', LANG: 'C.UTF-8', ...extra };
}

/** The live screen in a pseudo-terminal of a fixed size, its output kept with the time it came. */
class ScreenInPty {
  private readonly child: ChildProcess;
  private out = '';
  private waiters: Array<() => void> = [];
  exited = false;

  constructor(home: string, traceFile: string) {
    const cmd = `stty cols ${SCREEN.cols} rows ${SCREEN.rows}; exec '${process.execPath}' '${BIN}' start 01`;
    this.child = spawn('script', ['-qfc', cmd, '/dev/null'], { env: childEnv(home, { IAM_LABS_LIVE_TRACE: traceFile }), stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (s: string) => {
      this.out += s;
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.once('exit', () => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  get length(): number {
    return this.out.length;
  }

  /** Wait until the output from `from` on shows `re`; the time it arrived. */
  async waitFor(re: RegExp, from: number, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (re.test(stripEscapes(this.out.slice(from)))) return performance.now();
      if (this.exited) throw new Error(`the live screen exited; it showed:\n${stripEscapes(this.out).slice(-600)}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the live screen never showed ${re}; it showed:\n${stripEscapes(this.out.slice(from)).slice(-600)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async quit(): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.write('q');
    const gone = new Promise((r) => this.child.once('exit', r));
    const late = setTimeout(() => this.child.kill('SIGTERM'), 10_000);
    await gone;
    clearTimeout(late);
  }
}

/** The runner's trace lines (ISO time, then what), from line `from` on. */
function traceLines(file: string): Array<{ at: number; what: string }> {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ at: Date.parse(l.slice(0, l.indexOf(' '))), what: l.slice(l.indexOf(' ') + 1) }));
}

export async function measureLiveScreen(samples: number): Promise<LiveScreenFigures> {
  const home = tempHome();
  const traceFile = path.join(home, 'live-trace.log');
  let screen: ScreenInPty | undefined;
  try {
    const started = spawnSync(process.execPath, [BIN, 'start', '01', '--detach', '--plain'], { env: childEnv(home), encoding: 'utf8', timeout: 120_000 });
    if (started.status !== 0) throw new Error(`start 01 --detach exited ${started.status}: ${(started.stdout ?? '') + (started.stderr ?? '')}`);
    const creds = labCredentials(home);
    const iam = new IAMClient({ endpoint: creds.endpoint, region: 'us-east-1', credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey } });
    screen = new ScreenInPty(home, traceFile);
    await screen.waitFor(/1\. (○ to do|✘ not yet)/, 0, 60_000);
    // the screen follows the account once its first grading is shown; give it a moment
    await new Promise((r) => setTimeout(r, 1000));

    const totals: number[] = [];
    const parts: Array<LiveScreenFigures['parts']> = [];
    for (let i = 0; i < samples; i++) {
      const create = i % 2 === 0;
      const traceFrom = traceLines(traceFile).length;
      const from = screen.length;
      const wallStart = Date.now();
      const t0 = performance.now();
      await iam.send(create ? new CreateUserCommand({ UserName: 'Samy' }) : new DeleteUserCommand({ UserName: 'Samy' }));
      const shown = await screen.waitFor(create ? DONE : CHANGED, from, 30_000);
      totals.push(shown - t0); console.error("sample", i, Math.round(shown - t0));
      // the trace of this change: its first change event, the grading that served it
      const lines = traceLines(traceFile).slice(traceFrom);
      const change = lines.find((l) => l.what === 'change');
      const start = lines.find((l) => l.what.startsWith('grading start'));
      const end = lines.find((l) => l.what === 'grading end');
      if (change && start && end) {
        const shownWall = wallStart + (shown - t0);
        parts.push({ feedMs: change.at - wallStart, quietMs: start.at - change.at, gradingMs: end.at - start.at, drawMs: shownWall - end.at });
      }
      // let the screen settle (the celebration, the next step) before the next change
      await new Promise((r) => setTimeout(r, 700));
    }
    const med = (k: keyof LiveScreenFigures['parts']) => round(median(parts.map((p) => p[k])), 0);
    const medianMs = round(median(totals), 0);
    const p95Ms = round(percentile(totals, 95), 0);
    return {
      samples: totals.length,
      medianMs,
      p95Ms,
      maxMs: round(Math.max(...totals), 0),
      targetMs: TARGET_MS,
      ok: p95Ms <= TARGET_MS,
      parts: { feedMs: med('feedMs'), quietMs: med('quietMs'), gradingMs: med('gradingMs'), drawMs: med('drawMs') },
    };
  } finally {
    await screen?.quit();
    spawnSync(process.execPath, [BIN, 'stop'], { env: childEnv(home), timeout: 60_000 });
    fs.rmSync(home, { recursive: true, force: true });
  }
}
