/**
 * The commands we suggest, written the way the learner can type them. The README's way in is
 * `npx iam-labs start 01` from the course's folder: no `iam-labs` is on PATH then, so "run
 * `iam-labs shell` in a second terminal" would answer "command not found". When npx started this
 * process, every suggested `iam-labs <command>` reads `npx iam-labs <command>`. Inside a lab shell
 * `iam-labs` is on PATH (aws-cli.ts writes it) and npm's variables are dropped (shell.ts), so
 * there the plain name stays.
 */
import type { Course } from '../core/course.js';
import type { Env } from '../core/paths.js';

/** The CLI's commands (`iam-labs --help`): only a mention followed by one of them is a command to type. */
export const COMMAND_NAMES = [
  'emulator',
  'docs',
  'list',
  'start',
  'check',
  'hint',
  'reset',
  'solve',
  'progress',
  'stop',
  'env',
  'shell',
  'certificate',
  'verify',
  'instance-shell',
  'doctor',
  'why',
  'totp',
  'workshop',
  'dev',
] as const;

// "iam-labs check" at the start, after a space, a quote, a bracket or a color code; not "npx iam-labs
// check" already, nor a path or a longer word ending in iam-labs; only before one of the commands or --help
const MENTION = new RegExp(`(?<=^|[\\s\`'"(\\[]|\\x1b\\[[0-9;]*m)(?<!npx )iam-labs (?=(?:${COMMAND_NAMES.join('|')}|--help)(?![\\w-]))`, 'g');

/** npm sets this in the environment of what `npx` (npm exec) runs. */
export function startedByNpx(env: Env): boolean {
  return env.npm_lifecycle_event === 'npx';
}

/** `text` with each suggested `iam-labs <command>` as this learner types it (idempotent). */
export function asTyped(text: string, env: Env = process.env): string {
  return startedByNpx(env) && text.includes('iam-labs ') ? text.replace(MENTION, 'npx iam-labs ') : text;
}

/** The course's prose (chapters, steps, hints, solutions) with its commands as this learner types them. */
export function courseAsTyped(course: Course, env: Env): Course {
  if (!startedByNpx(env)) return course;
  const t = (s: string) => asTyped(s, env);
  return {
    ...course,
    welcome: t(course.welcome),
    finale: t(course.finale),
    intro: t(course.intro),
    labs: course.labs.map((lab) => ({
      ...lab,
      intro: t(lab.intro),
      summary: t(lab.summary),
      steps: lab.steps.map((s) => ({ ...s, body: t(s.body), hints: s.hints.map(t), ...(s.solution !== undefined ? { solution: t(s.solution) } : {}) })),
    })),
  };
}
