/**
 * Lab 05 as a learner lives it, through the built CLI: `iam-labs start 05 --detach` seeds the
 * account with its past, then each step's commands typed in `iam-labs shell` (the real AWS CLI,
 * v1 and Debian's v2, through the lab's shim; `iam-labs totp` on PATH), and after each step
 * `iam-labs check` shows that step turning done while the next ones stay todo.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/core/course.js';
import { cleanup, cli, ensureBuilt, realCourse, ROOT, type Lab } from './runner-helpers.js';

const lab05 = loadCourse(path.join(ROOT, 'labs')).labs.find((l) => l.id === '05-hygiene')!;

/** What a learner types for each step: the chapter's reference solution, as printed after the step. */
const typed = (stepId: string) =>
  [...(lab05.steps.find((s) => s.id === stepId)!.solution ?? '').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');

interface Checked {
  steps: Array<{ id: string; passed: boolean; conditions: Array<{ name: string; status: string }> }>;
}

const CLIS = [{ name: 'v1', dir: undefined as string | undefined }, ...(fs.existsSync('/usr/bin/aws') ? [{ name: 'v2', dir: '/usr/bin' }] : [])];

beforeAll(() => ensureBuilt(), 300_000);

describe.each(CLIS)('lab 05 start to finish with AWS CLI $name', ({ dir }) => {
  let lab: Lab;
  beforeAll(() => {
    lab = realCourse();
    // `iam-labs` on PATH as an installed one would be, bash for the lab shell; v2 first when asked
    const bin = path.join(lab.home, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'iam-labs'), `#!/bin/sh\nexec '${process.execPath}' '${path.join(ROOT, 'bin', 'iam-labs.js')}' "$@"\n`, { mode: 0o755 });
    lab.env.PATH = [bin, dir, lab.env.PATH].filter(Boolean).join(':');
    lab.env.SHELL = '/bin/bash';
  });
  afterAll(() => cleanup(lab));

  const check = async (): Promise<Checked> => {
    const r = await cli(lab, ['check', '--json']);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    return JSON.parse(r.stdout) as Checked;
  };

  it('start 05 --detach seeds the lab: seven steps, all todo', async () => {
    const r = await cli(lab, ['start', '05', '--detach']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Account hygiene and audit/);
    const first = await check();
    expect(first.steps.map((s) => s.id)).toEqual(lab05.steps.map((s) => s.id));
    expect(first.steps.map((s) => s.passed)).toEqual([false, false, false, false, false, false, false]);
    // the seeded past is there: mallory's call three days ago, old-ci's key 200 days ago
    const trail = await cli(lab, ['shell', '-c', 'aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=mallory --query "Events[].[EventName, EventTime]" --output text']);
    expect(trail.stdout).toContain('AttachUserPolicy');
    // times as the chapters show them, also from AWS CLI v1 (which would print seconds since 1970)
    expect(trail.stdout).toMatch(/AttachUserPolicy\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  }, 120_000);

  it('each step turns done after its commands, and stays done', async () => {
    for (const [i, step] of lab05.steps.entries()) {
      const run = await cli(lab, ['shell', '-c', `set -eo pipefail; cd "$HOME"\n${typed(step.id)}`]);
      expect(run.code, `${step.id}:\n${run.stdout}\n${run.stderr}`).toBe(0);
      const after = await check();
      const failing = after.steps[i].conditions.filter((c) => c.status !== 'passed').map((c) => c.name);
      expect(after.steps[i].passed, `${step.id} after its commands; not passing: ${failing.join('; ')}`).toBe(true);
      expect(after.steps.slice(0, i + 1).every((s) => s.passed), `earlier steps still done after ${step.id}`).toBe(true);
      expect(after.steps.slice(i + 1).some((s) => s.passed), `a later step passed early after ${step.id}`).toBe(false);
    }
    const text = await cli(lab, ['check', '--plain']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/All 7 steps done\./);
  }, 300_000);
});
