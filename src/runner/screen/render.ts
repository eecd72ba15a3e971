/**
 * One frame of the full screen, as exactly `rows` lines no wider than `cols`: a header (the lab,
 * how many steps are done, the steps with their state, "Step 3 of 6" and its title), the page of
 * the shown step scrolled to its place, a rule that says where you are in it, a message or a
 * question, and the keys (wrapped by whole items, so they fit 80 columns and less).
 */
import { checklistLines, joinSections, pageSections, statusLabel, type ContentOptions } from './content.js';
import { STATUS, type ScreenModel } from './model.js';
import { truncate, visibleWidth, wrapLine } from './wrap.js';

export type Tone = 'ok' | 'info' | 'warn' | 'error';

export interface UiState {
  /** first body line shown */
  scroll: number;
  message?: { text: string; tone: Tone };
  /** a y/N question replaces the message */
  question?: string;
  /** the step number being typed after `:` */
  prompt?: string;
  help: boolean;
  helpScroll: number;
  /** a grading is running */
  busy: boolean;
}

export interface Frame {
  lines: string[];
  /** rows the page has on screen, and its length: paging and clamping use them */
  bodyRows: number;
  bodyLength: number;
  /** the scroll actually used (clamped) */
  scroll: number;
  /** where each section of the page starts (to keep the reader's place) */
  starts: Starts;
}

/** The keys, shortest first in importance order; read-only screens only move. */
export function footerItems(readOnly: boolean): Array<[key: string, what: string]> {
  const move: Array<[string, string]> = [
    ['←→', 'step'],
    ['↑↓', 'scroll'],
  ];
  if (readOnly) return [['', 'read-only:'], ...move, ['0-9', 'go to step'], ['?', 'help'], ['q', 'quit']];
  return [...move, ['h', 'hint'], ['c', 'check'], ['s', 'solution'], ['r', 'reset'], ['?', 'help'], ['q', 'quit']];
}

/** Items joined by two spaces, wrapped by whole items (an item wider than the screen is cut). */
export function wrapItems(items: string[], cols: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const item of items) {
    const next = cur ? `${cur}  ${item}` : item;
    if (visibleWidth(next) <= cols) cur = next;
    else {
      if (cur) lines.push(cur);
      cur = visibleWidth(item) <= cols ? item : truncate(item, cols);
    }
  }
  if (cur) lines.push(cur);
  return lines;
}

const KEY_COLUMN = 18;

/** The help page: keys and what they do (wrapped under their text), the marks, where to work. */
export function helpLines(readOnly: boolean, cols: number): string[] {
  const keys: Array<[string, string]> = [
    ['← → or p n', 'previous / next step (0 is the lab’s introduction)'],
    ['0–9', 'go to that step; for step 10 and up, type both digits quickly, or : then the number and Enter'],
    ['↑ ↓ or k j', 'scroll a line; the mouse wheel scrolls too'],
    ['PgUp PgDn', 'scroll a page (also b and space)'],
    ['Home End', 'top / end of the page (also g and G)'],
    ...((readOnly
      ? [['', 'read-only: the lab is open in another terminal, so this screen only reads']]
      : [
          ['h', 'a hint for this step; again for a stronger one'],
          ['c', 'check now (the screen checks by itself each time your account changes)'],
          ['s', 'the reference solution: shown once the step passes; before that, asks first'],
          ['r', 'reset this step (asks first and says what is lost); R the whole lab'],
        ]) as Array<[string, string]>),
    ['?', 'this help (any key closes it)'],
    ['q', 'leave the screen; your progress is kept'],
  ];
  const row = (k: string, text: string) => wrapLine(`  ${k.padEnd(KEY_COLUMN - 2)}${text}`, cols, { hang: ' '.repeat(KEY_COLUMN) });
  return [
    'Keys',
    ...keys.flatMap(([k, t]) => row(k, t)),
    '',
    'Marks',
    ...Object.entries(STATUS)
      .filter(([k]) => k !== 'passing')
      .flatMap(([, s]) => row(s.mark, s.word)),
    '',
    ...wrapLine('Work in another terminal: iam-labs shell opens a shell where aws talks to this lab.', cols),
  ];
}

function header(o: ContentOptions, m: ScreenModel, ui: UiState, cols: number, rows: number): string[] {
  const { c } = o.io;
  const n = m.count;
  const right = [`${m.doneCount()} of ${n} done`, ui.busy ? 'checking…' : '', o.readOnly ? c.yellow('read-only') : ''].filter(Boolean).join(' · ');
  const left = c.bold(`${m.lab.number} · ${m.lab.title}`);
  const room = cols - visibleWidth(right) - 2;
  const top = room >= 10 ? `${truncate(left, room)}${' '.repeat(Math.max(2, cols - visibleWidth(truncate(left, room)) - visibleWidth(right)))}${c.dim(right)}` : truncate(left, cols);
  const lines = [top];
  // the whole checklist when it leaves the page at least 16 rows; else one line of marks
  if (rows - (n + 1) - 7 >= 16) {
    lines.push(truncate(`${m.current === 0 ? '▶ ' : '  '} 0. ${c.dim('introduction')}`, cols));
    for (const l of checklistLines(o.io, m)) lines.push(truncate(l, cols));
  } else {
    // the shown step in brackets (and inverse where there is color)
    const item = (label: string, here: boolean) => (here ? c.inverse(`[${label}]`) : ` ${label} `);
    const items = [item('intro', m.current === 0), ...m.view.steps.map((s, i) => item(`${i + 1}${STATUS[s.status].mark}`, m.current === i + 1))];
    lines.push(truncate(items.join(' '), cols));
  }
  const s = m.step;
  const title = s
    ? `${c.bold(`Step ${m.current} of ${n}`)}  ${statusLabel(o.io, s)}  ${c.bold(s.title)}`
    : `${c.bold(`Introduction`)} ${c.dim(`(step 0 of ${n})`)}`;
  const titled = wrapLine(title, cols, { hang: '  ' });
  lines.push(...titled.slice(0, 2).map((l, i) => (i === 1 && titled.length > 2 ? truncate(`${l} …`, cols) : truncate(l, cols))));
  lines.push(c.dim('─'.repeat(cols)));
  return lines;
}

function bottom(o: ContentOptions, m: ScreenModel, ui: UiState, cols: number): string[] {
  const { c } = o.io;
  const lines: string[] = [];
  if (ui.prompt !== undefined) lines.push(truncate(`Go to step (0–${m.count}): ${ui.prompt}▏  ${c.dim('Enter goes, Esc cancels')}`, cols));
  else if (ui.question) lines.push(...wrapLine(`${ui.question} ${c.bold('[y/N]')}`, cols).slice(0, 6));
  else if (ui.message) {
    const tone = { ok: c.green, info: (s: string) => s, warn: c.yellow, error: c.red }[ui.message.tone];
    const wrapped = ui.message.text.split('\n').flatMap((l) => wrapLine(tone(l), cols));
    lines.push(...(wrapped.length > 3 ? [...wrapped.slice(0, 2), truncate(`${wrapped[2]} …`, cols)] : wrapped));
  }
  const keys = footerItems(!!o.readOnly).map(([k, what]) => (k ? `${c.bold(k)} ${c.dim(what)}` : c.yellow(what)));
  lines.push(...wrapItems(keys, cols));
  return lines;
}

export type Starts = Map<string, { start: number; length: number }>;

/**
 * Draw the frame. `place` says where the page starts on screen, given where its sections start
 * (so a reader keeps their place when a section above grows, or when the text re-flows); the
 * result is clamped to the page.
 */
export function renderFrame(o: ContentOptions, m: ScreenModel, ui: UiState, cols: number, rows: number, place: (starts: Starts) => number = () => ui.scroll): Frame {
  const { c } = o.io;
  const head = header(o, m, ui, cols, rows);
  const foot = bottom(o, m, ui, cols);
  const bodyRows = Math.max(1, rows - head.length - foot.length - 1);
  const page = ui.help ? { lines: helpLines(!!o.readOnly, cols), starts: new Map() as Starts } : joinSections(pageSections(o, m, m.current, cols));
  const max = Math.max(0, page.lines.length - bodyRows);
  const scroll = Math.max(0, Math.min(ui.help ? ui.helpScroll : place(page.starts), max));
  const body = page.lines.slice(scroll, scroll + bodyRows).map((l) => truncate(l, cols));
  while (body.length < bodyRows) body.push('');
  let rule: string;
  if (page.lines.length <= bodyRows) rule = c.dim('─'.repeat(cols));
  else {
    const last = Math.min(page.lines.length, scroll + bodyRows);
    const where = `lines ${scroll + 1}–${last} of ${page.lines.length}${scroll > 0 ? ' · ↑ more' : ''}${last < page.lines.length ? ' · ↓ more' : ' · end'}`;
    rule = c.dim(truncate(`── ${where} ${'─'.repeat(Math.max(0, cols))}`, cols).replace(/…$/, '─'));
  }
  const lines = [...head, ...body, rule, ...foot].slice(0, rows);
  while (lines.length < rows) lines.push('');
  return { lines, bodyRows, bodyLength: page.lines.length, scroll, starts: page.starts };
}
