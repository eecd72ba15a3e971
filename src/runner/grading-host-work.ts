/**
 * The work behind the grading socket (grading-host.ts): grading and seeding with the same
 * graders, SDK clients and step logic `check` and `start` use in their own process. Loaded on
 * the first request (or by the preload after start-up): it pulls in the graders and the AWS SDK.
 */
import { attachBackend } from '../backends/index.js';
import type { BackendInfo } from '../backends/types.js';
import type { LabClients } from '../core/aws-types.js';
import { courseSignature, loadCourseCached, resolveLab, type Course } from '../core/course.js';
import { UserError } from '../core/errors.js';
import { statePaths } from '../core/paths.js';
import { destroyClients, makeClients } from '../core/sdk-clients.js';
import { isolateSdkEnvironment } from '../core/sdk-env.js';
import { graderFor, loadGraders } from './graders-registry.js';
import type { GradeRequest, GradeResponse, GradeUserError, GradingHostOptions, SeedRequest, SeedResponse } from './grading-protocol.js';
import { ProgressStore } from './progress.js';
import { gradeLab, labFiles, seedLab, type OpenSession } from './runtime.js';
import type { BackendRecord } from './session.js';

/** Load the graders (and with them the AWS SDK) ahead of the first check. */
export async function preloadGraders(env: Record<string, string | undefined> = process.env): Promise<void> {
  await loadGraders(env).catch(() => {});
}

const courses = new Map<string, { sig: string; course: Course }>();

/**
 * The course, parsed again only when one of its files changed (YAML parsing is most of a check's
 * cost). On the first check the CLI that started this host has usually just parsed it and left
 * it in the learner's course cache, which is read instead of loading the YAML parser here.
 */
function courseOf(dir: string, home: string): Course {
  const sig = courseSignature(dir);
  const hit = courses.get(dir);
  if (hit && hit.sig === sig) return hit.course;
  const course = loadCourseCached(dir, statePaths(home).courseCache, sig);
  courses.set(dir, { sig, course });
  return course;
}

type Use = 'seed' | 'grade';
const roots = new Map<Use, { key: string; clients: LabClients }>();

/**
 * The root clients, kept across checks: a fresh client resolves its configuration on first use.
 * Seeding acts in the account (its calls are its history); grading only looks at it.
 */
function rootClientsFor(info: BackendInfo, use: Use): LabClients {
  const key = JSON.stringify([info.endpoint, info.region, info.credentials]);
  let root = roots.get(use);
  if (root?.key !== key) {
    if (root) destroyClients(root.clients);
    root = { key, clients: makeClients(info.endpoint, info.credentials, info.region, { observe: use === 'grade' }) };
    roots.set(use, root);
  }
  return root.clients;
}

/** Release what the service keeps warm (on shutdown). */
export function release(): void {
  for (const root of roots.values()) destroyClients(root.clients);
  roots.clear();
}

/** A request names the session it grades: it must be this emulator's (its socket, endpoint and process). */
const notThisEmulator = (s: GradeRequest['session'], own: GradingHostOptions) =>
  s.gradingSocket !== own.socketPath || s.pid !== process.pid || s.endpoint !== own.endpoint;

function failure(e: unknown): { ok: false; userError?: GradeUserError; reason: string } {
  if (e instanceof UserError) {
    return { ok: false, reason: e.message, userError: { name: e.name, message: e.message, hint: e.hint, exitCode: e.exitCode } };
  }
  return { ok: false, reason: e instanceof Error ? e.message : String(e) };
}

const gradersOf = (module: string | undefined) => loadGraders(module ? { IAM_LABS_GRADERS: module } : {});

/** The session a request names, opened here as the CLI would (its lab's files and progress). */
function opened(req: SeedRequest | GradeRequest): OpenSession {
  const paths = statePaths(req.home);
  isolateSdkEnvironment(paths.sdkConfig);
  const session = { ...req.session };
  const backend: BackendRecord = { ...session, state: 'running' };
  return { session, backend, handle: attachBackend(session), files: labFiles(req.home, session), progress: new ProgressStore(paths.progress), paths };
}

export async function seed(req: SeedRequest, own: GradingHostOptions): Promise<SeedResponse> {
  if (notThisEmulator(req.session, own)) return { ok: false, reason: 'the session is not this emulator' };
  try {
    const open = opened(req);
    const lab = resolveLab(courseOf(req.courseDir, req.home), req.lab);
    const graders = await gradersOf(req.gradersModule);
    const { facts } = await seedLab(open, lab, graderFor(lab, graders), graders, {
      solvedBefore: req.solvedBefore,
      previousLab: req.previousLab,
      rootClients: rootClientsFor(open.session, 'seed'),
    });
    return { ok: true, facts };
  } catch (e) {
    return failure(e);
  }
}

export async function grade(req: GradeRequest, own: GradingHostOptions): Promise<GradeResponse> {
  if (notThisEmulator(req.session, own)) return { ok: false, reason: 'the session is not this emulator' };
  try {
    const open = opened(req);
    const lab = resolveLab(courseOf(req.courseDir, req.home), req.lab);
    const graders = await gradersOf(req.gradersModule);
    const result = await gradeLab(open, lab, graderFor(lab, graders), req.only, rootClientsFor(open.session, 'grade'));
    return { ok: true, result: { ...result, gradedBy: 'grading-host' } };
  } catch (e) {
    return failure(e);
  }
}

