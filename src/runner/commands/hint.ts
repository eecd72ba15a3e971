/**
 * `iam-labs hint [step]` (or `hint [lab] --step N`): first what the check sees in the lab's account (state-aware hints), then
 * the next tier of the step's written hints (nudge → which command → almost the answer). The
 * step: its id, its name or its number in the current lab; a lab ("05", as `check 05` takes it)
 * means that lab's first step not done, which is also the default in the current lab.
 */
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { conditionLines } from '../output.js';
import { statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { currentLabId, readBackend } from '../session.js';
import { labOfStep, resolveLab, type Course, type Lab, type Step } from '../../core/course.js';
import { UsageError, UserError } from '../../core/errors.js';
import { ensurePresent, gradeSessionLab, openCourse, openSession } from '../runtime.js';
import { findStep, requireStep } from '../steps.js';
import { nextHint } from '../hints.js';
import { waitForStartElsewhere } from '../start-in-progress.js';

function pickStep(course: Course, arg: string | undefined, stepOpt: string | undefined, currentLab: string | undefined, passed: (id: string) => boolean): { lab: Lab; step: Step } {
  if (stepOpt !== undefined) {
    // `hint 02 --step 4`, as `check`, `reset` and `solve` name a step
    const labArg = arg ?? currentLab;
    if (!labArg) throw new UsageError(`which lab? Name it (iam-labs hint 01 --step ${stepOpt}) or start one first (iam-labs start 01).`);
    const lab = resolveLab(course, labArg);
    return { lab, step: requireStep(lab, stepOpt).step };
  }
  if (arg) {
    const lab = labOfStep(course, arg);
    if (lab) return { lab, step: lab.steps.find((s) => s.id === arg)! };
    // a lab, written as `start`, `check` and `reset` take it ("05", "05-hygiene", "hygiene"): its
    // first step not done. "05" is lab 05, never step 5 (a step number has no leading zero).
    const named = labNamed(course, arg);
    if (named) return { lab: named, step: firstOpen(named, passed) };
    // a number within the current lab ("2") or a step name without topic
    if (currentLab) {
      const l = resolveLab(course, currentLab);
      const found = findStep(l, arg);
      if (found) return { lab: l, step: found.step };
    }
    throw new UsageError(`there is no step '${arg}'${currentLab ? ` in lab ${currentLab}` : ''}. Steps look like users/create-user (or a number in the current lab); \`iam-labs progress\` lists them.`);
  }
  if (!currentLab) throw new UsageError('which step? Start a lab first (`iam-labs start 01`) or name a step id.');
  const lab = resolveLab(course, currentLab);
  return { lab, step: firstOpen(lab, passed) };
}

const firstOpen = (lab: Lab, passed: (id: string) => boolean): Step => lab.steps.find((s) => !passed(s.id)) ?? lab.steps[lab.steps.length - 1];

/** The lab `arg` names exactly (its id, topic or two-digit number), if any. */
function labNamed(course: Course, arg: string): Lab | undefined {
  const q = arg.trim().toLowerCase();
  return course.labs.find((l) => l.id === q || l.topic === q || l.number === q);
}

export async function hintCommand(stepArg: string | undefined, opts: { plain?: boolean; step?: string }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const store = new ProgressStore(statePaths(io.home).progress);
  const p = store.read();
  const { lab, step } = pickStep(course, stepArg, opts.step, currentLabId(io.home, io.env), (id) => !!p.steps[id]?.passedAt);
  if (readBackend(io.home)) {
    // what the account looks like now, when the lab is open (hints work without it too)
    const r = await (async () => {
      try {
        await waitForStartElsewhere(io);
        const open = openSession(io, lab.id, 'check');
        await ensurePresent(open);
        return (await gradeSessionLab(open, lab, io, step.id)).steps[0];
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
  const hint = await nextHint(store, lab, step);
  writeln(io, hint.text);
  // the same words again reach the same step (a bare `iam-labs hint` may pick another one)
  const again = ['iam-labs hint', stepArg, opts.step === undefined ? undefined : `--step ${opts.step}`].filter(Boolean).join(' ');
  if (hint.more) writeln(io, io.c.dim(`(run ${again} again for a stronger hint)`));
  return 0;
}
