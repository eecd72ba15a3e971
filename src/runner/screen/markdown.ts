/**
 * The chapter's Markdown for the terminal, as lines no wider than the screen: the one renderer of
 * the live screen, `start` and the other commands that show a chapter. marked's lexer reads the
 * Markdown; each block is laid out here and word-wrapped by wrap.ts (paragraphs re-flowed, list
 * items and quotes with their hanging indent, code never re-flowed: a code line is broken only
 * when it is wider than the screen, and a shell command then ends its broken lines with ` \` so
 * that it still runs when copied).
 *
 * With color: headings, bold, code and links styled, Markdown markers gone. Without (--plain,
 * NO_COLOR, not a terminal): no escape codes; emphasis markers dropped, headings keep their `#`,
 * code spans their backticks and code blocks their fences, so structure and code stay visible
 * to every reader.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import type pc from 'picocolors';
import { visibleWidth, wrapLine } from './wrap.js';

export type Colors = ReturnType<typeof pc.createColors>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, e: string) => ENTITIES[e]);

interface Ctx {
  c: Colors;
  color: boolean;
  /** how much wider than prose a code line may be (code reads best unbroken) */
  codeExtra: number;
  /** nesting depth of lists (bullet shape) */
  depth: number;
}

/**
 * Render Markdown to lines no wider than `width` (Infinity: paragraphs on one line each); code
 * lines may use up to `codeWidth` (the screen's width when prose is kept narrower to be read).
 */
export function markdownLines(md: string, width: number, c: Colors, codeWidth = width): string[] {
  const tokens = new Lexer({ gfm: true }).lex(md);
  const lines = blocks(tokens, width, { c, color: c.isColorSupported, depth: 0, codeExtra: Math.max(0, codeWidth - width) });
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Inline Markdown (a hint, a title) as one styled string, without wrapping. */
export function markdownInline(md: string, c: Colors): string {
  const tokens = new Lexer({ gfm: true }).inlineTokens(md);
  return inline(tokens, { c, color: c.isColorSupported, depth: 0, codeExtra: 0 });
}

function blocks(tokens: Token[], width: number, ctx: Ctx): string[] {
  const out: string[] = [];
  const gap = () => {
    if (out.length && out[out.length - 1] !== '') out.push('');
  };
  for (const t of tokens) {
    const rendered = block(t, width, ctx);
    if (!rendered) continue;
    gap();
    out.push(...rendered);
  }
  return out;
}

function block(t: Token, width: number, ctx: Ctx): string[] | undefined {
  const { c, color } = ctx;
  switch (t.type) {
    case 'space':
      return undefined;
    case 'heading': {
      const text = inline((t as Tokens.Heading).tokens, ctx);
      const depth = (t as Tokens.Heading).depth;
      // without color the heading keeps its marker: the one sign that it is a heading
      const styled = !color ? `${'#'.repeat(depth)} ${text}` : depth === 1 ? c.bold(c.underline(text)) : depth === 2 ? c.bold(c.cyan(text)) : c.bold(text);
      return wrapLine(styled, width, { hang: '' });
    }
    case 'paragraph':
      return paragraph((t as Tokens.Paragraph).tokens, width, ctx);
    case 'text': {
      // a tight list item's text (its inline tokens), or plain text
      const tt = t as Tokens.Text;
      return tt.tokens ? paragraph(tt.tokens, width, ctx) : paragraph([{ type: 'text', raw: tt.raw, text: tt.text } as Tokens.Text], width, ctx);
    }
    case 'code':
      return codeBlock(t as Tokens.Code, width, ctx);
    case 'list':
      return list(t as Tokens.List, width, ctx);
    case 'blockquote': {
      const bar = color ? c.dim('│ ') : '> ';
      return blocks((t as Tokens.Blockquote).tokens, width - 2, ctx).map((l) => (l ? bar + l : bar.trimEnd()));
    }
    case 'hr':
      return [color ? c.dim('─'.repeat(Math.min(width, 60))) : '---'];
    case 'table':
      return table(t as Tokens.Table, width, ctx);
    case 'html': {
      // comments (<!-- solution --> among them) are for authors
      const text = (t as Tokens.HTML).text.replace(/<!--[\s\S]*?-->/g, '').trim();
      return text ? text.split('\n').flatMap((l) => wrapLine(l, width, { hang: '' })) : undefined;
    }
    default:
      return 'text' in t && typeof t.text === 'string' ? t.text.split('\n').flatMap((l) => wrapLine(l, width, { hang: '' })) : undefined;
  }
}

/** Inline tokens re-flowed: soft line breaks become spaces, hard ones (two spaces, <br>) stay. */
function paragraph(tokens: Token[], width: number, ctx: Ctx): string[] {
  return inline(tokens, ctx)
    .split('\n')
    .flatMap((l) => wrapLine(l, width, { hang: '' }));
}

function inline(tokens: Token[] | undefined, ctx: Ctx): string {
  const { c, color } = ctx;
  let s = '';
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'text': {
        const tt = t as Tokens.Text;
        s += tt.tokens ? inline(tt.tokens, ctx) : decode(tt.text).replace(/\n/g, ' ');
        break;
      }
      case 'escape':
        s += (t as Tokens.Escape).text;
        break;
      case 'strong':
        s += color ? c.bold(inline((t as Tokens.Strong).tokens, ctx)) : inline((t as Tokens.Strong).tokens, ctx);
        break;
      case 'em':
        s += color ? c.italic(inline((t as Tokens.Em).tokens, ctx)) : inline((t as Tokens.Em).tokens, ctx);
        break;
      case 'del':
        s += color ? c.strikethrough(inline((t as Tokens.Del).tokens, ctx)) : `~~${inline((t as Tokens.Del).tokens, ctx)}~~`;
        break;
      case 'codespan': {
        const code = decode((t as Tokens.Codespan).text);
        s += color ? c.yellow(code) : `\`${code}\``;
        break;
      }
      case 'br':
        s += '\n';
        break;
      case 'link': {
        const l = t as Tokens.Link;
        const text = inline(l.tokens, ctx);
        const same = l.href === l.text || l.href === `mailto:${l.text}`;
        s += color ? c.underline(text) + (same ? '' : c.dim(` (${l.href})`)) : same ? text : `${text} (${l.href})`;
        break;
      }
      case 'image': {
        const im = t as Tokens.Image;
        s += `[image: ${im.text || im.href}]`;
        break;
      }
      case 'html': {
        const raw = (t as Tokens.HTML).text;
        s += /^<br\s*\/?>$/i.test(raw) ? '\n' : /^<!--/.test(raw) ? '' : raw;
        break;
      }
      default:
        s += 'text' in t && typeof t.text === 'string' ? t.text : t.raw;
    }
  }
  return s;
}

const BULLETS = ['•', '◦', '▪'];

function list(t: Tokens.List, width: number, ctx: Ctx): string[] {
  const start = typeof t.start === 'number' ? t.start : 1;
  const markers = t.items.map((item, i) => {
    const m = t.ordered ? `${start + i}.` : ctx.color ? BULLETS[ctx.depth % BULLETS.length] : '-';
    return item.task ? `${m} [${item.checked ? 'x' : ' '}]` : m;
  });
  const markerWidth = Math.max(...markers.map((m) => visibleWidth(m))) + 1;
  const out: string[] = [];
  t.items.forEach((item, i) => {
    if (i > 0 && t.loose) out.push('');
    const inner = blocks(item.tokens, width - markerWidth, { ...ctx, depth: ctx.depth + 1 });
    const marker = (ctx.color ? ctx.c.dim(markers[i]) : markers[i]) + ' '.repeat(markerWidth - visibleWidth(markers[i]));
    inner.forEach((l, k) => out.push(k === 0 ? marker + l : l ? ' '.repeat(markerWidth) + l : ''));
  });
  return out;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console', 'zsh']);

/**
 * A code block: its lines as written. A line wider than the screen is broken at a space (its
 * continuation indented); in a shell block, outside a here-document, the broken line ends with
 * ` \` so the command still runs when copied.
 */
function codeBlock(t: Tokens.Code, width: number, ctx: Ctx): string[] {
  const { c, color } = ctx;
  const lang = (t.lang ?? '').trim().split(/\s/)[0];
  const indent = color ? '  ' : '';
  const room = width + ctx.codeExtra - indent.length;
  const out: string[] = [];
  let heredocEnd: string | undefined;
  for (const line of t.text.replace(/\t/g, '    ').split('\n')) {
    const own = /^ */.exec(line)![0];
    let parts: string[];
    if (visibleWidth(line) <= room) parts = [line];
    else if (SHELL.has(lang) && !heredocEnd) parts = wrapShellLine(line, room, own);
    else parts = wrapLine(line, room, { hang: `${own}  ` });
    if (SHELL.has(lang)) {
      if (heredocEnd && line.trim() === heredocEnd) heredocEnd = undefined;
      else if (!heredocEnd) heredocEnd = /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(line)?.[1];
    }
    for (const p of parts) out.push(color ? indent + c.yellow(p) : p);
  }
  if (!color) return [`\`\`\`${lang}`, ...out, '```'];
  return out;
}

/** Where a shell comment starts (`#` at the start or after a space, outside quotes), or -1. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '\\') i++;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]))) return i;
  }
  return -1;
}

/**
 * A shell line too wide for the screen: the command broken at spaces with ` \` (it still runs
 * when copied), and a trailing comment kept after it, or on lines of its own that start with `#`
 * (a backslash inside a comment would not continue the line).
 */
function wrapShellLine(line: string, room: number, own: string): string[] {
  const at = commentStart(line);
  const code = at >= 0 ? line.slice(0, at).trimEnd() : line;
  const comment = at >= 0 ? line.slice(at).replace(/^#+\s*/, '') : '';
  let parts = code.trim() ? wrapLine(code, room - 2, { hang: `${own}    ` }) : [];
  parts = parts.map((p, k) => (k < parts.length - 1 ? `${p} \\` : p));
  if (!comment) return parts;
  const last = parts[parts.length - 1];
  if (last !== undefined && visibleWidth(`${last}  # ${comment}`) <= room) return [...parts.slice(0, -1), `${last}  # ${comment}`];
  return [...parts, ...wrapLine(comment, room - own.length - 2).map((l) => `${own}# ${l}`)];
}

function table(t: Tokens.Table, width: number, ctx: Ctx): string[] {
  const head = t.header.map((cell) => inline(cell.tokens, ctx));
  const rows = t.rows.map((r) => r.map((cell) => inline(cell.tokens, ctx)));
  const widths = head.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - visibleWidth(s)));
  if (total <= width) {
    const line = (cells: string[]) => cells.map((s, i) => pad(s, widths[i])).join('  ').trimEnd();
    const bold = (s: string) => (ctx.color ? ctx.c.bold(s) : s);
    return [line(head.map(bold)), (ctx.color ? ctx.c.dim : (s: string) => s)(widths.map((w) => '─'.repeat(w)).join('  ')), ...rows.map(line)];
  }
  // too wide for columns: each row as "header: value" lines
  const out: string[] = [];
  rows.forEach((r, k) => {
    if (k > 0) out.push('');
    r.forEach((cell, i) => out.push(...wrapLine(`${head[i] ?? ''}: ${cell}`, width, { hang: '  ' })));
  });
  return out;
}
