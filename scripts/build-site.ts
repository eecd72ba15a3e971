/**
 * `npm run docs`: builds the course site into docs/site/ from labs/ and the guides in docs/.
 * Options (for tests and previews): --labs DIR, --out DIR, --docs DIR.
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSite } from '../src/site/build.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    labs: { type: 'string', default: join(root, 'labs') },
    out: { type: 'string', default: join(root, 'docs', 'site') },
    docs: { type: 'string', default: join(root, 'docs') },
  },
});

try {
  const site = buildSite({ labsDir: values.labs!, outDir: values.out!, docsDir: values.docs, rootDir: root });
  const steps = site.course.labs.reduce((n, l) => n + l.steps.length, 0);
  const rel = relative(process.cwd(), site.outDir);
  const shown = !rel ? '.' : rel.startsWith('..') ? site.outDir : rel;
  const labs = site.course.labs.length;
  console.log(`Built ${site.pages.length} pages (${labs} lab${labs === 1 ? '' : 's'}, ${steps} step${steps === 1 ? '' : 's'}) into ${shown}/`);
  console.log(`Open ${join(shown, 'index.html')} in a browser, or run: npx iam-labs docs`);
} catch (e) {
  console.error(`npm run docs: ${(e as Error).message}`);
  process.exitCode = 1;
}
