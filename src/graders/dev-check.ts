/**
 * Author QA for a lab (what `iam-labs dev check` runs): for every step, setup → check must fail →
 * solve → check must pass; and for every "must fail on" mistake, a fresh account where the earlier
 * steps are solved and the mistake applied → that step must fail with feedback matching
 * expectFeedback. Each mistake gets its own context (a clean account) from `freshContext`.
 */
import { feedbackText, stepPassed } from './conditions.js';
import type { Condition, LabContext, LabGrader } from './types.js';

export interface MistakeReport {
  name: string;
  /** the step failed, as it must */
  failed: boolean;
  /** the feedback matched expectFeedback (true when none is given) */
  matched: boolean;
  feedback: string;
  error?: string;
}

export interface StepReport {
  id: string;
  failedBeforeSolve: boolean;
  passedAfterSolve: boolean;
  before: Condition[];
  after: Condition[];
  mistakes: MistakeReport[];
  error?: string;
}

export interface DevCheckReport {
  lab: string;
  ok: boolean;
  steps: StepReport[];
}

const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export async function devCheckLab(lab: LabGrader, freshContext: () => Promise<LabContext> | LabContext): Promise<DevCheckReport> {
  const steps: StepReport[] = [];
  const ctx = await freshContext();
  await lab.setup(ctx);
  for (const step of lab.steps) {
    const report: StepReport = { id: step.id, failedBeforeSolve: false, passedAfterSolve: false, before: [], after: [], mistakes: [] };
    steps.push(report);
    try {
      report.before = await step.check(ctx);
      report.failedBeforeSolve = !stepPassed(report.before);
      await step.solve(ctx);
      report.after = await step.check(ctx);
      report.passedAfterSolve = stepPassed(report.after);
      if (report.passedAfterSolve) await step.onPass?.(ctx);
    } catch (e) {
      report.error = message(e);
    }
  }
  for (let i = 0; i < lab.steps.length; i++) {
    const step = lab.steps[i];
    for (const mistake of step.mistakes ?? []) {
      const r: MistakeReport = { name: mistake.name, failed: false, matched: false, feedback: '' };
      steps[i].mistakes.push(r);
      try {
        const mctx = await freshContext();
        await lab.setup(mctx);
        for (const earlier of lab.steps.slice(0, i)) {
          await earlier.solve(mctx);
          await earlier.onPass?.(mctx);
        }
        await mistake.apply(mctx);
        const conds = await step.check(mctx);
        r.failed = !stepPassed(conds);
        r.feedback = feedbackText(conds);
        r.matched = mistake.expectFeedback ? mistake.expectFeedback.test(r.feedback) : true;
      } catch (e) {
        r.error = message(e);
      }
    }
  }
  const ok = steps.every((s) => !s.error && s.failedBeforeSolve && s.passedAfterSolve && s.mistakes.every((m) => !m.error && m.failed && m.matched));
  return { lab: lab.id, ok, steps };
}
