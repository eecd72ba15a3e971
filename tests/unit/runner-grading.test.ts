import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../../src/core/errors.js';
import { checkStep, isUnreachable, type LabResult } from '../../src/runner/grading.js';
import type { CommandIO } from '../../src/runner/io.js';
import { renderLabResult } from '../../src/runner/output.js';
import type { LabContext, StepGrader } from '../../src/graders/types.js';

const ctx = { endpoint: 'http://127.0.0.1:9' } as LabContext;
const step = (check: StepGrader['check']): StepGrader => ({ id: 'toy/x', check, solve: async () => {} });
const io = { c: pc.createColors(false), plain: true, tty: false, out: { write: () => true } } as unknown as CommandIO;

describe('grading', () => {
  it('a step passes when no condition failed; unverifiable ones are kept and shown', async () => {
    const r = await checkStep(
      step(async () => [
        { name: 'a', status: 'passed', expected: 'x', found: 'x' },
        { name: 'b', status: 'unverifiable', expected: 'used', found: 'not recorded here', why: 'moto keeps no last-used data' },
      ]),
      'X',
      ctx,
    );
    expect(r.passed).toBe(true);
    expect(r.conditions.map((c) => [c.name, c.status, c.passed])).toEqual([
      ['a', 'passed', true],
      ['b', 'unverifiable', false],
    ]);
    expect((await checkStep(step(async () => []), 'X', ctx)).passed).toBe(false);
  });

  it('an AWS error from the backend becomes a failed condition that says so', async () => {
    const err = Object.assign(new Error('User: x is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const r = await checkStep(step(async () => Promise.reject(err)), 'X', ctx);
    expect(r.passed).toBe(false);
    expect(r.conditions[0]).toMatchObject({ status: 'failed', found: 'AccessDenied: User: x is not authorized' });
  });

  it('a backend that does not answer is a BackendUnavailableError (exit 2), not a failed step', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(isUnreachable(refused)).toBe(true);
    expect(isUnreachable(Object.assign(new Error('x'), { cause: refused }))).toBe(true);
    expect(isUnreachable(new Error('NoSuchEntity'))).toBe(false);
    await expect(checkStep(step(async () => Promise.reject(refused)), 'X', ctx)).rejects.toThrow(BackendUnavailableError);
  });

  it('the report explains a failure shared by several steps once, with symbols and words', () => {
    const missing = { name: 'user Samy exists', status: 'failed' as const, passed: false, expected: 'Samy', found: 'no user', why: 'not created yet' };
    const result: LabResult = {
      lab: '01-users',
      title: 'Users',
      passed: false,
      steps: [
        { id: 'users/a', title: 'A', passed: false, conditions: [missing] },
        { id: 'users/b', title: 'B', passed: false, conditions: [missing] },
        { id: 'users/c', title: 'C', passed: true, conditions: [{ ...missing, status: 'passed', passed: true }] },
      ],
    };
    const text = renderLabResult(io, result);
    expect(text.match(/why:\s+not created yet/g)).toHaveLength(1);
    expect(text).toMatch(/2\. ✘ todo\s+B.*\n\s+✘ user Samy exists — as in step 1/);
    expect(text).toMatch(/3\. ✔ done\s+C/);
    expect(text).toMatch(/1 of 3 steps pass\./);
  });
});
