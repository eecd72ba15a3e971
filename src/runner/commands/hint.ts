/**
 * `iam-labs hint [step]`: first what the check sees in the account (state-aware hints), then the
 * next tier of the step's written hints (nudge → which command → almost the answer).
 */
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { conditionLines, hintText } from '../output.js';
import { statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { readSession } from '../session.js';
import { labOfStep, resolveLab, type Course, type Lab, type Step } from '../../core/course.js';
import { UsageError, UserError } from '../../core/errors.js';
import { gradeLab, graderFor, openCourseWithGraders, openSession } from '../runtime.js';

function pickStep(course: Course, arg: string | undefined, sessionLab: string | undefined, passed: (id: string) => boolean): { lab: Lab; step: Step } {
  if (arg) {
    const lab = labOfStep(course, arg);
    if (lab) return { lab, step: lab.steps.find((s) => s.id === arg)! };
    // a number within the session's lab ("2") or a step name without topic
    if (sessionLab) {
      const l = resolveLab(course, sessionLab);
      const byNum = /^\d+$/.test(arg) ? l.steps[Number(arg) - 1] : l.steps.find((s) => s.id.endsWith(`/${arg}`));
      if (byNum) return { lab: l, step: byNum };
    }
    throw new UsageError(`there is no step '${arg}'. Steps look like users/create-user; \`iam-labs progress\` lists them.`);
  }
  if (!sessionLab) throw new UsageError('which step? Start a lab first (`iam-labs start 01`) or name a step id.');
  const lab = resolveLab(course, sessionLab);
  return { lab, step: lab.steps.find((s) => !passed(s.id)) ?? lab.steps[lab.steps.length - 1] };
}

export async function hintCommand(stepArg: string | undefined, opts: { plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const { course, graders } = await openCourseWithGraders(io);
  const store = new ProgressStore(statePaths(io.home).progress);
  const p = store.read();
  const session = readSession(io.home);
  const { lab, step } = pickStep(course, stepArg, session?.lab, (id) => !!p.steps[id]?.passedAt);
  if (session) {
    // what the account looks like now, when a lab is running (hints work without it too)
    const r = await (async () => {
      try {
        return (await gradeLab(openSession(io), lab, graderFor(lab, graders), step.id)).steps[0];
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        writeln(io, io.c.dim(`(could not look at the account: ${e.message})`));
        return undefined;
      }
    })();
    if (r?.passed) writeln(io, io.c.green(`✔ “${step.title}” already passes.`));
    else if (r) {
      const told = r.conditions.filter((c) => c.status !== 'passed');
      writeln(io, `What the check sees now for “${step.title}”:`);
      const hintsShown = new Set<string>();
      for (const c of told) writeln(io, conditionLines(io, c, '  ', { hintsShown }).join('\n'));
      writeln(io);
    }
  }
  let tier = 0;
  await store.update((d) => {
    const s = (d.steps[step.id] ??= { attempts: 0 });
    const shown = s.hintsShown ?? 0;
    tier = shown;
    s.hintsShown = Math.min(shown + 1, step.hints.length);
  });
  writeln(io, hintText(step, tier));
  if (tier + 1 < step.hints.length) writeln(io, io.c.dim('(run iam-labs hint again for a stronger hint)'));
  return 0;
}
