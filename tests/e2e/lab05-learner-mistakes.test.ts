/**
 * Lab 05 as a beginner gets it wrong, through the built CLI and the real AWS CLI in the lab shell:
 * the commands a learner types by analogy with the others (`iam-labs hint 05` like `check 05`),
 * and the mistakes the chapters warn about, each with what the check must then say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 300_000);

describe('lab 05: a beginner on the wrong foot', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = realCourse();
    const r = await cli(lab, ['start', '05', '--detach']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
  afterAll(() => cleanup(lab));

  const shell = (command: string) => cli(lab, ['shell', '-c', command]);

  it('hint 05 means lab 05, as check 05 does: the first step not done, not step 5', async () => {
    const r = await cli(lab, ['hint', '05', '--plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Hint 1 of 3 for “Set a strong password policy for the account”/);
    expect(r.stdout).not.toMatch(/access key nobody uses/);
    // the lab's id and topic say the same; a plain number is still a step of the current lab
    expect((await cli(lab, ['hint', '05-hygiene', '--plain'])).stdout).toMatch(/Hint 2 of 3 for “Set a strong password policy/);
    expect((await cli(lab, ['hint', '5', '--plain'])).stdout).toMatch(/Hint 1 of 3 for “Find and switch off the access key nobody uses”/);
  }, 120_000);

  it('a boundary policy created as devboundary (wrong case) and attached: the check says so and how to get out of it', async () => {
    const made = await shell(
      `cd ~ && printf '%s' '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","ec2:Describe*"],"Resource":"*"}]}' > b.json
       ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
       aws iam create-policy --policy-name devboundary --policy-document file://b.json --query Policy.Arn --output text
       aws iam attach-user-policy --user-name dev-john --policy-arn arn:aws:iam::$ACCOUNT:policy/devboundary
       aws iam create-policy --policy-name DevBoundary --policy-document file://b.json`,
    );
    // AWS's answer to the second name: the same name, whatever the case
    expect(made.stderr).toMatch(/\(EntityAlreadyExists\).*A policy called DevBoundary already exists\. Duplicate names are not allowed\./);
    const r = await cli(lab, ['check', '--step', '4', '--json']);
    const step = (JSON.parse(r.stdout) as { steps: Array<{ conditions: Array<{ name: string; status: string; found?: string; why?: string; hint?: string }> }> }).steps[0];
    const c = step.conditions.find((x) => x.name === 'dev-john has the permissions boundary DevBoundary')!;
    expect(c.status).toBe('failed');
    expect(c.found).toBe('policy devboundary (different case), attached as a permissions policy');
    expect(c.why).toMatch(/called devboundary, but this step asks for DevBoundary[\s\S]*cannot create DevBoundary beside it/);
    expect(c.hint).toMatch(/^Remove devboundary \(aws iam detach-user-policy --user-name dev-john --policy-arn arn:aws:iam::\d{12}:policy\/devboundary, aws iam delete-policy --policy-arn arn:aws:iam::\d{12}:policy\/devboundary\), then create DevBoundary/);

    // the reference solution meets the same refusal: said as AWS's answer, not as a crash
    const solved = await cli(lab, ['solve', '05', '--step', '4', '--yes', '--plain']);
    expect(solved.code).toBe(1);
    expect(solved.stderr).not.toMatch(/unexpected error|at .*\.js:\d+/);
    expect(solved.stdout).toContain(
      'the reference solution of hygiene/permissions-boundary could not be applied: AWS refused one of its calls (EntityAlreadyExists: A policy called DevBoundary already exists. Duplicate names are not allowed.)',
    );
    expect(solved.stdout).toContain('`iam-labs reset 05 --step 4` puts the step back to its start');
    // the way out the check gave works
    const out = await shell(
      'ACCOUNT=$(aws sts get-caller-identity --query Account --output text); aws iam detach-user-policy --user-name dev-john --policy-arn arn:aws:iam::$ACCOUNT:policy/devboundary && aws iam delete-policy --policy-arn arn:aws:iam::$ACCOUNT:policy/devboundary',
    );
    expect(out.code, out.stderr).toBe(0);
  }, 120_000);

  it('an analyzer named Org-Analyzer (wrong case): the check says to delete it before creating org-analyzer (one ACCOUNT analyzer per Region on AWS)', async () => {
    const made = await shell('aws accessanalyzer create-analyzer --analyzer-name Org-Analyzer --type ACCOUNT --query arn --output text');
    expect(made.stdout).toMatch(/analyzer\/Org-Analyzer/);
    const r = await cli(lab, ['check', '--step', '7', '--json']);
    const step = (JSON.parse(r.stdout) as { steps: Array<{ conditions: Array<{ name: string; status: string; found?: string; hint?: string }> }> }).steps[0];
    const c = step.conditions.find((x) => x.name === 'analyzer org-analyzer exists (type ACCOUNT)')!;
    expect(c.found).toBe('analyzer Org-Analyzer (different case)');
    expect(c.hint).toBe(
      'An account has one analyzer of type ACCOUNT per Region: delete Org-Analyzer first (aws accessanalyzer delete-analyzer --analyzer-name Org-Analyzer), then aws accessanalyzer create-analyzer --analyzer-name org-analyzer --type ACCOUNT',
    );
  }, 120_000);

  it("iam-labs why dev-john iam:CreateUser '*' (the chapter's example) names the boundary, not a missing identity policy", async () => {
    const solved = await cli(lab, ['solve', '05', '--step', '4', '--yes']);
    expect(solved.code, solved.stderr).toBe(0);
    const r = await cli(lab, ['why', 'dev-john', 'iam:CreateUser', '*', '--plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Decision: DENIED \(implicit deny: the permissions boundary does not allow it\)$/m);
    expect(r.stdout).toMatch(/^Why: user dev-john → iam:CreateUser on \*: Implicitly denied by the permissions boundary\. The boundary \(DevBoundary, permissions boundary of user dev-john\) does not allow iam:CreateUser/m);
    expect(r.stdout).toMatch(/^AWS would answer: User: arn:aws:iam::\d{12}:user\/dev-john is not authorized to perform: iam:CreateUser because no permissions boundary allows the iam:CreateUser action$/m);
  }, 120_000);
});
