/**
 * The chapter in the terminal (src/runner/output.ts renderMarkdown): bold, code and bold code
 * render in paragraphs and in list items (marked-terminal alone left `**`x`**` literal in lists);
 * without color (--plain, NO_COLOR) there are no escape codes and no emphasis markers, while
 * code stays exactly as written.
 */
import chalk from 'chalk';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../../src/runner/io.js';
import { plainMarkdown, renderMarkdown } from '../../src/runner/output.js';

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

const io = (o: Partial<CommandIO>): CommandIO => ({ env: {}, tty: true, plain: false, c: pc.createColors(true), ...o }) as CommandIO;
 
const ESC = /\x1b\[/;

describe('renderMarkdown', () => {
  it('in a color terminal: bold code is bold and code-colored, in list items too; no Markdown markers left', async () => {
    const level = chalk.level;
    chalk.level = 1; // vitest's stdout is no terminal: chalk would color nothing
    try {
      const out = await renderMarkdown(io({}), CHAPTER);
       
      const text = out.replace(/\x1b\[[0-9;]*m/g, '');
      expect(out).toMatch(/member of the group \x1b\[1m\x1b\[33mcontractors\x1b\[39m\x1b\[22m and runs/);
      expect(out).toMatch(/A user \x1b\[1m\x1b\[33mtemp-contractor\x1b\[39m\x1b\[22m whose/);
      expect(out).toMatch(/\n\s+(?:\x1b\[0m)?member of the group \x1b\[1m\x1b\[33mcontractors\x1b\[39m\x1b\[22m, with \x1b\[33mAmazonS3ReadOnlyAccess\x1b\[39m/);
      expect(text).toMatch(/A user temp-contractor whose contract has ended/);
      expect(text).toMatch(/arn:aws:s3:::acme-reports\/\* and arn:aws:s3:::acme-payroll\/\*/);
      expect(text.split('{"Action"')[0]).not.toMatch(/\*\*|`/);
    } finally {
      chalk.level = level;
    }
  });

  for (const [what, o] of [
    ['--plain', { plain: true, c: pc.createColors(false) }],
    ['NO_COLOR in a terminal', { c: pc.createColors(false) }],
    ['not a terminal', { tty: false }],
  ] as const) {
    it(`${what}: no escape codes, emphasis markers dropped, code as written`, async () => {
      const out = await renderMarkdown(io(o), CHAPTER);
      expect(out).not.toMatch(ESC);
      expect(out).toBe(plainMarkdown(CHAPTER).trim());
      expect(out).toMatch(/member of the group `contractors` and runs `aws iam list-users`, bold and em\./);
      expect(out).toMatch(/A user `temp-contractor` whose/);
      expect(out).toMatch(/member of the group `contractors`, with `AmazonS3ReadOnlyAccess` and bold with `code` in it\./);
      expect(out).toMatch(/arn:aws:s3:::acme-reports\/\* and arn:aws:s3:::acme-payroll\/\*, not/);
      expect(out).toMatch(/AccessDenied: User: analyst is not authorized to perform:\ns3:ListBucket\. But `a\*b\*c` and `__init__` are code\./);
      expect(out).toMatch(/```json\n\{"Action": "s3:\*", "\*\*x\*\*": "\*y\*"\}\n```/);
    });
  }
});
