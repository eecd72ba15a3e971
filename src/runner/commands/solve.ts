/**
 * `iam-labs solve <lab> [--step ID]`: apply the reference solution (asks first in a terminal,
 * since it does the learning for you), then grade.
 */
import readline from 'node:readline/promises';
import { UsageError } from '../../core/errors.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { createLabContext, FactMap } from '../lab-context.js';
import { renderLabResult } from '../output.js';
import { gradeLab, graderFor, labFromArgOrSession, openCourseWithGraders } from '../runtime.js';
import { sessionForGrading } from './check.js';

export interface SolveOptions {
  step?: string;
  yes?: boolean;
  plain?: boolean;
  endpoint?: string;
  allowRemote?: boolean;
}

export async function confirm(io: CommandIO, question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: io.input, output: io.out });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export async function solveCommand(labArg: string | undefined, opts: SolveOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const open = await sessionForGrading(io, opts.endpoint, opts.allowRemote);
  const { course, graders } = await openCourseWithGraders(io);
  const lab = labFromArgOrSession(course, labArg, open.session);
  const grader = graderFor(lab, graders);
  const steps = opts.step ? lab.steps.filter((s) => s.id === opts.step || s.id.endsWith(`/${opts.step}`)) : lab.steps;
  if (!steps.length) throw new UsageError(`lab ${lab.id} has no step '${opts.step}'. Its steps: ${lab.steps.map((s) => s.id).join(', ')}`);
  if (io.tty && !opts.yes) {
    const what = opts.step ? `step ${steps[0].id}` : `all ${steps.length} steps of ${lab.id}`;
    if (!(await confirm(io, `This applies the reference solution to ${what} — you learn more by doing it yourself. Continue?`))) {
      writeln(io, 'Nothing changed.');
      return 0;
    }
  }
  const facts = new FactMap({ ...open.progress.read().facts });
  const made = createLabContext(open.session, facts, open.files);
  try {
    for (const s of steps) {
      const g = grader.steps.find((x) => x.id === s.id)!;
      await g.solve(made.ctx);
      writeln(io, `${io.c.green('✔')} solved ${s.id}`);
      if (opts.step && s.solution) writeln(io, `\n${s.solution}\n`);
    }
  } finally {
    made.destroy();
  }
  await open.progress.recordCheck([], facts.changed);
  const result = await gradeLab(open, lab, grader, opts.step ? steps[0].id : undefined);
  writeln(io, renderLabResult(io, result));
  return result.passed ? 0 : 1;
}
