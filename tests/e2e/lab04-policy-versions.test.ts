/**
 * Lab 04, step 1, as a beginner lives it: several tries at ReportsReader leave several versions,
 * the last one published without --set-as-default. The check must point at the version just
 * published (the newest), whatever order the backend lists versions in (IAM lists newest first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { labGraders } from '../../src/graders/index.js';
import type { LabContext } from '../../src/graders/types.js';
import { awsCli, labContext, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let ctx: LabContext;
const lab = labGraders['04-policies'];
const fixBucketArn = lab.steps.find((s) => s.id === 'policies/fix-bucket-arn')!;
const ARN = 'arn:aws:iam::000000000000:policy/ReportsReader';

const doc = (resource: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: resource },
    ],
  });

beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = labContext(emu.endpoint).ctx;
  await lab.setup(ctx);
});
afterAll(async () => {
  await emu?.close();
});

describe('lab 04 fix-bucket-arn: a new version that is not the default', () => {
  it('names the newest version in the set-default hint, and lists the versions oldest first', async () => {
    // two tries with the real CLI, neither made the default: v2 (too wide), then v3 (the fix)
    for (const resource of ['*', 'arn:aws:s3:::acme-reports/*']) {
      const r = await awsCli(emu.endpoint, ['iam', 'create-policy-version', '--policy-arn', ARN, '--policy-document', doc(resource)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const listed = await awsCli(emu.endpoint, ['iam', 'list-policy-versions', '--policy-arn', ARN]);
    // IAM's own order: newest first (the grader must not rely on either order)
    expect(listed.json.Versions.map((v: { VersionId: string }) => v.VersionId)).toEqual(['v3', 'v2', 'v1']);

    const conds = await fixBucketArn.check(ctx);
    const version = conds.find((c) => c.name === 'ReportsReader has a new default version')!;
    expect(version.status).toBe('failed');
    expect(version.found).toBe('default version v1 (also: v2, v3)');
    expect(version.hint).toBe(`Make it the default: aws iam set-default-policy-version --policy-arn ${ARN} --version-id v3`);
  });
});
