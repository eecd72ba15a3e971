/**
 * What the live screen knows, without any terminal: which step is shown (0 is the lab's
 * introduction), what changed between two gradings (a step passed, a done step changed since, the
 * lab is complete), which steps' failures the learner has seen appear, the hints asked for (a
 * repeated hint is counted, not shown twice) and the solutions revealed. The full screen and the
 * --plain one both render from it.
 */
import type { Lab } from '../../core/course.js';
import type { ConditionResult } from '../grading.js';
import type { LabView, StepStatus, StepView } from './types.js';

/** A step counts as done once it has passed, whatever the account says now. */
export const isDone = (s: Pick<StepView, 'status'>) => s.status === 'passing' || s.status === 'done' || s.status === 'done-changed';

/** A symbol and a word for every state: never color alone. */
export const STATUS: Record<StepStatus, { mark: string; word: string }> = {
  todo: { mark: '○', word: 'to do' },
  failing: { mark: '✘', word: 'not yet' },
  passing: { mark: '✔', word: 'done' },
  done: { mark: '✔', word: 'done' },
  'done-changed': { mark: '✔~', word: 'done, changed since' },
};

/** Something the learner should hear about after a grading. */
export type Note =
  | { kind: 'passed'; step: number; title: string }
  | { kind: 'changed'; step: number; title: string; what: string }
  | { kind: 'again'; step: number; title: string }
  | { kind: 'complete' }
  | { kind: 'graded-here'; why: string }
  | { kind: 'report-kept'; server: string }
  | { kind: 'reports-again'; server: string };

/** The first condition that does not pass, in words ("instance profile X exists"). */
export function firstProblem(conditions: ConditionResult[]): string {
  return conditions.find((c) => c.status === 'failed')?.name ?? 'a condition no longer holds';
}

/** What changed between two gradings, step by step (numbers are 1-based, as the learner reads them). */
export function diffViews(before: LabView, after: LabView): Note[] {
  const notes: Note[] = [];
  after.steps.forEach((s, i) => {
    const was = before.steps.find((b) => b.id === s.id)?.status ?? 'todo';
    const step = i + 1;
    if (isDone(s) && !isDone({ status: was })) notes.push({ kind: 'passed', step, title: s.title });
    else if (s.status === 'done-changed' && was !== 'done-changed') notes.push({ kind: 'changed', step, title: s.title, what: firstProblem(s.conditions) });
    else if (was === 'done-changed' && (s.status === 'done' || s.status === 'passing')) notes.push({ kind: 'again', step, title: s.title });
  });
  if (after.complete && !before.complete) notes.push({ kind: 'complete' });
  if (after.gradedHere && after.gradedHere !== before.gradedHere) notes.push({ kind: 'graded-here', why: after.gradedHere });
  if (after.reportKeptFor && !before.reportKeptFor) notes.push({ kind: 'report-kept', server: after.reportKeptFor });
  else if (before.reportKeptFor && !after.reportKeptFor) notes.push({ kind: 'reports-again', server: before.reportKeptFor });
  return notes;
}

/** What the learner should hear as the screen opens: the notes its first view carries. */
export function openingNotes(view: LabView): Note[] {
  const notes: Note[] = [];
  if (view.gradedHere) notes.push({ kind: 'graded-here', why: view.gradedHere });
  if (view.reportKeptFor) notes.push({ kind: 'report-kept', server: view.reportKeptFor });
  return notes;
}

/** The steps graded in both views that fail now with other failures than before. */
function movedFailures(before: LabView, after: LabView): string[] {
  const failing = (s: StepView) => s.conditions.filter((c) => c.status === 'failed').map((c) => c.name).join('\n');
  return after.steps
    .filter((s) => {
      const was = before.steps.find((b) => b.id === s.id);
      return s.status === 'failing' && was?.conditions.length && s.conditions.length && failing(was) !== failing(s);
    })
    .map((s) => s.id);
}

/** Where a screen opens: the introduction before any step is done, else the first step not done. */
export function startingStep(view: LabView): number {
  if (!view.steps.some(isDone)) return 0;
  const next = view.steps.findIndex((s) => !isDone(s));
  return next >= 0 ? next + 1 : 0;
}

/** After step `passed` (1-based) passes: the next step not done after it (else before it), or undefined. */
export function nextToDo(view: LabView, passed: number): number | undefined {
  const after = view.steps.findIndex((s, i) => i >= passed && !isDone(s));
  if (after >= 0) return after + 1;
  const before = view.steps.findIndex((s) => !isDone(s));
  return before >= 0 ? before + 1 : undefined;
}

export interface HintShown {
  text: string;
  /** how many times the learner got this same text */
  times: number;
}

/** The live state of a screen: pure data and rules, rendered by render.ts and plain.ts. */
export class ScreenModel {
  view: LabView;
  /** 0 = the introduction, 1..n = steps */
  current: number;
  /** steps whose failures are shown: the account changed (or the learner pressed c) while on them */
  readonly watched = new Set<string>();
  readonly hints = new Map<string, HintShown[]>();
  /** solutions handed over by revealSolution (Markdown) */
  readonly revealed = new Map<string, string>();

  constructor(
    readonly lab: Lab,
    first: LabView,
  ) {
    this.view = first;
    this.current = startingStep(first);
  }

  get count(): number {
    return this.lab.steps.length;
  }

  /** The shown step's view (undefined on the introduction). */
  get step(): StepView | undefined {
    return this.current > 0 ? this.view.steps[this.current - 1] : undefined;
  }

  /** Go to a step (clamped to 0..n); returns whether the shown step changed. */
  goTo(n: number): boolean {
    const to = Math.max(0, Math.min(this.count, n));
    if (to === this.current) return false;
    this.current = to;
    return true;
  }

  /**
   * Take a new grading. `watching`: the account changed or the learner asked for a check, so the
   * failures of the shown step (on the introduction: of the first step not done) are now worth
   * showing, as are those of any step whose failures moved. Moves on when the shown step passed.
   */
  apply(view: LabView, watching: boolean): Note[] {
    const notes = diffViews(this.view, view);
    // A step whose failures moved is being worked on, whichever step is shown.
    for (const id of movedFailures(this.view, view)) this.watched.add(id);
    this.view = view;
    // On the introduction, the work is for the first step not done yet.
    const shown = this.step ?? view.steps.find((s) => !isDone(s));
    if (watching && shown) this.watched.add(shown.id);
    const passedHere = notes.some((n) => n.kind === 'passed' && n.step === this.current);
    if (passedHere) {
      const next = nextToDo(view, this.current);
      if (next !== undefined) this.current = next;
    }
    return notes;
  }

  /** Whether the failing conditions of this step are shown (it changed while watched, or it was checked). */
  showsFailures(s: StepView): boolean {
    return s.status === 'done-changed' || (s.status === 'failing' && this.watched.has(s.id));
  }

  /** The learner asked for this step's solution before passing it (here or earlier). */
  isRevealed(s: Pick<StepView, 'id' | 'revealed'>): boolean {
    return !!s.revealed || this.revealed.has(s.id);
  }

  /** Record a hint; a text already shown is counted instead of repeated. Returns whether it is new. */
  addHint(stepId: string, text: string): boolean {
    const list = this.hints.get(stepId) ?? [];
    this.hints.set(stepId, list);
    const same = list.find((h) => h.text === text);
    if (same) {
      same.times += 1;
      return false;
    }
    list.push({ text, times: 1 });
    return true;
  }

  /** The reference solution the learner may read now: after passing, or once revealed. */
  solutionFor(index: number): string | undefined {
    const s = this.view.steps[index - 1];
    const step = this.lab.steps[index - 1];
    if (!s || !step) return undefined;
    return this.revealed.get(s.id) ?? (isDone(s) || s.revealed ? step.solution : undefined);
  }

  doneCount(): number {
    return this.view.steps.filter(isDone).length;
  }
}

/**
 * Condition hints repeated across conditions (two checks suggesting the same command) are given
 * once: later ones lose their hint.
 */
export function collapseHints(conditions: ConditionResult[]): ConditionResult[] {
  const seen = new Set<string>();
  return conditions.map((c) => {
    if (!c.hint) return c;
    if (seen.has(c.hint)) return { ...c, hint: undefined };
    seen.add(c.hint);
    return c;
  });
}

/** "14:02" today, "2025-03-04 14:02" another day (local time). */
export function whenText(iso: string | undefined, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}`;
  return d.toDateString() === now.toDateString() ? time : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}`;
}
