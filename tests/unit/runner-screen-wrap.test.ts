/**
 * The word wrapper (src/runner/screen/wrap.ts) that the live screen, the chapter and `check`
 * share: words and their punctuation stay whole, escape codes take no room and styles survive a
 * break, a token is cut only when it is wider than the line (after a / or : when it can be), and
 * continuation lines keep a list item's or a label's indentation.
 */
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { hangingIndent, padEnd, stripAnsi, truncate, visibleWidth, wrapLine, wrapText } from '../../src/runner/screen/wrap.js';

const c = pc.createColors(true);
const PROSE =
  'The trust policy says who may assume the role; permission policies say what it may do once assumed. Names that differ only in case (Samy, samy) are different names, and a check says so.';

describe('wrapLine', () => {
  it('at every width from 12 to 120: no line wider, every word whole, nothing lost', () => {
    const words = PROSE.split(' ');
    for (let w = 12; w <= 120; w++) {
      const lines = wrapLine(PROSE, w);
      for (const l of lines) expect(visibleWidth(l), `width ${w}: ${l}`).toBeLessThanOrEqual(w);
      expect(lines.join(' ').split(' ')).toEqual(words);
    }
  });

  it('keeps punctuation with its word, also after a styled word', () => {
    const line = `Write it with ${c.yellow("cat > trust.json <<'EOF' … EOF")}, and pass ${c.bold('file://trust.json')}. Then run it.`;
    // (from 20 columns, where the widest token fits: a narrower line must cut it)
    for (let w = 20; w <= 70; w++) {
      for (const l of wrapLine(line, w).map(stripAnsi)) expect(l, `width ${w}`).not.toMatch(/^[,.;:]/);
    }
  });

  it('ignores escape codes for width, closes a style at a break and opens it again on the next line', () => {
    const line = `plain ${c.red('red words that run over the end of the line')} plain`;
    const lines = wrapLine(line, 20);
    expect(lines.map(stripAnsi)).toEqual(['plain red words that', 'run over the end of', 'the line plain']);
    expect(lines[0]).toBe(`plain \x1b[31mred words that\x1b[0m`);
    expect(lines[1]).toBe(`\x1b[31mrun over the end of\x1b[0m`);
    expect(lines[2]).toBe(`\x1b[31mthe line\x1b[39m plain`);
  });

  it('cuts a token only when it is wider than the line, preferably after / or :', () => {
    const arn = 'arn:aws:iam::123456789012:role/service-role/reports-function-role';
    expect(wrapLine(`the role ${arn} here`, arn.length)).toEqual(['the role', arn, 'here']);
    const lines = wrapLine(`role ${arn}`, 30);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.join('').replace(/^role ?/, '')).toBe(arn);
    expect(lines.slice(0, -1).every((l) => /[/:-]$/.test(l))).toBe(true);
  });

  it('keeps the indentation of list items and labelled lines on their continuation lines', () => {
    expect(wrapLine('- a list item whose text runs over the line', 20)).toEqual(['- a list item whose', '  text runs over the', '  line']);
    expect(wrapLine('12. an item of a numbered list, long', 20)).toEqual(['12. an item of a', '    numbered list,', '    long']);
    expect(wrapLine('      why:      the statement names the bucket, not its objects', 40)).toEqual([
      '      why:      the statement names the',
      '                bucket, not its objects',
    ]);
    expect(wrapLine(`  ${c.red('✘')} user Samy exists — not yet, and more words`, 24).map(stripAnsi)).toEqual(['  ✘ user Samy exists —', '    not yet, and more', '    words']);
    expect(hangingIndent('Note: a one-word label counts too')).toBe(6);
    expect(hangingIndent('a sentence: not a label at all')).toBe(0);
  });

  it('counts wide characters as two columns and combining marks as none', () => {
    expect(visibleWidth('日本語')).toBe(6);
    expect(visibleWidth('e\u0301')).toBe(1);
    expect(visibleWidth(c.bold('✔ done'))).toBe(6);
    for (const l of wrapLine('日本語の 文章を 折り返す テスト です', 9)) expect(visibleWidth(l)).toBeLessThanOrEqual(9);
  });

  it('does not wrap at Infinity (a pipe), and wrapText wraps each line on its own', () => {
    expect(wrapLine(PROSE, Infinity)).toEqual([PROSE]);
    expect(wrapText('- one two three four\n- five', 10)).toBe('- one two\n  three\n  four\n- five');
  });
});

describe('truncate and padEnd', () => {
  it('cut to a width with … (styles closed), pad with spaces', () => {
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    expect(truncate('abc', 5)).toBe('abc');
    expect(stripAnsi(truncate(c.green('abcdefghij'), 5))).toBe('abcd…');
    expect(truncate(c.green('abcdefghij'), 5).endsWith('\x1b[0m')).toBe(true);
    expect(padEnd(c.bold('ab'), 4)).toBe(`${c.bold('ab')}  `);
  });
});
