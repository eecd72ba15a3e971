/**
 * The live checklist as a learner sees it (issue 6, "How it is checked"): in tmux, one window runs
 * `iam-labs start 04` in the foreground, another is the learner's shell (`eval "$(iam-labs env)"`)
 * running the real `aws` CLI. analyst is denied the listing, the learner publishes a fixed
 * ReportsReader version, and the runner's screen shows policies/fix-bucket-arn passing, by its
 * symbol and words (not colour only). Then the same with --plain, and both quit cleanly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepScreen, learnerInTmux, processAlive, readSessionFile, tmuxSkipReason, type LearnerHome, type TmuxServer } from '../helpers/tmux.js';

const skip = tmuxSkipReason();

const STEP_TITLE = 'Fix ReportsReader (bucket ARN vs object ARN)';
const FIXED_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListTheBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' },
      { Sid: 'ReadTheObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' },
    ],
  },
  null,
  2,
);
// `start` exits through the shell line it was typed on, which then prints its exit code
const START_EXIT = /^__start_exit=(\d+)$/m;
// the keys at the bottom of the live screen (its exact wording may grow)
const KEYS_LINE = /←→ step {2}↑↓ scroll {2}h hint {2}c check[^\n]*q quit/;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// the numbered choices of --plain (wrapped to the terminal's width, so any space may be a line break)
const MENU = new RegExp('Choose: 1 check now · 2 hint · 3 next step · 4 previous step · 5 go to a step · 6 solution · 7 reset · 8 list the steps · 9 quit'.split(' ').map(escapeRe).join('\\s+'));

/** The learner's side: lab environment, the denial, the fixed version published, the listing works. */
async function learnerFixesReportsReader(tm: TmuxServer, shell: string, learner: LearnerHome): Promise<void> {
  const env = await tm.run(shell, 'eval "$(iam-labs env)"');
  expect(env.code, env.output).toBe(0);

  const denied = await tm.run(shell, 'aws s3 ls s3://acme-reports --profile analyst');
  expect(denied.code, denied.output).not.toBe(0);
  expect(denied.output).toMatch(/AccessDenied/);
  expect(denied.output).toMatch(/user\/analyst is not authorized to perform: s3:ListBucket/);

  // the learner saves the file in an editor; the terminal part is what the chapter teaches
  fs.writeFileSync(path.join(learner.home, 'reports-reader-v2.json'), `${FIXED_POLICY}\n`);
  const account = await tm.run(shell, 'ACCOUNT=$(aws sts get-caller-identity --query Account --output text) && echo "account: $ACCOUNT"');
  expect(account.output).toMatch(/account: \d{12}/);
  const published = await tm.run(
    shell,
    'aws iam create-policy-version --policy-arn arn:aws:iam::$ACCOUNT:policy/ReportsReader --policy-document file://reports-reader-v2.json --set-as-default',
  );
  expect(published.code, published.output).toBe(0);
  expect(published.output).toMatch(/"VersionId": "v2"/);
  expect(published.output).toMatch(/"IsDefaultVersion": true/);

  const listed = await tm.run(shell, 'aws s3 ls s3://acme-reports --profile analyst');
  expect(listed.code, listed.output).toBe(0);
  expect(listed.output).toMatch(/q1\.csv/);
}

/**
 * The runner's trace (IAM_LABS_LIVE_TRACE): every aws call the learner signs as a seeded user is
 * a change (the key's last use), yet gradings never overlap, each serves at least one change, and
 * gradings cause no changes of their own (the learner made a handful: a loop would pile them up).
 */
function expectNoRegradeFlood(trace: string, checks = 0): void {
  const lines = trace.trim().split('\n').map((l) => l.replace(/^\S+ /, ''));
  const changes = lines.filter((l) => l === 'change').length;
  const gradings = lines.filter((l) => l.startsWith('grading start')).length;
  let running = 0;
  for (const l of lines) {
    if (l.startsWith('grading start')) running++;
    if (l === 'grading end') running--;
    expect(running, trace).toBeLessThanOrEqual(1);
  }
  expect(changes, trace).toBeGreaterThanOrEqual(2); // the new version, analyst's key use
  expect(changes, trace).toBeLessThanOrEqual(8);
  expect(gradings, trace).toBeGreaterThanOrEqual(1);
  expect(gradings, trace).toBeLessThanOrEqual(changes + checks);
}

describe.skipIf(!!skip)('live checklist of lab 04 in tmux', () => {
  const session = learnerInTmux();

  it('start 04 in a terminal: the step turns ✔ after the fix, q quits', { timeout: 420_000 }, async () => {
    const { tm, learner } = session.open(120, 40);
    const traceFile = path.join(learner.home, 'live-trace.log');
    const runner = tm.window('runner', { ...learner.env, IAM_LABS_LIVE_TRACE: traceFile }, learner.home);
    const shell = tm.window('learner', learner.env, learner.home);

    tm.type(runner, 'iam-labs start 04; echo "__start_exit=$?"');
    const before = await tm.waitFor(runner, KEYS_LINE, 'the live screen', { timeoutMs: 180_000 });
    keepScreen('live-04-before', before);
    // in 40 rows: the header and the whole checklist, the shown page marked by a symbol
    expect(before).toMatch(/^04 · Policies\s+0 of 5 done$/m);
    expect(before).toMatch(/▶\s+0\. introduction/);
    expect(before).toMatch(new RegExp(`1\\. ○ to do\\s+${escapeRe(STEP_TITLE)}`));
    expect(before).toMatch(/5\. ○ to do\s+Let ReportsAuditor read the reports through a bucket policy/);
    expect(before).toMatch(/Introduction \(step 0 of 5\)/);
    expect(tm.format(runner, '#{alternate_on}')).toBe('1');
    // colour is there, but it is not the only carrier of meaning (○ to do / ✔ done are words too)
    expect(tm.capture(runner, { colors: true })).toMatch(/\x1b\[[0-9;]*m/);
    tm.keys(runner, '1');
    await tm.waitFor(runner, new RegExp(`Step 1 of 5 +○ to do +${escapeRe(STEP_TITLE)}`), 'step 1');

    await learnerFixesReportsReader(tm, shell, learner);

    // re-graded on the emulator's change event, no key pressed: the checklist line turns ✔ done,
    // the runner says so and moves on to step 2
    const after = await tm.waitFor(runner, new RegExp(`1\\. ✔ done\\s+${escapeRe(STEP_TITLE)}`), 'step 1 done in the checklist');
    const passed = await tm.waitFor(runner, new RegExp(`✔ Step 1 passes: “${escapeRe(STEP_TITLE)}”\\.`), 'the step passing message');
    keepScreen('live-04-after', passed);
    expect(after).toMatch(/▶\s+2\. ✘ not yet\s+Replace intern's full access/);
    expect(passed).toMatch(KEYS_LINE);
    expectNoRegradeFlood(fs.readFileSync(traceFile, 'utf8'));

    const pid = readSessionFile(learner.state)?.pid;
    expect(processAlive(pid)).toBe(true);
    tm.keys(runner, 'q');
    // the prompt comes back at once: the screen's long poll of the change feed (up to 20 s) is
    // ended with it, not waited for
    const end = await tm.waitFor(runner, START_EXIT, 'start to exit within 5 s', { history: true, timeoutMs: 5000 });
    keepScreen('live-04-quit', end);
    expect(START_EXIT.exec(end)![1]).toBe('0');
    expect(end).toMatch(/Left the lab: 1 of 5 steps done\. `iam-labs start 04` continues\./);
    expect(tm.format(runner, '#{alternate_on}')).toBe('0'); // the alternate screen is left
    // quitting the screen leaves the backend running (shared by every lab and shell); stop ends it
    expect(readSessionFile(learner.state)?.pid).toBe(pid);
    expect(processAlive(pid)).toBe(true);
  });

  it('start 04 --plain: linear text, no colour, no alternate screen; 9 quits', { timeout: 420_000 }, async () => {
    const { tm, learner } = session.open(120, 40);
    const traceFile = path.join(learner.home, 'live-trace.log');
    const runner = tm.window('runner', { ...learner.env, IAM_LABS_LIVE_TRACE: traceFile }, learner.home);
    const shell = tm.window('learner', learner.env, learner.home);

    tm.type(runner, 'iam-labs start 04 --plain; echo "__start_exit=$?"');
    const before = await tm.waitFor(runner, MENU, 'the numbered menu', {
      timeoutMs: 180_000,
      history: true,
    });
    keepScreen('plain-04-before', before);
    expect(before).toMatch(new RegExp(`1\\. ○ to do\\s+${escapeRe(STEP_TITLE)} {2}\\(current step\\)`));
    expect(tm.format(runner, '#{alternate_on}')).toBe('0');
    expect(tm.capture(runner, { colors: true, history: true })).not.toMatch(/\x1b\[[0-9;]*m/);

    await learnerFixesReportsReader(tm, shell, learner);

    const passed = await tm.waitFor(runner, new RegExp(`✔ Step 1 passes: “${escapeRe(STEP_TITLE)}”\\.`), 'the plain “Step 1 passes” line', { history: true });
    keepScreen('plain-04-passed', passed);

    // 1 (check) prints the status lines, then the menu — also when it comes while a grading started
    // by the learner's last aws call is still running (the check then waits for a grading of its own)
    const done = new RegExp(`1\\. ✔ done\\s+${escapeRe(STEP_TITLE)}`);
    // wipe this pane's screen and scrollback (tmux side only: nothing reaches the runner)
    tm.tmux('send-keys', '-R', '-t', runner);
    tm.tmux('clear-history', '-t', runner);
    tm.type(runner, '1');
    const checked = await tm.waitFor(runner, /^1\n[\s\S]*Choose: 1 check now/m, 'the menu after 1 (check)', { history: true });
    keepScreen('plain-04-checked', checked);
    expect(checked).toMatch(done);
    const trace = fs.readFileSync(traceFile, 'utf8');
    expectNoRegradeFlood(trace, 1);
    keepScreen('plain-04-trace', trace);
    expect(checked).toMatch(/2\. ✘ not yet\s+Replace intern's full access/);
    expect(tm.capture(runner, { colors: true, history: true })).not.toMatch(/\x1b\[[0-9;]*m/);

    const pid = readSessionFile(learner.state)?.pid;
    tm.type(runner, '9');
    const end = await tm.waitFor(runner, START_EXIT, 'start to exit', { history: true });
    keepScreen('plain-04-quit', end);
    expect(START_EXIT.exec(end)![1]).toBe('0');
    expect(end).toMatch(/Left the lab: 1 of 5 steps done/);
    expect(readSessionFile(learner.state)?.pid).toBe(pid);
    expect(processAlive(pid)).toBe(true);
  });
});
