/**
 * Lab 03's trust-policy hints name the file the chapter wrote (ec2-trust.json, lambda-trust.json,
 * break-glass-trust.json): a beginner who copies the hint's command must not get "Unable to load
 * paramfile file://trust.json" from the CLI.
 */
import { CreateRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { labGraders } from '../../src/graders/index.js';
import type { LabContext } from '../../src/graders/types.js';
import { labContext, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let ctx: LabContext;
const lab = labGraders['03-roles'];
const step = (id: string) => lab.steps.find((s) => s.id === id)!;
const trust = (Principal: unknown, extra: object = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal, Action: 'sts:AssumeRole', ...extra }] });
const hints = async (id: string) => (await step(id).check(ctx)).map((c) => c.hint ?? '').join('\n');

beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = labContext(emu.endpoint).ctx;
  await lab.setup(ctx);
});
afterAll(async () => {
  await emu?.close();
});

describe("lab 03: the trust hints name the chapter's files", () => {
  it('EC2AccessRole trusting Lambda: update with file://ec2-trust.json', async () => {
    await ctx.clients.iam.send(new CreateRoleCommand({ RoleName: 'EC2AccessRole', AssumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) }));
    const h = await hints('roles/ec2-trust-role');
    expect(h).toContain('aws iam update-assume-role-policy --role-name EC2AccessRole --policy-document file://ec2-trust.json');
    expect(h).not.toContain('file://trust.json');
  });

  it('ReportsFunctionRole trusting both services: update with file://lambda-trust.json', async () => {
    await ctx.clients.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'ReportsFunctionRole', PolicyDocument: trust({ Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] }) }),
    );
    const h = await hints('roles/fix-trust-principal');
    expect(h).toContain('aws iam update-assume-role-policy --role-name ReportsFunctionRole --policy-document file://lambda-trust.json');
    expect(h).not.toContain('file://trust.json');
  });

  it('BreakGlassRole trusting everyone: update with file://break-glass-trust.json', async () => {
    await ctx.clients.iam.send(
      new CreateRoleCommand({ RoleName: 'BreakGlassRole', AssumeRolePolicyDocument: trust({ AWS: '*' }, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }) }),
    );
    const h = await hints('roles/mfa-cross-account');
    expect(h).toContain('aws iam update-assume-role-policy --role-name BreakGlassRole --policy-document file://break-glass-trust.json');
    expect(h).not.toContain('file://trust.json');
  });
});
