/**
 * `iam-labs reset [lab] [--step N] [--yes]`: put a lab back to its start, or to the start of one
 * step (its seed plus the reference solutions of the steps before it), in a new account of its own.
 * It says what will be lost and asks (y/N) in a terminal; scripts pass --yes.
 */
import { loadGraders, type GraderRegistry } from '../graders-registry.js';
import { goAhead } from '../confirm.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { applyPlan, describeLoss, planReset } from '../lab-lifecycle.js';
import { reportKeptNote } from '../output.js';
import { withSpinner } from '../spinner.js';
import { requireStep } from '../steps.js';
import { sessionForGrading } from './check.js';

export interface ResetOptions {
  step?: string;
  yes?: boolean;
  plain?: boolean;
}

export async function resetCommand(labArg: string | undefined, opts: ResetOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const { open, lab } = await sessionForGrading(io, labArg, undefined, false, 'reset');
  const index = opts.step ? requireStep(lab, opts.step).index : 0;
  const plan = planReset(io.home, lab, index);
  const loss = describeLoss(plan, lab, open.progress.read(), open.backend, open.handle.extras.makesAccounts);
  const question = index ? `Reset lab ${lab.number} to the start of step ${index + 1}?` : `Reset lab ${lab.number}?`;
  if (!(await goAhead(io, { loss, question, yes: opts.yes, flag: '--yes' }))) {
    writeln(io, 'Nothing changed.');
    return 0;
  }
  let graders: Promise<GraderRegistry> | undefined;
  const done = await withSpinner(io, `Resetting lab ${lab.number}`, () => applyPlan(io, open.backend, open.handle, lab, plan, () => (graders ??= loadGraders(io.env))));
  const where = open.handle.extras.makesAccounts ? ` in a fresh account, ${done.session.accountId}` : '';
  if (index) writeln(io, `${io.c.green('✔')} lab ${lab.number} is at the start of step ${index + 1}, “${lab.steps[index].title}”${where}.`);
  else writeln(io, `${io.c.green('✔')} lab ${lab.number} is back at its start${where}: ${lab.steps.length} steps to do.`);
  if (done.reportKeptFor) writeln(io, reportKeptNote(io, done.reportKeptFor, 'reset'));
  return 0;
}
