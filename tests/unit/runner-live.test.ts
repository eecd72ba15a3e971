/**
 * The live screen (src/runner/live.ts) through its contract, runLiveScreen: gradings the test
 * finishes by hand (so the races a learner hits by chance happen every time), change events,
 * keys typed into its input, and what it draws read back from a small terminal buffer (full
 * screen) or as text (--plain).
 */
import { PassThrough } from 'node:stream';
import pc from 'picocolors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Course, Lab } from '../../src/core/course.js';
import type { CommandIO } from '../../src/runner/io.js';
import { runLiveScreen, SETTLE_MS, type LabView, type StepStatus } from '../../src/runner/live.js';
import { visibleWidth } from '../../src/runner/screen/wrap.js';
import { ScreenBuffer } from '../helpers/screen-buffer.js';

const WORDS = 'the trust policy says who may assume the role while permission policies say what it may do once assumed'.split(' ');
/** A step body long enough to scroll on any screen, ending with a line the test looks for. */
const body = (n: number) =>
  [`Task of step ${n}: do **\`thing-${n}\`**.`, ...Array.from({ length: 12 }, (_, k) => WORDS.slice(k % 5).concat(WORDS.slice(0, k % 5)).join(' ') + '.'), '', `THE END OF STEP ${n}.`].join('\n\n');

const COUNT = 11;
const LAB = {
  id: '99-toy',
  number: '99',
  topic: 'toy',
  title: 'Toy',
  summary: '',
  profiles: [],
  intro: '# Toy\n\nThe introduction of the toy lab. INTRO LAST LINE.',
  dir: '/nowhere',
  steps: Array.from({ length: COUNT }, (_, i) => ({
    id: `toy/s${i + 1}`,
    title: `Step title ${i + 1}`,
    hints: ['h1', 'h2'],
    body: body(i + 1),
    solution: `Run \`solve-${i + 1}\`.`,
    file: '',
  })),
} as unknown as Lab;
const COURSE = { labs: [LAB], finale: 'All done.' } as unknown as Course;

function view(statuses: Partial<Record<number, StepStatus>>, tag = ''): LabView {
  const steps = LAB.steps.map((s, i) => {
    const status = statuses[i + 1] ?? 'todo';
    const failing = status === 'failing' || status === 'done-changed';
    return {
      id: s.id,
      title: s.title,
      status,
      passedAt: status.startsWith('done') ? '2025-01-02T03:04:05.000Z' : undefined,
      conditions:
        status === 'todo'
          ? []
          : [{ name: `condition of ${i + 1}${tag}`, status: failing ? ('failed' as const) : ('passed' as const), passed: !failing, expected: 'x', found: 'y', hint: 'same hint' }],
    };
  });
  return { lab: LAB.id, steps, complete: steps.every((s) => s.status.startsWith('done') || s.status === 'passing') };
}

interface Harness {
  done: Promise<number>;
  input: PassThrough;
  output: PassThrough;
  screen: ScreenBuffer;
  out: () => string;
  pending: Array<(v: LabView) => void>;
  regrade: ReturnType<typeof vi.fn>;
  change: () => void;
  actions: { hint: ReturnType<typeof vi.fn>; reset: ReturnType<typeof vi.fn>; revealSolution: ReturnType<typeof vi.fn> };
}

let h: Harness | undefined;

function setup(o: { fancy: boolean; readOnly?: boolean; cols?: number; rows?: number; first?: LabView }): Harness {
  const cols = o.cols ?? 80;
  const rows = o.rows ?? 24;
  const input = new PassThrough();
  const output = new PassThrough();
  const screen = new ScreenBuffer(cols, rows);
  let out = '';
  output.on('data', (d) => {
    out += String(d);
    screen.feed(String(d));
  });
  Object.assign(output, { columns: cols, rows });
  const io: CommandIO = { env: {}, out: output, err: output, input, tty: o.fancy, plain: !o.fancy, c: pc.createColors(o.fancy), home: '/nowhere' };
  const pending: Array<(v: LabView) => void> = [];
  const regrade = vi.fn(() => new Promise<LabView>((resolve) => pending.push(resolve)));
  let listener: (() => void) | undefined;
  const actions = {
    hint: vi.fn(async (id: string) => `Hint for ${id}: look closer.`),
    reset: vi.fn(async () => {}),
    revealSolution: vi.fn(async (id: string) => `The **solution** of ${id}.`),
  };
  const done = runLiveScreen({
    io,
    course: COURSE,
    lab: LAB,
    readOnly: o.readOnly,
    first: o.first ?? view({}),
    regrade,
    onAccountChange: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
    actions,
  });
  h = { done, input, output, screen, out: () => out, pending, regrade, change: () => listener?.(), actions };
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !ok(); i++) await sleep(10);
  if (!ok()) throw new Error(`never: ${what}; screen:\n${h?.screen.text()}\n--- output:\n${h?.out().slice(-3000)}`);
}
const keys = async (...seqs: string[]) => {
  for (const s of seqs) {
    h!.input.write(s);
    await sleep(15);
  }
};
const KEY = { up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', home: '\x1b[1~', end: '\x1b[4~', pgdn: '\x1b[6~', enter: '\r' };
const shows = (re: RegExp) => () => re.test(h!.screen.text());

afterEach(async () => {
  if (h) {
    h.input.write('q');
    h.input.write('9\n');
    await Promise.race([h.done, sleep(500)]);
    h.input.end();
  }
  h = undefined;
});

describe('full screen', () => {
  it('opens on the introduction, moves by arrows, numbers, two digits and :, and scrolls to the very end', async () => {
    const t = setup({ fancy: true });
    await until('the introduction', shows(/Introduction \(step 0 of 11\)/));
    expect(t.screen.text()).toMatch(/The introduction of the toy lab\. INTRO LAST LINE\./);
    await keys(KEY.right);
    await until('step 1', shows(/Step 1 of 11 +○ to do +Step title 1/));
    expect(t.screen.text()).not.toMatch(/THE END OF STEP 1/);
    await keys(KEY.end);
    await until('the end of step 1', shows(/THE END OF STEP 1\./));
    expect(t.screen.text()).toMatch(/· end ─/);
    await keys(KEY.home);
    await until('the top again', shows(/Task of step 1: do thing-1\./));
    // 1 then 1 quickly: step 11; a single 3: step 3; : 7 Enter: step 7; 0: the introduction
    await keys('1', '1');
    await until('step 11', shows(/Step 11 of 11/));
    await sleep(1100);
    await keys('3');
    await until('step 3', shows(/Step 3 of 11/));
    await sleep(1100);
    await keys(':', '7', KEY.enter);
    await until('step 7', shows(/Step 7 of 11/));
    await keys(KEY.left, 'p');
    await until('step 5', shows(/Step 5 of 11/));
    await keys('0');
    await until('the introduction again', shows(/Introduction \(step 0 of 11\)/));
    for (const row of t.screen.rows) expect(visibleWidth(row)).toBeLessThanOrEqual(80);
    // the keys fit 80 columns on one line
    expect(t.screen.rows[23]).toMatch(/^←→ step {2}↑↓ scroll {2}h hint {2}c check {2}s solution {2}r reset {2}\? help {2}q quit$/);
  });

  it('shows the failures of the current step by themselves after a change (debounced), and celebrates a pass', async () => {
    const t = setup({ fancy: true, first: view({ 1: 'failing', 2: 'failing' }) });
    await keys(KEY.right);
    await until('step 1', shows(/Step 1 of 11/));
    expect(t.screen.text()).toMatch(/Not done yet\. What the check finds shows here as you work/);
    expect(t.screen.text()).not.toMatch(/condition of 1/);
    t.change();
    t.change();
    await sleep(SETTLE_MS / 2);
    t.change(); // a burst: one grading, SETTLE_MS after the last event
    await sleep(SETTLE_MS / 2);
    expect(t.regrade).not.toHaveBeenCalled();
    await until('one grading', () => t.pending.length === 1);
    expect(t.regrade).toHaveBeenCalledTimes(1);
    const now = view({ 1: 'failing', 2: 'failing' }, ' (now)');
    now.steps[1].conditions[0].name = 'condition of 2'; // step 2's failures did not move
    t.pending.shift()!(now);
    await until('the failure', shows(/✘ condition of 1 \(now\) — not yet/));
    expect(t.screen.text()).toMatch(/expected: x\n\s+found: {4}y/);

    t.change();
    await until('a grading', () => t.pending.length === 1);
    t.pending.shift()!(view({ 1: 'done', 2: 'failing' }));
    await until('the celebration', shows(/✔ Step 1 passes: “Step title 1”\. Its reference solution is on its page/));
    expect(t.screen.text()).toMatch(/Step 2 of 11/); // moved on
    // step 2's failures were not asked for yet: they wait for a change while it is shown
    expect(t.screen.text()).not.toMatch(/condition of 2/);
    await keys(KEY.left);
    await until('step 1 done', shows(/Step 1 of 11 +✔ done/));
    await keys(KEY.end);
    await until('its end', shows(/Reference solution/));
    expect(t.screen.text()).toMatch(/Run solve-1\./);
  });

  it('a passed step that fails now stays done, with what changed (no red cross)', async () => {
    const t = setup({ fancy: true, first: view({ 1: 'done', 2: 'failing' }) });
    await until('step 2', shows(/Step 2 of 11/));
    t.change();
    await until('a grading', () => t.pending.length === 1);
    t.pending.shift()!(view({ 1: 'done-changed', 2: 'failing' }));
    await until('the note', shows(/Step 1 \(“Step title 1”\) changed since it passed: condition of 1\. It stays done\./));
    await keys('1');
    await until('step 1', shows(/Step 1 of 11 +✔~ done, changed since/));
    const text = t.screen.text();
    expect(text).toMatch(/~ condition of 1 — no longer holds/);
    expect(text).not.toMatch(/✘ condition of 1/);
    await keys(KEY.end);
    await until('its solution, still readable (it stays done)', shows(/Run solve-1\./));
  });

  it('r asks y/N and says what is lost; s asks before revealing; h collapses a repeated hint', async () => {
    const t = setup({ fancy: true, first: view({ 1: 'done', 2: 'failing' }) });
    await until('step 2', shows(/Step 2 of 11/));
    await keys('r');
    await until('the question', shows(/Reset step 2 \(“Step title 2”\)\? .*\n?.*\[y\/N\]/));
    await keys('n');
    await until('nothing changed', shows(/Nothing changed\./));
    expect(t.actions.reset).not.toHaveBeenCalled();
    await keys('r', 'y');
    await until('a grading after the reset', () => t.pending.length === 1);
    expect(t.actions.reset).toHaveBeenCalledWith('toy/s2');
    t.pending.shift()!(view({ 1: 'done', 2: 'failing' }));
    await until('reset said', shows(/Step 2 is back to its starting state\./));

    await keys('s');
    await until('the reveal question', shows(/Show the reference solution of step 2 before it passes\?/));
    expect(t.actions.revealSolution).not.toHaveBeenCalled();
    await keys('y');
    await until('the solution', shows(/The solution of toy\/s2\./));
    expect(t.actions.revealSolution).toHaveBeenCalledWith('toy/s2');

    // on a done step, s shows its solution without asking
    await keys(KEY.left, 's');
    await until('solution of step 1', shows(/Run solve-1\./));
    expect(t.actions.revealSolution).toHaveBeenCalledTimes(1);

    await keys(KEY.right, 'h', 'h');
    await until('the hint, counted', shows(/Hint for toy\/s2: look closer\. \(given 2 times\)/));
    expect(t.screen.text().match(/Hint for toy\/s2/g)).toHaveLength(1);
  });

  it('read-only: moves and scrolls only, and says so', async () => {
    const t = setup({ fancy: true, readOnly: true, first: view({ 1: 'failing' }) });
    await until('the screen', shows(/read-only/));
    await keys('1', 'h', 'c', 'r', 's');
    await until('the refusal', shows(/This screen is read-only \(the lab is open in another terminal\)/));
    expect(t.actions.hint).not.toHaveBeenCalled();
    expect(t.actions.reset).not.toHaveBeenCalled();
    expect(t.actions.revealSolution).not.toHaveBeenCalled();
    expect(t.regrade).not.toHaveBeenCalled();
    expect(t.screen.rows[23]).toMatch(/read-only: +←→ step/);
  });

  it('re-flows on resize without splitting a word, and draws without clearing the screen again', async () => {
    const t = setup({ fancy: true, cols: 100, rows: 30 });
    await keys(KEY.right);
    await until('step 1', shows(/Step 1 of 11/));
    const clears = () => t.screen.writes.filter((w) => w.includes('\x1b[2J')).length;
    expect(clears()).toBe(1);
    // a grading that changes nothing visible redraws no line of the page
    t.change();
    await until('a grading', () => t.pending.length === 1);
    const before = t.screen.writes.length;
    t.pending.shift()!(view({}));
    await sleep(50);
    for (const w of t.screen.writes.slice(before)) {
      expect(w.startsWith('\x1b[?2026h') && w.endsWith('\x1b[?2026l')).toBe(true);
      expect(w).not.toMatch(/\x1b\[(?:[5-9]|[12]\d);1H/); // rows 5–29: the page
    }
    Object.assign(t.output, { columns: 43, rows: 30 });
    t.screen.cols = 43;
    t.output.emit('resize');
    await until('the narrow frame', () => t.screen.rows.every((r) => visibleWidth(r) <= 43) && /Step 1 of 11/.test(t.screen.text()));
    // the keys wrap by whole items
    const rule = t.screen.rows.findIndex((r) => /^── lines/.test(r));
    const keyRows = t.screen.rows.slice(rule + 1).filter(Boolean);
    expect(keyRows.length).toBeGreaterThan(1);
    for (const item of ['←→ step', '↑↓ scroll', 'h hint', 'c check', 's solution', 'r reset', '? help', 'q quit']) {
      expect(keyRows.some((r) => r.includes(item)), `${item} whole on one row of:\n${keyRows.join('\n')}`).toBe(true);
    }
    await keys(KEY.pgdn);
    const words = new Set(WORDS.concat(WORDS.map((w) => `${w}.`)));
    // the lines of the chapter's paragraphs on screen, every word of them
    const page = t.screen.rows
      .filter((r) => /^[a-z][a-z. ]*$/.test(r.trimEnd()))
      .join(' ')
      .split(/\s+/)
      .filter(Boolean);
    expect(page.length).toBeGreaterThan(20);
    for (const w of page) expect(words, `“${w}” is not a whole word`).toContain(w);
  });
});

describe('--plain', () => {
  it('reads in order: each step with its details under it, the current page, numbered choices; no escape codes', async () => {
    const t = setup({ fancy: false, first: view({ 1: 'done', 2: 'failing', 3: 'failing' }) });
    await until('the menu', () => /Choose: 1 check now/.test(t.out()));
    const text = t.out();
    expect(text).not.toMatch(/\x1b/);
    expect(text).toMatch(
      /^Lab 99 · Toy: 1 of 11 steps done\.\n {1}1\. ✔ done {5}Step title 1\n {1}2\. ✘ not yet {2}Step title 2 {2}\(current step\)\n {7}✘ condition of 2 — not yet\n {11}expected: x\n {11}found: {4}y\n {11}hint: {5}same hint\n {1}3\. ✘ not yet {2}Step title 3\n/,
    );
    expect(text).toMatch(/\nStep 2 of 11: Step title 2 — not yet\n\nTask of step 2: do `thing-2`\./);
    expect(text).toMatch(/Choose: 1 check now · 2 hint · 3 next step · 4 previous step · 5 go to a step · 6 solution · 7 reset · 8 list the steps · 9 quit\n$/);
    t.input.write('5\n');
    await until('the question', () => /Which step\?/.test(t.out()));
    t.input.write('0\n');
    await until('the introduction', () => /Introduction \(step 0 of 11\)\n\n# 99 · Toy\n\nThe introduction of the toy lab\. INTRO LAST LINE\./.test(t.out()));
    t.input.write('9\n');
    expect(await t.done).toBe(0);
    expect(t.out()).toMatch(/Left the lab: 1 of 11 steps done\. `iam-labs start 99` continues\.\n$/);
  });

  it('prints the current step’s failures by themselves when they change, once; 1 during a grading waits for it', async () => {
    const t = setup({ fancy: false, first: view({ 1: 'failing' }) });
    await until('the menu', () => /Choose: 1 check now/.test(t.out()));
    let mark = t.out().length;
    t.change();
    await until('a grading', () => t.pending.length === 1);
    t.pending.shift()!(view({ 1: 'failing' }, ' (new)'));
    await until('the new failure', () => /Step 1 of 11, what the check sees now:\n {2}✘ condition of 1 \(new\) — not yet/.test(t.out().slice(mark)));
    mark = t.out().length;
    t.change();
    await until('a grading', () => t.pending.length === 1);
    t.pending.shift()!(view({ 1: 'failing' }, ' (new)'));
    await sleep(50);
    expect(t.out().slice(mark)).toBe(''); // the same failures: nothing new to say

    t.change();
    await until('a grading', () => t.pending.length === 1);
    t.input.write('1\n'); // joins: served by one grading queued behind the running one
    t.change();
    await sleep(SETTLE_MS + 50);
    expect(t.pending.length).toBe(1);
    t.pending.shift()!(view({ 1: 'failing' }, ' (new)'));
    await until('the queued grading', () => t.pending.length === 1);
    expect(t.regrade).toHaveBeenCalledTimes(4);
    mark = t.out().length;
    t.pending.shift()!(view({ 1: 'done' }));
    await until('the status after the check', () => /Choose: 1 check now/.test(t.out().slice(mark)));
    const after = t.out().slice(mark);
    expect(after).toMatch(/✔ Step 1 passes: “Step title 1”\.\nIts reference solution, to compare with yours:\nRun `solve-1`\./);
    expect(after).toMatch(/Now Step 2 of 11: Step title 2 — to do/);
    expect(after).toMatch(/Lab 99 · Toy: 1 of 11 steps done\./);
  });
});
