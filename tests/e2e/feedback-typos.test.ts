/**
 * Typos AWS accepts but that can never match: the failing check says so, with a suggestion
 * (issue 6). AWS rejects ARNs with too few colons, S3 ARNs with a region and unknown service
 * principals (MalformedPolicyDocument), so those never reach a check; these do. Run against the embedded emulator through the SDK, as a learner's CLI would leave them.
 */
import { AttachUserPolicyCommand, CreatePolicyCommand, CreatePolicyVersionCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { labGraders } from '../../src/graders/index.js';
import { feedbackText } from '../../src/runner/output.js';
import { lintHints } from '../../src/policy/lint.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { labContext, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const fresh = async () => {
  await emu.emulator.state.reset();
  return labContext(emu.endpoint).ctx;
};
const step = (lab: string, id: string) => labGraders[lab].steps.find((s) => s.id === id)!;

describe('typo feedback', () => {
  it('s3:GetObjects and an S3 ARN with an account in ReportsReader (AWS accepts both)', async () => {
    const ctx = await fresh();
    await labGraders['04-policies'].setup(ctx);
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3::000000000000:acme-reports' },
        { Effect: 'Allow', Action: 's3:GetObjects', Resource: 'arn:aws:s3:::acme-reports/*' },
      ],
    };
    await ctx.clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: 'arn:aws:iam::000000000000:policy/ReportsReader', PolicyDocument: JSON.stringify(doc), SetAsDefault: true }));
    const text = feedbackText(await step('04-policies', 'policies/fix-bucket-arn').check(ctx));
    expect(text).toContain('ReportsReader: s3:GetObjects is not an S3 action — did you mean s3:GetObject?');
    expect(text).toContain('ReportsReader: arn:aws:s3::000000000000:acme-reports: S3 bucket and object ARNs have no region and no account');
    // With a region, AWS refuses the document outright.
    const withRegion = { ...doc, Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:us-east-1::acme-reports' }] };
    await expectAwsError(
      ctx.clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: 'arn:aws:iam::000000000000:policy/ReportsReader', PolicyDocument: JSON.stringify(withRegion) })),
      { code: 'MalformedPolicyDocument', status: 400, message: 'Resource arn:aws:s3:us-east-1::acme-reports can not contain region information.' },
    );
  });

  it('lamda.amazonaws.com in a trust policy: AWS refuses it, and the lint names the fix', async () => {
    const ctx = await fresh();
    await labGraders['03-roles'].setup(ctx);
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lamda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await expectAwsError(ctx.clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ReportsFunctionRole', PolicyDocument: JSON.stringify(trust) })), {
      code: 'MalformedPolicyDocument',
      status: 400,
      message: 'Invalid principal in policy: "SERVICE":"lamda.amazonaws.com"',
    });
    // Backends that accept it (moto) still get the explanation from the check's lint.
    expect(await lintHints(trust, 'trust')).toContain('lamda.amazonaws.com is not an AWS service principal — did you mean lambda.amazonaws.com?');
  });

  it('aws:SourceIpAddress in OfficeOnlyPayroll: IAM accepts the unknown key, the check names the real one', async () => {
    const ctx = await fresh();
    await labGraders['04-policies'].setup(ctx);
    const doc = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-payroll/*', Condition: { IpAddress: { 'aws:SourceIpAddress': '10.0.0.0/8' } } }],
    };
    // IAM checks a condition's operator and value shape, not whether the key exists
    const created = await ctx.clients.iam.send(new CreatePolicyCommand({ PolicyName: 'OfficeOnlyPayroll', PolicyDocument: JSON.stringify(doc) }));
    await ctx.clients.iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: created.Policy!.Arn }));
    const text = feedbackText(await step('04-policies', 'policies/source-ip-condition').check(ctx));
    expect(text).toContain(
      'OfficeOnlyPayroll: aws:SourceIpAddress is not an AWS global condition key, so no request carries it and the condition never sees a value — did you mean aws:SourceIp?',
    );
  });
});
