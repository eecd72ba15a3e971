/**
 * `iam-labs dev check` through the built CLI on the real course (labs/ and src/graders): on the
 * embedded emulator every step starts unsolved, its solution passes and every listed mistake
 * fails; on moto_server the same, with what moto cannot verify listed (never silently skipped).
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, newLabHome } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

/** the real course: no fixture overrides */
function realCourse() {
  const lab = newLabHome();
  delete lab.env.IAM_LABS_COURSE_DIR;
  delete lab.env.IAM_LABS_GRADERS;
  return lab;
}

interface Finding {
  lab: string;
  step: string;
  check: string;
  outcome: 'ok' | 'problem' | 'unverifiable';
  detail?: string;
}

describe('dev check of the real course', () => {
  it('embedded: every lab, no problem, nothing unverifiable', { timeout: 300_000 }, async () => {
    const r = await cli(realCourse(), ['dev', 'check', '--json']);
    const out = JSON.parse(r.stdout) as { passed: boolean; findings: Finding[] };
    const bad = out.findings.filter((f) => f.outcome !== 'ok');
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    expect(new Set(out.findings.map((f) => f.lab))).toEqual(new Set(['01-users', '02-groups', '03-roles', '04-policies']));
    expect(r.code).toBe(0);
  });

  const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
  it.skipIf(!hasMoto)('moto: no problem; what moto cannot show is listed with its reason', { timeout: 600_000 }, async () => {
    const r = await cli(realCourse(), ['dev', 'check', '--backend', 'moto', '--json']);
    const out = JSON.parse(r.stdout) as { passed: boolean; findings: Finding[] };
    for (const f of out.findings.filter((x) => x.outcome === 'unverifiable')) expect(f.detail).toMatch(/not verifiable here|cannot be verified/);
    const problems = out.findings.filter((f) => f.outcome === 'problem');
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
    expect(r.code).toBe(0);
  });
});
