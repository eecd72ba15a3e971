/**
 * `iam-labs docs`: serves the built site on loopback, keeps requests inside the site folder,
 * and builds the site first when it is missing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { docsCommand } from '../../src/runner/commands/docs.js';
import { buildSite } from '../../src/site/build.js';
import { serveSite, siteRequestPath } from '../../src/site/serve.js';

const root = join(import.meta.dirname, '..', '..');
const fixtureLabs = join(root, 'tests', 'fixtures', 'site-course', 'labs');

describe('serving the site', () => {
  it('serves pages over loopback HTTP and nothing outside the site folder', async () => {
    const outDir = join(mkdtempSync(join(tmpdir(), 'iam-labs-serve-')), 'site');
    buildSite({ labsDir: fixtureLabs, outDir });
    const served = await serveSite(outDir);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(served.url);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await index.text()).toContain('Fixture course');
      expect((await fetch(`${served.url}01-alpha.html`)).status).toBe(200);
      expect((await fetch(`${served.url}nope.html`)).status).toBe(404);
      expect((await fetch(`${served.url}%2e%2e/%2e%2e/package.json`)).status).toBe(404);
      expect((await fetch(served.url, { method: 'POST' })).status).toBe(405);
    } finally {
      await served.close();
    }
    expect(siteRequestPath(outDir, '/../../etc/passwd')).toBe(join(outDir, 'etc', 'passwd'));
    expect(siteRequestPath(outDir, '/%E0%A4%A')).toBeUndefined();
  });

  it('`docs` builds a missing site from the course, serves it, and stops when asked', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'iam-labs-docs-cmd-')), 'site');
    let text = '';
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    let url = '';
    const running = docsCommand({ port: '0', dir, env: { IAM_LABS_COURSE_DIR: fixtureLabs }, out, until, onReady: (u) => (url = u) });
    await expect.poll(() => url).not.toBe('');
    const page = await fetch(`${url}02-beta.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Beta policies');
    stop();
    await running;
    expect(text).toMatch(/Built the course site \(\d+ pages\)/);
    expect(text).toContain(url);
  });
});
