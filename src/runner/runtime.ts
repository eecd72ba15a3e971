/**
 * What most commands share: load the course and its graders, open the running session (never
 * anything else), seed a lab, grade a lab and record the verdicts.
 */
import { attachBackend } from '../backends/index.js';
import { isolateSdkEnvironment } from '../backends/sdk-env.js';
import { processAlive } from '../backends/net.js';
import type { BackendHandle } from '../backends/types.js';
import type { LabGrader } from '../graders/types.js';
import { LabAwsFiles } from './aws-files.js';
import { loadCourse, resolveLab, type Course, type Lab } from './course.js';
import { BackendUnavailableError, UsageError } from './errors.js';
import { checkLab, type LabResult } from './grading.js';
import { graderFor, loadGraders, type GraderRegistry } from './graders-registry.js';
import type { CommandIO } from './io.js';
import { courseDir, statePaths, type StatePaths } from './paths.js';
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
): Promise<void> {
  const { handle, files, progress, session } = o;
  isolateSdkEnvironment(o.paths.sdkConfig);
  const { createLabContext, FactMap } = await import('./lab-context.js');
  await handle.reset();
  const facts = new FactMap({ ...progress.read().facts });
  const made = createLabContext(session, facts, files);
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
  await o.progress.recordCheck(result.steps, facts.changed);
  if (!only) {
    // In a workshop, every grading also lights up the instructor's dashboard (best effort).
    const { reportToWorkshop } = await import('./commands/workshop-join.js');
    await reportToWorkshop(
      o.paths.home,
      lab.id,
      result.steps.map((st) => ({
        id: st.id,
        status: st.passed ? 'passed' : st.conditions.some((c) => c.status === 'failed') ? 'failed' : 'unverifiable',
        failing: st.conditions.filter((c) => c.status === 'failed').map((c) => c.name),
      })),
    );
  }
  if (!only && result.passed) {
    await o.progress.update((p) => {
      const l = (p.labs[lab.id] ??= {});
      l.completedAt ??= new Date().toISOString();
    });
  }
  return result;
}

export { graderFor };
