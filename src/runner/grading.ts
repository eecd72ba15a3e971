/**
 * Running graders: check steps in order (calling onPass the first time a step passes, so later
 * steps see the facts it records), and turning exceptions into either a failed condition (the
 * backend answered with an error) or BackendUnavailableError (it did not answer at all).
 */
import type { Condition, LabContext, LabGrader, StepGrader } from '../graders/types.js';
import type { Lab } from '../core/course.js';
import { BackendUnavailableError } from '../core/errors.js';

export interface ConditionResult {
  name: string;
  status: Condition['status'];
  passed: boolean;
  expected: string;
  found: string;
  why?: string;
  hint?: string;
}

/**
 * A step as progress and the latest grading see it together (the live screen's StepStatus):
 * todo (not graded), failing (never passed, fails now), passing (passed in this grading for the
 * first time), done (passed before, passes now), done-changed (passed before, fails now).
 */
export type StepStatus = 'todo' | 'passing' | 'failing' | 'done' | 'done-changed';

export interface StepResult {
  id: string;
  /** its place in the lab, from 1 (a `check --step 3` reports step 3 as 3) */
  number?: number;
  title: string;
  /** passes now: no condition failed (unverifiable ones are listed, never counted as passed or failed) */
  passed: boolean;
  conditions: ConditionResult[];
  /** has passed at some time (progress only moves forward): done, passing or done-changed */
  done?: boolean;
  status?: StepStatus;
  /** when it first passed */
  passedAt?: string;
  /** when the learner asked for its reference solution before passing it */
  revealedAt?: string;
}

export interface LabResult {
  lab: string;
  title: string;
  /** every step graded here is done (has passed, now or before): what `check`'s exit code says */
  passed: boolean;
  /** every step of the lab has passed at some time */
  complete?: boolean;
  /** this grading completed the lab (its last step passed for the first time) */
  completedNow?: boolean;
  backend?: string;
  steps: StepResult[];
  /** who ran the graders: the backend's grading service, or the process that printed this */
  gradedBy?: 'grading-host' | 'this-process';
  /** the backend has a grading service but this process graded: why */
  gradedHereBecause?: string;
  /** the joined workshop's server (its URL) did not take this grading's report: it is kept, to send when it answers */
  reportKeptFor?: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

export function isUnreachable(e: unknown): boolean {
  const err = e as { code?: string; name?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (err?.code && UNREACHABLE.has(err.code)) return true;
  if (err?.name === 'TimeoutError' && !err.$metadata?.httpStatusCode) return true;
  return !!err?.cause && isUnreachable(err.cause);
}

/** A step passes when it has conditions and none failed (unverifiable ones are reported, not counted). */
export function stepPassed(conditions: Array<Pick<Condition, 'status'>>): boolean {
  return conditions.length > 0 && conditions.every((c) => c.status !== 'failed');
}

export async function checkStep(step: StepGrader, title: string, ctx: LabContext): Promise<StepResult> {
  let conds: Condition[];
  try {
    conds = await step.check(ctx);
  } catch (e) {
    if (isUnreachable(e)) {
      throw new BackendUnavailableError(
        `the lab's backend at ${ctx.endpoint} does not answer (${(e as Error).message || (e as { code?: string }).code}).`,
        2,
        'Is it still running? `iam-labs stop` then `iam-labs start <lab>` starts a fresh one.',
      );
    }
    const err = e as Error & { Code?: string };
    conds = [
      {
        name: 'the check could run',
        status: 'failed',
        expected: 'the backend answers the checks',
        found: `${err.name ?? 'Error'}: ${err.message}`,
        why: 'the backend answered a check with an error; if this repeats, reset the lab (iam-labs reset) or report it.',
      },
    ];
  }
  const conditions = conds.map((c) => ({ ...c, passed: c.status === 'passed' }));
  return { id: step.id, title, passed: stepPassed(conditions), conditions };
}

export interface CheckOptions {
  /** only this step (and none after it) */
  only?: string;
  /** steps that passed in earlier gradings (onPass runs only on a first pass) */
  passedBefore: ReadonlySet<string>;
  /**
   * The set the context's `passed` reads: it starts as passedBefore and grows as steps pass in
   * this grading, in the lab's order.
   */
  passed?: Set<string>;
}

export async function checkLab(lab: Lab, grader: LabGrader, ctx: LabContext, opts: CheckOptions): Promise<LabResult> {
  const steps: StepResult[] = [];
  for (const [i, s] of lab.steps.entries()) {
    if (opts.only && s.id !== opts.only) continue;
    const g = grader.steps.find((x) => x.id === s.id)!;
    const r = { ...(await checkStep(g, s.title, ctx)), number: i + 1 };
    if (r.passed && !opts.passedBefore.has(s.id) && g.onPass) await g.onPass(ctx);
    if (r.passed) opts.passed?.add(s.id);
    steps.push(r);
  }
  return { lab: lab.id, title: lab.title, passed: steps.every((s) => s.passed), steps };
}
