/**
 * `iam-labs why` with a mistyped action: AmazonS3FullAccess allows `s3:*`, which matches any
 * string, so the bare decision for `s3:PutObjekt` is "ALLOWED", and a learner takes the typo for
 * a real permission. The answer must say that the action does not exist, with the likely one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, type Lab } from './runner-helpers.js';

const lab: Lab = realCourse();
beforeAll(async () => {
  ensureBuilt();
  expect((await cli(lab, ['start', '02', '--detach'])).code).toBe(0);
  for (const step of ['1', '2', '3']) expect((await cli(lab, ['solve', '02', '--step', step, '--yes'])).code).toBe(0);
}, 180_000);
afterAll(() => cleanup(lab));

describe('iam-labs why, action names', () => {
  it('an action that does not exist: said so, with the likely one', async () => {
    const r = await cli(lab, ['why', 'alice', 's3:PutObjekt', 'arn:aws:s3:::team-artifacts/build.zip']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Decision: ALLOWED$/m);
    expect(r.stdout).toMatch(/^Note: s3:PutObjekt is not an S3 action — did you mean s3:PutObject\? AWS has no such action, so this decision is about a request that cannot happen\.$/m);
    const json = JSON.parse((await cli(lab, ['why', 'alice', 'iam:ListUser', '*', '--json'])).stdout) as { actionNote?: string };
    expect(json.actionNote).toBe('iam:ListUser is not an AWS Identity and Access Management (IAM) action — did you mean iam:ListUsers?');
  });

  it('a real action, in any case: no note', async () => {
    for (const action of ['s3:PutObject', 's3:putobject']) {
      const r = await cli(lab, ['why', 'alice', action, 'arn:aws:s3:::team-artifacts/build.zip']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Decision: ALLOWED$/m);
      expect(r.stdout).not.toMatch(/^Note:/m);
    }
  });
});
