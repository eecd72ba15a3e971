/**
 * Two live screens of one lab: the second is read-only while the first is open. Once the learner
 * quits the first, the second must not keep saying "the lab is open in another terminal": a key
 * that needs the lab (c check) takes the lab over, and the screen says so and does it. Also with
 * --plain, whose menu then offers every choice again.
 */
import { describe, expect, it } from 'vitest';
import { keepScreen, learnerInTmux, tmuxSkipReason } from '../helpers/tmux.js';

const skip = tmuxSkipReason();
const KEYS_LINE = /←→ step {2}↑↓ scroll {2}h hint {2}c check[^\n]*q quit/;
const READ_ONLY_KEYS = /read-only: {2}←→ step {2}↑↓ scroll/;
const START_EXIT = /^__start_exit=(\d+)$/m;

describe.skipIf(!!skip)('a second live screen when the first one closes', () => {
  const session = learnerInTmux();

  it('full screen: c after the first screen quit takes the lab over and checks', { timeout: 300_000 }, async () => {
    const { tm, learner } = session.open(110, 36);
    const first = tm.window('first', learner.env, learner.home);
    const second = tm.window('second', learner.env, learner.home);
    tm.type(first, 'iam-labs start 02; echo "__start_exit=$?"');
    await tm.waitFor(first, KEYS_LINE, 'the first live screen', { timeoutMs: 180_000 });
    tm.type(second, 'iam-labs start 02');
    await tm.waitFor(second, READ_ONLY_KEYS, 'the second screen, read-only');
    tm.keys(second, 'c');
    await tm.waitFor(second, /This screen is read-only \(the lab is open in another terminal\)/, 'c refused while the first is open');

    tm.keys(first, 'q');
    await tm.waitFor(first, START_EXIT, 'the first screen to quit', { history: true });
    tm.keys(second, '1');
    tm.keys(second, 'c');
    const took = await tm.waitFor(second, /The other screen of lab 02 has closed: this one now checks/, 'the take-over said');
    keepScreen('takeover-full', took);
    const after = await tm.waitFor(second, KEYS_LINE, 'the full keys line');
    expect(after).not.toMatch(/read-only/);
    await tm.waitFor(second, /✘ Not done yet\. What the check sees now:/, 'the check ran');
  });

  it('--plain: the menu offers every choice again once the first screen quit', { timeout: 300_000 }, async () => {
    const { tm, learner } = session.open(110, 36);
    const first = tm.window('first', learner.env, learner.home);
    const second = tm.window('second', learner.env, learner.home);
    tm.type(first, 'iam-labs start 02; echo "__start_exit=$?"');
    await tm.waitFor(first, KEYS_LINE, 'the first live screen', { timeoutMs: 180_000 });
    tm.type(second, 'iam-labs start 02 --plain');
    await tm.waitFor(second, /Choose \(read-only: this lab is open in another terminal\):/, 'the read-only menu', { history: true });
    tm.keys(first, 'q');
    await tm.waitFor(first, START_EXIT, 'the first screen to quit', { history: true });
    tm.type(second, '8');
    const menu = await tm.waitFor(second, /The other screen of lab 02 has closed[\s\S]*Choose: 1 check now/, 'the full menu', { history: true });
    keepScreen('takeover-plain', menu);
  });
});
