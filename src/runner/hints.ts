/**
 * The tiered hints of a step (nudge → which command → almost the answer), one tier further each
 * time the learner asks, counted in progress: `iam-labs hint` and the live screen's `h` share it.
 */
import type { Lab, Step } from '../core/course.js';
import { hintText } from './output.js';
import type { ProgressStore } from './progress.js';

/** The next tier's text for `step` (and whether a stronger one follows); records that it was shown. */
export async function nextHint(progress: ProgressStore, lab: Pick<Lab, 'id'>, step: Step): Promise<{ text: string; more: boolean }> {
  const tier = await progress.update((d) => {
    const s = (d.steps[step.id] ??= { attempts: 0 });
    const shown = s.hintsShown ?? 0;
    s.hintsShown = Math.min(shown + 1, step.hints.length);
    const l = (d.labs[lab.id] ??= {});
    l.startedAt ??= new Date().toISOString();
    return Math.min(shown, Math.max(0, step.hints.length - 1));
  });
  return { text: hintText(step, tier), more: tier + 1 < step.hints.length };
}
