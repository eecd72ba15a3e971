/**
 * Lab 01 tried as a new learner would (issue 3, "tried as a new user"): a fresh IAM_LABS_HOME,
 * `iam-labs start 01` in one tmux window, `iam-labs shell` in another, the real `aws` CLI. The
 * learner makes the course's listed mistakes first — user `samy` in lower case, then
 * AmazonS3FullAccess instead of ReadOnly — and the runner's screen must name each problem; then
 * the fixes, and the steps pass. The terminal is a usual 120×40.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keepScreen, processAlive, readSessionFile, tmuxSkipReason, learnerInTmux } from '../helpers/tmux.js';

const skip = tmuxSkipReason();
// the keys at the bottom of the live screen (its exact wording may grow)
const KEYS_LINE = /←→ step {2}↑↓ scroll {2}h hint {2}c check[^\n]*q quit/;

describe.skipIf(!!skip)('a new learner does lab 01 in tmux, mistakes first', () => {
  const session = learnerInTmux();

  it('samy (wrong case) and AmazonS3FullAccess (too broad) are named on screen, the fixes pass', { timeout: 600_000 }, async () => {
    const { tm, learner } = session.open(120, 40);
    const runner = tm.window('runner', learner.env, learner.home);
    const shell = tm.window('learner', learner.env, learner.home);

    tm.type(runner, 'iam-labs start 01; echo "__start_exit=$?"');
    const first = await tm.waitFor(runner, KEYS_LINE, 'the live screen', { timeoutMs: 180_000 });
    keepScreen('new-user-01-start', first);
    // a new lab opens on its introduction (step 0); → goes to step 1
    expect(first).toMatch(/Introduction \(step 0 of 6\)/);
    expect(tm.format(runner, '#{alternate_on}')).toBe('1');
    tm.keys(runner, 'Right');
    await tm.waitFor(runner, /Step 1 of 6 +○ to do +Create the user Samy/, 'step 1');

    // the second terminal, as the chapter says: a lab shell where `aws` talks to the lab
    tm.type(shell, 'iam-labs shell');
    await tm.waitFor(shell, /Lab shell for 01-users[\s\S]*Type exit to leave\.\n[\s\S]*[$#]\s*$/, 'the lab shell prompt', { timeoutMs: 60_000 });
    const who = await tm.run(shell, 'aws sts get-caller-identity --query Arn --output text');
    expect(who.code, who.output).toBe(0);
    expect(who.output).toMatch(/arn:aws:iam::\d{12}:root/);

    // ── mistake 1: samy in lower case: named on screen by itself, no key pressed ──
    const lower = await tm.run(shell, 'aws iam create-user --user-name samy');
    expect(lower.code, lower.output).toBe(0);
    const caseScreen = await tm.waitFor(runner, /user samy \(different case\)/, 'the wrong-case feedback');
    keepScreen('new-user-01-samy-lowercase', caseScreen);
    expect(caseScreen).toMatch(/✘ user Samy exists — not yet/);
    expect(caseScreen).toMatch(/asks for Samy/);
    expect(caseScreen).not.toMatch(/✔ Step 1 passes/);

    // IAM names are unique regardless of case: Samy cannot exist next to samy (the chapter says so)
    const clash = await tm.run(shell, 'aws iam create-user --user-name Samy');
    expect(clash.code).not.toBe(0);
    expect(clash.output).toMatch(/EntityAlreadyExists/);
    const fixed = await tm.run(shell, 'aws iam delete-user --user-name samy && aws iam create-user --user-name Samy');
    expect(fixed.code, fixed.output).toBe(0);
    const created = await tm.waitFor(runner, /✔ Step 1 passes: “Create the user Samy”\./, 'step 1 passing');
    keepScreen('new-user-01-samy-passed', created);
    await tm.waitFor(runner, /1\. ✔ done\s+Create the user Samy[\s\S]*▶\s+2\. ✘ not yet\s+Let Samy read S3/, 'the checklist: step 1 done, step 2 current');

    // ── mistake 2: AmazonS3FullAccess, too broad ──
    const broad = await tm.run(shell, 'aws iam attach-user-policy --user-name Samy --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess');
    expect(broad.code, broad.output).toBe(0);
    const broadScreen = await tm.waitFor(runner, /Allowed when it\s+should\s+not\s+be:\s+AmazonS3FullAccess/, 'the too-broad feedback');
    keepScreen('new-user-01-fullaccess', broadScreen);
    expect(broadScreen).toMatch(/✘ Samy cannot write objects \(s3:PutObject\) — not yet/);
    expect(broadScreen).toMatch(/allows\s+s3:PutObject/);
    // the check's own hint looks at what the learner did
    expect(broadScreen.replace(/\s+/g, ' ')).toMatch(/hint: AmazonS3FullAccess is attached to user Samy: it also lets Samy write and delete/);
    tm.keys(runner, 'h'); // the step's written hints, tier by tier, above the chapter
    const hintScreen = await tm.waitFor(runner, /Hint 1 of \d+ for “Let Samy read S3, and nothing more”/, 'the hint');
    keepScreen('new-user-01-fullaccess-hint', hintScreen);
    expect(hintScreen).toMatch(/^Hints$/m);

    const readOnly = await tm.run(
      shell,
      'aws iam detach-user-policy --user-name Samy --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess && aws iam attach-user-policy --user-name Samy --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    );
    expect(readOnly.code, readOnly.output).toBe(0);
    const step2 = await tm.waitFor(runner, /✔ Step 2 passes: “Let Samy read S3, and nothing more”\./, 'step 2 passing');
    keepScreen('new-user-01-readonly-passed', step2);
    await tm.waitFor(runner, /2\. ✔ done\s+Let Samy read S3, and nothing more[\s\S]*▶\s+3\. ✘ not yet/, 'the checklist: step 2 done, step 3 current');

    // leave the lab: q in the runner, exit in the lab shell
    const pid = readSessionFile(learner.state)?.pid;
    tm.keys(runner, 'q');
    const end = await tm.waitFor(runner, /^__start_exit=(\d+)$/m, 'start to exit', { history: true });
    keepScreen('new-user-01-quit', end);
    expect(/^__start_exit=(\d+)$/m.exec(end)![1]).toBe('0');
    expect(end).toMatch(/Left the lab: 2 of 6 steps done\. `iam-labs start 01` continues\./);
    expect(readSessionFile(learner.state)?.pid).toBe(pid);
    expect(processAlive(pid)).toBe(true);
    tm.type(shell, 'exit');
  });

  it('start 01 --detach prints the chapter with bold code rendered; NO_COLOR: plain text, no escape codes', { timeout: 300_000 }, async () => {
    const { tm, learner } = session.open(120, 40);
    const term = tm.window('term', learner.env, learner.home);

    const colored = await tm.run(term, 'iam-labs start 01 --detach', { timeoutMs: 180_000 });
    expect(colored.code, colored.output).toBe(0);
    keepScreen('new-user-01-detach', colored.output);
    // the README's list item "member of the group **`contractors`**": no Markdown markers left
    expect(colored.output).toMatch(/member\s+of\s+the\s+group\s+contractors\.\s+You\s+will\s+remove\s+it/);
    expect(colored.output).toMatch(/A user temp-contractor whose contract has ended/);
    expect(colored.output).not.toMatch(/\*\*`?contractors/);
    // …and in bold (and the code colour), as the terminal shows it
    expect(tm.capture(term, { colors: true, history: true })).toMatch(/group \x1b\[1m(?:\x1b\[[0-9;]*m)*contractors/);
    expect((await tm.run(term, 'iam-labs stop')).code).toBe(0);

    // a clean pane (screen and scrollback; tmux side only), so what is captured is this run's
    tm.tmux('send-keys', '-R', '-t', term);
    tm.tmux('clear-history', '-t', term);
    const plain = await tm.run(term, 'NO_COLOR=1 iam-labs start 01 --detach', { timeoutMs: 180_000 });
    expect(plain.code, plain.output).toBe(0);
    keepScreen('new-user-01-detach-no-color', plain.output);
    expect(plain.output).toMatch(/member\s+of\s+the\s+group\s+`contractors`\.\s+You\s+will\s+remove\s+it/);
    expect(plain.output).not.toMatch(/\*\*/);
    expect(tm.capture(term, { colors: true, history: true })).not.toMatch(/\x1b\[[0-9;]*m/);
    expect((await tm.run(term, 'iam-labs stop')).code).toBe(0);
  });

  it("the lab shell's prompt says when AWS_ACCESS_KEY_ID is set (the CLI then signs with it, not as the lab's administrator)", { timeout: 300_000 }, async () => {
    const { tm, learner } = session.open(120, 20);
    const term = tm.window('term', { ...learner.env, SHELL: '/bin/bash' }, learner.home);
    expect((await tm.run(term, 'iam-labs start 01 --detach', { timeoutMs: 180_000 })).code).toBe(0);
    tm.type(term, 'clear; iam-labs shell 01');
    await tm.waitFor(term, /^\(lab 01\) [^\n]*[$#]$/m, 'the lab shell prompt');
    tm.type(term, 'clear; export AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE1 AWS_SECRET_ACCESS_KEY=made-up');
    await tm.waitFor(term, /^\(lab 01: AWS_ACCESS_KEY_ID set\) [^\n]*[$#]$/m, 'the prompt naming the variable');
    const denied = await tm.run(term, 'aws iam list-users');
    expect(denied.code).not.toBe(0);
    expect(denied.output).toMatch(/InvalidClientTokenId/);
    tm.type(term, 'clear; unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY');
    await tm.waitFor(term, /^\(lab 01\) [^\n]*[$#]$/m, 'the plain lab prompt again');
    const admin = await tm.run(term, 'aws sts get-caller-identity --query Arn --output text');
    expect(admin.output).toMatch(/:root$/m);
    tm.type(term, 'exit');
    expect((await tm.run(term, 'iam-labs stop')).code).toBe(0);
  });

  // zsh expands nothing in its prompt by default, and fish draws it with a function: each has its own way
  const others = [
    { sh: 'zsh', set: 'export AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE1', unset: 'unset AWS_ACCESS_KEY_ID' },
    { sh: 'fish', set: 'set -gx AWS_ACCESS_KEY_ID ASIAEXAMPLEEXAMPLE1', unset: 'set -e AWS_ACCESS_KEY_ID' },
  ];
  for (const { sh, set, unset } of others) {
    it.skipIf(!fs.existsSync(`/usr/bin/${sh}`))(`…and so does a ${sh} lab shell`, { timeout: 300_000 }, async () => {
      const { tm, learner } = session.open(120, 20);
      const term = tm.window('term', { ...learner.env, SHELL: '/bin/bash' }, learner.home);
      expect((await tm.run(term, 'iam-labs start 01 --detach', { timeoutMs: 180_000 })).code).toBe(0);
      // fish is asked for: the lab shell opens bash for it otherwise (the chapters are bash)
      tm.type(term, `clear; SHELL=/usr/bin/${sh} iam-labs shell 01 --shell /usr/bin/${sh}`);
      await tm.waitFor(term, /^\(lab 01\) [^\n]*[$#>]$/m, 'the lab shell prompt');
      expect(tm.capture(term)).not.toContain('${'); // nothing left unexpanded
      // a chapter's command with its comment, as printed (interactive zsh needs interactive_comments)
      tm.type(term, 'clear; echo commented   # a comment, as the chapters write them');
      await tm.waitFor(term, /^commented$/m, 'the command without its comment');
      tm.type(term, `clear; ${set}`);
      await tm.waitFor(term, /^\(lab 01: AWS_ACCESS_KEY_ID set\) [^\n]*[$#>]$/m, 'the prompt naming the variable');
      tm.type(term, `clear; ${unset}`);
      await tm.waitFor(term, /^\(lab 01\) [^\n]*[$#>]$/m, 'the plain lab prompt again');
      expect(tm.capture(term)).not.toMatch(/\(lab 01\) \(lab 01/); // one mark, not two
      tm.type(term, 'exit');
      expect((await tm.run(term, 'iam-labs stop')).code).toBe(0);
    });
  }
});
