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
  }, 600_000);

  it('no problem, exit 0', () => {
    const problems = out.findings.filter((f) => f.outcome === 'problem');
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
    expect(out.backend).toBe('moto');
    expect(code).toBe(0);
  });

  it('lists exactly what moto cannot show, each with its reason', () => {
    const unverifiable = out.findings.filter((f) => f.outcome === 'unverifiable');
    for (const f of unverifiable) expect(f.detail).toMatch(/not verifiable here|cannot be verified/);
    expect(unverifiable.map((f) => `${f.step}: ${f.check}`)).toEqual([
      'users/access-key: unsolved fails, solution passes',
      'users/console-password: unsolved fails, solution passes',
      'users/console-password: mistake: reset not required',
      'roles/assume-role: unsolved fails, solution passes',
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
    expect(detail('users/access-key')).toContain('the key has been used (aws sts get-caller-identity --profile samy)');
    expect(detail('users/console-password')).toContain('Samy must change the password at first sign-in');
    expect(detail('roles/assume-role')).toContain('S3AuditRole has been used (aws sts assume-role … --profile dev-john)');
    expect(detail('workloads/metadata-credentials')).toContain('This backend keeps no CloudTrail event history');
    expect(detail('workloads/lambda-trust')).toContain('This backend does not run function code');
    expect(detail('workloads/ecr-power-user')).toContain('cannot show who asked ECR for a token');
  });
});
