/**
 * `iam-labs check [lab] [--json] [--endpoint URL]`: grade the lab on the running session's
 * backend (or the endpoint named). Exit 0 when every step passes, 1 when any fails, 2 on errors.
 */
import { startEndpoint } from '../../backends/endpoint.js';
import { isolateSdkEnvironment } from '../../backends/sdk-env.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { renderLabResult } from '../output.js';
import { statePaths } from '../paths.js';
import { ProgressStore } from '../progress.js';
import { readSession, type Session } from '../session.js';
import { gradeLab, gradeLabOnHost, graderFor, labFiles, labFromArgOrSession, openCourseWithGraders, openSession, type OpenSession } from '../runtime.js';

export interface CheckCommandOptions {
  json?: boolean;
  plain?: boolean;
  endpoint?: string;
  allowRemote?: boolean;
  verbose?: boolean;
  step?: string;
}

/** The session to grade: --endpoint (safety rules apply) or the running one (else exit 2). */
export async function sessionForGrading(io: CommandIO, endpoint: string | undefined, allowRemote?: boolean): Promise<OpenSession> {
  if (!endpoint) return openSession(io);
  const paths = statePaths(io.home);
  isolateSdkEnvironment(paths.sdkConfig);
  const handle = await startEndpoint({ home: io.home, detach: true, endpoint, allowRemote, env: io.env, log: () => {} });
  const session: Session = { ...handle.info, format: 1, startedAt: new Date().toISOString(), lab: readSession(io.home)?.lab };
  return { session, handle, files: labFiles(paths, session), progress: new ProgressStore(paths.progress), paths };
}

export async function checkCommand(labArg: string | undefined, opts: CheckCommandOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  // The session comes first: with no lab running nothing else is read and nothing is contacted.
  const open = await sessionForGrading(io, opts.endpoint, opts.allowRemote);
  // A detached emulator grades with the graders (and the AWS SDK) it keeps loaded; the same
  // graders run here otherwise.
  const hosted = opts.endpoint ? undefined : await gradeLabOnHost(open, labArg, io.env, opts.step);
  const result = hosted ?? (await gradeHere(open, labArg, opts.step, io));
  if (opts.json) writeln(io, JSON.stringify(result, null, 2));
  else writeln(io, renderLabResult(io, result, { verbose: opts.verbose }));
  return result.passed ? 0 : 1;
}

async function gradeHere(open: OpenSession, labArg: string | undefined, step: string | undefined, io: CommandIO) {
  const { course, graders } = await openCourseWithGraders(io);
  const lab = labFromArgOrSession(course, labArg, open.session);
  return gradeLab(open, lab, graderFor(lab, graders), step);
}
