/**
 * The contract between the live screen (src/runner/live.ts, which renders) and whoever runs a lab
 * (the session and progress side, which grades and remembers): a LabView to show, a way to get a
 * fresh one, a signal that the account changed, and the actions that change things.
 */
import type { Course, Lab } from '../../core/course.js';
import type { ConditionResult } from '../grading.js';
import type { CommandIO } from '../io.js';

/**
 * - todo: not graded yet (nothing to say about it)
 * - failing: never passed, and the latest grading fails
 * - passing: passes in the latest grading (and was not recorded as passed before it)
 * - done: passed before and still passes
 * - done-changed: passed before, fails now. Progress only moves forward: it stays done, and the
 *   screen says what changed, never with a red cross.
 */
export type StepStatus = 'todo' | 'passing' | 'failing' | 'done' | 'done-changed';

export interface StepView {
  id: string;
  title: string;
  status: StepStatus;
  /** when the step first passed (ISO 8601) */
  passedAt?: string;
  /** the learner asked for the reference solution before passing */
  revealed?: boolean;
  /** the latest grading's conditions (empty when not graded yet) */
  conditions: ConditionResult[];
}

export interface LabView {
  /** the lab id ("03-roles") */
  lab: string;
  /** in the lab's order */
  steps: StepView[];
  /** every step has passed */
  complete: boolean;
  /** why this grading ran in the screen's own process, not in the emulator's grading service */
  gradedHere?: string;
  /** the workshop server (URL) that did not take this grading's report (kept, to send later) */
  reportKeptFor?: string;
}

export interface LiveActions {
  /** The next tier of the step's hints, as text (the side that keeps progress counts tiers). */
  hint(stepId: string): Promise<string>;
  /**
   * Put a step (or, without stepId, the whole lab) back to its seeded state. The screen has asked
   * the learner (y/N, saying what will be lost) before it calls this; the action does not ask.
   */
  reset(stepId?: string): Promise<void>;
  /**
   * Record that the learner asked for a step's reference solution before passing it, and return
   * it (Markdown), or undefined when the step has none. The screen has asked first.
   */
  revealSolution(stepId: string): Promise<string | undefined>;
  /**
   * Optional: what a reset of this step (or the whole lab) loses, in one or two sentences, shown
   * in the y/N question. Without it the screen says what it knows: the account's work is undone.
   */
  describeReset?(stepId?: string): string;
}

export interface LiveScreenOptions {
  io: CommandIO;
  course: Course;
  lab: Lab;
  /** a second screen of a lab open elsewhere: navigation only, and it says so */
  readOnly?: boolean;
  /**
   * For a read-only screen: take the lab over if the screen that held it has closed. True: this
   * screen now does everything (the caller sets readOnly to false).
   */
  takeOver?(): boolean;
  first: LabView;
  /** grade the lab now; the screen never runs two at once */
  regrade(): Promise<LabView>;
  /** call the listener after every change to the lab's account; returns the unsubscribe function */
  onAccountChange(listener: () => void): () => void;
  actions: LiveActions;
}
