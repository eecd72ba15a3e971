/**
 * The live screen's options from today's session, grading and progress, so `start` shows the new
 * screen before the per-lab session model lands (that side will build LiveScreenOptions itself
 * and this file goes away). A step that passed before and fails now is 'done-changed'.
 */
import type { Course, Lab } from '../../core/course.js';
import { UsageError } from '../../core/errors.js';
import type { LabGrader } from '../../graders/types.js';
import type { LabResult } from '../grading.js';
import { loadGraders } from '../graders-registry.js';
import type { CommandIO } from '../io.js';
import { hintText } from '../output.js';
import type { ProgressData } from '../progress.js';
import { gradeLab, seedLab, type OpenSession } from '../runtime.js';
import type { LabView, LiveScreenOptions, StepStatus } from './types.js';

/** A backend without change events is polled this often, never while a grading runs. */
const POLL_MS = 2000;
// reads (our own gradings among them) never change what a check sees
const READ_ONLY = /^(Get|List|Head|Simulate|Describe)/;

/** A LabView from a grading and the progress recorded with it (plus solutions revealed here). */
export function labViewFrom(r: LabResult, p: ProgressData, revealed: ReadonlySet<string> = new Set()): LabView {
  const steps = r.steps.map((s) => {
    const passedAt = p.steps[s.id]?.passedAt;
    const graded = s.conditions.length > 0;
    let status: StepStatus;
    if (!graded) status = passedAt ? 'done' : 'todo';
    else if (s.passed) status = passedAt ? 'done' : 'passing';
    else status = passedAt ? 'done-changed' : 'failing';
    return { id: s.id, title: s.title, status, passedAt, revealed: revealed.has(s.id) || undefined, conditions: s.conditions };
  });
  return { lab: r.lab, steps, complete: steps.length > 0 && steps.every((s) => !!s.passedAt || s.status === 'passing') };
}

export interface SessionLive {
  io: CommandIO;
  open: OpenSession;
  course: Course;
  lab: Lab;
  grader: LabGrader;
  first: LabResult;
}

export function liveOptionsFromSession(o: SessionLive): LiveScreenOptions {
  const { io, open, lab, grader } = o;
  const revealed = new Set<string>();
  const hintTier = new Map<string, number>();
  const view = (r: LabResult) => labViewFrom(r, open.progress.read(), revealed);
  let grading = false;
  let lastGraded = 0;
  const stepOf = (id: string) => {
    const step = lab.steps.find((s) => s.id === id);
    if (!step) throw new UsageError(`lab ${lab.id} has no step '${id}'.`);
    return step;
  };
  return {
    io,
    course: o.course,
    lab,
    first: view(o.first),
    async regrade() {
      grading = true;
      try {
        return view(await gradeLab(open, lab, grader));
      } finally {
        grading = false;
        lastGraded = Date.now();
      }
    },
    onAccountChange(listener) {
      const unsubscribe = open.handle.onChange?.((event) => {
        // (a key's last use is a change: steps check that a profile has been tried; gradings
        // sign as the account's root, whose use is not recorded, so they do not re-trigger)
        if (!READ_ONLY.test(event.operation)) listener();
      });
      if (unsubscribe) return unsubscribe;
      const poll = setInterval(() => {
        if (!grading && Date.now() - lastGraded >= POLL_MS) listener();
      }, POLL_MS / 4);
      return () => clearInterval(poll);
    },
    actions: {
      async hint(stepId) {
        const step = stepOf(stepId);
        const tier = hintTier.get(stepId) ?? 0;
        hintTier.set(stepId, Math.min(tier + 1, step.hints.length - 1));
        return hintText(step, tier);
      },
      async reset(stepId) {
        if (stepId) throw new UsageError('resetting a single step is not available with this backend session yet: R resets the whole lab.');
        await seedLab(open, lab, grader, await loadGraders(io.env));
        revealed.clear();
        hintTier.clear();
      },
      async revealSolution(stepId) {
        revealed.add(stepId);
        return stepOf(stepId).solution;
      },
      describeReset(stepId) {
        if (stepId) return 'Only the whole lab can be reset here (R).';
        return 'Everything you built in the account is deleted, the account goes back to what the lab prepared, and the lab’s progress starts over.';
      },
    },
  };
}
