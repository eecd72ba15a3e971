/**
 * The course as a learner lives it, through the built CLI on the embedded backend: every lab in
 * the order labs/course.md gives, and in every step a mistake first (one of the step's scripted
 * mistakes, made in the lab's own account as the learner's aws calls would), `iam-labs check`
 * saying the step is not done, then the fix: `iam-labs reset --step N` and the chapter's commands
 * typed in `iam-labs shell`. On the way the learner switches to the next lab in the middle of one
 * and comes back, stops the backend and starts again; at the end every lab is complete, every
 * step passed once and is still recorded as passed, and no solution was revealed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse, type Lab as CourseLab } from '../../src/core/course.js';
import { labGraders } from '../../src/graders/index.js';
import { createLabContext, FactMap } from '../../src/runner/lab-context.js';
import { LabAwsFiles } from '../../src/runner/aws-files.js';
import { labPaths } from '../../src/core/paths.js';
import { EMBEDDED_CAPABILITIES } from '../../src/backends/embedded.js';
import { cleanup, cli, ensureBuilt, realCourse, ROOT, session, type Lab } from './runner-helpers.js';

const course = loadCourse(path.join(ROOT, 'labs'));

/** What a learner types for a step: the chapter's reference solution, as printed after the step. */
const typed = (step: CourseLab['steps'][number]) =>
  [...(step.solution ?? '').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');

interface Checked {
  passed: boolean;
  complete?: boolean;
  steps: Array<{ id: string; passed: boolean; done?: boolean; status?: string; passedAt?: string; conditions: Array<{ name: string; status: string }> }>;
}

let learner: Lab;

beforeAll(() => {
  ensureBuilt();
  learner = realCourse();
  // `iam-labs` on PATH as an installed one would be (lab 05's commands run `iam-labs totp`)
  const bin = path.join(learner.home, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'iam-labs'), `#!/bin/sh\nexec '${process.execPath}' '${path.join(ROOT, 'bin', 'iam-labs.js')}' "$@"\n`, { mode: 0o755 });
  learner.env.PATH = [bin, learner.env.PATH].join(':');
  learner.env.SHELL = '/bin/bash';
}, 300_000);
afterAll(() => cleanup(learner));

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);

async function check(lab: CourseLab): Promise<Checked> {
  const r = await cli(learner, ['check', lab.number, '--json']);
  noStack(r.stderr);
  expect(r.stderr, `check ${lab.number}`).not.toMatch(/Error/);
  return JSON.parse(r.stdout) as Checked;
}

const isDone = (s: Checked['steps'][number]) => s.done ?? s.passed;

/** One of the step's scripted mistakes, made in the lab's own account (with the lab's profiles and facts). */
async function makeMistake(lab: CourseLab, index: number): Promise<string> {
  const grader = labGraders[lab.id].steps[index];
  const home = learner.env.IAM_LABS_HOME;
  const record = JSON.parse(fs.readFileSync(labPaths(home, lab.id).record, 'utf8')) as { accountId: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  const progress = JSON.parse(fs.readFileSync(path.join(home, 'progress.json'), 'utf8')) as { facts: Record<string, string> };
  const endpoint = session(learner)!.endpoint;
  const passed = new Set(lab.steps.slice(0, index).map((s) => s.id));
  const tried: string[] = [];
  for (const mistake of grader.mistakes ?? []) {
    const target = { endpoint, credentials: record.credentials, accountId: record.accountId, region: 'us-east-1', capabilities: EMBEDDED_CAPABILITIES };
    const { ctx, destroy } = createLabContext(target, new FactMap({ ...progress.facts }), new LabAwsFiles(labPaths(home, lab.id), endpoint, 'us-east-1'), undefined, passed);
    try {
      await mistake.apply(ctx);
      return mistake.name;
    } catch (e) {
      // a mistake that needs a state this journey does not have (AWS refused it): try the next one
      tried.push(`${mistake.name}: ${(e as Error).message}`);
    } finally {
      destroy();
    }
  }
  throw new Error(`no scripted mistake of ${grader.id} applied:\n${tried.join('\n')}`);
}

/** Files a step's commands read (`file://x`, `iam-labs totp x`) and write (`--outfile x`, `> x`). */
const filesRead = (script: string) => [...script.matchAll(/(?:file:\/\/|totp )([\w.-]+)/g)].map((m) => m[1]);
const filesWritten = (script: string) => new Set([...script.matchAll(/(?:--outfile |> )([\w.-]+)/g)].map((m) => m[1]));

/**
 * Where the learner resets to, to fix a mistake in step `index`: the step itself, or an earlier
 * step whose commands wrote a file this step's commands read. (A reset re-applies the earlier
 * steps in a new account, so a file kept from them, such as lab 05's MFA seed, belongs to the old
 * account: the learner redoes the step that made it.)
 */
function resetTo(lab: CourseLab, index: number): number {
  const here = typed(lab.steps[index]);
  const mine = filesWritten(here);
  let to = index;
  for (const file of filesRead(here).filter((f) => !mine.has(f))) {
    const maker = lab.steps.findIndex((s, i) => i < index && filesWritten(typed(s)).has(file));
    if (maker >= 0) to = Math.min(to, maker);
  }
  return to;
}

/** A step as the learner does it: a mistake, check, then reset the step and type its commands. */
async function doStep(lab: CourseLab, index: number): Promise<void> {
  const step = lab.steps[index];
  const mistake = await makeMistake(lab, index);
  const wrong = await check(lab);
  expect(isDone(wrong.steps[index]), `${step.id} done after the mistake “${mistake}”`).toBe(false);
  expect(wrong.steps[index].conditions.some((c) => c.status === 'failed'), `${step.id}: the mistake “${mistake}” is named`).toBe(true);
  expect(wrong.steps.slice(0, index).every(isDone), `earlier steps of ${lab.id} still done after the mistake in ${step.id}`).toBe(true);

  const from = resetTo(lab, index);
  const reset = await cli(learner, ['reset', lab.number, '--step', String(from + 1), '--yes']);
  expect(reset.code, `reset ${lab.number} --step ${from + 1}: ${reset.stdout}${reset.stderr}`).toBe(0);
  for (const s of lab.steps.slice(from, index + 1)) {
    const run = await cli(learner, ['shell', lab.number, '-c', `set -eo pipefail; cd "$HOME"\n${typed(s)}`]);
    expect(run.code, `${s.id}'s commands:\n${run.stdout}\n${run.stderr}`).toBe(0);
  }
  const right = await check(lab);
  const failing = right.steps[index].conditions.filter((c) => c.status === 'failed').map((c) => c.name);
  expect(isDone(right.steps[index]), `${step.id} after its commands; failing: ${failing.join('; ')}`).toBe(true);
  expect(right.steps.slice(0, index + 1).every(isDone), `earlier steps of ${lab.id} done after ${step.id}`).toBe(true);
  // a step cannot pass before its own work
  expect(right.steps.slice(index + 1).some((s) => s.passed), `a later step of ${lab.id} passed early after ${step.id}`).toBe(false);
}

async function open(lab: CourseLab, expectContinue: boolean): Promise<void> {
  const r = await cli(learner, ['start', lab.number, '--detach']);
  expect(r.code, `start ${lab.number}: ${r.stdout}${r.stderr}`).toBe(0);
  noStack(r.stderr);
  if (expectContinue) expect(r.stdout).toMatch(new RegExp(`Continuing lab ${lab.number}`));
  else expect(r.stdout).toMatch(new RegExp(`Lab ${lab.number} runs in its own account`));
}

const labs = course.labs.filter((l) => labGraders[l.id]);
const byNumber = (n: string) => labs.find((l) => l.number === n)!;

describe('a learner goes through the whole course', () => {
  it('has labs to go through, in order', () => {
    expect(labs.map((l) => l.number)).toEqual(course.labs.filter((l) => labGraders[l.id]).map((l) => l.number));
    expect(labs.length).toBeGreaterThanOrEqual(5);
  });

  it('every lab in order, a mistake and a fix per step; switching labs, stopping and coming back lose nothing', async () => {
    const opened = new Set<string>();
    const finished = new Set<string>();
    const resume = async (lab: CourseLab) => {
      await open(lab, opened.has(lab.id));
      opened.add(lab.id);
    };
    for (const lab of labs) {
      await resume(lab);
      for (let i = 0; i < lab.steps.length; i++) {
        if (finished.has(lab.steps[i].id)) continue;
        await doStep(lab, i);
        finished.add(lab.steps[i].id);
        if (lab.number === '02' && i === 1) {
          // quit and come back: the backend stops, the work and progress are kept
          expect((await cli(learner, ['stop'])).code).toBe(0);
          expect(session(learner)).toBeUndefined();
          await resume(lab);
          const back = await check(lab);
          expect(back.steps.slice(0, 2).every(isDone), 'lab 02 steps 1–2 after stop and start').toBe(true);
        }
        if (lab.number === '03' && i === 1) {
          // switch to lab 04 in the middle of lab 03, do its first step, and come back
          const next = byNumber('04');
          await resume(next);
          await doStep(next, 0);
          finished.add(next.steps[0].id);
          await resume(lab);
          const back = await check(lab);
          expect(back.steps.slice(0, 2).every(isDone), 'lab 03 steps 1–2 after a visit to lab 04').toBe(true);
        }
      }
      const end = await cli(learner, ['check', lab.number, '--plain']);
      expect(end.code, `check ${lab.number} at the end of the lab:\n${end.stdout}`).toBe(0);
      expect(end.stdout).toMatch(new RegExp(`All ${lab.steps.length} steps done`));
    }

    // nothing lost: every lab still complete when checked again at the end, in any order
    for (const lab of [...labs].reverse()) {
      const again = await check(lab);
      expect(again.steps.every(isDone), `${lab.id} at the end of the course`).toBe(true);
    }
    // lab 02's offboarding takes bob out of the team on purpose: add-members stays done, not
    // "changed since" with a hint to add bob again
    const groups = await check(byNumber('02'));
    const addMembers = groups.steps.find((s) => s.id === 'groups/add-members');
    expect(addMembers?.status).toBe('done');

    const progress = JSON.parse((await cli(learner, ['progress', '--json'])).stdout) as {
      course: { complete: boolean };
      labs: Array<{ id: string; complete: boolean; steps: Array<{ id: string; passed: boolean; passedAt: string | null; revealedAt: string | null }> }>;
    };
    for (const lab of labs) {
      const p = progress.labs.find((l) => l.id === lab.id)!;
      expect(p.complete, `${lab.id} complete in progress`).toBe(true);
      for (const s of p.steps) {
        expect(s.passedAt, `${s.id} passedAt`).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(s.revealedAt, `${s.id} never revealed`).toBeNull();
      }
    }
    expect(progress.course.complete).toBe(true);

    // the completion record: written, verified offline, and a changed copy is refused
    const record = path.join(learner.home, 'completion.json');
    const cert = await cli(learner, ['certificate', '--out', record, '--name', 'Ada Learner']);
    expect(cert.code, cert.stdout + cert.stderr).toBe(0);
    expect(cert.stdout).toMatch(/Course complete/);
    const ok = await cli(learner, ['verify', record]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`Ada Learner — .*: ${labs.length} labs, ${labs.reduce((n, l) => n + l.steps.length, 0)} steps`));
    const forged = path.join(learner.home, 'forged.json');
    fs.writeFileSync(forged, fs.readFileSync(record, 'utf8').replace('Ada Learner', 'Eve Forger'));
    const bad = await cli(learner, ['verify', forged]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/Not valid/);
    noStack(bad.stderr);
  }, 1_500_000);
});
