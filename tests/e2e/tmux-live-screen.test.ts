/**
 * The live screen read as a learner reads it, in tmux on an 80×24 terminal (issue 12, "a chapter
 * you can read"): the longest step of the course scrolled to its very last line, the lab's
 * introduction as step 0, steps reached by number and back, the text re-flowed without a cut
 * word when the pane is resized, and the current step's failure shown by itself shortly after a
 * learner's command in another pane. Then --plain, in reading order.
 */
import fs from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/core/course.js';
import { courseDir } from '../../src/core/paths.js';
import { markdownLines } from '../../src/runner/screen/markdown.js';
import { stripAnsi, visibleWidth } from '../../src/runner/screen/wrap.js';
import { keepScreen, learnerInTmux, tmuxSkipReason } from '../helpers/tmux.js';
import { renderedWordsOf } from '../helpers/markdown-words.js';

const skip = tmuxSkipReason();
const KEYS_LINE = /←→ step {2}↑↓ scroll {2}h hint {2}c check[^\n]*q quit/;
const START_EXIT = /^__start_exit=(\d+)$/m;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lastWords = (line: string, n = 4) => escapeRe(stripAnsi(line).trim().split(/\s+/).slice(-n).join(' ')).replace(/ /g, '\\s+');

const course = loadCourse(courseDir({}));
/** The step with the most lines at 80 columns, and its lab: the one to read to the end. */
const longest = course.labs
  .flatMap((lab) => lab.steps.map((step, i) => ({ lab, step, number: i + 1, lines: markdownLines(step.body, 80, pc.createColors(true)) })))
  .sort((a, b) => b.lines.length - a.lines.length)[0];

const wordsOf = renderedWordsOf;

/** The page's rows on screen (no header, rule or keys) have no piece of a cut word. */
function expectNoCutWord(screen: string, source: Set<string>, width: number): void {
  const rows = screen.split('\n');
  // between the rule under the header and the one that says where the page is
  const body = rows.slice(rows.findIndex((r) => /^─+$/.test(r)) + 1, rows.findIndex((r) => /^── lines \d+/.test(r)));
  expect(body.length).toBeGreaterThan(5);
  for (const row of body) {
    expect(visibleWidth(row), row).toBeLessThanOrEqual(width);
    for (const w of row.split(/\s+/).filter(Boolean)) {
      if (source.has(w) || source.has(w.replace(/[):,.;]+$/, ''))) continue;
      const piece = [...source].some((s) => s.length > w.length && s.length < width - 12 && (s.startsWith(w) || s.endsWith(w)));
      if (piece && [...source].some((s) => s.length >= width - 12 && s.includes(w))) continue; // a piece of a token too wide for the screen (an address)
      expect(piece, `“${w}” looks like a piece of a cut word, in: ${row}`).toBe(false);
    }
  }
}

describe.skipIf(!!skip)('the live screen at 80×24 in tmux', () => {
  const session = learnerInTmux();

  it('reads the longest step to its last line, the introduction as step 0, jumps by number, re-flows on resize; a failure shows by itself', { timeout: 420_000 }, async () => {
    const { lab, step, number } = longest;
    const { tm, learner } = session.open(80, 24);
    const traceFile = path.join(learner.home, 'live-trace.log');
    const runner = tm.window('runner', { ...learner.env, IAM_LABS_LIVE_TRACE: traceFile }, learner.home);
    const shell = tm.window('learner', learner.env, learner.home, { width: 100, height: 30 });

    tm.type(runner, `iam-labs start ${lab.number}; echo "__start_exit=$?"`);
    const first = await tm.waitFor(runner, KEYS_LINE, 'the live screen', { timeoutMs: 180_000 });
    keepScreen('screen-80x24-intro', first);
    const n = lab.steps.length;
    expect(first).toMatch(new RegExp(`Introduction \\(step 0 of ${n}\\)`));
    // the keys fit one line of 80 columns
    expect(first.split('\n').at(-1)).toMatch(/^←→ step {2}↑↓ scroll {2}h hint {2}c check {2}s solution {2}r reset {2}\? help {2}q quit$/);

    // ── the longest step, to its very last line ──
    tm.keys(runner, String(number));
    await tm.waitFor(runner, new RegExp(`Step ${number} of ${n} +○ to do +${escapeRe(step.title.slice(0, 30))}`), `step ${number}`);
    const firstLine = markdownLines(step.body, 80, pc.createColors(true))[0];
    expect(tm.capture(runner)).toMatch(new RegExp(lastWords(firstLine)));
    tm.keys(runner, 'End');
    const lastLine = longest.lines[longest.lines.length - 1];
    const end = await tm.waitFor(runner, new RegExp(lastWords(lastLine)), "the step's last line");
    keepScreen('screen-80x24-longest-end', end);
    expect(end).toMatch(/── lines \d+–(\d+) of \1 · ↑ more · end ─/);
    expect(end).toMatch(/The reference solution shows here once this step passes/);
    // PgUp twice and PgDn twice: back at the end
    tm.keys(runner, 'PageUp');
    tm.keys(runner, 'PageUp');
    await tm.waitFor(runner, /↑ more · ↓ more/, 'scrolled up');
    tm.keys(runner, 'k');
    tm.keys(runner, 'j');
    tm.keys(runner, 'PageDown');
    tm.keys(runner, 'PageDown');
    tm.keys(runner, 'PageDown');
    await tm.waitFor(runner, /· end ─/, 'the end again');

    // ── step 0: the lab's introduction, read to its end ──
    tm.keys(runner, '0');
    await tm.waitFor(runner, new RegExp(`Introduction \\(step 0 of ${n}\\)`), 'the introduction');
    const intro = markdownLines(lab.intro.replace(/^\s*# [^\n]*\n+/, ''), 80, pc.createColors(true));
    tm.keys(runner, 'G');
    const introEnd = await tm.waitFor(runner, /· end ─/, 'the end of the introduction');
    keepScreen('screen-80x24-intro-end', introEnd);
    expect(introEnd).toMatch(/The steps/);
    tm.keys(runner, 'g');
    await tm.waitFor(runner, new RegExp(`${escapeRe(lab.number)} · ${escapeRe(lab.title)}\\n\\n.*${lastWords(intro[0], 3)}`), 'the top of the introduction');
    for (let i = 0; i < 4 && !new RegExp(lastWords(intro[intro.length - 1])).test(tm.capture(runner)); i++) tm.keys(runner, 'Space');
    await tm.waitFor(runner, new RegExp(lastWords(intro[intro.length - 1])), "the introduction's last line");

    // ── by number and back ──
    tm.keys(runner, '3');
    await tm.waitFor(runner, new RegExp(`Step 3 of ${n} `), 'step 3');
    tm.keys(runner, 'Left');
    await tm.waitFor(runner, new RegExp(`Step 2 of ${n} `), 'back to step 2');
    tm.keys(runner, 'p');
    await tm.waitFor(runner, new RegExp(`Step 1 of ${n} `), 'back to step 1');
    tm.keys(runner, ':', '3', 'Enter');
    await tm.waitFor(runner, new RegExp(`Step 3 of ${n} `), 'step 3 typed after :');
    tm.keys(runner, 'n');
    await tm.waitFor(runner, new RegExp(`Step 4 of ${n} `), 'on to step 4');

    // ── resize: the page re-flows, no word cut ──
    tm.keys(runner, String(number));
    await tm.waitFor(runner, new RegExp(`Step ${number} of ${n} `), `step ${number} again`);
    tm.keys(runner, 'Home');
    tm.keys(runner, 'PageDown');
    const source = wordsOf(`${step.body}\nThe reference solution shows here once this step passes (s shows it now, after asking).`);
    for (const [width, height] of [
      [57, 24],
      [80, 24],
      [120, 45],
    ]) {
      tm.tmux('resize-window', '-t', runner, '-x', String(width), '-y', String(height));
      const screen = await tm.waitForSettled(runner, new RegExp(`^${'─'.repeat(width)}$`, 'm'), `the frame at ${width}×${height}`);
      keepScreen(`screen-${width}x${height}-reflowed`, screen);
      expectNoCutWord(screen, source, width);
      for (const row of screen.split('\n')) expect(visibleWidth(row), row).toBeLessThanOrEqual(width);
    }
    tm.tmux('resize-window', '-t', runner, '-x', '80', '-y', '24');

    // ── a failure shows by itself, no key pressed ──
    tm.keys(runner, '1', 'Home');
    await tm.waitFor(runner, new RegExp(`Step 1 of ${n} +○ to do[\\s\\S]*lines 1–`), 'step 1, at its top');
    const env = await tm.run(shell, 'eval "$(iam-labs env)"');
    expect(env.code, env.output).toBe(0);
    fs.writeFileSync(traceFile, '');
    const mistake = lab.id === '04-policies' ? MISTAKE_04 : MISTAKE_OTHER;
    const made = await tm.run(shell, mistake.command);
    expect(made.code, made.output).toBe(0);
    const failed = await tm.waitFor(runner, mistake.shows, 'the failure, by itself', { timeoutMs: 10_000 });
    keepScreen('screen-80x24-failure-by-itself', failed);
    expect(failed).toMatch(new RegExp(`Step 1 of ${n} +✘ not yet`));
    // from the last change the learner made to the end of the grading that showed it
    const trace = fs.readFileSync(traceFile, 'utf8').trim().split('\n');
    const at = (l: string) => Date.parse(l.split(' ')[0]);
    const lastChange = trace.filter((l) => / change$/.test(l)).at(-1)!;
    const shownBy = trace.find((l) => / grading end$/.test(l) && at(l) >= at(lastChange))!;
    expect(shownBy, trace.join('\n')).toBeDefined();
    expect(at(shownBy) - at(lastChange), trace.join('\n')).toBeLessThan(1000);

    // read further down, a new failure is said in one line under the page, until read
    tm.keys(runner, 'End');
    await tm.waitFor(runner, /· end ─/, 'the end of step 1');
    const again = await tm.run(shell, mistake.again);
    expect(again.code, again.output).toBe(0);
    const told = await tm.waitFor(runner, /^✘ Not yet: .+\(Home shows what the check\s+sees\)\.$/m, 'the one-line failure', { timeoutMs: 10_000 });
    keepScreen('screen-80x24-failure-below', told);

    tm.keys(runner, 'q');
    const left = await tm.waitFor(runner, START_EXIT, 'start to exit', { history: true });
    expect(START_EXIT.exec(left)![1]).toBe('0');
    expect(tm.format(runner, '#{alternate_on}')).toBe('0');
  });

  it('--plain: introduction, then every step with its details under it, the current page, numbered choices; a failure printed by itself', { timeout: 420_000 }, async () => {
    const { tm, learner } = session.open(80, 24);
    const runner = tm.window('runner', learner.env, learner.home);
    const shell = tm.window('learner', learner.env, learner.home, { width: 100, height: 30 });
    tm.type(runner, 'iam-labs start 04 --plain; echo "__start_exit=$?"');
    const text = await tm.waitFor(runner, /Choose: 1 check now[\s\S]*9 quit/, 'the numbered choices', { timeoutMs: 180_000, history: true });
    keepScreen('plain-80x24-start', text);
    expect(tm.format(runner, '#{alternate_on}')).toBe('0');
    expect(tm.capture(runner, { colors: true, history: true })).not.toMatch(/\x1b\[[0-9;]*m/);
    const order = [
      /^# 04 · Policies$/m,
      /^How AWS decides, in order:$/m,
      /^Lab 04 · Policies: 0 of 5 steps done\.$/m,
      /^ 1\. ○ to do +Fix ReportsReader \(bucket ARN vs object ARN\) +\(current step\)$/m,
      /^ 5\. ○ to do +Let ReportsAuditor read the reports through a bucket policy$/m,
      /^Step 1 of 5: Fix ReportsReader \(bucket ARN vs object ARN\) — to do$/m,
      /^## The commands$/m,
      /^Choose: 1 check now/m,
    ].map((re) => {
      const m = re.exec(text);
      expect(m, `${re} in:\n${text}`).not.toBeNull();
      return m!.index;
    });
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // (what start prints before the chapter is not the live screen's)
    for (const row of text.slice(text.indexOf('# 04 · Policies')).split('\n')) expect(visibleWidth(row), row).toBeLessThanOrEqual(80);

    const env = await tm.run(shell, 'eval "$(iam-labs env)"');
    expect(env.code, env.output).toBe(0);
    const made = await tm.run(shell, MISTAKE_04.command);
    expect(made.code, made.output).toBe(0);
    const failed = await tm.waitFor(runner, /Step 1 of 5, what the check sees now:\n(?: {2}✔ .*\n)* {2}✘ analyst cannot upload to acme-reports — not yet/, 'the failure, printed by itself', {
      timeoutMs: 10_000,
      history: true,
    });
    keepScreen('plain-80x24-failure', failed);

    // 8: every step again, the current one's details directly under it
    tm.type(runner, '8');
    const listed = await tm.waitFor(runner, /^8\n[\s\S]*Choose: 1 check now/m, 'the list after 8', { history: true });
    expect(listed).toMatch(/ 1\. ✘ not yet +Fix ReportsReader \(bucket ARN vs object ARN\) +\(current step\)\n(?: {7}.*\n)*? {7}✘ analyst cannot upload to acme-reports — not yet\n[\s\S]*\n 2\. ✘ not yet/);
    tm.type(runner, '9');
    const end = await tm.waitFor(runner, START_EXIT, 'start to exit', { history: true });
    expect(START_EXIT.exec(end)![1]).toBe('0');
    expect(end).toMatch(/Left the lab: 0 of 5 steps done\. `iam-labs start 04` continues\./);
  });
});

/** A mistake for step 1 of lab 04: a new default ReportsReader version with s3:* on everything. */
const MISTAKE_04 = {
  command:
    'aws iam create-policy-version --policy-arn arn:aws:iam::$(aws sts get-caller-identity --query Account --output text):policy/ReportsReader --set-as-default --policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}\'',
  shows: /✘ analyst cannot upload to acme-reports — not yet/,
  /** another wrong version: the failures change */
  again:
    'aws iam create-policy-version --policy-arn arn:aws:iam::$(aws sts get-caller-identity --query Account --output text):policy/ReportsReader --set-as-default --policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme-*"}]}\'',
};
/** Should the longest step ever live elsewhere: any change shows the first step's failures. */
const MISTAKE_OTHER = {
  command: 'aws iam create-user --user-name someone-else',
  shows: /✘ Not done yet\. What the check sees now:/,
  again: 'aws iam create-user --user-name someone-more',
};
