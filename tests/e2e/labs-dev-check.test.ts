/**
 * Every lab of the course against a real embedded emulator: setup → each step's check fails →
 * solve → passes; and every "must fail on" mistake of COURSE.md → the step fails with feedback
 * that names the problem (the feedback text is kept as a snapshot).
 */
import { ListGroupsCommand, ListInstanceProfilesCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labGraders } from '../../src/graders/index.js';
import { createLabContext } from '../../src/graders/context.js';
import { devCheckLab } from '../../src/graders/dev-check.js';
import { stepPassed } from '../../src/graders/conditions.js';
import { ROOT, startTestEmulator } from '../helpers/emulator.js';
import type { StartedEmulator } from '../../src/emulator/index.js';

let emu: StartedEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

/** Each context starts from an empty emulator. */
const fresh = () => {
  emu.emulator.state.reset();
  return createLabContext({ endpoint: emu.endpoint, credentials: ROOT });
};

/** Mask volatile values (key ids, dates, account ids) so the snapshot is stable. */
const normalize = (s: string) =>
  s
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '<key-id>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<date>')
    .replace(/\b0{12}\b/g, '<account>');

describe.each(Object.keys(labGraders))('lab %s', (labId) => {
  it('dev check: steps fail before solve, pass after; every mistake fails with its feedback', async () => {
    const report = await devCheckLab(labGraders[labId], fresh);
    for (const s of report.steps) {
      expect.soft(s.error, `${s.id} error`).toBeUndefined();
      expect.soft(s.failedBeforeSolve, `${s.id} must fail before solve: ${JSON.stringify(s.before)}`).toBe(true);
      expect.soft(s.passedAfterSolve, `${s.id} must pass after solve: ${JSON.stringify(s.after.filter((c) => c.status !== 'passed'))}`).toBe(true);
      for (const m of s.mistakes) {
        expect.soft(m.error, `${s.id} / ${m.name} error`).toBeUndefined();
        expect.soft(m.failed, `${s.id} / ${m.name} must fail`).toBe(true);
        expect.soft(m.matched, `${s.id} / ${m.name} feedback:\n${m.feedback}`).toBe(true);
      }
    }
    const feedback = Object.fromEntries(report.steps.flatMap((s) => s.mistakes.map((m) => [`${s.id} — ${m.name}`, normalize(m.feedback)])));
    expect(feedback).toMatchSnapshot();
  }, 120_000);

  it('teardown removes everything the lab seeded and the solutions created', async () => {
    const ctx = fresh();
    const lab = labGraders[labId];
    await lab.setup(ctx);
    for (const step of lab.steps) {
      await step.solve(ctx);
      await step.onPass?.(ctx);
    }
    await lab.teardown!(ctx);
    const iam = ctx.clients.iam;
    expect((await iam.send(new ListUsersCommand({}))).Users ?? []).toEqual([]);
    expect((await iam.send(new ListGroupsCommand({}))).Groups ?? []).toEqual([]);
    expect((await iam.send(new ListRolesCommand({}))).Roles ?? []).toEqual([]);
    expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).toEqual([]);
    expect((await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).toEqual([]);
    expect((await ctx.clients.s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  }, 60_000);

  it('on the freshly seeded lab every step is unsolved, and checks never throw', async () => {
    const ctx = fresh();
    const lab = labGraders[labId];
    await lab.setup(ctx);
    await lab.setup(ctx); // setup is idempotent: running it twice gives the same seeded lab
    for (const step of lab.steps) {
      const conds = await step.check(ctx);
      expect.soft(stepPassed(conds), `${step.id} passes on the seeded lab`).toBe(false);
      for (const c of conds.filter((x) => x.status === 'failed')) expect.soft(c.why, `${step.id}: ${c.name} has a why`).toBeTruthy();
    }
  }, 60_000);
});
