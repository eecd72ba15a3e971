/**
 * Lab 05: a learner who lets `solve` do step 2 (admin-alan's MFA device) goes on to step 3, whose
 * chapter runs `iam-labs totp alan-mfa.txt` to sign in with MFA. The device's seed came from the
 * reference solution, so there is no alan-mfa.txt: `totp` finds the seed iam-labs kept, says so,
 * and its codes open an MFA session as the chapter shows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, labFile, realCourse, type Lab } from './runner-helpers.js';

let lab: Lab;
let account: string;

beforeAll(async () => {
  ensureBuilt();
  lab = realCourse();
  expect((await cli(lab, ['start', '05', '--detach'])).code).toBe(0);
  for (const step of ['1', '2']) {
    const r = await cli(lab, ['solve', '05', '--step', step, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }
  account = (JSON.parse(fs.readFileSync(labFile(lab, '05-hygiene', 'lab.json'), 'utf8')) as { accountId: string }).accountId;
}, 240_000);

afterAll(() => cleanup(lab));

describe('step 2 solved by `solve`, then step 3 as the chapter says', () => {
  it('totp alan-mfa.txt gives the codes of the device the solution made, and says where they come from', async () => {
    const here = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-cwd-'));
    const r = await cli({ ...lab }, ['shell', '05', '-c', `cd ${here} && iam-labs totp alan-mfa.txt --quiet`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d{6} \d{6}$/);
    expect(r.stderr).toContain('alan-mfa.txt is not here; the reference solution made this device, and iam-labs kept its seed');
  });

  it('…and a code from it opens admin-alan\'s MFA session (get-session-token)', async () => {
    const here = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-cwd-'));
    const script = [
      `cd ${here}`,
      'CODE=$(iam-labs totp alan-mfa.txt --quiet | cut -d" " -f1)',
      `aws sts get-session-token --serial-number arn:aws:iam::${account}:mfa/admin-alan --token-code "$CODE" --profile admin-alan --query Credentials.AccessKeyId --output text`,
    ].join(' && ');
    const r = await cli(lab, ['shell', '05', '-c', script]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^ASIA[A-Z0-9]{16}$/);
  });

  it('a file of that name in the folder still wins, and a missing one with nothing kept is an error as before', async () => {
    const here = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-cwd-'));
    fs.writeFileSync(path.join(here, 'alan-mfa.txt'), 'JBSWY3DPEHPK3PXP');
    const own = await cli(lab, ['shell', '05', '-c', `cd ${here} && iam-labs totp alan-mfa.txt --quiet`]);
    expect(own.stderr).not.toContain('kept its seed');
    const other = await cli(lab, ['shell', '05', '-c', `cd ${here} && iam-labs totp bob-mfa.txt --quiet`]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('bob-mfa.txt: no such file.');
  });
});
