/**
 * What most commands share: load the course and its graders, open the running session (never
 * anything else), seed a lab, grade a lab and record the verdicts.
 */
import path from 'node:path';
import { attachBackend } from '../backends/index.js';
import type { GradeUserError } from './grading-protocol.js';
import { isolateSdkEnvironment } from '../core/sdk-env.js';
import { processAlive } from '../backends/net.js';
import type { BackendHandle } from '../backends/types.js';
import type { LabClients } from '../core/aws-types.js';
import type { LabGrader } from '../graders/types.js';
import { LabAwsFiles } from './aws-files.js';
import { loadCourse, resolveLab, type Course, type Lab } from '../core/course.js';
import { BackendUnavailableError, CourseFormatError, UnknownLabError, UsageError, UserError } from '../core/errors.js';
import { checkLab, type LabResult } from './grading.js';
import { graderFor, loadGraders, type GraderRegistry } from './graders-registry.js';
import type { CommandIO } from './io.js';
import { courseDir, statePaths, type Env, type StatePaths } from '../core/paths.js';
import { ProgressStore } from './progress.js';
import { requireSession, writeSession, type Session } from './session.js';

export function openCourse(io: CommandIO): Course {
  return loadCourse(courseDir(io.env));
}

export interface CourseWithGraders {
  course: Course;
  graders: GraderRegistry;
}

export async function openCourseWithGraders(io: CommandIO): Promise<CourseWithGraders> {
  return { course: openCourse(io), graders: await loadGraders(io.env) };
}

export interface OpenSession {
  session: Session;
  handle: BackendHandle;
  files: LabAwsFiles;
  progress: ProgressStore;
  paths: StatePaths;
}

export function labFiles(paths: StatePaths, session: Pick<Session, 'endpoint' | 'region'>): LabAwsFiles {
  return new LabAwsFiles(paths, session.endpoint, session.region);
}

/**
 * The running session, or NoSessionError. Nothing here reads AWS_* from the environment: the
 * SDK in this process is blinded to it before any client exists.
 */
export function openSession(io: CommandIO): OpenSession {
  const paths = statePaths(io.home);
  const session = requireSession(io.home);
  if (session.pid && !processAlive(session.pid)) {
    throw new BackendUnavailableError(
      `the lab's ${session.backend} backend (pid ${session.pid}) is no longer running.`,
      2,
      'Run `iam-labs start <lab>` to start it again (your progress is kept).',
    );
  }
  isolateSdkEnvironment(paths.sdkConfig);
  return { session, handle: attachBackend(session, io.env), files: labFiles(paths, session), progress: new ProgressStore(paths.progress), paths };
}

export function labFromArgOrSession(course: Course, arg: string | undefined, session?: Session): Lab {
  const id = arg ?? session?.lab;
  if (!id) throw new UsageError('which lab? Name one, e.g. `iam-labs check 01`.');
  return resolveLab(course, id);
}

/**
 * Bring the backend to the lab's seeded state: empty the account (or, where we must not, remove
 * what the labs made), fresh lab profiles, forget the lab's progress, run its setup.
 */
export async function seedLab(
  o: OpenSession | (Omit<OpenSession, 'session'> & { session: Session }),
  lab: Lab,
  grader: LabGrader,
  graders: GraderRegistry,
  /** root clients to reuse (a grading host keeps them warm) */
  rootClients?: LabClients,
): Promise<void> {
  const { handle, files, progress, session } = o;
  isolateSdkEnvironment(o.paths.sdkConfig);
  const { createLabContext, FactMap } = await import('./lab-context.js');
  await handle.reset();
  const facts = new FactMap({ ...progress.read().facts });
  const made = createLabContext(session, facts, files, rootClients);
  try {
    if (!handle.resetsAccount) {
      // someone else's server: remove only what this lab (and the one seeded before) made
      const previous = session.lab && session.lab !== lab.id ? graders[session.lab] : undefined;
      for (const g of [previous, grader]) if (g?.teardown) await g.teardown(made.ctx);
    }
    files.init(session.credentials);
    await progress.forgetLab(lab.id, lab.steps.map((s) => s.id));
    await grader.setup(made.ctx);
  } finally {
    made.destroy();
  }
  await progress.update((p) => {
    p.labs[lab.id] = { startedAt: new Date().toISOString() };
  });
  session.lab = lab.id;
  writeSession(o.paths.home, session);
}

/**
 * Grade a lab on the session's backend and record the verdicts (and facts) in progress: what
 * `check` does in its own process, and what the grading service does for it.
 */
export async function gradeLab(o: OpenSession, lab: Lab, grader: LabGrader, only?: string, rootClients?: LabClients): Promise<LabResult> {
  const before = o.progress.read();
  const passedBefore = new Set(Object.entries(before.steps).filter(([, s]) => s.passedAt).map(([id]) => id));
  // lab-context loads the AWS SDK: only when this process grades
  const { createLabContext, FactMap } = await import('./lab-context.js');
  const facts = new FactMap({ ...before.facts });
  const made = createLabContext(o.session, facts, o.files, rootClients);
  let result: LabResult;
  try {
    result = await checkLab(lab, grader, made.ctx, { only, passedBefore });
  } finally {
    made.destroy();
  }
  result.backend = o.session.backend;
  result.gradedBy = 'this-process';
  await recordGrading(o, result, facts.changed, only);
  return result;
}

/** Record a grading's verdicts and facts in progress (and light up a joined workshop's dashboard). */
async function recordGrading(o: OpenSession, result: LabResult, changedFacts: Record<string, string>, only?: string): Promise<void> {
  await o.progress.recordCheck(result.steps, changedFacts);
  if (!only) {
    // In a workshop, every grading also lights up the instructor's dashboard (best effort).
    const { reportToWorkshop } = await import('./workshop-link.js');
    const recorded = o.progress.read().steps;
    await reportToWorkshop(o.paths.home, {
      lab: result.lab,
      current: result.steps.find((st) => !recorded[st.id]?.passedAt)?.id ?? null,
      steps: result.steps.map((st) => {
        const passedAt = recorded[st.id]?.passedAt;
        const failing = st.conditions.filter((c) => c.status === 'failed').map((c) => c.name);
        const status = st.passed ? (passedAt ? 'done' : 'passing') : failing.length ? (passedAt ? 'done-changed' : 'failing') : 'unverifiable';
        return { id: st.id, status, ...(passedAt ? { passedAt } : {}), ...(failing.length ? { failing } : {}) };
      }),
    });
  }
  if (!only && result.passed) {
    await o.progress.update((p) => {
      const l = (p.labs[result.lab] ??= {});
      l.completedAt ??= new Date().toISOString();
    });
  }
}

const USER_ERRORS: Record<string, new (message: string, exitCode?: number, hint?: string) => UserError> = {
  UsageError,
  BackendUnavailableError,
  UnknownLabError,
  CourseFormatError,
};

/**
 * Grade the lab where its backend says: on the backend's grading service when it has one (the
 * detached emulator keeps the graders and the AWS SDK loaded, so this process loads neither),
 * else here. When the service cannot answer, this process grades instead and says why on
 * stderr and in the result (`gradedHereBecause`): never silently.
 */
export async function gradeSessionLab(o: OpenSession, labArg: string | undefined, io: CommandIO, only?: string): Promise<LabResult> {
  const remote = o.handle.extras.remoteGrader;
  let because: string | undefined;
  if (remote) {
    const { gradeOnHost } = await import('./grading-client.js');
    // the service grades and records the verdicts (its warm process has the lock code loaded too)
    const answer = await gradeOnHost(remote.socket, { ...hostRequestBase(o, io.env), ...(labArg ? { labArg } : {}), ...(only ? { only } : {}) });
    if (answer.ok) return answer.result;
    if (answer.userError) rethrow(answer.userError);
    because = `the emulator's grading service could not grade: ${answer.reason}`;
    io.err.write(`${io.c.yellow('note:')} ${because}; grading in this process instead.\n`);
  }
  const { course, graders } = await openCourseWithGraders(io);
  const lab = labFromArgOrSession(course, labArg, o.session);
  const result = await gradeLab(o, lab, graderFor(lab, graders), only);
  if (because) result.gradedHereBecause = because;
  return result;
}

/**
 * Seed a lab where its backend says: on its grading service when it has one, else here (with
 * the reason on stderr when the service could not).
 */
export async function seedSessionLab(o: OpenSession, lab: Lab, io: CommandIO, graders: () => Promise<GraderRegistry>): Promise<void> {
  const remote = o.handle.extras.remoteGrader;
  if (remote) {
    const { seedOnHost } = await import('./grading-client.js');
    const answer = await seedOnHost(remote.socket, { ...hostRequestBase(o, io.env), lab: lab.id });
    if (answer.ok) {
      // the host wrote session.json with the lab; keep this process's copy in step
      o.session.lab = lab.id;
      return;
    }
    if (answer.userError) rethrow(answer.userError);
    io.err.write(`${io.c.yellow('note:')} the emulator's grading service could not seed ${lab.id}: ${answer.reason}; seeding in this process instead.\n`);
  }
  const all = await graders();
  await seedLab(o, lab, graderFor(lab, all), all);
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

export { graderFor };
