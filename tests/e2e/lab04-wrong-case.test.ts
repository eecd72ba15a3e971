/**
 * Lab 04: a customer managed policy created with the wrong case (internReadReports for
 * InternReadReports) is reported as such, with the way out, instead of "no such policy" next to
 * "attached to intern: internReadReports". IAM refuses to create InternReadReports beside it
 * (names differ only by case count as the same name), so the hint must not say "create it".
 */
import { AttachUserPolicyCommand, CreatePolicyCommand, DeleteUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { labGraders } from '../../src/graders/index.js';
import type { LabContext } from '../../src/graders/types.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { labContext, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let ctx: LabContext;
const lab = labGraders['04-policies'];
const leastPrivilege = lab.steps.find((s) => s.id === 'policies/least-privilege')!;
const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }] });
const ARN = 'arn:aws:iam::000000000000:policy/internReadReports';

beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = labContext(emu.endpoint).ctx;
  await lab.setup(ctx);
});
afterAll(async () => {
  await emu?.close();
});

describe('lab 04 least-privilege: internReadReports (wrong case)', () => {
  it('says the policy has the wrong case, and how to replace it', async () => {
    await ctx.clients.iam.send(new CreatePolicyCommand({ PolicyName: 'internReadReports', PolicyDocument: DOC }));
    await ctx.clients.iam.send(new AttachUserPolicyCommand({ UserName: 'intern', PolicyArn: ARN }));
    await ctx.clients.iam.send(new DeleteUserPolicyCommand({ UserName: 'intern', PolicyName: 'TempFullAccess' }));
    // what "create it" would answer
    await expectAwsError(ctx.clients.iam.send(new CreatePolicyCommand({ PolicyName: 'InternReadReports', PolicyDocument: DOC })), {
      code: 'EntityAlreadyExists',
      status: 409,
      message: 'A policy called InternReadReports already exists. Duplicate names are not allowed.',
    });

    const exists = (await leastPrivilege.check(ctx)).find((c) => c.name === 'customer managed policy InternReadReports exists')!;
    expect(exists.status).toBe('failed');
    expect(exists.found).toBe('customer managed policy internReadReports (different case)');
    expect(exists.why).toBe(
      'There is a customer managed policy called internReadReports, but this step asks for InternReadReports. IAM keeps the case you type, and names that differ only by case count as the same name, so you cannot have both.',
    );
    expect(exists.hint).toBe(
      `Delete internReadReports (aws iam delete-policy --policy-arn ${ARN}; IAM refuses while it is attached to anyone or has versions other than the default: detach it and delete those first), then create InternReadReports with exactly that spelling: aws iam create-policy --policy-name InternReadReports --policy-document file://intern-read-reports.json`,
    );
  });
});
