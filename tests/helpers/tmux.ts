/**
 * Terminal e2e tests in tmux: a private tmux server (its own socket, no user config), windows of a
 * fixed size whose shells start from an empty environment, keys typed as a learner would, and
 * the screen read back with capture-pane. Also: the built CLI on PATH as `iam-labs`, rebuilt when
 * src/ is newer than dist/ and never from a failed build (build.ts): these tests drive the real
 * binary, as a learner's terminal does.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import { processAlive as isProcessAlive } from '../../src/backends/net.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export const TMUX = onPath('tmux');
export const AWS = onPath('aws');

/** Why the tmux tests cannot run here (printed loudly, then the suite is skipped), or undefined. */
export function tmuxSkipReason(): string | undefined {
  const missing = [!TMUX && 'tmux', !AWS && 'the AWS CLI (aws)'].filter(Boolean);
  if (!missing.length) return undefined;
  const reason = `SKIPPING the tmux e2e tests: ${missing.join(' and ')} not found on PATH.`;
  process.stderr.write(`\n${'!'.repeat(reason.length)}\n${reason}\n${'!'.repeat(reason.length)}\n\n`);
  return reason;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Save a captured screen for people reading a test run: IAM_LABS_TEST_SCREENS=<dir>. */
export function keepScreen(name: string, screen: string): void {
  const dir = process.env.IAM_LABS_TEST_SCREENS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.txt`), `${screen}\n`);
}

// ── the built CLI: tests/helpers/build.ts ───────────────────────────────────

import { ensureFreshBuild } from './build.js';
export { ensureFreshBuild };

// ── a learner's machine: a fresh home, IAM_LABS_HOME, `iam-labs` on PATH ────

export interface LearnerHome {
  /** the temp directory: HOME of every shell, with bin/iam-labs */
  home: string;
  /** IAM_LABS_HOME */
  state: string;
  /** the environment every pane's shell starts with (nothing else from the test's environment) */
  env: Record<string, string>;
  remove(): void;
}

export function newLearnerHome(): LearnerHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-tmux-'));
  const bin = path.join(home, 'bin');
  fs.mkdirSync(bin);
  // what `npm i -g iam-labs` would put on PATH: the real bin script, run by this node
  fs.writeFileSync(path.join(bin, 'iam-labs'), `#!/bin/sh\nexec '${process.execPath}' '${path.join(ROOT, 'bin', 'iam-labs.js')}' "$@"\n`, { mode: 0o755 });
  const state = path.join(home, 'state');
  const env: Record<string, string> = {
    HOME: home,
    IAM_LABS_HOME: state,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
    TERM: 'screen',
    LANG: 'C.UTF-8',
    PS1: '$ ',
    HISTFILE: '/dev/null', // bash would write .bash_history into HOME as tmux hangs it up
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return {
    home,
    state,
    env,
    remove: () => {
      // a process that is still exiting may write into it meanwhile: retry, then leave it to the OS
      try {
        fs.rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch {
        /* left in the temp directory */
      }
    },
  };
}

/** The running backend (endpoint, pid of the process that serves it) and the current lab, if any. */
export function readSessionFile(state: string): { endpoint: string; pid?: number; lab?: string } | undefined {
  const f = path.join(state, 'backend.json');
  if (!fs.existsSync(f)) return undefined;
  const current = path.join(state, 'current-lab');
  const lab = fs.existsSync(current) ? fs.readFileSync(current, 'utf8').trim() : undefined;
  return { ...JSON.parse(fs.readFileSync(f, 'utf8')), lab };
}

/** Whether the process serving a lab is still running (a zombie counts as dead). */
export function processAlive(pid: number | undefined): boolean {
  return pid !== undefined && isProcessAlive(pid);
}

/** What a failed test left running: the lab's own process, by the pid it recorded (never by name). */
export async function stopLeftovers(learner: LearnerHome): Promise<void> {
  const pid = readSessionFile(learner.state)?.pid;
  if (!pid || !processAlive(pid)) return;
  process.kill(pid, 'SIGTERM'); // the detached backend's own process
  for (let i = 0; i < 50 && processAlive(pid); i++) await sleep(200);
  if (processAlive(pid)) process.kill(pid, 'SIGKILL');
}

// ── tmux ─────────────────────────────────────────────────────────────────────

export interface WaitOptions {
  /** default 90 s: these run on a loaded 2-core machine */
  timeoutMs?: number;
  /** include the scrollback (capture-pane -S -) */
  history?: boolean;
}

export interface CaptureOptions {
  /** keep colours and attributes as escape sequences (capture-pane -e) */
  colors?: boolean;
  /** include the scrollback, not only the visible screen */
  history?: boolean;
}

const POLL_MS = 200;
const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export class TmuxServer {
  readonly socket = `iam-labs-test-${crypto.randomBytes(4).toString('hex')}`;
  readonly session = 'lab';
  private started = false;
  private marks = 0;

  constructor(
    readonly width = 120,
    readonly height = 40,
  ) {}

  tmux(...args: string[]): string {
    // -f /dev/null: none of the user's tmux configuration
    return execFileSync(TMUX ?? 'tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 30_000 });
  }

  /**
   * A window (one pane) running bash from exactly `env` (env -i: nothing from the test's own
   * environment leaks in; tmux would otherwise impose the client's PATH). Returns its target.
   */
  window(name: string, env: Record<string, string>, cwd: string, size?: { width?: number; height?: number }): string {
    const cmd = ['env', '-i', ...Object.entries(env).map(([k, v]) => q(`${k}=${v}`)), 'bash', '--norc', '--noprofile'].join(' ');
    const w = String(size?.width ?? this.width);
    const h = String(size?.height ?? this.height);
    if (!this.started) {
      this.tmux('new-session', '-d', '-s', this.session, '-n', name, '-x', w, '-y', h, '-c', cwd, cmd);
      // No client is ever attached, so windows keep the size given here (resize-window changes it).
      // Not `set -g window-size manual`: with it, tmux 3.3a crashes on the next new-window.
      this.tmux('set-option', '-g', 'remain-on-exit', 'on'); // a pane whose shell died stays readable
      this.tmux('set-option', '-g', 'history-limit', '5000');
      this.started = true;
    } else {
      this.tmux('new-window', '-d', '-t', `${this.session}:`, '-n', name, '-c', cwd, cmd);
    }
    const target = `${this.session}:${name}`;
    this.tmux('resize-window', '-t', target, '-x', w, '-y', h);
    return target;
  }

  /** Type text literally (no key-name lookup), then Enter unless told otherwise. */
  type(target: string, text: string, opts: { enter?: boolean } = {}): void {
    this.tmux('send-keys', '-t', target, '-l', text);
    if (opts.enter !== false) this.tmux('send-keys', '-t', target, 'Enter');
  }

  /** Send key names (q, C-c, Enter…) as tmux understands them. */
  keys(target: string, ...keys: string[]): void {
    this.tmux('send-keys', '-t', target, ...keys);
  }

  capture(target: string, opts: CaptureOptions = {}): string {
    const args = ['capture-pane', '-p', '-J', '-t', target];
    if (opts.colors) args.push('-e');
    if (opts.history) args.push('-S', '-');
    return this.tmux(...args)
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** A tmux format for the pane (e.g. #{alternate_on}, #{pane_dead}, #{pane_dead_status}). */
  format(target: string, fmt: string): string {
    return this.tmux('display-message', '-p', '-t', target, fmt).trim();
  }

  /** Poll the screen every 200 ms until it matches; on timeout the error shows the last screen. */
  async waitFor(target: string, re: RegExp, what: string, opts: WaitOptions = {}): Promise<string> {
    const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
    let screen = '';
    for (;;) {
      screen = this.capture(target, { history: opts.history });
      if (re.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`tmux ${target}: never saw ${what} (${re}); the screen was:\n${screen}`);
      await sleep(POLL_MS);
    }
  }

  /**
   * waitFor, then until the screen stays the same for `quietMs`: after a resize tmux itself cuts
   * the old rows to the new width at once (an 80-column rule becomes a 57-column one), before the
   * program has drawn its new layout, so a match alone can be tmux's picture, not the program's.
   */
  async waitForSettled(target: string, re: RegExp, what: string, opts: WaitOptions & { quietMs?: number } = {}): Promise<string> {
    const quiet = opts.quietMs ?? 600;
    const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
    let screen = await this.waitFor(target, re, what, opts);
    for (;;) {
      await sleep(quiet);
      const now = this.capture(target, { history: opts.history });
      if (now === screen && re.test(now)) return now;
      if (Date.now() > deadline) throw new Error(`tmux ${target}: ${what} never settled; the screen was:\n${now}`);
      screen = now;
    }
  }

  /**
   * Run a shell command in a pane as typed by the learner and wait until it finishes. Returns its
   * exit code and what the pane shows from the command line on (scrollback included).
   */
  async run(target: string, command: string, opts: WaitOptions = {}): Promise<{ code: number; output: string }> {
    const mark = `__step${++this.marks}__`;
    this.tmux('clear-history', '-t', target);
    // the marker's $? is expanded only when it runs, so the typed line itself never matches
    const typed = `${command}; echo "${mark}rc=$?"`;
    this.type(target, typed);
    const done = new RegExp(`^${mark}rc=(\\d+)$`, 'm');
    const screen = await this.waitFor(target, done, `\`${command}\` to finish`, { ...opts, history: true });
    const m = done.exec(screen)!;
    const from = screen.lastIndexOf(typed, m.index);
    return { code: Number(m[1]), output: screen.slice(from >= 0 ? from + typed.length : 0, m.index).trim() };
  }

  kill(): void {
    if (!this.started) return;
    try {
      this.tmux('kill-server');
    } catch {
      /* already gone */
    }
    // tmux may leave its socket file behind
    const uid = process.getuid?.() ?? 0;
    fs.rmSync(path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${uid}`, this.socket), { force: true });
    this.started = false;
  }
}

/**
 * What every tmux test file sets up, registered in the calling describe: a fresh build once, and
 * after each test whatever the learner left running stopped, tmux killed and the home removed.
 * `open(columns, rows)` gives a test its new learner and tmux server.
 */
export function learnerInTmux(): { open(columns: number, rows: number): { tm: TmuxServer; learner: LearnerHome } } {
  let tm: TmuxServer | undefined;
  let learner: LearnerHome | undefined;
  beforeAll(() => ensureFreshBuild(), 600_000);
  afterEach(async () => {
    if (learner) await stopLeftovers(learner);
    tm?.kill();
    learner?.remove();
    tm = learner = undefined;
  });
  return {
    open(columns, rows) {
      learner = newLearnerHome();
      tm = new TmuxServer(columns, rows);
      return { tm, learner };
    },
  };
}
