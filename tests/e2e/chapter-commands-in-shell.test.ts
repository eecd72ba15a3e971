/**
 * The chapters' own commands, as a learner copies them into `iam-labs shell` after `npx iam-labs`
 * (so no iam-labs on their PATH): `iam-labs why …` runs there (the lab shell puts this
 * installation first on PATH), and lab 03's cross-account example reads as the chapter says: with
 * MFA the trust statement applies and hands the decision to the other account; without it, the
 * statement does not apply.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, ROOT, type Lab } from './runner-helpers.js';

const lab: Lab = realCourse();
// No iam-labs on PATH: only what a learner who ran `npx iam-labs` has (node and the AWS CLI).
lab.env.PATH = lab.env.PATH.split(path.delimiter)
  .filter((dir) => !fs.existsSync(path.join(dir, 'iam-labs')))
  .join(path.delimiter);

/** The first sh block under "What you should see" in a step's chapter file. */
function chapterBlock(file: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'labs', file), 'utf8');
  const after = text.slice(text.indexOf('## What you should see'));
  const m = /```sh\n([\s\S]*?)```/.exec(after);
  if (!m) throw new Error(`no sh block under "What you should see" in ${file}`);
  return m[1];
}

beforeAll(async () => {
  ensureBuilt();
  expect((await cli(lab, ['start', '03', '--detach'])).code).toBe(0);
  const solved = await cli(lab, ['solve', '03', '--yes']);
  expect(solved.code, solved.stdout + solved.stderr).toBe(0);
}, 120_000);

afterAll(() => cleanup(lab));

describe('chapter commands in the lab shell', () => {
  it("lab 03's `iam-labs why` with MFA: the trust statement applies and leaves the rest to the other account", async () => {
    const block = chapterBlock('03-roles/06-mfa-cross-account.md');
    expect(block).toContain('iam-labs why');
    const r = await cli(lab, ['shell', '03', '-c', block]);
    expect(r.stderr).not.toMatch(/command not found/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Decision: DENIED \(implicit deny: nothing allows it\)$/m);
    expect(r.stdout).toContain('(trust policy of role BreakGlassRole, statement 1) is not enough on its own: Principal names the whole account (arn:aws:iam::111122223333:root)');
    // the statement is not shown as one that did not apply
    expect(r.stdout).toMatch(/^Policies considered:$/m);
    expect(r.stdout).not.toMatch(/^·/m);

    const without = await cli(lab, ['shell', '03', '-c', block.replace(/ --context aws:MultiFactorAuthPresent=true/, '')]);
    expect(without.stdout).toContain('did not apply: Condition Bool on aws:MultiFactorAuthPresent wants true, but the request has no value for it (the key is absent)');
    expect(without.stdout).toMatch(/^· +\{$/m);
  }, 60_000);
});
