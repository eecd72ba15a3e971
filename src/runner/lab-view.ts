/**
 * A lab as the learner sees it: the latest grading and progress together. Progress only moves
 * forward, so a step that passed once is done whatever the account says now; when the account
 * no longer satisfies it, it is "done — changed since", never a red cross. `check`, `progress` and
 * the live screen (the LabView of its contract, screen/types.ts) all read statuses from here, so
 * they agree.
 */
import type { Lab } from '../core/course.js';
import type { LabResult, StepResult, StepStatus } from './grading.js';
import { labComplete, type ProgressData } from './progress.js';
import type { LabView, StepView } from './screen/types.js';

/** The status of a step from whether it was graded now, passes now, and has passed before. */
export function stepStatus(graded: boolean, passesNow: boolean, passedBefore: boolean, passedEver: boolean): StepStatus {
  if (!graded) return passedEver ? 'done' : 'todo';
  if (passesNow) return passedBefore ? 'done' : 'passing';
  return passedEver ? 'done-changed' : 'failing';
}

/** Whether a status counts as done (has passed at some time). */
export const isDoneStatus = (s: StepStatus | undefined) => s === 'done' || s === 'passing' || s === 'done-changed';

/**
 * A grading's result with each step's status, passedAt and revealedAt from progress as it was
 * `before` the grading and is `after` it; `passed` is then "every graded step is done" and
 * `complete` "every step of the lab has passed".
 */
export function decorateResult(lab: Lab, result: LabResult, before: ProgressData, after: ProgressData): LabResult {
  const steps: StepResult[] = result.steps.map((s) => {
    const rec = after.steps[s.id];
    const status = stepStatus(s.conditions.length > 0, s.passed, !!before.steps[s.id]?.passedAt, !!rec?.passedAt);
    return {
      ...s,
      status,
      done: isDoneStatus(status),
      ...(rec?.passedAt ? { passedAt: rec.passedAt } : {}),
      ...(rec?.revealedAt ? { revealedAt: rec.revealedAt } : {}),
    };
  });
  return {
    ...result,
    steps,
    passed: steps.length > 0 && steps.every((s) => s.done),
    complete: labComplete(after, lab.steps.map((s) => s.id)),
  };
}

/** The reference solution was asked for before the step passed (or it has not passed). */
export function revealedBeforePassing(p: { passedAt?: string; revealedAt?: string } | undefined): boolean {
  return !!p?.revealedAt && (!p.passedAt || p.revealedAt <= p.passedAt);
}

/** The live screen's view: every step of the lab, from a grading (of some or all steps) and progress. */
export function labViewOf(lab: Lab, result: LabResult | undefined, p: ProgressData): LabView {
  const steps: StepView[] = lab.steps.map((step) => {
    const graded = result?.steps.find((s) => s.id === step.id);
    const rec = p.steps[step.id];
    const status: StepStatus = graded?.status ?? (rec?.passedAt ? 'done' : 'todo');
    return {
      id: step.id,
      title: step.title,
      status,
      ...(rec?.passedAt ? { passedAt: rec.passedAt } : {}),
      ...(revealedBeforePassing(rec) ? { revealed: true } : {}),
      conditions: graded?.conditions ?? [],
    };
  });
  return { lab: lab.id, steps, complete: labComplete(p, lab.steps.map((s) => s.id)), ...(result?.gradedHereBecause ? { gradedHere: result.gradedHereBecause } : {}), ...(result?.reportKeptFor ? { reportKeptFor: result.reportKeptFor } : {}) };
}
