/**
 * Facts a step records when it passes, for later steps ("bob was in the team", "the key Samy had
 * then"). Progress only moves forward, and a later step may undo on purpose what an earlier one
 * built (offboarding bob after adding him): such a step must know the earlier one really passed,
 * and a fact its onPass recorded says so on every backend and in dev check alike.
 *
 * Keys start with the step's own id ("groups/add-members:…"): `reset` forgets a lab's facts by
 * the topic of its step ids (runner/progress.ts), so a lab started again starts clean.
 */
import type { LabContext } from './types.js';

export const factKey = (stepId: string, what: string): string => `${stepId}:${what}`;

/**
 * A file the chapter has the learner save (an MFA device's seed) that a step's reference solution
 * made instead: kept as a fact, so `iam-labs totp <file>` finds it when `solve` or a reset made
 * the device and the learner has no such file.
 */
export const SEED_FILE = 'seed-file:';
export const seedFileFact = (stepId: string, file: string): string => factKey(stepId, `${SEED_FILE}${file}`);

/** Record that `stepId` passed, with a value later steps compare against (JSON for several). */
export function rememberPass(ctx: LabContext, stepId: string, value: Record<string, string> = {}): void {
  ctx.facts.set(factKey(stepId, 'passed'), JSON.stringify({ at: new Date().toISOString(), ...value }));
}

/** What `stepId` recorded when it passed, or undefined when it has not passed in this lab. */
export function passRecord(ctx: LabContext, stepId: string): Record<string, string> | undefined {
  const raw = ctx.facts.get(factKey(stepId, 'passed'));
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? Object.assign(Object.create(null) as Record<string, string>, v) : undefined;
  } catch {
    return undefined;
  }
}

/** Forget that `stepId` passed (a mistake that models "the earlier step never passed"). */
export function forgetPass(ctx: LabContext, stepId: string): void {
  ctx.facts.set(factKey(stepId, 'passed'), '');
}
