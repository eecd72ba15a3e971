/**
 * `iam-labs hint` names its step the way `check`, `reset` and `solve` do: a lab and `--step N`
 * (a learner who just ran `reset 02 --step 4` types `hint 02 --step 4`), as well as the step alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, type Lab } from './runner-helpers.js';

const lab: Lab = realCourse();
beforeAll(() => ensureBuilt(), 300_000);
afterAll(() => cleanup(lab));

describe('iam-labs hint --step', () => {
  it('a lab and --step N: the hint of that step of that lab', async () => {
    const r = await cli(lab, ['hint', '01', '--step', '3']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Hint 1 of 3 for “Give Samy an access key and use it”:$/m);
    expect(r.stdout).toMatch(/^\(run iam-labs hint 01 --step 3 again for a stronger hint\)$/m);
    const stronger = await cli(lab, ['hint', '01', '--step', '3']);
    expect(stronger.stdout).toMatch(/^Hint 2 of 3 for “Give Samy an access key and use it”:$/m);
    const next = await cli(lab, ['hint', '02', '--step', 'groups/add-members']);
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/^Hint 1 of 3 for “Add alice and bob to the team”:$/m);
  });

  it('--step alone is a step of the current lab; without one it says which lab to name', async () => {
    const r = await cli(lab, ['hint', '--step', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^iam-labs: which lab\? Name it \(iam-labs hint 01 --step 2\) or start one first \(iam-labs start 01\)\.$/m);
  });

  it('a step that is not in the lab: the lab\'s steps are listed', async () => {
    const r = await cli(lab, ['hint', '02', '--step', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lab 02-groups has no step '9'/);
    expect(r.stderr).toMatch(/Name it by number \(1–5\) or id: groups\/create-group, /);
  });
});
