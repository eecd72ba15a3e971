/**
 * Author QA for a lab, the one implementation behind `iam-labs dev check` (and the tests that
 * prove the course gradable). For every step, on a private backend: fresh seed → the earlier
 * steps' reference solutions → the check must FAIL → solve → it must PASS; then for each
 * scripted mistake: fresh seed → earlier steps → the mistake → the step must fail, with the
 * feedback the mistake names (its element named, an action in every hint, no hint twice); for
 * each correct variant, the same way, the step must pass. Conditions a backend cannot verify
 * are listed, never silently skipped.
 */
import { startBackend } from '../backends/index.js';
import type { BackendHandle } from '../backends/types.js';
import type { Lab } from '../core/course.js';
import { UsageError } from '../core/errors.js';
import { feedbackProblems, repeatedHints } from '../graders/feedback.js';
import type { LabGrader, Mistake, StepGrader } from '../graders/types.js';
import { checkStep, type StepResult } from './grading.js';
import { createLabContext, FactMap, MemoryProfiles, type CreatedContext } from './lab-context.js';
import { feedbackText } from './output.js';

export type DevOutcome = 'ok' | 'problem' | 'unverifiable';

export interface DevFinding {
  lab: string;
  step: string;
  check: string;
  outcome: DevOutcome;
  detail?: string;
  /** for a mistake: the feedback the failing check gave (what a learner making it would read) */
  feedback?: string;
}

/** The backends `dev check` can run on: its own, private and throwaway. */
export const DEV_CHECK_BACKENDS = ['embedded', 'moto'] as const;

/** A private backend for dev check: any free port, nothing kept, stopped at the end. */
export async function startPrivateBackend(name: string, o: { home: string; env: Record<string, string | undefined> }): Promise<BackendHandle> {
  if (!(DEV_CHECK_BACKENDS as readonly string[]).includes(name)) {
    throw new UsageError(`dev check runs on a private embedded or moto backend, not '${name}'.`);
  }
  const handle = await startBackend(name as (typeof DEV_CHECK_BACKENDS)[number], { home: o.home, detach: false, ephemeral: true, env: o.env, log: () => {} });
  handle.info.reason = 'dev check';
  return handle;
}

export async function devCheckLab(lab: Lab, grader: LabGrader, backend: BackendHandle, report: (f: DevFinding) => void): Promise<void> {
  const stepGrader = (id: string): StepGrader => grader.steps.find((s) => s.id === id)!;
  /**
   * Steps whose own run proved their reference solution passes on the state the earlier steps
   * leave: preparing a later step need not check that again (checks are most of the cost).
   */
  const solutionPasses = new Set<string>();

  /** fresh seed, then the reference solutions of the steps before `index` (their onPass too) */
  async function prepared(index: number): Promise<CreatedContext> {
    await backend.reset();
    const made = createLabContext(backend.info, new FactMap(), new MemoryProfiles());
    try {
      await grader.setup(made.ctx);
      for (const earlier of lab.steps.slice(0, index)) {
        const g = stepGrader(earlier.id);
        await g.solve(made.ctx);
        if (!solutionPasses.has(earlier.id)) {
          const r = await checkStep(g, earlier.title, made.ctx);
          if (!r.passed) throw new Error(`the reference solution of the earlier step ${earlier.id} does not pass: ${feedbackText(r.conditions).split('\n')[0].trim()}`);
        }
        await g.onPass?.(made.ctx);
      }
      return made;
    } catch (e) {
      made.destroy();
      throw e;
    }
  }

  const finding = (step: string, check: string, outcome: DevOutcome, detail?: string): DevFinding => ({ lab: lab.id, step, check, outcome, ...(detail ? { detail } : {}) });

  const expectFail = (step: string, check: string, r: StepResult, mistake?: Mistake): DevFinding => {
    const expectFeedback = mistake?.expectFeedback;
    const unverifiable = r.conditions.filter((c) => c.status === 'unverifiable');
    if (r.passed) {
      if (unverifiable.length) {
        return finding(step, check, 'unverifiable', `passes here because ${unverifiable.map((c) => `“${c.name}”`).join(', ')} cannot be verified on this backend: ${unverifiable[0].why ?? unverifiable[0].found}`);
      }
      return finding(step, check, 'problem', 'the check PASSES but must fail');
    }
    const text = feedbackText(r.conditions);
    if (expectFeedback && !expectFeedback.test(text)) {
      return { ...finding(step, check, 'problem', `fails, but the feedback does not match ${expectFeedback}: ${oneLine(text)}`), feedback: text };
    }
    if (r.conditions.some((c) => c.status === 'failed' && !c.why && !c.expected)) {
      return finding(step, check, 'problem', 'a failed condition says neither what was expected nor why');
    }
    // a scripted mistake's feedback must name what is wrong and what to do (graders/feedback.ts)
    const poor = mistake ? [...feedbackProblems(mistake, r.conditions), ...repeatedHints(text).map((h) => `hint printed twice: ${h}`)] : [];
    if (poor.length) return { ...finding(step, check, 'problem', `fails, but the feedback falls short: ${poor.join('; ')}`), feedback: text };
    return { ...finding(step, check, 'ok'), feedback: text };
  };

  const attempt = async (step: string, check: string, body: () => Promise<DevFinding>): Promise<DevFinding> => {
    try {
      return await body();
    } catch (e) {
      return finding(step, check, 'problem', `threw: ${(e as Error).message}`);
    }
  };
  const main = 'unsolved fails, solution passes';
  const found: DevFinding[][] = lab.steps.map(() => []);

  /**
   * The steps in order, each from the state the earlier steps' solutions leave. That state is
   * prepared(i); after step i passes (and its onPass ran), the same account is prepared(i + 1),
   * because checks only read: so the chain goes on without a new seed, and only a step whose run
   * failed makes the next one start from a fresh seed. (On moto a seed costs seconds.)
   */
  let chained: CreatedContext | undefined;
  for (const [i, step] of lab.steps.entries()) {
    const g = stepGrader(step.id);
    let made: CreatedContext | undefined = chained;
    chained = undefined;
    found[i].push(
      await attempt(step.id, main, async () => {
        made ??= await prepared(i);
        const ctx = made.ctx;
        const before = await checkStep(g, step.title, ctx);
        const f = expectFail(step.id, 'unsolved fails', before);
        if (f.outcome !== 'ok') return f;
        await g.solve(ctx);
        const after = await checkStep(g, step.title, ctx);
        if (!after.passed) {
          return finding(step.id, 'solution passes', 'problem', `the reference solution fails: ${oneLine(feedbackText(after.conditions))}`);
        }
        solutionPasses.add(step.id);
        await g.onPass?.(ctx);
        chained = made;
        const unverifiable = after.conditions.filter((c) => c.status === 'unverifiable');
        if (unverifiable.length) {
          return finding(step.id, main, 'unverifiable', `passes, but not verifiable here: ${unverifiable.map((c) => `${c.name} (${c.why ?? c.found})`).join('; ')}`);
        }
        return finding(step.id, main, 'ok');
      }),
    );
    if (made && chained !== made) made.destroy();
  }
  (chained as CreatedContext | undefined)?.destroy();

  // Each mistake on its own fresh account: the earlier steps' solutions, then the mistake.
  for (const [i, step] of lab.steps.entries()) {
    const g = stepGrader(step.id);
    for (const m of g.mistakes ?? []) {
      const check = `mistake: ${m.name}`;
      found[i].push(
        await attempt(step.id, check, async () => {
          const made = await prepared(i);
          try {
            await m.apply(made.ctx);
            return expectFail(step.id, check, await checkStep(g, step.title, made.ctx), m);
          } finally {
            made.destroy();
          }
        }),
      );
    }
    // Each other correct solution, the same way: it must pass.
    for (const v of g.variants ?? []) {
      const check = `variant: ${v.name}`;
      found[i].push(
        await attempt(step.id, check, async () => {
          const made = await prepared(i);
          try {
            await v.apply(made.ctx);
            const r = await checkStep(g, step.title, made.ctx);
            if (!r.passed) return finding(step.id, check, 'problem', `a correct solution is rejected: ${oneLine(feedbackText(r.conditions))}`);
            const unverifiable = r.conditions.filter((c) => c.status === 'unverifiable');
            if (unverifiable.length) return finding(step.id, check, 'unverifiable', `passes, but not verifiable here: ${unverifiable.map((c) => c.name).join('; ')}`);
            return finding(step.id, check, 'ok');
          } finally {
            made.destroy();
          }
        }),
      );
    }
  }
  // reported step by step: each step's own run, then its mistakes
  for (const f of found.flat()) report(f);
}

const oneLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ');
