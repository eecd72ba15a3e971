/**
 * Two labs open at once, in two tmux windows of one learner: each live screen grades its own
 * lab's account (work in lab 01 never shows in lab 03's screen); a second `start 01` gets a
 * read-only screen; quitting one screen leaves the backend running for the other, which keeps
 * grading; `iam-labs stop` ends it.
 */
import { describe, expect, it } from 'vitest';
import { keepScreen, learnerInTmux, processAlive, readSessionFile, tmuxSkipReason } from '../helpers/tmux.js';

const skip = tmuxSkipReason();
const SCREEN = /q quit/;
const START_EXIT = /^__start_exit=(\d+)$/m;

describe.skipIf(!!skip)('two labs open at once in tmux', () => {
  const session = learnerInTmux();

  it('each screen follows its own account; a second screen of a lab is read-only; quitting one keeps the other running', { timeout: 420_000 }, async () => {
    const { tm, learner } = session.open(100, 30);
    const one = tm.window('lab01', learner.env, learner.home);
    const three = tm.window('lab03', learner.env, learner.home);
    const shell = tm.window('shell', learner.env, learner.home);

    tm.type(one, 'iam-labs start 01; echo "__start_exit=$?"');
    await tm.waitFor(one, SCREEN, 'lab 01 screen', { timeoutMs: 180_000 });
    tm.type(three, 'iam-labs start 03; echo "__start_exit=$?"');
    await tm.waitFor(three, SCREEN, 'lab 03 screen', { timeoutMs: 180_000 });
    const backend = readSessionFile(learner.state)!;
    expect(processAlive(backend.pid)).toBe(true);
    tm.keys(one, '1');
    tm.keys(three, '1');
    await tm.waitFor(one, /Step 1 of \d+ +○ to do/, 'lab 01 step 1 to do');
    await tm.waitFor(three, /Step 1 of \d+ +○ to do/, 'lab 03 step 1 to do');

    // work in lab 01's account: its screen turns step 1 done by itself; lab 03's does not move
    const solved = await tm.run(shell, 'iam-labs solve 01 --step 1 --yes');
    expect(solved.code, solved.output).toBe(0);
    // (the screen moves on to step 2; its list shows step 1 done)
    const done = await tm.waitFor(one, /^\s*1\. ✔ done /m, 'lab 01 step 1 done by itself', { timeoutMs: 20_000 });
    keepScreen('two-labs-01-done', done);
    await new Promise((r) => setTimeout(r, 2500));
    expect(tm.capture(three)).toMatch(/Step 1 of \d+ +○ to do/);

    // a second screen of lab 01: read-only, and it says so
    const second = tm.window('lab01-again', learner.env, learner.home);
    tm.type(second, 'iam-labs start 01; echo "__start_exit=$?"');
    const ro = await tm.waitFor(second, /read-only/i, 'the read-only screen', { timeoutMs: 120_000 });
    keepScreen('two-labs-01-read-only', ro);
    tm.keys(second, 'r');
    await tm.waitFor(second, /This screen is read-only/, 'reset refused on the read-only screen');
    tm.keys(second, 'q');
    expect(START_EXIT.exec(await tm.waitFor(second, START_EXIT, 'the read-only screen to exit', { history: true }))![1]).toBe('0');

    // quit lab 01's screen: the backend stays, lab 03's screen still grades its own account
    tm.keys(one, 'q');
    const left = await tm.waitFor(one, START_EXIT, 'lab 01 to exit', { history: true });
    expect(START_EXIT.exec(left)![1]).toBe('0');
    expect(left).toMatch(/The backend keeps running in the background/);
    expect(processAlive(backend.pid)).toBe(true);
    const solved3 = await tm.run(shell, 'iam-labs solve 03 --step 1 --yes');
    expect(solved3.code, solved3.output).toBe(0);
    await tm.waitFor(three, /^\s*1\. ✔ done /m, 'lab 03 step 1 done by itself after lab 01 quit', { timeoutMs: 20_000 });

    tm.keys(three, 'q');
    expect(START_EXIT.exec(await tm.waitFor(three, START_EXIT, 'lab 03 to exit', { history: true }))![1]).toBe('0');
    const stop = await tm.run(shell, 'iam-labs stop');
    expect(stop.code, stop.output).toBe(0);
    expect(processAlive(backend.pid)).toBe(false);
    const progress = await tm.run(shell, 'iam-labs progress --plain | grep -c "✔"');
    expect(Number(progress.output.trim().split('\n').at(-1))).toBeGreaterThanOrEqual(2);
  });
});
