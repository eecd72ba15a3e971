/** `iam-labs reset [lab]`: back to the lab's seeded state on the running backend. */
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { graderFor, labFromArgOrSession, openCourseWithGraders, openSession, seedLab } from '../runtime.js';
import { withSpinner } from '../spinner.js';

export async function resetCommand(labArg: string | undefined, opts: { plain?: boolean }, io: CommandIO = defaultIO(opts)): Promise<number> {
  const open = openSession(io);
  const { course, graders } = await openCourseWithGraders(io);
  const lab = labFromArgOrSession(course, labArg, open.session);
  await withSpinner(io, `Resetting ${lab.id}`, () => seedLab(open, lab, graderFor(lab, graders), graders));
  writeln(io, `${io.c.green('✔')} ${lab.id} is back to its starting state (${lab.steps.length} steps to do).`);
  return 0;
}
