/**
 * The same course, the same `iam-labs dev check`, on a private moto_server (one grading
 * everywhere). moto does not enforce IAM and does not record key or role last use, so what
 * depends on those must come back "not verifiable", with its reason: never a false pass or
 * fail. Skips loudly when moto_server is not installed.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DevFinding } from '../../src/runner/dev-check.js';
import { cli, ensureBuilt, realCourse } from './runner-helpers.js';

const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
if (!hasMoto) console.warn('SKIPPED: moto_server is not installed; the course was not dev-checked on moto.');

describe.skipIf(!hasMoto)('dev check of the real course on moto_server', () => {
  let out: { backend: string; passed: boolean; findings: DevFinding[] };
  let code: number;
  beforeAll(async () => {
    ensureBuilt();
    const r = await cli(realCourse(), ['dev', 'check', '--backend', 'moto', '--json']);
    code = r.code;
    out = JSON.parse(r.stdout) as typeof out;
    // the whole course on moto; moto resets slowly (it reloads the AWS managed policies) and every
    // mistake and variant costs a reset
  }, 1_800_000);

  it('no problem, exit 0', () => {
    const problems = out.findings.filter((f) => f.outcome === 'problem');
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
    expect(out.backend).toBe('moto');
    expect(code).toBe(0);
  });

  it('lists exactly what moto cannot show, each with its reason', () => {
    const unverifiable = out.findings.filter((f) => f.outcome === 'unverifiable');
    for (const f of unverifiable) expect(f.detail).toMatch(/not verifiable here|cannot be verified/);
    // a mistake that only the missing record can show passes here as "not verifiable", never as ok
    expect(unverifiable.map((f) => `${f.step}: ${f.check}`)).toEqual([
      'users/access-key: unsolved fails, solution passes',
      'users/access-key: mistake: saved but never used (no request signed with it)',
      'users/console-password: unsolved fails, solution passes',
      'users/console-password: mistake: reset not required',
      'roles/assume-role: unsolved fails, solution passes',
      'roles/assume-role: mistake: created but never assumed and used',
      'roles/assume-role: variant: trust names the account, dev-john alone gets sts:AssumeRole in an identity policy',
      'roles/assume-role: variant: account-id shorthand principal ("AWS": "ACCOUNT") plus dev-john\'s identity policy',
      'roles/assume-role: variant: Principal AWS as a list, inline read-only policy on the role',
      // lab 05: moto has no user permissions boundaries, no last-use or past history, no CloudTrail lookup, no Access Analyzer
      'hygiene/permissions-boundary: unsolved fails',
      'hygiene/permissions-boundary: mistake: no boundary',
      'hygiene/permissions-boundary: mistake: boundary allows iam:* too',
      'hygiene/permissions-boundary: mistake: DevBoundary attached as a permissions policy, not set as boundary',
      'hygiene/permissions-boundary: mistake: boundary without EC2 reads',
      'hygiene/permissions-boundary: mistake: the boundary policy named in another case (devboundary), attached instead of set',
      'hygiene/permissions-boundary: mistake: boundary under another name',
      'hygiene/stale-key: unsolved fails, solution passes',
      'hygiene/stale-key: mistake: the key in use deactivated instead',
      'hygiene/stale-key: mistake: both keys deleted and a new one made',
      'hygiene/who-did-it: unsolved fails, solution passes',
      'hygiene/who-did-it: mistake: fixed without looking at CloudTrail',
      'hygiene/access-analyzer: unsolved fails, solution passes',
      'hygiene/access-analyzer: mistake: bucket fixed, analyzer never created',
      'hygiene/access-analyzer: mistake: analyzer under another name',
      'hygiene/access-analyzer: mistake: public read only narrowed by an IP condition',
      // lab 06: moto has no metadata service, runs no function code and records no CloudTrail events
      'workloads/metadata-credentials: unsolved fails',
      'workloads/metadata-credentials: mistake: nothing done on the instance',
      "workloads/metadata-credentials: mistake: keys from i-legacy's user data exported in the instance shell",
      "workloads/metadata-credentials: mistake: the ci-builder profile's keys exported in the instance shell",
      'workloads/metadata-credentials: mistake: keys exported in the shell of i-legacy instead',
      'workloads/lambda-trust: unsolved fails, solution passes',
      'workloads/lambda-trust: mistake: report.csv uploaded by hand instead of invoking',
      'workloads/ecr-power-user: unsolved fails, solution passes',
      'workloads/ecr-power-user: mistake: password asked for without --profile ci-builder',
      'workloads/ecr-power-user: mistake: password asked for before the policy was attached, not again',
      'workloads/retire-embedded-keys: mistake: key deleted before i-legacy had a profile',
      'workloads/retire-embedded-keys: mistake: key deactivated before i-legacy had a profile',
    ]);
    const detail = (step: string) => unverifiable.find((f) => f.step === step)!.detail;
    expect(detail('users/access-key')).toContain("Samy's key has signed a request (aws sts get-caller-identity --profile samy)");
    expect(detail('users/console-password')).toContain('Samy must change the password at first sign-in');
    expect(detail('roles/assume-role')).toContain('S3AuditRole was used: a request signed with its temporary credentials');
    expect(detail('hygiene/permissions-boundary')).toContain('This backend does not support permissions boundaries on users.');
    expect(detail('hygiene/stale-key')).toContain('This backend does not record when an access key was last used');
    expect(detail('hygiene/who-did-it')).toContain('This backend keeps no CloudTrail event history.');
    expect(detail('hygiene/access-analyzer')).toContain('This backend has no IAM Access Analyzer.');
    expect(detail('workloads/metadata-credentials')).toContain('This backend keeps no CloudTrail event history');
    expect(detail('workloads/lambda-trust')).toContain('This backend does not run function code');
    expect(detail('workloads/ecr-power-user')).toContain('cannot show who asked ECR for a token');
  });
});
