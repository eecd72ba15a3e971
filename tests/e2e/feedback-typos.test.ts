/**
 * Typos AWS accepts but that can never match: the failing check says so, with a suggestion
 * (issue 6). AWS rejects ARNs with too few colons (MalformedPolicyDocument), so those never reach
 * a check; these do. Run against the embedded emulator through the SDK, as a learner's CLI would leave them.
 */
import { CreatePolicyVersionCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { labGraders } from '../../src/graders/index.js';
import { feedbackText } from '../../src/runner/output.js';
import { labContext, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const fresh = () => {
  emu.emulator.state.reset();
  return labContext(emu.endpoint).ctx;
};
const step = (lab: string, id: string) => labGraders[lab].steps.find((s) => s.id === id)!;

describe('typo feedback', () => {
  it('s3:GetObjects and an S3 ARN with a region in ReportsReader (AWS accepts both)', async () => {
    const ctx = fresh();
    await labGraders['04-policies'].setup(ctx);
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:us-east-1::acme-reports' },
        { Effect: 'Allow', Action: 's3:GetObjects', Resource: 'arn:aws:s3:::acme-reports/*' },
      ],
    };
    await ctx.clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: 'arn:aws:iam::000000000000:policy/ReportsReader', PolicyDocument: JSON.stringify(doc), SetAsDefault: true }));
    const text = feedbackText(await step('04-policies', 'policies/fix-bucket-arn').check(ctx));
    expect(text).toContain('ReportsReader: s3:GetObjects is not an S3 action — did you mean s3:GetObject?');
    expect(text).toContain('ReportsReader: arn:aws:s3:us-east-1::acme-reports: S3 bucket and object ARNs have no region and no account');
  });

  it('lamda.amazonaws.com in a trust policy', async () => {
    const ctx = fresh();
    await labGraders['03-roles'].setup(ctx);
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lamda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ReportsFunctionRole', PolicyDocument: JSON.stringify(trust) }));
    const text = feedbackText(await step('03-roles', 'roles/fix-trust-principal').check(ctx));
    expect(text).toContain('The trust policy lets lamda.amazonaws.com assume ReportsFunctionRole; this step wants lambda.amazonaws.com.');
    expect(text).toContain('lamda.amazonaws.com is not an AWS service principal — did you mean lambda.amazonaws.com?');
  });
});
