/**
 * `iam-labs solve [lab] [--step N]`: apply the reference solution (asks first in a terminal, since
 * it does the learning for you), recording the steps as revealed, then grade. Steps are solved
 * and graded one at a time, in order, as a learner would do them: a later step that undoes an
 * earlier one (offboarding bob) finds the earlier one already done.
 */
import { UsageError } from '../../core/errors.js';
import { confirm } from '../confirm.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { createLabContext, FactMap } from '../lab-context.js';
import { renderLabResult, renderMarkdown } from '../output.js';
import { passedSteps } from '../progress.js';
import { gradeSessionLab, graderFor } from '../runtime.js';
import { loadGraders } from '../graders-registry.js';
import { requireStep } from '../steps.js';
import { completionNotice } from '../completion.js';
import { sessionForGrading } from './check.js';
import type { LabResult } from '../grading.js';

export interface SolveOptions {
  step?: string;
  yes?: boolean;
  plain?: boolean;
  endpoint?: string;
  allowRemote?: boolean;
}

export async function solveCommand(labArg: string | undefined, opts: SolveOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const { open, course, lab } = await sessionForGrading(io, labArg, opts.endpoint, opts.allowRemote, 'solve');
  const grader = graderFor(lab, await loadGraders(io.env));
  const steps = opts.step ? [requireStep(lab, opts.step).step] : lab.steps;
  if (io.tty && !opts.yes) {
    const what = opts.step ? `step ${lab.steps.indexOf(steps[0]) + 1} (${steps[0].id})` : `all ${steps.length} steps of lab ${lab.number}`;
    if (!(await confirm(io, `This applies the reference solution to ${what} — you learn more by doing it yourself. Continue?`))) {
      writeln(io, 'Nothing changed.');
      return 0;
    }
  }
  let last: LabResult | undefined;
  for (const s of steps) {
    // A step that passes when its turn comes keeps the learner's own work: its solution is not
    // applied again (it may not apply twice: a second access key breaks the rotation after it).
    const before = await gradeSessionLab(open, lab, io, s.id);
    if (passes(before, s.id)) {
      writeln(io, `${io.c.green('✔')} ${s.id} already passes: your work is kept`);
      last = before;
      continue;
    }
    // shown (and applied) before passing: the record says so, for the learner and an instructor
    await open.progress.recordRevealed(lab.id, [s.id]);
    const p = open.progress.read();
    const facts = new FactMap({ ...p.facts });
    const made = createLabContext(open.session, facts, open.files, undefined, passedSteps(p, lab.steps.map((x) => x.id)));
    // AWS's refusal of one of the solution's calls (a policy `devboundary` makes creating
    // DevBoundary fail with EntityAlreadyExists): said as such, not as a crash
    let refused: string | undefined;
    try {
      const g = grader.steps.find((x) => x.id === s.id);
      if (!g) throw new UsageError(`step ${s.id} has no grader.`);
      await g.solve(made.ctx);
    } catch (e) {
      const aws = awsRefusal(e);
      if (!aws) throw e;
      refused = aws;
    } finally {
      made.destroy();
    }
    if (Object.keys(facts.changed).length) await open.progress.update((d) => void Object.assign(d.facts, facts.changed));
    // graded right away, in order: the step passes before a later one may undo its work
    last = await gradeSessionLab(open, lab, io, s.id);
    if (refused) {
      const back = `iam-labs reset ${lab.number} --step ${lab.steps.indexOf(s) + 1}`;
      writeln(io, `${io.c.yellow('✘')} the reference solution of ${s.id} could not be applied: AWS refused one of its calls (${refused}). Something in the account is in its way (what the check sees is below). \`${back}\` puts the step back to its start; then solve it again.`);
    } else if (passes(last, s.id)) writeln(io, `${io.c.green('✔')} solved ${s.id}`);
    else {
      // the solution starts from the step's seeded state: something the learner changed before
      // (a policy detached, a user deleted) can still be in its way, and the grading says what
      const back = `iam-labs reset ${lab.number} --step ${lab.steps.indexOf(s) + 1}`;
      writeln(io, `${io.c.yellow('✘')} applied the reference solution of ${s.id}, but the step still fails: something in the account that the solution does not change is in its way (what the check sees is below). \`${back}\` puts the step back to its start; then solve it again.`);
    }
    if (opts.step && s.solution) writeln(io, `\n${await renderMarkdown(io, s.solution)}\n`);
  }
  const result = opts.step ? last! : await gradeSessionLab(open, lab, io);
  writeln(io, renderLabResult(io, result));
  const done = completionNotice(io, course, { ...result, completedNow: result.completedNow || !!last?.completedNow }, open.progress.read());
  if (done) writeln(io, `\n${done}`);
  return result.passed ? 0 : 1;
}

/** Whether a grading found step `id` passing. */
const passes = (result: LabResult, id: string) => result.steps.some((x) => x.id === id && x.passed);

/** "Code: message" of an error the AWS service answered (it has an HTTP status), else undefined. */
function awsRefusal(e: unknown): string | undefined {
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (!status || status < 400 || status >= 500) return undefined;
  // the code on the wire, as the AWS CLI prints it: IAM's "EntityAlreadyExists" (the SDK's name adds "Exception")
  return `${err.Code ?? err.name ?? 'Error'}: ${err.message ?? ''}`;
}
