/**
 * The live screen's view model (src/runner/screen/model.ts) and the LabView built from today's
 * grading and progress (lab-view.ts): what changed between gradings, where the
 * screen opens and moves on to, when failures are shown, hints counted instead of repeated,
 * solutions only after passing (or revealing), and a passed step that fails now kept done.
 */
import { describe, expect, it } from 'vitest';
import type { Lab } from '../../src/core/course.js';
import type { LabResult } from '../../src/runner/grading.js';
import { emptyProgress } from '../../src/runner/progress.js';
import { collapseHints, diffViews, nextToDo, ScreenModel, startingStep, whenText } from '../../src/runner/screen/model.js';
import { decorateResult, labViewOf } from '../../src/runner/lab-view.js';
import type { LabView, StepStatus } from '../../src/runner/screen/types.js';

const LAB = {
  id: '99-toy',
  number: '99',
  title: 'Toy',
  steps: [1, 2, 3, 4].map((n) => ({ id: `toy/s${n}`, title: `Step ${n}`, hints: [], body: '', solution: n === 4 ? undefined : `solution ${n}` })),
} as unknown as Lab;

const cond = (name: string, failed: boolean, hint?: string) => ({ name, status: failed ? ('failed' as const) : ('passed' as const), passed: !failed, expected: 'e', found: 'f', hint });

function view(...statuses: StepStatus[]): LabView {
  const steps = statuses.map((status, i) => ({
    id: `toy/s${i + 1}`,
    title: `Step ${i + 1}`,
    status,
    conditions: status === 'todo' ? [] : [cond(`c${i + 1}`, status === 'failing' || status === 'done-changed')],
  }));
  return { lab: LAB.id, steps, complete: steps.every((s) => s.status !== 'todo' && s.status !== 'failing') };
}

describe('diffViews', () => {
  it('a step passes, a done step changes since, passes again, the lab completes', () => {
    expect(diffViews(view('failing', 'todo', 'done', 'done-changed'), view('done', 'todo', 'done-changed', 'done'))).toEqual([
      { kind: 'passed', step: 1, title: 'Step 1' },
      { kind: 'changed', step: 3, title: 'Step 3', what: 'c3' },
      { kind: 'again', step: 4, title: 'Step 4' },
    ]);
    expect(diffViews(view('done', 'done', 'done', 'failing'), view('done', 'done', 'done', 'passing'))).toEqual([
      { kind: 'passed', step: 4, title: 'Step 4' },
      { kind: 'complete' },
    ]);
    // nothing to say when nothing moved (a failing step with other failures is no note)
    expect(diffViews(view('failing', 'todo', 'todo', 'todo'), view('failing', 'failing', 'todo', 'todo'))).toEqual([]);
  });

  it('says once that a grading ran here, and when the workshop server stops and starts taking reports', () => {
    const base = view('failing', 'todo', 'todo', 'todo');
    const here = { ...base, gradedHere: 'the service is gone' };
    const kept = { ...base, reportKeptFor: 'http://ws' };
    expect(diffViews(base, here)).toEqual([{ kind: 'graded-here', why: 'the service is gone' }]);
    expect(diffViews(here, here)).toEqual([]);
    expect(diffViews(base, kept)).toEqual([{ kind: 'report-kept', server: 'http://ws' }]);
    expect(diffViews(kept, kept)).toEqual([]);
    expect(diffViews(kept, base)).toEqual([{ kind: 'reports-again', server: 'http://ws' }]);
  });
});

describe('where the screen is', () => {
  it('opens on the introduction until a step is done, then on the first step not done', () => {
    expect(startingStep(view('failing', 'todo', 'todo', 'todo'))).toBe(0);
    expect(startingStep(view('done', 'done-changed', 'failing', 'todo'))).toBe(3);
    expect(startingStep(view('done', 'done', 'done', 'done'))).toBe(0);
  });

  it('moves on after a pass to the next step not done (after it, else before it)', () => {
    expect(nextToDo(view('done', 'failing', 'done', 'todo'), 1)).toBe(2);
    expect(nextToDo(view('failing', 'done', 'done', 'done'), 4)).toBe(1);
    expect(nextToDo(view('done', 'done', 'done', 'done'), 4)).toBeUndefined();
  });

  it('apply: the shown step passing moves the screen on; another step passing does not', () => {
    const m = new ScreenModel(LAB, view('done', 'failing', 'failing', 'todo'));
    expect(m.current).toBe(2);
    m.goTo(3);
    m.apply(view('done', 'done', 'failing', 'todo'), true);
    expect(m.current).toBe(3);
    m.apply(view('done', 'done', 'done', 'todo'), true);
    expect(m.current).toBe(4);
    expect(m.goTo(9)).toBe(false); // clamped to the last step, where it already is
    expect(m.goTo(-1)).toBe(true);
    expect(m.current).toBe(0);
  });

  it('shows a failing step’s failures once the account changed (or a check ran) while it was shown; a changed done step always', () => {
    const m = new ScreenModel(LAB, view('done', 'failing', 'done-changed', 'todo'));
    const s2 = () => m.view.steps[1];
    expect(m.showsFailures(s2())).toBe(false);
    expect(m.showsFailures(m.view.steps[2])).toBe(true);
    m.apply(view('done', 'failing', 'done-changed', 'todo'), true);
    expect(m.showsFailures(s2())).toBe(true);
    expect(m.showsFailures(m.view.steps[3])).toBe(false);
  });

  it('work done while the introduction is shown is for the first step not done: its failures show when the learner goes there', () => {
    const m = new ScreenModel(LAB, view('todo', 'todo', 'todo', 'todo'));
    expect(m.current).toBe(0);
    m.apply(view('failing', 'failing', 'failing', 'failing'), true);
    expect(m.showsFailures(m.view.steps[0])).toBe(true);
    // the steps nobody worked on stay quiet
    expect(m.showsFailures(m.view.steps[1])).toBe(false);
    expect(m.showsFailures(m.view.steps[3])).toBe(false);
  });

  it('a step whose failures moved while another step was shown shows them; one whose failures stayed does not', () => {
    const m = new ScreenModel(LAB, view('done', 'failing', 'failing', 'failing'));
    expect(m.current).toBe(2);
    const moved = view('done', 'failing', 'failing', 'failing');
    moved.steps[2].conditions = [cond('c3', false), cond('other', true)];
    m.apply(moved, false);
    expect(m.showsFailures(m.view.steps[2])).toBe(true);
    expect(m.showsFailures(m.view.steps[3])).toBe(false);
    expect(m.showsFailures(m.view.steps[1])).toBe(false); // shown, but nothing changed and no check ran
  });
});

describe('hints and solutions', () => {
  it('a hint given again is counted, not repeated; hints repeated across conditions are given once', () => {
    const m = new ScreenModel(LAB, view('failing', 'todo', 'todo', 'todo'));
    expect(m.addHint('toy/s1', 'first')).toBe(true);
    expect(m.addHint('toy/s1', 'last')).toBe(true);
    expect(m.addHint('toy/s1', 'last')).toBe(false);
    expect(m.hints.get('toy/s1')).toEqual([
      { text: 'first', times: 1 },
      { text: 'last', times: 2 },
    ]);
    expect(collapseHints([cond('a', true, 'run x'), cond('b', true, 'run x'), cond('c', true, 'run y')]).map((c) => c.hint)).toEqual(['run x', undefined, 'run y']);
  });

  it('a solution only after the step passed, or once revealed; a step without one has none', () => {
    const m = new ScreenModel(LAB, view('done', 'failing', 'done-changed', 'done'));
    expect(m.solutionFor(1)).toBe('solution 1');
    expect(m.solutionFor(2)).toBeUndefined();
    expect(m.solutionFor(3)).toBe('solution 3'); // changed since, still done
    expect(m.solutionFor(4)).toBeUndefined();
    m.revealed.set('toy/s2', 'revealed text');
    expect(m.solutionFor(2)).toBe('revealed text');
    const revealedBefore = view('done', 'failing', 'todo', 'todo');
    revealedBefore.steps[1].revealed = true;
    expect(new ScreenModel(LAB, revealedBefore).solutionFor(2)).toBe('solution 2');
  });
});

describe('labViewOf (a grading and progress)', () => {
  const result = (passed: boolean[], graded = true): LabResult => ({
    lab: LAB.id,
    title: LAB.title,
    passed: passed.every(Boolean),
    steps: passed.map((p, i) => ({ id: `toy/s${i + 1}`, title: `Step ${i + 1}`, passed: p, conditions: graded ? [cond(`c${i + 1}`, !p)] : [] })),
  });

  it('todo before grading, failing, done, and done-changed for a passed step that fails now', () => {
    const before = emptyProgress();
    before.steps['toy/s1'] = { attempts: 2, passedAt: '2025-01-01T10:00:00.000Z' };
    before.steps['toy/s2'] = { attempts: 2, passedAt: '2025-01-01T11:00:00.000Z' };
    expect(labViewOf(LAB, undefined, before).steps.map((s) => s.status)).toEqual(['done', 'done', 'todo', 'todo']);
    // the grading recorded step 4's pass; step 3's solution was revealed before it passed
    const after = structuredClone(before);
    after.steps['toy/s4'] = { attempts: 1, passedAt: '2025-01-01T12:30:00.000Z' };
    after.steps['toy/s3'] = { attempts: 1, revealedAt: '2025-01-01T12:00:00.000Z' };
    const v = labViewOf(LAB, decorateResult(LAB, result([true, false, false, true]), before, after), after);
    expect(v.steps.map((s) => s.status)).toEqual(['done', 'done-changed', 'failing', 'passing']);
    expect(v.steps[1].passedAt).toBe('2025-01-01T11:00:00.000Z');
    expect(v.steps[2].revealed).toBe(true);
    expect(v.complete).toBe(false);
    after.steps['toy/s3'] = { attempts: 2, passedAt: '2025-01-01T13:00:00.000Z', revealedAt: '2025-01-01T12:00:00.000Z' };
    // complete once every step has passed, even if one changed since
    expect(labViewOf(LAB, decorateResult(LAB, result([true, false, false, true]), after, after), after).complete).toBe(true);
  });
});

describe('whenText', () => {
  it('the time today, the date and time another day', () => {
    const now = new Date(2025, 4, 6, 15, 0);
    expect(whenText(new Date(2025, 4, 6, 9, 5).toISOString(), now)).toBe('09:05');
    expect(whenText(new Date(2025, 4, 1, 9, 5).toISOString(), now)).toBe('2025-05-01 09:05');
    expect(whenText(undefined, now)).toBe('');
  });
});
