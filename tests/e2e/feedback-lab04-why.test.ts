/**
 * The lab 04 story with the real AWS CLI, and the feedback a learner gets on the way:
 * AccessDenied as analyst → the check names the statement and element at fault → `iam-labs why`
 * shows the policy with the statement marked, `why --last` explains the denial just seen → the
 * learner publishes ReportsReader v2 with the CLI → listing works and the step passes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import pc from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { fetchLastDenial } from '../../src/backends/embedded.js';
import { labGraders } from '../../src/graders/index.js';
import type { LabContext } from '../../src/graders/types.js';
import type { CommandIO } from '../../src/runner/io.js';
import { whyCommand } from '../../src/runner/commands/why.js';
import { stepPassed } from '../../src/runner/grading.js';
import { feedbackText } from '../../src/runner/output.js';
import { awsCli, labContext, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let ctx: LabContext;
const lab = labGraders['04-policies'];
const step = (id: string) => lab.steps.find((s) => s.id === id)!;

function captureIO(): { io: CommandIO; text: () => string } {
  let buf = '';
  const out = new Writable({ write(chunk, _enc, cb) { buf += String(chunk); cb(); } });
  const io: CommandIO = { env: {}, out, err: out, input: new PassThrough(), tty: false, plain: true, c: pc.createColors(false), home: os.tmpdir() };
  return { io, text: () => buf };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  ctx = labContext(emu.endpoint).ctx;
  await lab.setup(ctx);
});
afterAll(async () => {
  await emu?.close();
});

describe('lab 04: AccessDenied, feedback, why, fix', () => {
  it('analyst is denied listing acme-reports, for real', async () => {
    const r = await awsCli(emu.endpoint, ['s3', 'ls', 's3://acme-reports'], { creds: ctx.profiles.get('analyst') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/AccessDenied/);
  });

  it('the check names the statement and the element that did not match', async () => {
    const conds = await step('policies/fix-bucket-arn').check(ctx);
    expect(stepPassed(conds)).toBe(false);
    expect(feedbackText(conds)).toContain(
      's3:ListBucket acts on the bucket arn:aws:s3:::acme-reports, but the Resource of the only statement that allows it (ReportsReader, statement 1 "ReadReports") lists arn:aws:s3:::acme-reports/*, which names objects, not the bucket',
    );
    // the policy itself, readable, with the statement at fault marked
    const list = conds.find((c) => c.name.startsWith('analyst can list acme-reports'))!;
    expect(list.policy).toMatch(/^ReportsReader — attached to user analyst:\n/);
    expect(list.policy).toMatch(/^▶\s+"Resource": "arn:aws:s3:::acme-reports\/\*"$/m);
  });

  it('iam-labs why shows the decision and marks the statement', async () => {
    const { io, text } = captureIO();
    const code = await whyCommand({ principal: 'analyst', action: 's3:ListBucket', resource: 'arn:aws:s3:::acme-reports', plain: true }, { io, ctx });
    expect(code).toBe(0);
    const out = text();
    expect(out).toContain('Decision: DENIED (implicit deny: nothing allows it)');
    expect(out).toContain('which names objects, not the bucket');
    expect(out).toMatch(/^NEAR\s+.*"Sid": "ReadReports"/m);
    // S3's own wording: the resource in quotes, as the learner just saw it from `aws s3 ls`
    expect(out).toContain(
      'AWS would answer: User: arn:aws:iam::000000000000:user/analyst is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::acme-reports" because no identity-based policy allows the s3:ListBucket action\n',
    );
  });

  it('iam-labs why resolves a lab profile and --json gives the same facts', async () => {
    const { io, text } = captureIO();
    await whyCommand({ principal: 'intern', action: 'iam:CreateUser', resource: 'arn:aws:iam::000000000000:user/x', json: true }, { io, ctx });
    const report = JSON.parse(text());
    expect(report.decision).toBe('Allowed');
    expect(report.explanation).toContain('TempFullAccess');
    expect(report.policies[0].deciding).toEqual([1]);
  });

  it('iam-labs why --last explains the AccessDenied the emulator just returned', async () => {
    const { io, text } = captureIO();
    // the embedded backend's decision log, through the emulator's loopback route as the CLI reads it
    const lastDenial = () => fetchLastDenial(emu.endpoint, undefined, emu.emulator.controlToken);
    await whyCommand({ last: true, plain: true }, { io, ctx, lastDenial });
    const out = text();
    expect(out).toMatch(/Last denial: .* arn:aws:iam::000000000000:user\/analyst → s3:ListBucket on arn:aws:s3:::acme-reports/);
    expect(out).toContain('which names objects, not the bucket');
  });

  it('iam-labs why refuses incomplete questions and unknown principals with a usage error', async () => {
    const { io } = captureIO();
    await expect(whyCommand({ principal: 'analyst', action: 's3:ListBucket' }, { io, ctx })).rejects.toMatchObject({ name: 'UsageError', exitCode: 2 });
    await expect(whyCommand({ principal: 'nobody', action: 's3:ListBucket', resource: '*' }, { io, ctx })).rejects.toThrow(/neither a user of this account nor a lab profile/);
    await expect(whyCommand({ last: true }, { io, ctx })).rejects.toThrow(/--last` needs a backend that keeps a decision log/);
  });

  it('iam-labs why explains a role through the bucket policy, and the account root', async () => {
    const { io, text } = captureIO();
    await whyCommand({ principal: 'role/ReportsAuditor', action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/q1.csv', plain: true }, { io, ctx });
    expect(text()).toContain('Decision: DENIED (implicit deny: nothing allows it)');
    expect(text()).toContain('role ReportsAuditor has no policies at all');
    const root = captureIO();
    await whyCommand({ principal: 'arn:aws:iam::000000000000:root', action: 'iam:DeleteUser', resource: '*', plain: true }, { io: root.io, ctx });
    expect(root.text()).toContain('Decision: ALLOWED (account root)');
  });

  it('after publishing v2 with the CLI, analyst can list and the step passes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab04-'));
    const file = path.join(dir, 'reports-reader-v2.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::acme-reports' },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::acme-reports/*'] },
        ],
      }),
    );
    const pub = await awsCli(emu.endpoint, ['iam', 'create-policy-version', '--policy-arn', 'arn:aws:iam::000000000000:policy/ReportsReader', '--policy-document', `file://${file}`, '--set-as-default']);
    expect(pub.code, pub.stderr).toBe(0);
    const ls = await awsCli(emu.endpoint, ['s3', 'ls', 's3://acme-reports'], { creds: ctx.profiles.get('analyst') });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('q1.csv');
    const conds = await step('policies/fix-bucket-arn').check(ctx);
    expect(feedbackText(conds)).toBe('');
    expect(stepPassed(conds)).toBe(true);
  });
});
