/**
 * Lab 01's access-key step depends on the lab's own AWS files as well as on the account: a learner
 * who saved the key as profile `Samy` (wrong case) is told so, then runs `aws configure --profile
 * samy`, which sends nothing to AWS. The live screen must see that change of the files by itself
 * (no key pressed, no aws call): else it keeps saying "found: profile Samy (different case)" to a
 * learner who just fixed it.
 */
import { describe, expect, it } from 'vitest';
import { keepScreen, learnerInTmux, tmuxSkipReason } from '../helpers/tmux.js';

const skip = tmuxSkipReason();
const KEYS_LINE = /←→ step {2}↑↓ scroll {2}h hint {2}c check[^\n]*q quit/;

describe.skipIf(!!skip)('live screen of lab 01 and the lab\'s AWS files', () => {
  const session = learnerInTmux();

  it('profile samy saved with aws configure set: step 3 turns done without a key or an aws call', { timeout: 300_000 }, async () => {
    const { tm, learner } = session.open(110, 40);
    const runner = tm.window('runner', learner.env, learner.home);
    const shell = tm.window('learner', learner.env, learner.home);

    tm.type(runner, 'iam-labs start 01');
    await tm.waitFor(runner, KEYS_LINE, 'the live screen', { timeoutMs: 180_000 });
    for (const step of ['1', '2']) expect((await tm.run(shell, `iam-labs solve 01 --step ${step} --yes`)).code).toBe(0);
    expect((await tm.run(shell, 'eval "$(iam-labs env 01)"')).code).toBe(0);
    const made = await tm.run(
      shell,
      [
        `read -r KEY_ID SECRET <<< "$(aws iam create-access-key --user-name Samy --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)"`,
        'aws configure set aws_access_key_id "$KEY_ID" --profile Samy',
        'aws configure set aws_secret_access_key "$SECRET" --profile Samy',
        'aws configure set region us-east-1 --profile Samy',
        'aws sts get-caller-identity --profile Samy --query Arn --output text',
      ].join(' && '),
    );
    expect(made.code, made.output).toBe(0);
    expect(made.output).toMatch(/:user\/Samy/);
    tm.keys(runner, '3');
    const wrong = await tm.waitFor(runner, /found: +profile Samy \(different case\)/, 'the wrong-case profile reported');
    keepScreen('live-01-profile-wrong-case', wrong);

    // the fix sends nothing to AWS: only the lab's credentials and config files change
    const saved = await tm.run(
      shell,
      ['aws configure set aws_access_key_id "$KEY_ID" --profile samy', 'aws configure set aws_secret_access_key "$SECRET" --profile samy', 'aws configure set region us-east-1 --profile samy'].join(
        ' && ',
      ),
    );
    expect(saved.code, saved.output).toBe(0);
    const done = await tm.waitFor(runner, /3\. ✔ done\s+Give Samy an access key and use it/, 'step 3 done once profile samy is saved', { timeoutMs: 15_000 });
    keepScreen('live-01-profile-saved', done);
    expect(done).not.toMatch(/profile Samy \(different case\)/);
  });
});
