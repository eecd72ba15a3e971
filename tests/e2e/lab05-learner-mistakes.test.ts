/**
 * Lab 05 as a beginner gets it wrong, through the built CLI and the real AWS CLI in the lab shell:
 * the commands a learner types by analogy with the others (`iam-labs hint 05` like `check 05`),
 * and the mistakes the chapters warn about, each with what the check must then say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 300_000);

describe('lab 05: a beginner on the wrong foot', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = realCourse();
    const r = await cli(lab, ['start', '05', '--detach']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => cleanup(lab));

  const shell = (command: string) => cli(lab, ['shell', '-c', command]);

  it('hint 05 means lab 05, as check 05 does: the first step not done, not step 5', async () => {
    const r = await cli(lab, ['hint', '05', '--plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Hint 1 of 3 for “Set a strong password policy for the account”/);
    expect(r.stdout).not.toMatch(/access key nobody uses/);
    // the lab's id and topic say the same; a plain number is still a step of the current lab
    expect((await cli(lab, ['hint', '05-hygiene', '--plain'])).stdout).toMatch(/Hint 2 of 3 for “Set a strong password policy/);
    expect((await cli(lab, ['hint', '5', '--plain'])).stdout).toMatch(/Hint 1 of 3 for “Find and switch off the access key nobody uses”/);
  }, 120_000);
});
