/**
 * The one word wrapper of the terminal (the live screen, the chapter, `check`): ANSI-aware (escape
 * codes take no room, and a style that runs over a line break is closed at the end of the line and
 * opened again on the next), it breaks only at spaces, so punctuation stays with its word, and it
 * breaks a token (an ARN, a line of JSON) only when that token alone is wider than the line,
 * preferably after a `/`, `:` or `,`. Continuation lines keep the indentation of a list item or
 * of a labelled block ("why:      …").
 */
import { asTyped } from '../invocation.js';

// CSI sequences (colors, cursor) and OSC sequences (hyperlinks), which take no room on screen
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
// eslint-disable-next-line no-control-regex
const ANSI_AT_START = /^(?:\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))/;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

// combining marks, zero-width spaces and joiners, variation selectors
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|[\u200b-\u200f\u2060]|[\ufe00-\ufe0f])$/u;

/** Columns one code point takes in a terminal: 0 (combining), 2 (East Asian wide, emoji) or 1. */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (ZERO_WIDTH.test(ch)) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Columns a string takes on screen (escape codes take none). */
export function visibleWidth(s: string): number {
  let w = 0;
  for (const ch of stripAnsi(s)) w += charWidth(ch);
  return w;
}

// ── styles that run over a line break ────────────────────────────────────────

/** SGR attributes in force, by the group a closing code ends (fg 39, bg 49, bold/dim 22, …). */
type Active = Map<string, string>;
const CLOSERS: Record<string, string> = { '22': 'weight', '23': 'italic', '24': 'underline', '27': 'inverse', '29': 'strike', '39': 'fg', '49': 'bg' };

function groupOf(code: number): string | undefined {
  if (code === 1 || code === 2) return 'weight';
  if (code === 3) return 'italic';
  if (code === 4) return 'underline';
  if (code === 7) return 'inverse';
  if (code === 9) return 'strike';
  if ((code >= 30 && code <= 38) || (code >= 90 && code <= 97)) return 'fg';
  if ((code >= 40 && code <= 48) || (code >= 100 && code <= 107)) return 'bg';
  return undefined;
}

function track(active: Active, seq: string): void {
  // eslint-disable-next-line no-control-regex
  const m = /^\x1b\[([0-9;]*)m$/.exec(seq);
  if (!m) return;
  const params = m[1] === '' ? ['0'] : m[1].split(';');
  if (params.includes('0') && params.length === 1) return active.clear();
  const group = CLOSERS[params[0]] ?? groupOf(Number(params[0]));
  if (!group) return;
  if (CLOSERS[params[0]]) active.delete(group);
  else active.set(group, seq);
}

const reopen = (active: Active) => [...active.values()].join('');

// ── tokens ───────────────────────────────────────────────────────────────────

interface Piece {
  /** the characters with their escape codes */
  text: string;
  width: number;
  space: boolean;
}

/**
 * Split a line into runs of spaces and words. An escape code belongs to the word it touches: the
 * end of the word before it, or (after a space) the word it opens.
 */
function pieces(line: string): Piece[] {
  const out: Piece[] = [];
  let cur: Piece | undefined;
  let i = 0;
  while (i < line.length) {
    const esc = line[i] === '\x1b' ? ANSI_AT_START.exec(line.slice(i)) : null;
    if (esc) {
      if (!cur || (cur.space && cur.width > 0)) out.push((cur = { text: '', width: 0, space: false }));
      cur.text += esc[0];
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    const space = ch === ' ';
    if (!cur) out.push((cur = { text: '', width: 0, space }));
    else if (cur.width === 0) cur.space = space;
    else if (cur.space !== space) out.push((cur = { text: '', width: 0, space }));
    cur.text += ch;
    cur.width += charWidth(ch);
    i += ch.length;
  }
  return out;
}

/** Cut a word into chunks no wider than `room`, preferring to end a chunk after / : , ; = & ? or - (in its second half). */
function splitWord(word: string, firstRoom: number, room: number): string[] {
  const units: Array<{ text: string; width: number }> = [];
  let i = 0;
  while (i < word.length) {
    const esc = word[i] === '\x1b' ? ANSI_AT_START.exec(word.slice(i)) : null;
    if (esc) {
      if (units.length) units[units.length - 1].text += esc[0];
      else units.push({ text: esc[0], width: 0 });
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(word.codePointAt(i)!);
    if (units.length && units[units.length - 1].width === 0) {
      units[units.length - 1].text += ch;
      units[units.length - 1].width = charWidth(ch);
    } else units.push({ text: ch, width: charWidth(ch) });
    i += ch.length;
  }
  const chunks: string[] = [];
  let start = 0;
  let limit = Math.max(1, firstRoom);
  while (start < units.length) {
    let w = 0;
    let end = start;
    while (end < units.length && w + units[end].width <= limit) w += units[end++].width;
    if (end === start) end = start + 1; // a character wider than the room: it goes on a line of its own
    if (end < units.length) {
      // a nicer break point in the second half of the chunk
      for (let k = end - 1; k >= start + Math.floor((end - start) / 2); k--) {
        if (/[/:,;=&?-]$/.test(stripAnsi(units[k].text))) {
          end = k + 1;
          break;
        }
      }
    }
    chunks.push(units.slice(start, end).map((u) => u.text).join(''));
    start = end;
    limit = Math.max(1, room);
  }
  return chunks;
}

// ── wrapping ─────────────────────────────────────────────────────────────────

export interface WrapOptions {
  /** put in front of every line after the first (default: spaces as wide as `hangingIndent`) */
  hang?: string;
}

// a list marker, a symbol of ours, or a one-word label followed by spaces: "- ", "12. ", "✘ ", "why:      "
const HANGING = /^( *)((?:[-*+•◦▪]|\d{1,3}[.)]|[✔✘?○▶!~]|[A-Za-z][A-Za-z-]{0,10}:)(?: +|$))?/;

/** The indentation a line's continuation lines get: its own, plus a list marker or label. */
export function hangingIndent(line: string): number {
  const m = HANGING.exec(stripAnsi(line));
  if (!m) return 0;
  return visibleWidth(m[1]) + (m[2] && m[2].trimEnd().length < m[2].length ? visibleWidth(m[2]) : 0);
}

/**
 * Wrap one line (no newlines in it) to `width` columns. Spaces at a break disappear; the line's
 * own leading spaces stay. Width Infinity (or ≤ 0) means: do not wrap. Every line the screens
 * show is laid out here, so this is where a suggested command takes the form the learner types
 * (invocation.ts): before its width is measured.
 */
export function wrapLine(text: string, width: number, opts: WrapOptions = {}): string[] {
  const line = asTyped(text);
  if (!(width > 0) || width === Infinity || visibleWidth(line) <= width) return [line];
  let hang = opts.hang ?? ' '.repeat(hangingIndent(line));
  // a hanging indent that leaves almost no room would make a column of syllables
  if (visibleWidth(hang) > width / 2) hang = '';
  const hangWidth = visibleWidth(hang);
  const lines: string[] = [];
  const active: Active = new Map();
  let cur = '';
  let curWidth = 0;
  let space = '';
  let spaceWidth = 0;
  let hasWord = false;

  const feed = (text: string) => {
    for (const m of text.matchAll(ANSI)) track(active, m[0]);
  };
  const put = (text: string, w: number) => {
    cur += text;
    curWidth += w;
    feed(text);
  };
  const takeSpace = () => {
    put(space, spaceWidth);
    space = '';
    spaceWidth = 0;
  };
  const newLine = () => {
    // the space at the break disappears, its escape codes do not
    feed(space);
    space = '';
    spaceWidth = 0;
    lines.push(active.size ? `${cur}\x1b[0m` : cur);
    cur = hang + reopen(active);
    curWidth = hangWidth;
    hasWord = false;
  };

  pieces(line).forEach((p, idx) => {
    if (p.space) {
      if (idx === 0) put(p.text, p.width); // the line's own indentation
      else {
        space += p.text;
        spaceWidth += p.width;
      }
      return;
    }
    const room = width - curWidth - (hasWord ? spaceWidth : 0);
    if (p.width <= room) {
      if (hasWord) takeSpace();
      put(p.text, p.width);
      hasWord = true;
      return;
    }
    if (hasWord && p.width <= width - hangWidth) {
      // the word fits on a line of its own: break before it
      newLine();
      put(p.text, p.width);
      hasWord = true;
      return;
    }
    // a token wider than any line: fill this line (unless little is left), then whole lines
    if (hasWord && room < Math.min(8, width - hangWidth)) newLine();
    else if (hasWord) takeSpace();
    splitWord(p.text, width - curWidth, width - hangWidth).forEach((chunk, k) => {
      if (k > 0) newLine();
      put(chunk, visibleWidth(chunk));
      hasWord = true;
    });
  });
  if (space) feed(space);
  lines.push(cur);
  return lines;
}

/** Wrap every line of a text (split at newlines), each with its own hanging indent. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((l) => wrapLine(l, width))
    .join('\n');
}

/** Cut a line to `width` columns (escape codes kept), ending with … when something was cut. */
export function truncate(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  const out: string[] = [];
  let w = 0;
  let styled = false;
  let i = 0;
  while (i < line.length) {
    const esc = line[i] === '\x1b' ? ANSI_AT_START.exec(line.slice(i)) : null;
    if (esc) {
      out.push(esc[0]);
      styled = true;
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    const cw = charWidth(ch);
    if (w + cw > width - 1) break;
    out.push(ch);
    w += cw;
    i += ch.length;
  }
  return `${out.join('')}…${styled ? '\x1b[0m' : ''}`;
}

/** Pad a line with spaces to `width` columns. */
export function padEnd(line: string, width: number): string {
  const w = visibleWidth(line);
  return w >= width ? line : line + ' '.repeat(width - w);
}
