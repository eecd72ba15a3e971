import { it } from 'vitest';
import pc from 'picocolors';
import fs from 'node:fs';
import { plainMarkdown, renderMarkdown } from './src/runner/output.js';
it('x', async () => {
  const md = fs.readFileSync('labs/01-users/README.md', 'utf8').slice(0, 2500) + "\n\nText *em* and `a*b*c` and **bold `code` in**.\n\n```json\n{\"Action\": \"s3:*\", \"**x**\": 1}\n```\n";
  console.log(plainMarkdown(md));
  const io = { plain: false, tty: true, c: pc.createColors(true) } as never;
  const out = await renderMarkdown(io, md);
  console.log(out);
  console.log(JSON.stringify(out.slice(0, 3000)));
});
