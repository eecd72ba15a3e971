/**
 * What `iam-labs check` and a detached embedded emulator say to each other over the grading
 * socket (<home>/grading.sock). The emulator process keeps the graders and the AWS SDK loaded,
 * so a check costs the grading itself instead of loading the SDK in a fresh process every time.
 */
import path from 'node:path';
import type { LabResult } from '../runner/grading.js';
import type { Session } from '../runner/session.js';

export interface GradeRequest {
  /** the learner's state directory (profiles, for graders that read them) */
  home: string;
  /** the course and graders the CLI would have used (IAM_LABS_COURSE_DIR, IAM_LABS_GRADERS) */
  courseDir: string;
  gradersModule?: string;
  /** the lab as the learner named it (`01`), else the session's */
  labArg?: string;
  only?: string;
  session: Session;
  /** steps that passed before (onPass runs on a first pass only) and the facts recorded so far */
  passedBefore: string[];
  facts: Record<string, string>;
}

/** Seed a lab (runtime.ts seedLab) on the host: it writes session.json and progress as the CLI would. */
export interface SeedRequest {
  home: string;
  courseDir: string;
  gradersModule?: string;
  /** the lab's id (`01-users`) */
  lab: string;
  session: Session;
}

export type SeedResponse = { ok: true } | { ok: false; userError?: GradeUserError; reason: string };

/** A learner-facing error the CLI re-raises as it would have raised it itself. */
export interface GradeUserError {
  name: string;
  message: string;
  hint?: string;
  exitCode: number;
}

export type GradeResponse =
  | { ok: true; result: LabResult; changedFacts: Record<string, string> }
  | { ok: false; userError?: GradeUserError; reason: string };

/** Unix socket paths are limited to ~104 bytes; a longer home gets no grading socket. */
export function gradingSocketPath(home: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const p = path.join(home, 'grading.sock');
  return Buffer.byteLength(p) < 100 ? p : undefined;
}
