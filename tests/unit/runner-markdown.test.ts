/**
 * The chapter in the terminal (src/runner/output.ts renderMarkdown, laid out by
 * src/runner/screen/markdown.ts): bold, code and bold code render in paragraphs and list items;
 * paragraphs re-flow to the width with punctuation kept on its word; code is never re-flowed, and
 * a shell line wider than the screen is continued with ` \`; without color (--plain, NO_COLOR, not
 * a terminal) there are no escape codes and no emphasis markers, while code keeps its backticks
 * and fences. Every step of the real course fits 40, 80 and 120 columns without a word cut.
 */
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/core/course.js';
import { courseDir } from '../../src/core/paths.js';
import type { CommandIO } from '../../src/runner/io.js';
import { renderMarkdown } from '../../src/runner/output.js';
import { markdownLines } from '../../src/runner/screen/markdown.js';
import { stripAnsi, visibleWidth } from '../../src/runner/screen/wrap.js';
import { renderedWordsOf } from '../helpers/markdown-words.js';

const CHAPTER = [
  'Samy is a member of the group **`contractors`** and runs `aws iam list-users`, **bold** and *em*.',
  '',
  '- A user **`temp-contractor`** whose contract has ended. It is a',
  '  member of the group **`contractors`**, with `AmazonS3ReadOnlyAccess` and **bold with `code` in it**.',
  '- The statement lists arn:aws:s3:::acme-reports/* and arn:aws:s3:::acme-payroll/*, not the buckets.',
  '',
  '**AccessDenied**: *User: analyst is not authorized to perform:',
  's3:ListBucket*. But `a*b*c` and `__init__` are code.',
  '',
  '```json',
  '{"Action": "s3:*", "**x**": "*y*"}',
  '```',
].join('\n');

const io = (o: Partial<CommandIO>): CommandIO => ({ env: {}, tty: true, plain: false, c: pc.createColors(true), out: { columns: 80, isTTY: true }, ...o }) as CommandIO;
const ESC = /\x1b\[/;

describe('renderMarkdown', () => {
  it('in a color terminal: bold code is bold and code-colored, in list items too; no Markdown markers left', async () => {
    const out = await renderMarkdown(io({}), CHAPTER);
    const text = stripAnsi(out);
    expect(out).toMatch(/member of the group \x1b\[1m\x1b\[33mcontractors\x1b\[39m\x1b\[22m and runs/);
    expect(out).toMatch(/A user \x1b\[1m\x1b\[33mtemp-contractor\x1b\[39m\x1b\[22m whose/);
    expect(text).toMatch(/^• A user temp-contractor whose contract has ended\. It is a member of the group\n {2}contractors, with AmazonS3ReadOnlyAccess and bold with code in it\.$/m);
    expect(text).toMatch(/arn:aws:s3:::acme-reports\/\* and\n {2}arn:aws:s3:::acme-payroll\/\*, not/);
    expect(text.split('{"Action"')[0]).not.toMatch(/\*\*|`/);
    expect(text).toMatch(/^ {2}\{"Action": "s3:\*", "\*\*x\*\*": "\*y\*"\}$/m); // code as written
    for (const l of out.split('\n')) expect(visibleWidth(l)).toBeLessThanOrEqual(80);
  });

  for (const [what, o] of [
    ['--plain', { plain: true, c: pc.createColors(false) }],
    ['NO_COLOR in a terminal', { c: pc.createColors(false) }],
    ['not a terminal', { tty: false, c: pc.createColors(false), out: {} as NodeJS.WritableStream }],
  ] as const) {
    it(`${what}: no escape codes, emphasis markers dropped, code as written`, async () => {
      const out = await renderMarkdown(io(o), CHAPTER);
      expect(out).not.toMatch(ESC);
      // paragraphs re-flow (to 80 columns in a terminal): compare the words
      const flat = out.replace(/[ \n]+/g, ' ');
      expect(flat).toMatch(/member of the group `contractors` and runs `aws iam list-users`, bold and em\./);
      expect(out).toMatch(/^- A user `temp-contractor` whose contract/m);
      expect(flat).toMatch(/arn:aws:s3:::acme-reports\/\* and arn:aws:s3:::acme-payroll\/\*, not/);
      expect(flat).toMatch(/AccessDenied: User: analyst is not authorized to perform: s3:ListBucket\. But `a\*b\*c` and `__init__` are code\./);
      expect(out).toMatch(/```json\n\{"Action": "s3:\*", "\*\*x\*\*": "\*y\*"\}\n```/);
    });
  }

  it('keeps punctuation on its word after styled code (“EOF`, and” never starts a line with the comma)', () => {
    const md = "Policies in this lab are JSON files you write in the shell, e.g. with `cat > trust.json <<'EOF' … EOF`, and pass as `file://trust.json`.";
    for (const color of [true, false]) {
      for (let w = 20; w <= 120; w++) {
        const lines = markdownLines(md, w, pc.createColors(color)).map(stripAnsi);
        for (const l of lines) {
          expect(l, `at ${w} columns`).not.toMatch(/^\s*[,.;:]/);
          expect(visibleWidth(l)).toBeLessThanOrEqual(w);
        }
      }
    }
  });

  it('never re-flows code; a shell line wider than the screen continues with \\ (not inside a here-document)', () => {
    const md = [
      '```sh',
      "cat > trust.json <<'EOF'",
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}',
      'EOF',
      'aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://trust.json',
      'short',
      'line',
      '```',
    ].join('\n');
    const lines = markdownLines(md, 60, pc.createColors(false));
    expect(lines.slice(-3)).toEqual(['file://trust.json', 'short', 'line', '```'].slice(-3));
    const json = lines.slice(2, lines.indexOf('EOF'));
    expect(json.length).toBeGreaterThan(1);
    for (const l of json) expect(l).not.toMatch(/\\$/);
    expect(json.join(' ').replace(/\s+/g, ' ')).toBe('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}');
    const cmd = lines.slice(lines.indexOf('EOF') + 1, lines.indexOf('short'));
    expect(cmd.length).toBeGreaterThan(1);
    cmd.slice(0, -1).forEach((l) => expect(l).toMatch(/ \\$/));
    expect(cmd.map((l) => l.replace(/ \\$/, '').trim()).join(' ')).toBe('aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://trust.json');
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(60);
  });
});

it('a shell comment never gets a \\ continuation: it follows the command, or goes on lines of its own', () => {
  const md = [
    '```sh',
    'aws s3 cp s3://acme-payroll/salaries.csv - --profile intern    # 403 Forbidden (denied)',
    'aws iam create-role --role-name EC2AccessRole --assume-role-policy-document file://trust.json  # creates "the # role"',
    'echo "a # in quotes is no comment" and more words to make it long enough',
    '```',
  ].join('\n');
  expect(markdownLines(md, 60, pc.createColors(false))).toEqual([
    '```sh',
    'aws s3 cp s3://acme-payroll/salaries.csv - --profile \\',
    '    intern  # 403 Forbidden (denied)',
    'aws iam create-role --role-name EC2AccessRole \\',
    '    --assume-role-policy-document file://trust.json',
    '# creates "the # role"',
    'echo "a # in quotes is no comment" and more words to make \\',
    '    it long enough',
    '```',
  ]);
});

describe('every step of the course, at 40, 80 and 120 columns', () => {
  const course = loadCourse(courseDir({}));
  const pages = course.labs.flatMap((lab) => [
    { name: `${lab.id} introduction`, md: lab.intro },
    ...lab.steps.flatMap((s) => [
      { name: s.id, md: s.body },
      ...(s.solution ? [{ name: `${s.id} solution`, md: s.solution }] : []),
    ]),
  ]);
  const wordsOf = renderedWordsOf;

  for (const width of [40, 80, 120]) {
    it(`${width} columns: no line wider, no word cut (except a token about as wide as the screen)`, () => {
      for (const { name, md } of pages) {
        for (const color of [true, false]) {
          const lines = markdownLines(md, width, pc.createColors(color)).map(stripAnsi);
          const words = wordsOf(md);
          for (const l of lines) {
            expect(visibleWidth(l), `${name}: ${l}`).toBeLessThanOrEqual(width);
            for (const w of l.split(/\s+/).filter(Boolean)) {
              if (words.has(w) || w.length >= width - 12 || /^[•◦▪\\-]$|^\d+\.$|^#+$|^```/.test(w)) continue;
              // a word cut in two would show here as a piece that is no word of the source
              const cut = [...words].some((s) => s.length > w.length && s.length < width - 12 && (s.startsWith(w) || s.endsWith(w)));
              if (cut && [...words].some((s) => s.length >= width - 12 && s.includes(w))) continue; // a piece of a token too wide for the screen
              expect(cut, `${name} at ${width}: “${w}” looks like a piece of a word, in: ${l}`).toBe(false);
            }
          }
        }
      }
    });
  }
});
