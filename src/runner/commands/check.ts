/**
 * `iam-labs check [lab] [--json] [--endpoint URL]`: grade the lab on the running session's
 * backend (or the endpoint named). Exit 0 when every step passes, 1 when any fails, 2 on errors.
 */
import { startEndpoint } from '../../backends/endpoint.js';
import { isolateSdkEnvironment } from '../../core/sdk-env.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { renderLabResult } from '../output.js';
import { statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { readSession, type Session } from '../session.js';
import { gradeSessionLab, labFiles, openSession, type OpenSession } from '../runtime.js';

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
  // A backend with a grading service (the detached emulator) grades with the graders and the AWS
  // SDK it keeps loaded; the same graders run here otherwise.
  const result = await gradeSessionLab(open, labArg, io, opts.step);
  if (opts.json) writeln(io, JSON.stringify(result, null, 2));
  else writeln(io, renderLabResult(io, result, { verbose: opts.verbose }));
  return result.passed ? 0 : 1;
}
