/**
 * All terminal rendering of results: checklists, failed conditions, the chapter (Markdown laid out
 * by screen/markdown.ts). Text for a terminal is word-wrapped to its width by screen/wrap.ts, the
 * same wrapper the live screen uses. Every state has a symbol and a word, never color alone.
 */
import pc from 'picocolors';
import type { Course, Lab, Step } from '../core/course.js';
import type { Condition } from '../graders/types.js';
import type { LabResult, StepResult, StepStatus } from './grading.js';
import type { CommandIO } from './io.js';
import type { ProgressData } from './progress.js';
import { wrapText } from './screen/wrap.js';

export const SYM = { pass: '✔', fail: '✘', unknown: '?', todo: '○', current: '▶' };

/** What rendering a condition needs (a grader's Condition or a graded ConditionResult). */
type ShownCondition = Pick<Condition, 'name' | 'status' | 'expected' | 'found' | 'why' | 'hint'>;

/**
/**
 * A condition as lines: its mark and name, then what was expected and found, why, and a hint.
 * `changed`: the step passed before and this condition fails now (the step stays done): said
 * with a ~ and words, not a red cross. `hintsShown`: hints already printed for the same step; a
 * hint several conditions share is printed once, and later ones point back to it.
 */
export function conditionLines(
  io: Pick<CommandIO, 'c'>,
  c: ShownCondition,
  indent = '    ',
  opts: { changed?: boolean; hintsShown?: Set<string> } = {},
): string[] {
  const { hintsShown } = opts;
  const { c: col } = io;
  if (c.status === 'passed') return [`${indent}${col.green(SYM.pass)} ${c.name}`];
  const head =
    c.status === 'unverifiable'
      ? `${indent}${col.yellow(SYM.unknown)} ${c.name} — not verifiable on this backend`
      : opts.changed
        ? `${indent}${col.yellow('~')} ${c.name} — no longer holds`
        : `${indent}${col.red(SYM.fail)} ${c.name} — not yet`;
  const sub = `${indent}    `;
  const lines = [head, `${sub}expected: ${c.expected}`, `${sub}found:    ${c.found}`];
  if (c.why) lines.push(`${sub}why:      ${c.why}`);
  if (c.hint) {
    if (hintsShown?.has(c.hint)) lines.push(`${sub}hint:     (as above)`);
    else lines.push(`${sub}hint:     ${c.hint}`);
    hintsShown?.add(c.hint);
  }
  return lines;
}

/**
 * A step's mark, with a word (never color alone). Progress only moves forward: a step that passed
 * once is done; when the account no longer satisfies it, it is done and "changed since".
 */
export function stepMark(io: Pick<CommandIO, 'c'>, status: StepStatus | undefined, passedNow: boolean): string {
  switch (status ?? (passedNow ? 'done' : 'failing')) {
    case 'done':
    case 'passing':
      return io.c.green(`${SYM.pass} done`);
    case 'done-changed':
      return io.c.yellow(`${SYM.pass} done, changed since`);
    case 'todo':
      return io.c.dim(`${SYM.todo} todo`);
    default:
      return io.c.red(`${SYM.fail} todo`);
  }
}

export function stepLine(io: CommandIO, r: StepResult, index: number): string {
  const unverifiable = r.conditions.filter((c) => c.status === 'unverifiable').length;
  const revealed = r.revealedAt && (!r.passedAt || r.revealedAt <= r.passedAt) ? io.c.dim('  (solution revealed)') : '';
  return `${String(r.number ?? index + 1).padStart(2)}. ${stepMark(io, r.status, r.passed)}  ${r.title} ${io.c.dim(`(${r.id})`)}${revealed}${unverifiable ? io.c.yellow(`  ${SYM.unknown} ${unverifiable} not verifiable here`) : ''}`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The last line of a report: "All 5 steps done.", "The step is done.", "3 of 5 steps done." */
export function doneLine(io: Pick<CommandIO, 'c'>, steps: StepResult[]): string {
  const done = steps.filter((s) => s.done ?? s.passed).length;
  const changed = steps.filter((s) => s.status === 'done-changed').length;
  const note = changed ? ` (${plural(changed, 'step')} changed since ${changed === 1 ? 'it' : 'they'} passed: still done)` : '';
  if (done === steps.length && done) return io.c.green(`${SYM.pass} ${done === 1 ? 'The step is done' : `All ${done} steps done`}.${note}`);
  return `${done} of ${plural(steps.length, 'step')} done.${note}`;
}

/** A full report: every step, and the conditions of those not passed (or not verifiable). */
export function renderLabResult(io: CommandIO, r: LabResult, opts: { verbose?: boolean } = {}): string {
  const lines = [io.c.bold(`${r.lab}: ${r.title}`) + (r.backend ? io.c.dim(`  [${r.backend}]`) : ''), ''];
  // a failure shared by several steps (e.g. "user Samy exists") is explained once
  const told = new Map<string, number>();
  r.steps.forEach((s, i) => {
    lines.push(stepLine(io, s, i));
    if (s.status === 'done-changed' && s.passedAt) lines.push(io.c.dim(`      (passed on ${s.passedAt.slice(0, 16).replace('T', ' ')} UTC; the account has changed since:)`));
    const hintsShown = new Set<string>();
    for (const c of s.conditions) {
      if (c.status === 'passed' && !opts.verbose) continue;
      const key = `${c.status}\0${c.name}\0${c.found}`;
      const first = told.get(key);
      if (c.status !== 'passed' && first !== undefined) {
        lines.push(`      ${c.status === 'failed' ? io.c.red(SYM.fail) : io.c.yellow(SYM.unknown)} ${c.name} — as in step ${first}`);
        continue;
      }
      if (c.status !== 'passed') told.set(key, s.number ?? i + 1);
      lines.push(...conditionLines(io, c, '      ', { hintsShown }));
    }
  });
  lines.push('', doneLine(io, r.steps));
  if (r.reportKeptFor) lines.push(reportKeptNote(io, r.reportKeptFor, 'check'));
  return wrapText(lines.join('\n'), outputWidth(io));
}

/** A report to the workshop server that it did not take: kept in the workshop file, sent with the next one it takes. */
export function reportKeptNote(io: Pick<CommandIO, 'c'>, server: string, of: 'check' | 'reset'): string {
  return `${io.c.yellow('note:')} the workshop server at ${server} did not take this ${of}'s report (it may be restarting, or out of reach). It is kept, and sent once the server takes a report again.`;
}

/**
 * The note for a grading service (the detached emulator) of another build than this CLI: it
 * refuses to grade or seed, so this process does it. Said for a beginner: what happened, then
 * the one command that puts the new build in charge. Wrapped like every note, to stderr's width.
 */
export function otherBuildNote(io: Pick<CommandIO, 'c' | 'err'>, lab: Pick<Lab, 'number'>, doing: 'check' | 'seed'): string {
  const what = doing === 'check' ? 'this check' : 'setting up the lab';
  const text =
    `${io.c.yellow('note:')} This lab's emulator is still running the iam-labs from before your update, so ${what} took the slower way (same result). ` +
    `To switch to the new one, run \`iam-labs stop && iam-labs start ${lab.number}\` (your work is kept).`;
  return wrapText(text, outputWidth({ out: io.err, tty: false }));
}

/**
 * The columns text is wrapped to: the terminal's width when the output is a terminal; Infinity
 * (no wrapping) for a pipe or a file, whose reader wraps as it likes.
 */
export function outputWidth(io: Pick<CommandIO, 'out' | 'tty'>): number {
  const out = (io.out ?? {}) as Partial<NodeJS.WriteStream>;
  return out.columns && (io.tty || out.isTTY) ? out.columns : Infinity;
}

/** Prose is easier to read in lines of at most this many columns, even on a wide terminal. */
export const PROSE_WIDTH = 100;

const NO_COLOR = { c: pc.createColors(false) };

/**
 * The text a learner reads for a step's failed and unverifiable conditions (`check`'s own lines,
 * without color): what `dev check` matches a mistake's expectFeedback against. Empty when every
 * condition passes.
 */
export function feedbackText(conditions: ShownCondition[]): string {
  const hintsShown = new Set<string>();
  return conditions
    .filter((c) => c.status !== 'passed')
    .flatMap((c) => conditionLines(NO_COLOR, c, '', { hintsShown }))
    .join('\n');
}

/**
 * Markdown for the terminal, word-wrapped to `width` (by default the terminal's, at most
 * PROSE_WIDTH), with code lines up to the terminal's width (never broken when the output is no
 * terminal). With color it is styled; without
 * (--plain, NO_COLOR, not a terminal) it has no escape codes and keeps what shows structure in
 * plain text (see screen/markdown.ts). Loaded on first use: most commands never render a chapter.
 */
export async function renderMarkdown(io: CommandIO, md: string, width = Math.min(outputWidth(io), PROSE_WIDTH)): Promise<string> {
  const { markdownLines } = await import('./screen/markdown.js');
  // code may use the whole terminal: a command reads (and copies) best on one line
  return markdownLines(md, width, io.plain ? NO_COLOR.c : io.c, Math.max(width, outputWidth(io))).join('\n');
}

export function labProgressLine(io: CommandIO, lab: Lab, p: ProgressData): string {
  const done = lab.steps.filter((s) => p.steps[s.id]?.passedAt).length;
  const complete = done === lab.steps.length && done > 0;
  const started = done || p.labs[lab.id]?.startedAt;
  const mark = complete ? io.c.green(`${SYM.pass} complete`) : started ? io.c.yellow(`${done}/${lab.steps.length} steps`) : io.c.dim('not started');
  return `  ${lab.number}  ${lab.title.padEnd(32)} ${mark}${lab.minutes ? io.c.dim(`  ~${lab.minutes} min`) : ''}`;
}

export function courseOverview(io: CommandIO, course: Course, p: ProgressData): string {
  const next = course.labs.find((l) => !l.steps.every((s) => p.steps[s.id]?.passedAt));
  const text = [
    io.c.bold(course.title),
    course.welcome ? `\n${course.welcome}\n` : '',
    ...course.labs.map((l) => `${labProgressLine(io, l, p)}\n      ${io.c.dim(l.summary)}`),
    '',
    next ? `Next: ${io.c.cyan(`iam-labs start ${next.number}`)}   (iam-labs --help for everything else)` : course.finale || 'Every lab is complete.',
  ].join('\n');
  // like every report: whole words at the terminal's width, a summary under its lab's indent
  return wrapText(text, outputWidth(io));
}

export function hintText(step: Step, tier: number): string {
  const t = Math.max(0, Math.min(tier, step.hints.length - 1));
  return `Hint ${t + 1} of ${step.hints.length} for “${step.title}”:\n  ${step.hints[t]}`;
}
