/**
 * What `iam-labs check` and a detached embedded emulator say to each other over the grading
 * socket (<home>/grading.sock, a backend's `remoteGrader`). The emulator process keeps the
 * graders and the AWS SDK loaded, so a check costs the grading itself instead of loading the SDK
 * in a fresh process every time.
 */
import type { LabResult } from './grading.js';
import type { Session } from './session.js';

/** Where a grading service listens, and the one emulator it grades. */
export interface GradingHostOptions {
  socketPath: string;
  /** this emulator's endpoint: the only backend the service grades */
  endpoint: string;
}

export interface GradeRequest {
  /** the learner's state directory (profiles, for graders that read them) */
  home: string;
  /** the course and graders the CLI would have used (IAM_LABS_COURSE_DIR, IAM_LABS_GRADERS) */
  courseDir: string;
  gradersModule?: string;
  /** the lab's id (`01-users`): the session is that lab's account */
  lab: string;
  only?: string;
  session: Session;
}

/**
 * Seed a lab's account (runtime.ts seedLab) on the host: the account and the lab's AWS files; the
 * CLI records progress and the lab's record itself.
 */
export interface SeedRequest {
  home: string;
  courseDir: string;
  gradersModule?: string;
  /** the lab's id (`01-users`) */
  lab: string;
  session: Session;
  /** apply the reference solutions of the steps before this one (a reset to a step, a restore) */
  solvedBefore?: number;
  /** on a backend with one account: the lab seeded there before (its teardown runs first) */
  previousLab?: string;
}

/**
 * Why a service did not grade or seed. `otherBuild`: it runs another build than the CLI's (its
 * build id), so the CLI can tell the learner what to do in a few words instead of the reason.
 */
export interface HostRefusal {
  ok: false;
  userError?: GradeUserError;
  reason: string;
  otherBuild?: string;
}

/** `facts`: what the seed's onPass calls recorded, for the CLI to keep in progress. */
export type SeedResponse = { ok: true; facts?: Record<string, string> } | HostRefusal;

/** A learner-facing error the CLI re-raises as it would have raised it itself. */
export interface GradeUserError {
  name: string;
  message: string;
  hint?: string;
  exitCode: number;
}

export type GradeResponse =
  /** graded, and the verdicts recorded in the learner's progress (as `check` would have) */
  | { ok: true; result: LabResult }
  | HostRefusal;

/** One request on the socket: one JSON line each way. `build`: the CLI's build (core/build-id.ts). */
export type HostRequest = ((GradeRequest & { op: 'grade' }) | (SeedRequest & { op: 'seed' })) & { build?: string };
