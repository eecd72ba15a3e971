/**
 * `solve` after the learner did some steps themselves: a step that already passes keeps the
 * learner's work and its solution is not applied again. Lab 01's access-key solution creates a key,
 * and before this a second key broke the rotation step (LimitExceeded with a stack trace, exit 70).
 * Through the built CLI and the real AWS CLI, on the real course.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

let lab: Lab;
afterAll(async () => {
  if (lab) await cleanup(lab);
});

const BY_HAND = [
  'aws iam create-user --user-name Samy >/dev/null',
  'aws iam attach-user-policy --user-name Samy --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  `read -r ID SECRET <<< "$(aws iam create-access-key --user-name Samy --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)"`,
  'aws configure set aws_access_key_id "$ID" --profile samy',
  'aws configure set aws_secret_access_key "$SECRET" --profile samy',
  'aws sts get-caller-identity --profile samy >/dev/null',
].join(' && ');

describe('solve keeps what the learner did', () => {
  it('steps 1–3 done by hand, then solve 01: they are kept, the rest is solved, the lab completes', async () => {
    lab = realCourse();
    expect((await cli(lab, ['start', '01', '--detach', '--plain'])).code).toBe(0);
    const byHand = await cli(lab, ['shell', '01', '-c', `bash -c '${BY_HAND.replace(/'/g, `'\\''`)}'`]);
    expect(byHand.code, byHand.stderr).toBe(0);

    const solved = await cli(lab, ['solve', '01', '--yes', '--plain']);
    expect(solved.stderr).not.toMatch(/LimitExceeded|\n\s+at .*\.js:\d+/);
    expect(solved.code, solved.stderr).toBe(0);
    for (const id of ['users/create-user', 'users/attach-managed-policy', 'users/access-key']) expect(solved.stdout).toContain(`${id} already passes`);
    expect(solved.stdout).toContain('solved users/rotate-key');

    // the steps done by hand are not marked as revealed
    const progress = JSON.parse((await cli(lab, ['progress', '--json'])).stdout) as { labs: Array<{ steps: Array<{ id: string; revealedAt: string | null }> }> };
    const revealed = progress.labs.flatMap((l) => l.steps).filter((s) => s.revealedAt).map((s) => s.id);
    expect(revealed).toEqual(['users/console-password', 'users/rotate-key', 'users/delete-user']);
  }, 180_000);

  it('a solution that cannot pass over an earlier change says so, and the reset it names lets it pass', async () => {
    const four = realCourse();
    try {
      expect((await cli(four, ['start', '04', '--detach', '--plain'])).code).toBe(0);
      // the course's common mistake for step 3: detaching the group's S3 access instead of denying deletes
      const detached = await cli(four, ['shell', '04', '-c', 'aws iam detach-group-policy --group-name developers --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess']);
      expect(detached.code, detached.stderr).toBe(0);
      const solved = await cli(four, ['solve', '04', '--step', '3', '--yes', '--plain']);
      expect(solved.code).toBe(1);
      expect(solved.stdout).not.toContain('✔ solved policies/explicit-deny');
      expect(solved.stdout).toContain('applied the reference solution of policies/explicit-deny, but the step still fails');
      expect(solved.stdout).toContain('`iam-labs reset 04 --step 3` puts the step back to its start');
      expect(solved.stdout).toMatch(/alice can still read acme-reports — not yet/);

      expect((await cli(four, ['reset', '04', '--step', '3', '--yes', '--plain'])).code).toBe(0);
      const again = await cli(four, ['solve', '04', '--step', '3', '--yes', '--plain']);
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toContain('✔ solved policies/explicit-deny');
    } finally {
      await cleanup(four);
    }
  }, 180_000);
});
