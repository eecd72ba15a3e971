/**
 * `iam-labs start <lab>`: start (or reuse) a backend, seed the lab, show the chapter and its
 * checklist; then either return (--detach) or stay in the foreground with the live checklist.
 */
import { chooseBackend, startBackend, attachBackend } from '../../backends/index.js';
import { isolateSdkEnvironment } from '../../core/sdk-env.js';
import { httpRequest, processAlive } from '../../backends/net.js';
import type { BackendHandle } from '../../backends/types.js';
import { UsageError } from '../../core/errors.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { renderMarkdown, renderLabResult } from '../output.js';
import { statePaths } from '../../core/paths.js';
import { ProgressStore } from '../progress.js';
import { readSession, rememberEmbeddedLab, removeSession, takeEmbeddedLab, writeSession, type Session } from '../session.js';
import { gradeSessionLab, graderFor, labFiles, openCourse, seedSessionLab, type OpenSession } from '../runtime.js';
import { loadGraders, type GraderRegistry } from '../graders-registry.js';
import { resolveLab } from '../../core/course.js';
import { withSpinner } from '../spinner.js';
import type { LabResult } from '../grading.js';
import { runLiveScreen } from '../live.js';
import { liveOptionsFromSession } from '../screen/session-adapter.js';

export interface StartOptions {
  backend?: string;
  endpoint?: string;
  detach?: boolean;
  plain?: boolean;
  allowRemote?: boolean;
  realAws?: string;
  image?: string;
  /** start the lab over even when this lab is already seeded in the running session */
  fresh?: boolean;
}

async function sessionAlive(s: Session): Promise<boolean> {
  if (s.pid && !processAlive(s.pid)) return false;
  try {
    await httpRequest(s.endpoint, { timeoutMs: 1500 });
    return true;
  } catch {
    return false;
  }
}

export async function startCommand(labArg: string, opts: StartOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const lab = resolveLab(course, labArg);
  // Graders pull in the AWS SDK (slow to load): load them while the backend starts. With
  // --detach the emulator's grading service seeds and grades with its own copy, so only when needed.
  let gradersLoading: Promise<GraderRegistry> | undefined;
  const loadAll = () => (gradersLoading ??= loadGraders(io.env));
  if (!opts.detach) loadAll().catch(() => {});
  const paths = statePaths(io.home);
  isolateSdkEnvironment(paths.sdkConfig);
  const log = (line: string) => io.err.write(`${io.c.dim(line)}\n`);

  let session = readSession(io.home);
  let handle: BackendHandle;
  let ownsBackend = false;
  if (session && (await sessionAlive(session))) {
    const wanted = opts.backend ?? io.env.IAM_LABS_BACKEND;
    if ((wanted && wanted !== 'auto' && wanted !== session.backend) || (opts.endpoint && opts.endpoint !== session.endpoint)) {
      throw new UsageError(
        `a lab is already running on the ${session.backend} backend (${session.endpoint}).`,
        2,
        'Run `iam-labs stop` first to switch backends.',
      );
    }
    handle = attachBackend(session, io.env);
    writeln(io, `${io.c.dim('backend:')} ${session.backend} at ${session.endpoint} ${io.c.dim('(reusing the running session)')}`);
  } else {
    if (session) removeSession(io.home);
    const choice = chooseBackend(opts.backend, opts.endpoint, io.env);
    writeln(io, `${io.c.dim('backend:')} ${choice.name} ${io.c.dim(`— ${choice.reason}`)}`);
    handle = await withSpinner(io, `Starting the ${choice.name} backend`, () =>
      startBackend(choice.name, {
        home: io.home,
        detach: !!opts.detach,
        endpoint: choice.endpoint,
        allowRemote: opts.allowRemote,
        realAws: opts.realAws,
        image: opts.image,
        env: io.env,
        log,
      }),
    );
    handle.info.reason = choice.reason;
    if (handle.info.limits) writeln(io, `${io.c.dim('note:')} ${handle.info.limits}`);
    ownsBackend = true;
    session = { ...handle.info, format: 1, startedAt: new Date().toISOString(), foreground: !opts.detach };
    // a backend that keeps its account (a state file) may still hold this lab, with the learner's work
    const held = handle.extras.keepsState ? takeEmbeddedLab(io.home) : undefined;
    if (held) session.lab = held;
    writeSession(io.home, session);
    if (held) labFiles(paths, session).refresh(session.credentials);
    else labFiles(paths, session).init(session.credentials);
  }
  if (session.realAwsAccount) writeln(io, io.c.red(REAL_AWS_WARNING(session.realAwsAccount)));
  const open: OpenSession = { session, handle, files: labFiles(paths, session), progress: new ProgressStore(paths.progress), paths };
  const stopOwned = async () => {
    if (!ownsBackend) return;
    ownsBackend = false;
    await handle.stop();
    removeSession(io.home);
    if (handle.extras.keepsState) rememberEmbeddedLab(io.home, session?.lab);
  };
  try {
    const graderHere = async () => graderFor(lab, await loadAll());
    // A backend with a grading service validates the grader and seeds there.
    if (!handle.extras.remoteGrader) await graderHere();
    const continuing = session.lab === lab.id && !opts.fresh;
    if (continuing) {
      writeln(io, `Continuing ${lab.id} where you left it (\`iam-labs reset\` starts it over).`);
    } else {
      await withSpinner(io, `Seeding ${lab.id}`, () => seedSessionLab(open, lab, io, loadAll));
    }
    writeln(io, '');
    // The chapter's own top heading (if any) gives way to ours, which carries the lab number.
    const intro = lab.intro.replace(/^\s*# [^\n]*\n+/, '');
    writeln(io, await renderMarkdown(io, `# ${lab.number} · ${lab.title}\n\n${intro}`));
    writeln(io, '');
    // Freshly seeded, no step passes yet (`dev check` proves it for every step): skip grading.
    const first: LabResult = continuing
      ? await gradeSessionLab(open, lab.id, io)
      : { lab: lab.id, title: lab.title, passed: false, backend: session.backend, steps: lab.steps.map((s) => ({ id: s.id, title: s.title, passed: false, conditions: [] })) };
    if (opts.detach) {
      writeln(io, renderLabResult(io, first));
      writeln(io, DETACHED_HELP(session.endpoint, lab.number));
      ownsBackend = false;
      return 0;
    }
    const code = await runLiveScreen(liveOptionsFromSession({ io, open, course, lab, grader: await graderHere(), first }));
    await stopOwned();
    return code;
  } catch (e) {
    await stopOwned().catch(() => {});
    throw e;
  }
}

const DETACHED_HELP = (endpoint: string, labNo: string) =>
  [
    '',
    `The lab keeps running in the background at ${endpoint}.`,
    `  iam-labs shell        a shell where \`aws\` talks to the lab (or: eval "$(iam-labs env)")`,
    `  iam-labs check        grade your work          iam-labs hint     a hint for the current step`,
    `  iam-labs start ${labNo}     the live checklist       iam-labs stop     stop the backend`,
  ].join('\n');

const REAL_AWS_WARNING = (account: string) =>
  `WARNING: this lab runs on REAL AWS account ${account}. It creates users, roles, policies and buckets there; ` +
  `some may cost money. Run \`iam-labs reset\` then \`iam-labs stop\` when done, and check the console.`;
