/**
 * What most commands share: load the course and its graders, open the running session (never
 * anything else), seed a lab, grade a lab and record the verdicts.
 */
import path from 'node:path';
import { attachBackend } from '../backends/index.js';
import type { GradeUserError } from '../backends/grading-protocol.js';
import { isolateSdkEnvironment } from '../backends/sdk-env.js';
import { processAlive } from '../backends/net.js';
import type { BackendHandle } from '../backends/types.js';
import type { LabClients, LabGrader } from '../graders/types.js';
import { LabAwsFiles } from './aws-files.js';
import { loadCourse, resolveLab, type Course, type Lab } from './course.js';
import { BackendUnavailableError, CourseFormatError, UnknownLabError, UsageError, UserError } from './errors.js';
import { checkLab, type LabResult } from './grading.js';
import { graderFor, loadGraders, type GraderRegistry } from './graders-registry.js';
import type { CommandIO } from './io.js';
import { courseDir, statePaths, type Env, type StatePaths } from './paths.js';
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

/** Grade a lab on the session's backend and record the verdicts (and facts) in progress. */
export async function gradeLab(o: OpenSession, lab: Lab, grader: LabGrader, only?: string): Promise<LabResult> {
  const before = o.progress.read();
  const passedBefore = new Set(Object.entries(before.steps).filter(([, s]) => s.passedAt).map(([id]) => id));
  // lab-context loads the AWS SDK: only when this process grades
  const { createLabContext, FactMap } = await import('./lab-context.js');
  const facts = new FactMap({ ...before.facts });
  const made = createLabContext(o.session, facts, o.files);
  let result: LabResult;
  try {
    result = await checkLab(lab, grader, made.ctx, { only, passedBefore });
  } finally {
    made.destroy();
  }
  result.backend = o.session.backend;
  await recordGrading(o, result, facts.changed, only);
  return result;
}

/** Record a grading's verdicts and facts in progress (and light up a joined workshop's dashboard). */
export async function recordGrading(o: OpenSession, result: LabResult, changedFacts: Record<string, string>, only?: string): Promise<void> {
  await o.progress.recordCheck(result.steps, changedFacts);
  if (!only) {
    // In a workshop, every grading also lights up the instructor's dashboard (best effort).
    const { reportToWorkshop } = await import('./commands/workshop-join.js');
    await reportToWorkshop(
      o.paths.home,
      result.lab,
      result.steps.map((st) => ({
        id: st.id,
        status: st.passed ? 'passed' : st.conditions.some((c) => c.status === 'failed') ? 'failed' : 'unverifiable',
        failing: st.conditions.filter((c) => c.status === 'failed').map((c) => c.name),
      })),
    );
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
 * Grade on the grading socket of the session's detached emulator, which keeps the graders and
 * the AWS SDK loaded (this process then loads neither), and record the verdicts as gradeLab does.
 * Undefined when there is no such host: the caller grades in its own process.
 */
export async function gradeLabOnHost(o: OpenSession, labArg: string | undefined, env: Env, only?: string): Promise<LabResult | undefined> {
  if (o.session.backend !== 'embedded') return undefined;
  const before = o.progress.read();
  const { gradeOnHost } = await import('../backends/grading-client.js');
  const answer = await gradeOnHost({
    home: o.paths.home,
    courseDir: courseDir(env),
    ...(env.IAM_LABS_GRADERS ? { gradersModule: path.resolve(env.IAM_LABS_GRADERS) } : {}),
    ...(labArg ? { labArg } : {}),
    ...(only ? { only } : {}),
    session: o.session,
    passedBefore: Object.entries(before.steps).filter(([, s]) => s.passedAt).map(([id]) => id),
    facts: { ...before.facts },
  });
  if (!answer) return undefined;
  if (!answer.ok) {
    const u = answer.userError;
    if (!u) return undefined; // the host could not grade (a bug there): grade here instead
    rethrow(u);
  }
  answer.result.backend = o.session.backend;
  await recordGrading(o, answer.result, answer.changedFacts, only);
  return answer.result;
}

function rethrow(u: GradeUserError): never {
  const Err = USER_ERRORS[u.name] ?? UserError;
  throw new Err(u.message, u.exitCode, u.hint);
}

/**
 * seedLab on the session's detached emulator (which has the graders and the SDK loaded). False
 * when there is no such host: the caller seeds in its own process.
 */
export async function seedLabOnHost(o: OpenSession, lab: Lab, env: Env): Promise<boolean> {
  if (o.session.backend !== 'embedded') return false;
  const { seedOnHost } = await import('../backends/grading-client.js');
  const answer = await seedOnHost({
    home: o.paths.home,
    courseDir: courseDir(env),
    ...(env.IAM_LABS_GRADERS ? { gradersModule: path.resolve(env.IAM_LABS_GRADERS) } : {}),
    lab: lab.id,
    session: o.session,
  });
  if (!answer) return false;
  if (!answer.ok) {
    if (!answer.userError) return false;
    rethrow(answer.userError);
  }
  // the host wrote session.json with the lab; keep this process's copy in step
  o.session.lab = lab.id;
  return true;
}

export { graderFor };
