/**
 * `iam-labs check [lab] [--step N] [--json] [--endpoint URL]`: grade a lab in its own account on
 * the running backend (or the endpoint named), after making sure that backend is the one recorded.
 * Progress only moves forward: a step that passed once stays done. Exit 0 when every step graded
 * is done, 1 when one is not, 2 on errors.
 */
import { startEndpoint } from '../../backends/endpoint.js';
import { isolateSdkEnvironment } from '../../core/sdk-env.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { labPaths, statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { currentLabId, type BackendRecord, type Session } from '../session.js';
import { ensurePresent, gradeSessionLab, labFiles, openCourse, openSession, requireBackend, type OpenSession, type Purpose } from '../runtime.js';
import { resolveLab, type Course, type Lab } from '../../core/course.js';
import { NoSessionError } from '../../core/errors.js';
import { requireStep } from '../steps.js';
import { waitForStartElsewhere } from '../start-in-progress.js';

export interface CheckCommandOptions {
  json?: boolean;
  plain?: boolean;
  endpoint?: string;
  allowRemote?: boolean;
  verbose?: boolean;
  step?: string;
}

/**
 * The lab to grade and its session: --endpoint (safety rules apply; that server's account), or
 * the lab's own account on the running backend (else exit 2, having contacted nothing).
 */
export async function sessionForGrading(
  io: CommandIO,
  labArg: string | undefined,
  endpoint: string | undefined,
  allowRemote: boolean | undefined,
  purpose: Purpose,
): Promise<{ open: OpenSession; course: Course; lab: Lab }> {
  const { open, course, lab, present } = await openForGrading(io, labArg, endpoint, allowRemote, purpose);
  await present();
  return { open, course, lab };
}

/**
 * sessionForGrading, with the check that the backend is the one recorded left to the caller:
 * `present()` rejects when it is not (gradeSessionLab then sends it nothing).
 */
async function openForGrading(
  io: CommandIO,
  labArg: string | undefined,
  endpoint: string | undefined,
  allowRemote: boolean | undefined,
  purpose: Purpose,
): Promise<{ open: OpenSession; course: Course; lab: Lab; present: () => Promise<void> }> {
  if (!endpoint) {
    await waitForStartElsewhere(io);
    const course = openCourse(io);
    // the lab named, so "no lab is running" can say which `start` to run
    requireBackend(io, purpose, labArg ? resolveLab(course, labArg).id : undefined);
    const id = labArg ?? currentLabId(io.home, io.env);
    if (!id) throw new NoSessionError(`no lab is open on the running backend, so there is nothing to ${purpose}.`, 2, 'Name one (`iam-labs check 01`) or start one (`iam-labs start 01`).');
    const lab = resolveLab(course, id);
    const open = openSession(io, lab.id, purpose);
    return { open, course, lab, present: () => ensurePresent(open) };
  }
  const course = openCourse(io);
  const id = labArg ?? currentLabId(io.home, io.env);
  if (!id) throw new NoSessionError('which lab? Name one, e.g. `iam-labs check 01 --endpoint …`.', 2);
  const lab = resolveLab(course, id);
  const paths = statePaths(io.home);
  isolateSdkEnvironment(paths.sdkConfig);
  const handle = await startEndpoint({ home: io.home, detach: true, endpoint, allowRemote, env: io.env, log: () => {} });
  const session: Session = { ...handle.info, format: 2, startedAt: new Date().toISOString(), lab: lab.id };
  const backend: BackendRecord = { ...handle.info, format: 2, startedAt: session.startedAt, state: 'running' };
  const open = { session, backend, handle, files: labFiles(io.home, session), progress: new ProgressStore(paths.progress), paths, labPaths: labPaths(io.home, lab.id) };
  return { open, course, lab, present: () => Promise.resolve() };
}

export async function checkCommand(labArg: string | undefined, opts: CheckCommandOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  // The session comes first: with no lab running nothing else is read and nothing is contacted.
  const { open, course, lab, present } = await openForGrading(io, labArg, opts.endpoint, opts.allowRemote, 'check');
  const only = opts.step ? requireStep(lab, opts.step).step.id : undefined;
  // A backend with a grading service (the detached emulator) grades with the graders and the AWS
  // SDK it keeps loaded; the same graders run here otherwise. The report's code loads meanwhile.
  const grading = gradeSessionLab(open, lab, io, only, present);
  const report = opts.json ? undefined : Promise.all([import('../output.js'), import('../completion.js')]);
  report?.catch(() => {});
  const result = await grading;
  if (!report) writeln(io, JSON.stringify(result, null, 2));
  else {
    const [{ renderLabResult }, { completionNotice }] = await report;
    writeln(io, renderLabResult(io, result, { verbose: opts.verbose }));
    const done = completionNotice(io, course, result, open.progress.read());
    if (done) writeln(io, `\n${done}`);
  }
  return result.passed ? 0 : 1;
}
