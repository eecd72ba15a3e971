/**
 * Lab 06, step 2's classic mistake as a learner makes it in a terminal: on app-server, whose
 * prompt says "as AppServerRole", they export app-user's access key. From then on the AWS CLI
 * signs with that key, not with the role, and the prompt must stop claiming the role: it says
 * AWS_ACCESS_KEY_ID is set (as the lab shell's prompt does) until the key is unset again.
 */
import { describe, expect, it } from 'vitest';
import { keepScreen, learnerInTmux, tmuxSkipReason } from '../helpers/tmux.js';

const skip = tmuxSkipReason();

describe.skipIf(!!skip)('instance shell prompt with exported keys', () => {
  const session = learnerInTmux();

  it('the prompt says AWS_ACCESS_KEY_ID is set while it is, and the role again once unset', { timeout: 300_000 }, async () => {
    const { tm, learner } = session.open(120, 30);
    const sh = tm.window('shell', { ...learner.env, SHELL: '/bin/bash' }, learner.home);
    const started = await tm.run(sh, 'iam-labs start 06 --detach', { timeoutMs: 180_000 });
    expect(started.code, started.output).toBe(0);
    const solved = await tm.run(sh, 'iam-labs solve 06 --step 1 --yes', { timeoutMs: 120_000 });
    expect(solved.code, solved.output).toBe(0);

    tm.type(sh, 'clear; iam-labs instance-shell app-server');
    await tm.waitFor(sh, /^\[app-server as AppServerRole\] ~ [#$]\s*$/m, 'the instance prompt', { timeoutMs: 60_000 });
    tm.type(sh, 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const marked = await tm.waitFor(sh, /^\[app-server as AppServerRole: AWS_ACCESS_KEY_ID set\] ~ [#$]\s*$/m, 'the prompt noting the exported key');
    keepScreen('instance-shell-exported-key', marked);
    tm.type(sh, 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; clear');
    await tm.waitFor(sh, /^\[app-server as AppServerRole\] ~ [#$]\s*$/m, 'the role prompt again');
    tm.type(sh, 'exit');
    const stopped = await tm.run(sh, 'iam-labs stop', { timeoutMs: 60_000 });
    expect(stopped.code, stopped.output).toBe(0);
  });
});
