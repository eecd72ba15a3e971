/**
 * What most commands share: load the course and its graders, open a lab's session on the running
 * backend (never anything else), make sure that backend is the one recorded, seed a lab's account
 * and grade it, recording the verdicts in one place (progress, and a joined workshop's dashboard).
 */
import path from 'node:path';
import { attachBackend } from '../backends/index.js';
import type { GradeUserError } from './grading-protocol.js';
import { OTHER_BUILD_REASON } from '../core/build-id.js';
import { isolateSdkEnvironment } from '../core/sdk-env.js';
import { processAlive } from '../backends/net.js';
import type { BackendHandle } from '../backends/types.js';
import type { LabClients } from '../core/aws-types.js';
import type { LabGrader } from '../graders/types.js';
import { LabAwsFiles } from './aws-files.js';
import { loadCourseCached, resolveLab, type Course, type Lab } from '../core/course.js';
import { BackendUnavailableError, CourseFormatError, NoSessionError, UnknownLabError, UsageError, UserError } from '../core/errors.js';
import { checkLab, type LabResult } from './grading.js';
import { graderFor, loadGraders, type GraderRegistry } from './graders-registry.js';
import type { CommandIO } from './io.js';
import { accountFilePaths, courseDir, labPaths, statePaths, type AwsFilePaths, type Env, type StatePaths } from '../core/paths.js';
import { passedSteps, ProgressStore } from './progress.js';
import { accountHolder, accountSession, currentLabId, labSession, readBackend, readLabRecord, type BackendRecord, type LabRecord, type Session } from './session.js';
import { decorateResult } from './lab-view.js';
import { courseAsTyped } from './invocation.js';

export function openCourse(io: CommandIO): Course {
  return courseAsTyped(loadCourseCached(courseDir(io.env), statePaths(io.home).courseCache), io.env);
}

export interface CourseWithGraders {
  course: Course;
  graders: GraderRegistry;
}

export async function openCourseWithGraders(io: CommandIO): Promise<CourseWithGraders> {
  return { course: openCourse(io), graders: await loadGraders(io.env) };
}

export interface OpenSession {
  /** the backend as this lab sees it: its account, its root */
  session: Session;
  backend: BackendRecord;
  handle: BackendHandle;
  /** the lab's AWS config and credentials (or a one-account backend's, before any lab) */
  files: LabAwsFiles;
  progress: ProgressStore;
  paths: StatePaths;
  /** the lab's own folder (undefined: a one-account backend's root session) */
  labPaths?: ReturnType<typeof labPaths>;
}

/** What a command wanted the lab for: said when there is none. */
export type Purpose = 'check' | 'reset' | 'solve' | 'env' | 'shell' | 'why' | 'work';

const NOTHING_TO: Record<Purpose, string> = {
  check: 'there is nothing to check',
  reset: 'there is nothing to reset',
  solve: 'there is nothing to solve',
  env: 'there is no lab environment to print',
  shell: 'there is no lab for a shell to talk to',
  why: 'there is no account to explain a decision on',
  work: 'there is nothing to work on',
};

export function labFiles(home: string, session: Pick<Session, 'endpoint' | 'region' | 'lab'>): LabAwsFiles {
  const where: AwsFilePaths = session.lab ? labPaths(home, session.lab) : accountFilePaths(home);
  return new LabAwsFiles(where, session.endpoint, session.region);
}

/** The running backend, or an error that says what is missing (for `purpose`, on lab `labId` if named) and what to run. */
export function requireBackend(io: CommandIO, purpose: Purpose, labId?: string): BackendRecord {
  const backend = readBackend(io.home);
  if (!backend) throw new NoSessionError(`no lab is running, so ${NOTHING_TO[purpose]}.`, 2, noSessionHint(labId));
  if (backend.state === 'starting') {
    throw new BackendUnavailableError(
      `the lab's ${backend.backend} backend has not finished starting (or its start was interrupted).`,
      2,
      'Run `iam-labs start <lab>` again, or `iam-labs stop` to end it.',
    );
  }
  if (backend.pid && backend.pid !== process.pid && !processAlive(backend.pid)) {
    throw new BackendUnavailableError(
      `the lab's ${backend.backend} backend (pid ${backend.pid}) is no longer running, so ${NOTHING_TO[purpose]}.`,
      2,
      `Run \`iam-labs start <lab>\` to start it again (${backend.backend === 'embedded' ? 'your work in the labs is kept' : 'your finished steps stay recorded'}).`,
    );
  }
  return backend;
}

/** Why a lab cannot be opened on the running backend, or undefined when it can. */
export function whyNotOpen(home: string, backend: BackendRecord, labId: string, record: LabRecord | undefined, makesAccounts: boolean): string | undefined {
  const n = labId.slice(0, 2);
  if (!record) return `lab ${labId} has not been started yet. \`iam-labs start ${n}\` sets it up.`;
  if (record.seeding) return `lab ${labId} was being set up when that was interrupted. \`iam-labs start ${n}\` sets it up again.`;
  if (record.storeId !== backend.storeId) {
    return `lab ${labId} is not set up on the running ${backend.backend} backend (it was set up on another one). \`iam-labs start ${n}\` sets it up here${backend.backend === 'embedded' ? '' : '; your finished steps stay recorded'}.`;
  }
  if (!makesAccounts) {
    const holder = accountHolder(home, backend.storeId);
    if (holder && holder.lab !== labId) {
      return `this ${backend.backend} backend has one account, and it now holds lab ${holder.lab}, not ${labId}. \`iam-labs start ${n}\` sets ${labId} up there again (your finished steps stay recorded).`;
    }
  }
  return undefined;
}

/**
 * A lab's session on the running backend: `labId` (a lab id, already resolved) or the current one
 * (the lab shell's, else the last started). Nothing here reads AWS_* from the environment: the SDK
 * in this process is blinded to it before any client exists. Synchronous and offline: commands
 * that talk to the backend call ensurePresent first.
 */
export function openSession(io: CommandIO, labId?: string, purpose: Purpose = 'work'): OpenSession {
  const paths = statePaths(io.home);
  const backend = requireBackend(io, purpose, labId);
  const handle = attachBackend(backend, io.env);
  isolateSdkEnvironment(paths.sdkConfig);
  const id = labId ?? currentLabId(io.home, io.env);
  const progress = new ProgressStore(paths.progress);
  if (!id) {
    // a one-account backend (a joined workshop) works before any lab: its root account
    if (!handle.extras.makesAccounts && (purpose === 'shell' || purpose === 'env')) {
      const session = accountSession(backend);
      return { session, backend, handle, files: labFiles(io.home, session), progress, paths };
    }
    throw new NoSessionError(`no lab is open on the running backend, so ${NOTHING_TO[purpose]}.`, 2, 'Run `iam-labs start 01` (or the lab you want) first.');
  }
  const record = readLabRecord(io.home, id);
  const why = whyNotOpen(io.home, backend, id, record, handle.extras.makesAccounts);
  if (why) throw new NoSessionError(why, 2);
  const session = labSession(backend, record!);
  return { session, backend, handle: attachBackend(session, io.env), files: labFiles(io.home, session), progress, paths, labPaths: labPaths(io.home, id) };
}

/**
 * The backend answering at the session's address must be the one recorded: never grade or
 * change whatever else answers on that port (another emulator, after ours exited).
 */
export async function ensurePresent(o: Pick<OpenSession, 'handle' | 'backend'>): Promise<void> {
  const p = await o.handle.presence();
  if (p.state === 'same') return;
  if (p.state === 'gone') {
    throw new BackendUnavailableError(
      `the lab's ${o.backend.backend} backend does not answer: ${p.detail}.`,
      2,
      `\`iam-labs start <lab>\` starts it again (${o.handle.extras.keepsState ? 'your work is kept' : 'your finished steps stay recorded'}); \`iam-labs stop\` forgets it.`,
    );
  }
  throw new BackendUnavailableError(
    `the lab's backend has changed: ${p.detail}. Nothing was sent to it.`,
    2,
    '`iam-labs stop` forgets the old backend; `iam-labs start <lab>` then starts a new one (or reconnects to a lab you started).',
  );
}

export function labFromArgOrSession(course: Course, arg: string | undefined, session?: Pick<Session, 'lab'>): Lab {
  const id = arg ?? session?.lab;
  if (!id) throw new UsageError('which lab? Name one, e.g. `iam-labs check 01`.');
  return resolveLab(course, id);
}

/**
 * Bring a lab's account to its seeded state, then to the start of step `solvedBefore` (the
 * reference solutions of the steps before it, with their onPass, in order). On a backend that
 * makes accounts the account is new (empty it anyway, in case it was used); on one with a single
 * account, empty it (or, where we must not, remove what the labs made). Writes the lab's AWS
 * files. Progress is the caller's (lab-lifecycle.ts): returns the facts the seed recorded.
 */
export async function seedLab(
  o: Pick<OpenSession, 'session' | 'handle' | 'files' | 'progress' | 'paths'>,
  lab: Lab,
  grader: LabGrader,
  graders: GraderRegistry,
  opts: { solvedBefore?: number; previousLab?: string; rootClients?: LabClients } = {},
): Promise<{ facts: Record<string, string> }> {
  const { handle, files, session } = o;
  isolateSdkEnvironment(o.paths.sdkConfig);
  const { createLabContext, FactMap } = await import('./lab-context.js');
  if (handle.extras.makesAccounts && handle.resetAccount) await handle.resetAccount(session.accountId);
  else if (!handle.extras.makesAccounts) await handle.reset();
  const facts = new FactMap({ ...o.progress.read().facts });
  const passed = new Set<string>();
  const made = createLabContext(session, facts, files, opts.rootClients, passed);
  try {
    if (!handle.extras.makesAccounts && !handle.resetsAccount) {
      // someone else's server: remove only what this lab (and the one seeded before) made
      const previous = opts.previousLab && opts.previousLab !== lab.id ? graders[opts.previousLab] : undefined;
      for (const g of [previous, grader]) if (g?.teardown) await g.teardown(made.ctx);
    }
    files.init(session.credentials);
    await grader.setup(made.ctx);
    for (const step of lab.steps.slice(0, opts.solvedBefore ?? 0)) {
      const g = grader.steps.find((x) => x.id === step.id)!;
      await g.solve(made.ctx);
      await g.onPass?.(made.ctx);
      passed.add(step.id);
    }
  } finally {
    made.destroy();
  }
  return { facts: facts.changed };
}

/**
 * Grade a lab on the session's account and record the verdicts (and facts): what `check` does in
 * its own process, and what the grading service does for it. Graders see `ctx.passed`: the steps
 * passed before, growing as steps pass in this grading.
 */
export async function gradeLab(o: OpenSession, lab: Lab, grader: LabGrader, only?: string, rootClients?: LabClients): Promise<LabResult> {
  const ids = lab.steps.map((s) => s.id);
  const before = o.progress.read();
  const passedBefore = passedSteps(before, ids);
  // lab-context loads the AWS SDK: only when this process grades
  const { createLabContext, FactMap } = await import('./lab-context.js');
  const facts = new FactMap({ ...before.facts });
  const passed = new Set(passedBefore);
  // one grading reads one moment of the account: repeated reads are answered once
  const made = createLabContext(o.session, facts, o.files, rootClients, passed, { memoizeReads: true, observe: true });
  let result: LabResult;
  try {
    result = await checkLab(lab, grader, made.ctx, { only, passedBefore, passed });
  } finally {
    made.destroy();
  }
  result.backend = o.session.backend;
  result.gradedBy = 'this-process';
  return recordGrading(o, lab, result, facts.changed, before);
}

/** Record a grading's verdicts and facts in progress (and light up a joined workshop's dashboard). */
async function recordGrading(o: OpenSession, lab: Lab, result: LabResult, changedFacts: Record<string, string>, before: ReturnType<ProgressStore['read']>): Promise<LabResult> {
  const graded = result.steps.filter((s) => s.conditions.length);
  const { completedLab } = await o.progress.recordCheck(
    { id: lab.id, steps: lab.steps.map((s) => s.id) },
    graded.map((s) => ({ id: s.id, passed: s.passed, failing: s.conditions.filter((c) => c.status === 'failed').map((c) => c.name) })),
    changedFacts,
  );
  const after = o.progress.read();
  const decorated = decorateResult(lab, result, before, after);
  decorated.completedNow = completedLab;
  // In a workshop, every grading also lights up the instructor's dashboard (best effort).
  const { labReport, reportToWorkshop } = await import('./workshop-link.js');
  const kept = await reportToWorkshop(o.paths.home, labReport(lab, after));
  if (kept) decorated.reportKeptFor = kept;
  return decorated;
}

const USER_ERRORS: Record<string, new (message: string, exitCode?: number, hint?: string) => UserError> = {
  UsageError,
  BackendUnavailableError,
  UnknownLabError,
  CourseFormatError,
  NoSessionError,
};

/**
 * Grade the lab where its backend says: on the backend's grading service when it has one (the
 * detached emulator keeps the graders and the AWS SDK loaded, so this process loads neither),
 * else here. When the service cannot answer, this process grades instead and says why on
 * stderr and in the result (`gradedHereBecause`): never silently.
 *
 * `present`, when given, checks that the backend is the one recorded (ensurePresent). A grading service grades only for the very process recorded (it compares its
 * pid, socket and endpoint with the session's), so its answer is that proof and `present` is not
 * needed; when it cannot answer, `present` runs before anything is sent to the lab's endpoint.
 */
export async function gradeSessionLab(o: OpenSession, lab: Lab, io: CommandIO, only?: string, present: () => Promise<void> = async () => {}): Promise<LabResult> {
  const remote = o.handle.extras.remoteGrader;
  let because: string | undefined;
  if (remote) {
    const { gradeOnHost } = await import('./grading-client.js');
    // the service grades and records the verdicts (its warm process has the lock code loaded too)
    const answer = await gradeOnHost(remote.socket, { ...hostRequestBase(o, io.env), lab: lab.id, ...(only ? { only } : {}) });
    if (answer.ok) return answer.result;
    await present();
    if (answer.userError) rethrow(answer.userError);
    because = `the emulator's grading service could not grade: ${answer.reason}`;
    if (fromOtherBuild(answer)) io.err.write(`${(await import('./output.js')).otherBuildNote(io, lab, 'check')}\n`);
    else io.err.write(`${io.c.yellow('note:')} ${because}; grading in this process instead.\n`);
  } else await present();
  const graders = await loadGraders(io.env);
  const result = await gradeLab(o, lab, graderFor(lab, graders), only);
  if (because) result.gradedHereBecause = because;
  return result;
}

/**
 * Seed a lab where its backend says: on its grading service when it has one, else here (with
 * the reason on stderr when the service could not).
 */
export async function seedSessionLab(
  o: OpenSession,
  lab: Lab,
  io: CommandIO,
  graders: () => Promise<GraderRegistry>,
  opts: { solvedBefore?: number; previousLab?: string } = {},
): Promise<{ facts: Record<string, string> }> {
  const remote = o.handle.extras.remoteGrader;
  if (remote) {
    const { seedOnHost } = await import('./grading-client.js');
    const answer = await seedOnHost(remote.socket, { ...hostRequestBase(o, io.env), lab: lab.id, ...opts });
    if (answer.ok) return { facts: answer.facts ?? {} };
    if (answer.userError) rethrow(answer.userError);
    if (fromOtherBuild(answer)) io.err.write(`${(await import('./output.js')).otherBuildNote(io, lab, 'seed')}\n`);
    else io.err.write(`${io.c.yellow('note:')} the emulator's grading service could not seed ${lab.id}: ${answer.reason}; seeding in this process instead.\n`);
  }
  const all = await graders();
  return seedLab(o, lab, graderFor(lab, all), all, opts);
}

/**
 * Whether the service refused because it runs another build. Services from before `otherBuild`
 * existed say so only in words (core/build-id.ts's buildMismatch), and such a service is exactly
 * what an update leaves running.
 */
function fromOtherBuild(answer: { reason: string; otherBuild?: string }): boolean {
  return answer.otherBuild !== undefined || answer.reason.startsWith(OTHER_BUILD_REASON);
}

/** What every request to a grading service says: whose lab, and which course and graders. */
function hostRequestBase(o: OpenSession, env: Env) {
  return {
    home: o.paths.home,
    courseDir: courseDir(env),
    ...(env.IAM_LABS_GRADERS ? { gradersModule: path.resolve(env.IAM_LABS_GRADERS) } : {}),
    session: o.session,
  };
}

function rethrow(u: GradeUserError): never {
  const Err = USER_ERRORS[u.name] ?? UserError;
  throw new Err(u.message, u.exitCode, u.hint);
}

const noSessionHint = (labId = '01') =>
  `Run \`iam-labs start ${labId.slice(0, 2)}\` first (add --detach to keep it running in the background).\n` +
  'iam-labs never falls back to your own AWS credentials or endpoints.';

export { graderFor };
