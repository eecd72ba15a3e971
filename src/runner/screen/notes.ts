/**
 * What both screens (full and --plain) share besides the model: the interface live.ts drives them
 * through, the words of the notes after a grading, the questions asked before a reset or a
 * reveal, and the line printed when the learner leaves.
 */
import type { Course, Lab } from '../../core/course.js';
import { isDone, type Note, type ScreenModel } from './model.js';
import type { LiveScreenOptions } from './types.js';

export interface Controls {
  /** grade now (joins a grading already queued); resolves when done */
  check(): Promise<void>;
  quit(): void;
  isBusy(): boolean;
}

export interface LiveUi {
  start(controls: Controls): void;
  /** a grading finished (the model has taken it); what changed */
  graded(notes: Note[]): void;
  failed(error: Error): void;
  busy(busy: boolean): void;
  /** leave the screen and say goodbye; safe to call twice */
  close(): void;
}

export function nextLab(course: Course, lab: Lab): Lab | undefined {
  return course.labs[course.labs.findIndex((l) => l.id === lab.id) + 1];
}

/**
 * The lab is complete. (Whether the whole course is, this screen cannot know: it sees one lab.
 * `iam-labs progress` shows the course.)
 */
export function completeText(course: Course, lab: Lab): string {
  const next = nextLab(course, lab);
  const then = next ? `Next: iam-labs start ${next.number} (${next.title}).` : 'It is the last lab of the course: `iam-labs progress` shows where you are in all of them.';
  return `Lab ${lab.number} complete: every step has passed. ${then}`;
}

/** One note in words (no color): "Step 2 passes: …". */
export function noteText(course: Course, lab: Lab, n: Note): string {
  switch (n.kind) {
    case 'passed':
      return `Step ${n.step} passes: “${n.title}”.`;
    case 'changed':
      return `Step ${n.step} (“${n.title}”) changed since it passed: ${n.what}. It stays done.`;
    case 'again':
      return `Step ${n.step} (“${n.title}”) passes again.`;
    case 'complete':
      return completeText(course, lab);
    case 'graded-here':
      return `Note: ${n.why}; this screen checks the lab in its own process meanwhile.`;
    case 'report-kept':
      return `Note: the workshop server at ${n.server} did not take your latest report (restarting, or out of reach?). It is kept, and sent with your next check it takes.`;
    case 'reports-again':
      return `The workshop server at ${n.server} takes your checks again; the ones it missed were sent.`;
  }
}

/** The y/N question before a reset: what will be lost, from the lab's side when it can say. */
export function resetQuestion(o: LiveScreenOptions, m: ScreenModel, stepIndex: number | undefined): string {
  const stepId = stepIndex ? m.view.steps[stepIndex - 1].id : undefined;
  const said = o.actions.describeReset?.(stepId);
  if (stepIndex) {
    const s = m.view.steps[stepIndex - 1];
    const lost = said ?? 'What you built for this step in the lab’s account is undone, as the lab prepared it.';
    return `Reset step ${stepIndex} (“${s.title}”)? ${lost}`;
  }
  const done = m.doneCount();
  const lost = said ?? `Everything you built in the lab’s account is deleted and the account goes back to what the lab prepared${done ? ` (${done} step${done === 1 ? '' : 's'} done so far)` : ''}.`;
  return `Reset the whole lab ${m.lab.number}? ${lost}`;
}

export function revealQuestion(m: ScreenModel, stepIndex: number): string {
  return `Show the reference solution of step ${stepIndex} before it passes? You learn more by finding it yourself, and the step will show that you revealed it.`;
}

/** The line printed on the normal screen when the learner leaves. */
export function farewell(course: Course, m: ScreenModel): string {
  const done = m.view.steps.filter(isDone).length;
  if (m.view.complete) return `✔ ${completeText(course, m.lab)}`;
  return `Left the lab: ${done} of ${m.count} steps done. \`iam-labs start ${m.lab.number}\` continues.`;
}

/** Said by a read-only screen when it takes the lab over from a screen that has closed. */
export function takeOverNote(labNumber: string): string {
  return `The other screen of lab ${labNumber} has closed: this one now checks, gives hints, resets and shows solutions.`;
}
