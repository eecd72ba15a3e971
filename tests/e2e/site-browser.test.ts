/**
 * The built site in a real browser (Debian's Chromium through playwright-core): the index and a
 * lab page at desktop and phone widths have no horizontal overflow, request nothing outside
 * file:// and 127.0.0.1, and their copy buttons work. Screenshots go to a temp folder (or
 * IAM_LABS_SCREENSHOTS) for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, labPageName } from '../../src/site/build.js';

const CHROMIUM = '/usr/bin/chromium';
const root = join(import.meta.dirname, '..', '..');
const realLabs = join(root, 'labs');
const labsDir = existsSync(join(realLabs, 'course.md')) ? realLabs : join(root, 'tests', 'fixtures', 'site-course', 'labs');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`site-browser.test: SKIPPED — ${CHROMIUM} not found (apt-get install chromium).`);

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe.skipIf(!hasChromium)('course site in Chromium', () => {
  let context: BrowserContext;
  const shots = process.env.IAM_LABS_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'iam-labs-site-shots-'));
  const site = buildSite({
    labsDir,
    outDir: join(mkdtempSync(join(tmpdir(), 'iam-labs-site-browser-')), 'site'),
    docsDir: join(root, 'docs'),
    rootDir: root,
  });
  // lab 04 when the real course is there: its policies make the widest code blocks
  const labPage = labPageName(site.course.labs[site.course.labs.length > 3 ? 3 : 0]);
  const guidePage = ['learners.html', 'architecture.html'].find((p) => site.pages.includes(p));

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'iam-labs-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    console.log(`site-browser.test: screenshots in ${shots}`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  for (const vp of VIEWPORTS) {
    for (const page of ['index.html', 'LAB', 'GUIDE']) {
      it(`${page === 'LAB' ? 'a lab page' : page === 'GUIDE' ? 'a guide' : page} at ${vp.name} width (${vp.width}×${vp.height})`, async () => {
        const file = page === 'LAB' ? labPage : page === 'GUIDE' ? guidePage : page;
        if (!file) {
          console.warn('site-browser.test: no guide in docs/ to open; skipped that page');
          return;
        }
        const tab = await context.newPage();
        const requests: string[] = [];
        tab.on('request', (r) => requests.push(r.url()));
        await tab.setViewportSize({ width: vp.width, height: vp.height });
        await tab.goto(pathToFileURL(join(site.outDir, file)).href, { waitUntil: 'load' });
        // open the first hint and solution so the screenshots show them too
        // (scripts as strings: this file is type-checked without the DOM library)
        await tab.evaluate(`
          document.querySelector('details.hint')?.setAttribute('open', '');
          document.querySelector('details.solution')?.setAttribute('open', '');
        `);
        const overflow = (await tab.evaluate(`({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          // elements wider than the viewport that are not inside a scrolling box
          culprits: [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter((el) => !el.closest('pre, table, .topnav'))
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + '.' + el.className),
        })`)) as { scroll: number; client: number; culprits: string[] };
        expect(overflow.culprits, 'elements wider than the viewport').toEqual([]);
        expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
        await tab.screenshot({ path: join(shots, `${vp.name}-${file.replace(/\.html$/, '')}.png`), fullPage: false });
        await tab.screenshot({ path: join(shots, `${vp.name}-${file.replace(/\.html$/, '')}-full.png`), fullPage: true });
        const outside = requests.filter((u) => !/^(file:|data:|about:|https?:\/\/127\.0\.0\.1[:/])/.test(u));
        expect(outside).toEqual([]);
        await tab.close();
      });
    }
  }

  it('copies a command with the copy button', async () => {
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(join(site.outDir, 'index.html')).href);
    const button = tab.locator('button.copy').first();
    const expected = await button.getAttribute('data-copy');
    await button.click();
    await expect.poll(async () => button.textContent()).toMatch(/Copied|Select and copy/);
    // Headless clipboards may refuse reads; when it can be read, it holds the command.
    const copied = (await tab.evaluate('navigator.clipboard.readText().catch(() => null)')) as string | null;
    if (copied !== null) expect(copied).toBe(expected);
    await tab.close();
  });
});
