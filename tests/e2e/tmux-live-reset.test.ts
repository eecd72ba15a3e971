/**
 * A reset from the live screen moves the lab to a fresh account; the screen must then follow
 * that account's changes by itself (its long poll of the change feed moves with it), and quit at
 * once afterwards. Lab 01 in tmux, the real AWS CLI in a second window.
 */
import { describe, expect, it } from 'vitest';
import { learnerInTmux, tmuxSkipReason } from '../helpers/tmux.js';

const skip = tmuxSkipReason();
const START_EXIT = /^__start_exit=(\d+)$/m;
const CREATE_SAMY = "iam-labs shell 01 -c 'aws sts get-caller-identity --query Account --output text && aws iam create-user --user-name Samy --query User.UserName --output text'";

describe.skipIf(!!skip)('a reset while the live screen is open', () => {
  const session = learnerInTmux();

  /** Lab 01's live screen in one window, a shell in another, and step 1 done from the shell. */
  async function screenWithStepOneDone() {
    const { tm, learner } = session.open(120, 40);
    const screen = tm.window('screen', learner.env, learner.home);
    const shell = tm.window('shell', learner.env, learner.home);
    tm.type(screen, 'iam-labs start 01; echo "__start_exit=$?"');
    await tm.waitFor(screen, /q quit/, 'the live screen', { timeoutMs: 180_000 });
    const first = await tm.run(shell, CREATE_SAMY);
    expect(first.code, first.output).toBe(0);
    await tm.waitFor(screen, /^\s*1\. ✔ done /m, 'step 1 done by itself', { timeoutMs: 20_000 });
    return { tm, screen, shell, first };
  }

  it('the screen follows the new account by itself, and quits at once', { timeout: 300_000 }, async () => {
    const { tm, screen, shell, first } = await screenWithStepOneDone();

    tm.keys(screen, 'r');
    await tm.waitFor(screen, /Reset the whole lab 01\?/, 'the reset question');
    tm.keys(screen, 'y');
    await tm.waitFor(screen, /0 of 6 done/, 'the reset lab', { timeoutMs: 60_000 });

    // the same change in the new account turns step 1 done again, with no key pressed
    const second = await tm.run(shell, CREATE_SAMY);
    expect(second.code, second.output).toBe(0);
    const accounts = [first.output, second.output].map((o) => /^\d{12}$/m.exec(o)?.[0]);
    expect(accounts[1]).toBeDefined();
    expect(accounts[1]).not.toBe(accounts[0]);
    await tm.waitFor(screen, /^\s*1\. ✔ done /m, 'step 1 done again in the new account', { timeoutMs: 10_000 });

    tm.keys(screen, 'q');
    const left = await tm.waitFor(screen, START_EXIT, 'start to exit within 5 s', { history: true, timeoutMs: 5000 });
    expect(START_EXIT.exec(left)![1]).toBe('0');
  });

  it('…and so does a reset run in another terminal', { timeout: 300_000 }, async () => {
    const { tm, screen, shell, first } = await screenWithStepOneDone();

    const reset = await tm.run(shell, 'iam-labs reset 01 --yes', { timeoutMs: 120_000 });
    expect(reset.code, reset.output).toBe(0);
    await tm.waitFor(screen, /0 of 6 done/, 'the screen on the reset lab, by itself', { timeoutMs: 20_000 });

    const second = await tm.run(shell, CREATE_SAMY);
    expect(second.code, second.output).toBe(0);
    expect(/^\d{12}$/m.exec(second.output)?.[0]).not.toBe(/^\d{12}$/m.exec(first.output)?.[0]);
    await tm.waitFor(screen, /^\s*1\. ✔ done /m, 'step 1 done again in the new account', { timeoutMs: 10_000 });

    tm.keys(screen, 'q');
    const left = await tm.waitFor(screen, START_EXIT, 'start to exit within 5 s', { history: true, timeoutMs: 5000 });
    expect(START_EXIT.exec(left)![1]).toBe('0');
  });
});
