/**
 * The course as a whole: how far the learner is in every lab (as labs/course.md lists them), and,
 * once every lab is complete, the summary (labs, steps, time spent) that `progress` shows and
 * that a grading which finishes the course prints.
 */
import type { Course } from '../core/course.js';
import type { LabResult } from './grading.js';
import type { CommandIO } from './io.js';
import { revealedBeforePassing } from './lab-view.js';
import { labComplete, type ProgressData } from './progress.js';
import { plural } from './output.js';

export interface LabSummary {
  id: string;
  number: string;
  title: string;
  steps: number;
  done: number;
  /** steps whose reference solution the learner asked for before passing them */
  revealed: number;
  complete: boolean;
  startedAt?: string;
  completedAt?: string;
  activeMs: number;
}

export interface CourseSummary {
  title: string;
  labs: LabSummary[];
  totals: { labs: number; labsComplete: number; steps: number; stepsDone: number; revealed: number; activeMs: number };
  complete: boolean;
  /** when the last lab was completed */
  completedAt?: string;
  startedAt?: string;
}

export function courseSummary(course: Course, p: ProgressData): CourseSummary {
  const labs: LabSummary[] = course.labs.map((l) => {
    const ids = l.steps.map((s) => s.id);
    const lp = p.labs[l.id];
    return {
      id: l.id,
      number: l.number,
      title: l.title,
      steps: ids.length,
      done: ids.filter((id) => p.steps[id]?.passedAt).length,
      revealed: ids.filter((id) => revealedBeforePassing(p.steps[id])).length,
      complete: labComplete(p, ids),
      ...(lp?.startedAt ? { startedAt: lp.startedAt } : {}),
      ...(lp?.completedAt ? { completedAt: lp.completedAt } : {}),
      activeMs: lp?.activeMs ?? 0,
    };
  });
  const sum = (f: (l: LabSummary) => number) => labs.reduce((n, l) => n + f(l), 0);
  const complete = labs.length > 0 && labs.every((l) => l.complete);
  const dates = (f: (l: LabSummary) => string | undefined) => labs.map(f).filter((d): d is string => !!d).sort();
  return {
    title: course.title,
    labs,
    totals: {
      labs: labs.length,
      labsComplete: labs.filter((l) => l.complete).length,
      steps: sum((l) => l.steps),
      stepsDone: sum((l) => l.done),
      revealed: sum((l) => l.revealed),
      activeMs: sum((l) => l.activeMs),
    },
    complete,
    ...(complete ? { completedAt: dates((l) => l.completedAt).pop() } : {}),
    ...(dates((l) => l.startedAt).length ? { startedAt: dates((l) => l.startedAt)[0] } : {}),
  };
}

/** "2 h 05 min", "14 min", "under a minute". */
export function duration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** The summary of a finished course, for the terminal. */
export function renderSummary(io: Pick<CommandIO, 'c'>, s: CourseSummary): string {
  const { c } = io;
  const lines = [
    c.green(c.bold(`✔ Course complete: ${s.title}`)),
    `  ${plural(s.totals.labs, 'lab')}, ${plural(s.totals.stepsDone, 'step')} done, ${duration(s.totals.activeMs)} of work` +
      (s.startedAt && s.completedAt ? ` (from ${s.startedAt.slice(0, 10)} to ${s.completedAt.slice(0, 10)})` : ''),
  ];
  for (const l of s.labs) lines.push(`  ${l.number}  ${l.title.padEnd(32)} ${plural(l.steps, 'step')}  ${duration(l.activeMs)}${l.revealed ? c.dim(`  (${plural(l.revealed, 'solution')} revealed)`) : ''}`);
  lines.push('', `Keep a signed record of it: ${c.cyan('iam-labs certificate')} (an instructor checks it with \`iam-labs verify <file>\`).`);
  return lines.join('\n');
}

/**
 * What to say after a grading that completed a lab: the next lab, or, when that was the course's
 * last incomplete lab, the course summary.
 */
export function completionNotice(io: Pick<CommandIO, 'c'>, course: Course, result: LabResult, p?: ProgressData): string | undefined {
  if (!result.completedNow || !p) return undefined;
  const summary = courseSummary(course, p);
  if (summary.complete) return `${course.finale ? `${course.finale}\n\n` : ''}${renderSummary(io, summary)}`;
  const i = course.labs.findIndex((l) => l.id === result.lab);
  const next = course.labs.slice(i + 1).find((l) => !summary.labs.find((x) => x.id === l.id)?.complete) ?? course.labs.find((l) => !summary.labs.find((x) => x.id === l.id)?.complete);
  return `${io.c.green(`✔ Lab ${course.labs[i]?.number ?? result.lab} complete.`)}${next ? ` Next: iam-labs start ${next.number}  (${next.title})` : ''}`;
}
