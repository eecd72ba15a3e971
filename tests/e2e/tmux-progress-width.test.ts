/**
 * `iam-labs progress` in an 80-column terminal: like `list` and `check`, it wraps whole words at
 * the terminal's width, continuation lines under the step's title. (It printed each step on one
 * line and let the terminal cut "(hygiene/permissions-boundary)" in the middle of the word.)
 */
import { describe, expect, it } from 'vitest';
import { keepScreen, learnerInTmux, tmuxSkipReason } from '../helpers/tmux.js';

const skip = tmuxSkipReason();

describe.skipIf(!!skip)('iam-labs progress at 80 columns', () => {
  const session = learnerInTmux();

  it('long step lines wrap between words, under the title', { timeout: 120_000 }, async () => {
    const { tm, learner } = session.open(80, 60);
    const shell = tm.window('learner', learner.env, learner.home);
    const r = await tm.run(shell, 'iam-labs progress');
    expect(r.code, r.output).toBe(0);
    const screen = tm.capture(shell, { history: true });
    keepScreen('progress-80', screen);
    const lines = screen.split('\n');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    // the step's id is whole, on a continuation line indented under the title
    expect(screen).toMatch(/^ {8}○ todo {2}Cap dev-john with the permissions boundary DevBoundary\n {16}\(hygiene\/permissions-boundary\)$/m);
    expect(screen).not.toMatch(/permissions-bou\n/);
  });
});
