/**
 * The real course (labs/ and src/graders), proved gradable by `iam-labs dev check` through the
 * built CLI on the embedded emulator: every step starts unsolved and its solution passes, every
 * "must fail on" mistake of COURSE.md fails with feedback that names the problem and the next
 * action (that feedback, what a learner making the mistake reads, is kept as a snapshot), every
 * correct variant passes. Also what dev check does not
 * cover: setup is idempotent, checks never throw on the seeded lab, teardown removes everything.
 */
import { ListGroupsCommand, ListInstanceProfilesCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { isActionable, namesElement, repeatedHints } from '../../src/graders/feedback.js';
import { labGraders } from '../../src/graders/index.js';
import type { DevFinding } from '../../src/runner/dev-check.js';
import { checkStep } from '../../src/runner/grading.js';
import { labContext, startTestEmulator } from '../helpers/emulator.js';
import { cli, ensureBuilt, realCourse } from './runner-helpers.js';

/** Mask volatile values (key ids, dates, account ids, finding ids, instance and association ids) so the snapshot is stable. */
const normalize = (s: string) =>
  s
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '<key-id>')
    .replace(/\b(AIDA|AROA|AGPA|ANPA)[A-Z0-9]{12,}\b/g, '<unique-id>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<date>')
    .replace(/\b\d{4}-\d\d-\d\d\b/g, '<day>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>')
    .replace(/\b0{12}\b/g, '<account>')
    .replace(/\bi-[0-9a-f]{17}\b/g, '<instance-id>')
    .replace(/\biip-assoc-[0-9a-f]{17}\b/g, '<association-id>');

describe('dev check of the real course on the embedded emulator', () => {
  let out: { backend: string; passed: boolean; findings: DevFinding[] };
  let code: number;
  beforeAll(async () => {
    ensureBuilt();
    const r = await cli(realCourse(), ['dev', 'check', '--json']);
    code = r.code;
    out = JSON.parse(r.stdout) as typeof out;
  }, 600_000);

  it('every lab: no problem, nothing unverifiable, exit 0', () => {
    const bad = out.findings.filter((f) => f.outcome !== 'ok');
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    expect(new Set(out.findings.map((f) => f.lab))).toEqual(new Set(Object.keys(labGraders)));
    expect(out.backend).toBe('embedded');
    expect(code).toBe(0);
  });

  it('every step, every mistake and every correct variant of every grader was checked', () => {
    for (const [labId, grader] of Object.entries(labGraders)) {
      for (const step of grader.steps) {
        const checks = out.findings.filter((f) => f.lab === labId && f.step === step.id).map((f) => f.check);
        expect(checks).toEqual(['unsolved fails, solution passes', ...(step.mistakes ?? []).map((m) => `mistake: ${m.name}`), ...(step.variants ?? []).map((v) => `variant: ${v.name}`)]);
      }
    }
  });

  it('every step has at least four scripted mistakes', () => {
    const few = Object.values(labGraders).flatMap((g) => g.steps.filter((s) => (s.mistakes ?? []).length < 4).map((s) => `${s.id}: ${(s.mistakes ?? []).length}`));
    expect(few).toEqual([]);
  });

  /**
   * What a learner making each scripted mistake reads (the text `check` prints): it names the
   * element at fault, every failed condition ends with a hint that says what to do, and no hint
   * is printed twice for the step. Iterates over the registry, so every lab is held to it.
   */
  it.each(Object.keys(labGraders))('%s: each mistake names the element at fault and a next action, once', (labId) => {
    for (const step of labGraders[labId].steps) {
      for (const m of step.mistakes ?? []) {
        const f = out.findings.find((x) => x.lab === labId && x.step === step.id && x.check === `mistake: ${m.name}`)!;
        if (f.outcome === 'unverifiable') continue;
        const where = `${step.id} — ${m.name}`;
        expect(m.element, `${where} declares its element`).toBeTruthy();
        const text = f.feedback ?? '';
        expect(namesElement(text, m.element!), `${where}: the feedback names ${m.element}\n${text}`).toBe(true);
        // each failed condition ("✘ …") is followed by its hint, an action or a pointer to the one above
        const blocks = text.split(/^(?=✘ )/m).filter((b) => b.startsWith('✘'));
        expect(blocks.length, where).toBeGreaterThan(0);
        for (const b of blocks) {
          const hint = /^\s*hint:\s+(.*)$/m.exec(b)?.[1];
          expect(hint === '(as above)' || isActionable(hint), `${where}: a next action in\n${b}`).toBe(true);
        }
        expect(repeatedHints(text), where).toEqual([]);
      }
    }
  });

  it.each(Object.keys(labGraders))('%s: the feedback each mistake gives', (labId) => {
    const feedback = Object.fromEntries(
      out.findings.filter((f) => f.lab === labId && f.check.startsWith('mistake: ')).map((f) => [`${f.step} — ${f.check.slice('mistake: '.length)}`, normalize(f.feedback ?? '')]),
    );
    expect(feedback).toMatchSnapshot();
  });
});

describe.each(Object.keys(labGraders))('lab %s beyond dev check', (labId) => {
  let emu: StartedEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => {
    await emu?.close();
  });
  const lab = labGraders[labId];

  it('setup is idempotent and, on the seeded lab, every step fails with a why and no check throws', async () => {
    const { ctx, destroy } = labContext(emu.endpoint);
    await lab.setup(ctx);
    await lab.setup(ctx); // running it twice gives the same seeded lab
    for (const step of lab.steps) {
      const r = await checkStep(step, step.id, ctx);
      expect.soft(r.passed, `${step.id} passes on the seeded lab`).toBe(false);
      expect.soft(r.conditions.map((c) => c.name), `${step.id}: its check ran`).not.toContain('the check could run');
      for (const c of r.conditions.filter((x) => x.status === 'failed')) expect.soft(c.why, `${step.id}: ${c.name} has a why`).toBeTruthy();
    }
    destroy();
  }, 60_000);

  it('teardown removes everything the lab seeded and the solutions created', async () => {
    await emu.emulator.state.reset();
    const { ctx, destroy } = labContext(emu.endpoint);
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
    destroy();
  }, 60_000);
});
