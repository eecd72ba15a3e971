/**
 * What a step's page says, as sections of lines wrapped to a width: where the step stands (and,
 * once the learner works on it, what the check sees), the hints asked for, the chapter, and the
 * reference solution once it may be read. Step 0 is the lab's introduction with the list of steps.
 * The full screen scrolls these sections; --plain prints them in the same order.
 */
import type { Course } from '../../core/course.js';
import type { CommandIO } from '../io.js';
import { conditionLines, PROSE_WIDTH } from '../output.js';
import { markdownLines } from './markdown.js';
import { completeText } from './notes.js';
import { collapseHints, isDone, STATUS, whenText, type ScreenModel } from './model.js';
import type { StepView } from './types.js';
import { wrapLine } from './wrap.js';

export interface Section {
  /** stable name, so the screen can keep its place when a section above grows */
  id: string;
  lines: string[];
}

export interface ContentOptions {
  io: Pick<CommandIO, 'c'>;
  course: Course;
  readOnly?: boolean;
}

const wrapAll = (lines: string[], width: number) => lines.flatMap((l) => wrapLine(l, width));

/** The word and mark of a step's state, colored, e.g. "✔ done". */
export function statusLabel(io: Pick<CommandIO, 'c'>, s: Pick<StepView, 'status'>): string {
  const { mark, word } = STATUS[s.status];
  const text = `${mark} ${word}`;
  if (s.status === 'failing') return io.c.red(text);
  if (s.status === 'done-changed') return io.c.yellow(text);
  if (isDone(s)) return io.c.green(text);
  return io.c.dim(text);
}

/** One line per step: number, state in words, title. */
export function checklistLines(io: Pick<CommandIO, 'c'>, m: ScreenModel, marker = true): string[] {
  const words = Math.max(...m.view.steps.map((s) => STATUS[s.status].mark.length + 1 + STATUS[s.status].word.length));
  return m.view.steps.map((s, i) => {
    const label = statusLabel(io, s);
    const pad = ' '.repeat(Math.max(0, words - (STATUS[s.status].mark.length + 1 + STATUS[s.status].word.length)));
    const here = marker ? (m.current === i + 1 ? '▶ ' : '  ') : '';
    const revealed = m.isRevealed(s) ? io.c.dim(' (solution revealed)') : '';
    return `${here}${String(i + 1).padStart(2)}. ${label}${pad}  ${s.title}${revealed}`;
  });
}

function statusSection(o: ContentOptions, m: ScreenModel, s: StepView, width: number): string[] {
  const lines = stateLines(o, m, s, width);
  if (m.isRevealed(s) && !isDone(s)) lines.push(...wrapAll([o.io.c.dim('You revealed this step’s reference solution: it is at the end of this page.')], width));
  return lines;
}

function stateLines(o: ContentOptions, m: ScreenModel, s: StepView, width: number): string[] {
  const { c } = o.io;
  const when = whenText(s.passedAt);
  const passed = when ? ` (passed at ${when})` : '';
  const checkNow = o.readOnly ? '' : ' (c checks now)';
  switch (s.status) {
    case 'todo':
      return wrapAll([`${c.dim('○')} To do. Your account is checked each time it changes${checkNow}.`], width);
    case 'failing': {
      if (!m.showsFailures(s)) return wrapAll([`${c.red('✘')} Not done yet. What the check finds shows here as you work${checkNow}.`], width);
      const conds = collapseHints(s.conditions);
      const lines = [`${c.red('✘')} Not done yet. What the check sees now:`];
      for (const cond of conds) lines.push(...conditionLines(o.io, cond, '  '));
      return wrapAll(lines, width);
    }
    case 'done-changed': {
      const lines = [
        `${c.green('✔')} Done${passed}, ${c.yellow('and changed since')}: the account no longer passes this step's check. The step stays done (a later step may change it on purpose). What the check sees now:`,
      ];
      for (const cond of collapseHints(s.conditions)) lines.push(...conditionLines(o.io, cond, '  ', { changed: true }));
      return wrapAll(lines, width);
    }
    default: {
      const revealed = m.isRevealed(s) ? ', after you revealed its solution' : '';
      const below = m.lab.steps.find((x) => x.id === s.id)?.solution ? ' Compare your work with the reference solution below.' : '';
      return wrapAll([`${c.green('✔')} Done${passed}${revealed}.${below}`], width);
    }
  }
}

function hintSection(o: ContentOptions, m: ScreenModel, s: StepView, width: number): string[] {
  const shown = m.hints.get(s.id);
  if (!shown?.length) return [];
  const lines = [o.io.c.bold('Hints')];
  for (const h of shown) {
    const text = h.times > 1 ? `${h.text} ${o.io.c.dim(`(given ${h.times} times)`)}` : h.text;
    lines.push(...text.split('\n'));
  }
  return wrapAll(lines, width);
}

function solutionSection(o: ContentOptions, m: ScreenModel, index: number, width: number, screen: number): string[] {
  const step = m.lab.steps[index - 1];
  if (!step.solution) return [];
  const solution = m.solutionFor(index);
  if (solution) return [o.io.c.bold(o.io.c.green('Reference solution')), '', ...markdownLines(solution, width, o.io.c, screen)];
  const how = o.readOnly ? '' : ' (s shows it now, after asking)';
  return wrapAll([o.io.c.dim(`The reference solution shows here once this step passes${how}.`)], width);
}

function introSections(o: ContentOptions, m: ScreenModel, width: number, screen: number): Section[] {
  const { c } = o.io;
  const { lab } = m;
  const sections: Section[] = [];
  if (m.view.complete) sections.push({ id: 'complete', lines: wrapAll([c.green(`✔ ${completeText(o.course, lab)}`)], width) });
  // the chapter's own top heading gives way to ours, which carries the lab number
  const intro = lab.intro.replace(/^\s*# [^\n]*\n+/, '');
  sections.push({ id: 'chapter', lines: markdownLines(`# ${lab.number} · ${lab.title}\n\n${intro}`, width, c, screen) });
  sections.push({ id: 'steps', lines: [c.bold('The steps'), '', ...wrapAll(checklistLines(o.io, m, false), width)] });
  const how = o.readOnly
    ? 'This screen is read-only: the lab is open in another terminal. Here you can read every step and move between them.'
    : 'Work in another terminal: `iam-labs shell` opens a shell where `aws` talks to this lab. This screen checks your account each time it changes. → goes to step 1.';
  sections.push({ id: 'how', lines: markdownLines(how, width, c) });
  return sections;
}

/** The page of step `index` (0: the introduction), wrapped to `width` (prose at most PROSE_WIDTH, code to the full width). */
export function pageSections(o: ContentOptions, m: ScreenModel, index: number, width: number): Section[] {
  const w = Math.min(width, PROSE_WIDTH);
  if (index === 0) return introSections(o, m, w, width);
  const s = m.view.steps[index - 1];
  const step = m.lab.steps[index - 1];
  return [
    { id: 'status', lines: statusSection(o, m, s, w) },
    { id: 'hints', lines: hintSection(o, m, s, w) },
    { id: 'chapter', lines: markdownLines(step.body, w, o.io.c, width) },
    { id: 'solution', lines: solutionSection(o, m, index, w, width) },
  ].filter((x) => x.lines.length);
}

/** Sections as one list of lines, a blank line between sections; and where each section starts. */
export function joinSections(sections: Section[]): { lines: string[]; starts: Map<string, { start: number; length: number }> } {
  const lines: string[] = [];
  const starts = new Map<string, { start: number; length: number }>();
  for (const s of sections) {
    if (lines.length) lines.push('');
    starts.set(s.id, { start: lines.length, length: s.lines.length });
    lines.push(...s.lines);
  }
  return { lines, starts };
}
