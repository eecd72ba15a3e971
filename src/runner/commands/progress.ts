/**
 * `iam-labs progress [--json]`: the whole course as labs/course.md lists it, every step with when it
 * passed (done stays done; "changed since" when the latest check of a done step failed), solutions
 * revealed, and, once every lab is complete, the course summary.
 */
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { labProgressLine, outputWidth, stepMark } from '../output.js';
import { visibleWidth, wrapLine } from '../screen/wrap.js';
import { statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { openCourse } from '../runtime.js';
import { courseSummary, duration, renderSummary } from '../completion.js';
import { revealedBeforePassing } from '../lab-view.js';
import type { StepStatus } from '../grading.js';

export async function progressCommand(opts: { json?: boolean; plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const p = new ProgressStore(statePaths(io.home).progress).read();
  const summary = courseSummary(course, p);
  const statusOf = (id: string): StepStatus => {
    const s = p.steps[id];
    if (s?.passedAt) return s.last && !s.last.passed ? 'done-changed' : 'done';
    return s?.last ? 'failing' : 'todo';
  };
  if (opts.json) {
    const labs = course.labs.map((l) => {
      const sum = summary.labs.find((x) => x.id === l.id)!;
      return {
        id: l.id,
        title: l.title,
        complete: sum.complete,
        startedAt: sum.startedAt ?? null,
        completedAt: sum.complete ? (p.labs[l.id]?.completedAt ?? null) : null,
        activeMinutes: Math.round(sum.activeMs / 60_000),
        steps: l.steps.map((s) => {
          const st = p.steps[s.id];
          return {
            id: s.id,
            title: s.title,
            status: statusOf(s.id),
            passed: !!st?.passedAt,
            passedAt: st?.passedAt ?? null,
            revealedAt: revealedBeforePassing(st) ? st!.revealedAt : null,
            latest: st?.last ?? null,
            attempts: st?.attempts ?? 0,
          };
        }),
      };
    });
    writeln(io, JSON.stringify({ course: { title: course.title, complete: summary.complete, totals: summary.totals, completedAt: summary.completedAt ?? null }, labs }, null, 2));
    return 0;
  }
  writeln(io, io.c.bold(course.title));
  for (const l of course.labs) {
    writeln(io, labProgressLine(io, l, p));
    for (const s of l.steps) {
      const st = p.steps[s.id];
      const when = st?.passedAt ? io.c.dim(` ${st.passedAt.slice(0, 16).replace('T', ' ')}`) : '';
      const revealed = revealedBeforePassing(st) ? io.c.dim(' (solution revealed)') : '';
      const mark = stepMark(io, statusOf(s.id), false);
      // whole words at the terminal's width, continuation lines under the title (as in `list`)
      const hang = ' '.repeat(8 + visibleWidth(mark) + 2);
      for (const line of wrapLine(`        ${mark}  ${s.title} ${io.c.dim(`(${s.id})`)}${when}${revealed}`, outputWidth(io), { hang })) writeln(io, line);
    }
  }
  writeln(io, '');
  if (summary.complete) writeln(io, renderSummary(io, summary));
  else {
    const t = summary.totals;
    writeln(io, `${t.labsComplete} of ${t.labs} labs complete, ${t.stepsDone} of ${t.steps} steps done${t.activeMs ? `, ${duration(t.activeMs)} of work so far` : ''}.`);
  }
  return 0;
}
