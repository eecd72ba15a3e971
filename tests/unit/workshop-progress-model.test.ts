/**
 * The instructor's view of the progress model (issue 12): the step a learner is on and since
 * when, done steps stay done, "stuck" only on the current step after the threshold, revealed
 * steps counted as revealed; and reports limited to the course's labs and steps (issue 15).
 */
import { describe, expect, it } from 'vitest';
import { applyReport, emptyProgress, parseReport } from '../../src/workshop/progress-model.js';
import type { OutlineLab } from '../../src/workshop/outline.js';
import { publicLearner, stepSummary } from '../../src/workshop/reports.js';
import type { Learner } from '../../src/workshop/store.js';

const LAB: OutlineLab = {
  id: '01-users',
  title: 'Users',
  steps: ['a', 'b', 'c'].map((s) => ({ id: `users/${s}`, title: `Step ${s}`, lab: '01-users' })),
};
const T0 = '2026-03-01T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const learner = (): Learner => ({ t: 'learner', id: 'L1', name: 'Ada', mode: 'report-only', tokenHash: 'x', joinedAt: T0, progress: emptyProgress() });
const report = (body: Record<string, unknown>, now: string) => parseReport({ v: 2, lab: '01-users', ...body }, [LAB], now);

describe('the instructor view of a learner', () => {
  it('shows the step they are on and since when; stuck only there, only after the threshold', () => {
    const l = learner();
    applyReport(l.progress, report({ current: 'users/a', steps: [{ id: 'users/a', status: 'failing', failing: ['user Samy exists'] }, { id: 'users/b', status: 'todo' }, { id: 'users/c', status: 'todo' }] }, at(0)), LAB, at(0));
    const view = publicLearner(l, 10);
    expect(view.position).toEqual({ lab: '01-users', step: 'users/a', since: at(0), stuckAt: at(10) });
    const rows = (minutes: number) => stepSummary([publicLearner(l, 10)], [LAB], Date.parse(at(minutes)));
    expect(rows(9.9).map((r) => r.stuck)).toEqual([0, 0, 0]);
    // After ten minutes on step a: stuck on a, and on no step not yet attempted.
    expect(rows(10).map((r) => [r.onIt, r.stuck, r.failing])).toEqual([
      [1, 1, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(rows(10)[0].commonFailure).toEqual({ condition: 'user Samy exists', learners: 1 });
  });

  it('a new step restarts the clock; a step that passed stays done when a later one undoes it', () => {
    const l = learner();
    applyReport(l.progress, report({ current: 'users/b', steps: [{ id: 'users/a', status: 'passing' }] }, at(0)), LAB, at(0));
    expect(l.progress.steps['users/a'].passedAt).toBe(at(0));
    // Twenty minutes later the learner is on c; step a fails now (the lab's c undoes it).
    applyReport(l.progress, report({ current: 'users/c', steps: [{ id: 'users/a', status: 'done-changed' }, { id: 'users/b', status: 'done' }] }, at(20)), LAB, at(20));
    expect(l.progress.steps['users/a']).toMatchObject({ status: 'failing', passedAt: at(0) });
    expect(l.progress.steps['users/b'].passedAt).toBe(at(20));
    const view = publicLearner(l, 10);
    expect(view.position).toMatchObject({ step: 'users/c', since: at(20), stuckAt: at(30) });
    const rows = stepSummary([view], [LAB], Date.parse(at(25)));
    expect(rows.map((r) => [r.done, r.stuck])).toEqual([
      [1, 0],
      [1, 0],
      [0, 0],
    ]);
    // Even a report that claims a is "todo" again cannot take its completion away.
    applyReport(l.progress, report({ current: 'users/c', steps: [{ id: 'users/a', status: 'todo' }] }, at(26)), LAB, at(26));
    expect(l.progress.steps['users/a'].passedAt).toBe(at(0));
  });

  it('counts a revealed step as revealed, and a complete lab has no current step and nobody stuck', () => {
    const l = learner();
    applyReport(l.progress, report({ current: 'users/b', steps: [{ id: 'users/a', status: 'done', passedAt: at(1), revealedAt: at(2) }] }, at(3)), LAB, at(3));
    applyReport(l.progress, report({ current: null, steps: LAB.steps.map((s) => ({ id: s.id, status: 'done', passedAt: at(4) })) }, at(5)), LAB, at(5));
    const view = publicLearner(l, 10);
    expect(view.steps['users/a']).toMatchObject({ passedAt: at(1), revealedAt: at(2) });
    expect(view.position).toEqual({ lab: '01-users', step: null, since: at(5) });
    const rows = stepSummary([view], [LAB], Date.parse(at(500)));
    expect(rows.map((r) => [r.done, r.revealed, r.stuck])).toEqual([
      [1, 1, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('takes only the course’s labs and steps, whatever their names', () => {
    expect(() => report({ steps: [{ id: '__proto__', status: 'passing' }] }, T0)).toThrow('Lab 01-users has no step "__proto__".');
    expect(() => report({ steps: [{ id: 'constructor', status: 'passing' }] }, T0)).toThrow('Lab 01-users has no step "constructor".');
    expect(() => parseReport({ v: 2, lab: '__proto__', steps: [] }, [LAB], T0)).toThrow('Unknown lab "__proto__": this workshop offers 01-users.');
    expect(() => report({ steps: [{ id: 'users/a', status: 'passing' }, { id: 'users/a', status: 'passing' }] }, T0)).toThrow('Step users/a is listed twice.');
    // A learner's clock ahead of the server's records nothing in the future.
    expect(report({ steps: [{ id: 'users/a', status: 'done', passedAt: '2099-01-01T00:00:00Z' }] }, T0).steps[0].passedAt).toBe(T0);
  });
});
