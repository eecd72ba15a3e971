/** `iam-labs` and `iam-labs list [--json]`: the course with per-lab progress. */
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { courseOverview } from '../output.js';
import { statePaths } from '../../core/paths.js';
import { labComplete, ProgressStore } from '../progress.js';
import { openCourse } from '../runtime.js';

export async function listCommand(opts: { json?: boolean; plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const p = new ProgressStore(statePaths(io.home).progress).read();
  if (opts.json) {
    const labs = course.labs.map((l) => ({
      id: l.id,
      title: l.title,
      summary: l.summary,
      minutes: l.minutes ?? null,
      steps: l.steps.map((s) => ({ id: s.id, title: s.title, passed: !!p.steps[s.id]?.passedAt })),
      passedSteps: l.steps.filter((s) => p.steps[s.id]?.passedAt).length,
      complete: labComplete(p, l.steps.map((s) => s.id)),
    }));
    writeln(io, JSON.stringify({ title: course.title, labs }, null, 2));
    return 0;
  }
  writeln(io, courseOverview(io, course, p));
  return 0;
}
