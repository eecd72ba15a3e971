/** `iam-labs progress [--json]`: every lab and step, with when it passed. */
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { labProgressLine, SYM } from '../output.js';
import { statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { openCourse } from '../runtime.js';

export async function progressCommand(opts: { json?: boolean; plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const p = new ProgressStore(statePaths(io.home).progress).read();
  if (opts.json) {
    const labs = course.labs.map((l) => ({
      id: l.id,
      complete: !!p.labs[l.id]?.completedAt,
      completedAt: p.labs[l.id]?.completedAt ?? null,
      steps: l.steps.map((s) => ({
        id: s.id,
        title: s.title,
        passed: !!p.steps[s.id]?.passedAt,
        passedAt: p.steps[s.id]?.passedAt ?? null,
        attempts: p.steps[s.id]?.attempts ?? 0,
      })),
    }));
    writeln(io, JSON.stringify({ labs }, null, 2));
    return 0;
  }
  for (const l of course.labs) {
    writeln(io, labProgressLine(io, l, p));
    for (const s of l.steps) {
      const st = p.steps[s.id];
      const mark = st?.passedAt ? io.c.green(`${SYM.pass} done`) : io.c.dim(`${SYM.todo} todo`);
      writeln(io, `        ${mark}  ${s.title} ${io.c.dim(`(${s.id}${st?.attempts ? `, ${st.attempts} checks` : ''})`)}`);
    }
  }
  return 0;
}
