/**
 * The instructor dashboard in a real browser (Debian's Chromium via playwright-core), on the
 * real course: it asks for the token; with ten learners a step turns done live after a learner's
 * aws action and report, the stuck learner is flagged in words, and the keyboard alone reaches
 * the "stuck" filter; with 300 learners the summary per step, the filters, the stuck-first sort
 * and the pages hold up. Screenshots of both are kept for people to look at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { joinWorkshop, reportProgress, type LabReport, type WorkshopJoin } from '../../src/workshop/client.js';
import { awsCli } from '../helpers/emulator.js';
import { hasChromium, launchChromium } from '../helpers/browser.js';

/** The page's document, as the callbacks below run it in the browser (the project compiles without the DOM library). */
declare const document: {
  activeElement: { id: string } | null;
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
};

const enabled = hasChromium();
if (!enabled) console.warn('SKIPPED: workshop dashboard browser test — /usr/bin/chromium is not installed (apt-get install chromium).');

const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-dashboard-'));
const RELAXED = { joins: { each: { burst: 1e6, ratePerSecond: 1e6 }, everyone: { burst: 1e6, ratePerSecond: 1e6 } } };

/** A learner's report of one lab: the first `done` steps done, the next one current (failing `why`). */
function labReport(ws: RunningWorkshop, labIndex: number, done: number, why?: string, revealed = false): LabReport {
  const lab = ws.outline[labIndex];
  const at = new Date().toISOString();
  const steps = lab.steps.map((s, i) =>
    i < done
      ? { id: s.id, status: 'done' as const, passedAt: at, ...(revealed && i === done - 1 ? { revealedAt: at } : {}) }
      : i === done && why
        ? { id: s.id, status: 'failing' as const, failing: [why] }
        : { id: s.id, status: 'todo' as const },
  );
  return { lab: lab.id, current: lab.steps[done]?.id ?? null, steps };
}

async function openDashboard(browser: Browser, ws: RunningWorkshop, width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${ws.endpoint}/_workshop/`);
  await page.fill('#token', ws.store.identity.instructorToken);
  await page.keyboard.press('Enter');
  // a function, not a string: the dashboard's Content-Security-Policy forbids eval, which a string predicate needs
  await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'live');
  return page;
}

describe.skipIf(!enabled)('workshop dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('a class of ten on a shared server', () => {
    let dir: string;
    let ws: RunningWorkshop;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsb-'));
      ws = await startWorkshop({ port: 0, stateDir: dir, labs: ['01', '02'], workers: 1, stuckMinutes: 0.15 });
    });
    afterAll(async () => {
      await ws?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('requires the instructor token', async () => {
      const page = await browser.newPage();
      await page.goto(`${ws.endpoint}/_workshop/`);
      await page.waitForSelector('#login:not([hidden])');
      await page.fill('#token', 'not-the-token');
      await page.click('button[type=submit]');
      await page.waitForFunction(() => document.querySelector('#loginError')?.textContent?.includes('not this workshop'));
      expect(await page.isVisible('#board')).toBe(false);
      await page.close();
    });

    it('shows where each learner is, turns a step done live, and flags the stuck one in words', { timeout: 120_000 }, async () => {
      const code = ws.store.identity.code;
      const names = ['Ada Lovelace', 'Bo Chen', 'Cy Diallo', 'Dee Okafor', 'Eli Novak', 'Fay Ito', 'Gus Moreau', 'Hana Sato', 'Ivo Petrov', 'Jin Park'];
      const joined: WorkshopJoin[] = [];
      for (const n of names) joined.push(await joinWorkshop(ws.endpoint, n, code));
      // Cy has been on step 2 of lab 01 since the start: after 9 s (--stuck-minutes 0.15) Cy is stuck.
      await reportProgress(ws.endpoint, joined[2].token, labReport(ws, 0, 1, 'Samy has AmazonS3ReadOnlyAccess attached'));
      await new Promise((r) => setTimeout(r, 9200));
      for (let i = 3; i < names.length; i++) await reportProgress(ws.endpoint, joined[i].token, labReport(ws, i % 2, (i % 3) + 1, i % 2 ? 'bob is a member of developers' : 'Samy can s3:GetObject', i === 5));

      const requests: string[] = [];
      const page = await openDashboard(browser, ws, 1280, 900);
      page.on('request', (r) => requests.push(r.url()));
      await page.waitForSelector('tr[data-learner="Jin Park"]');
      const cy = await page.textContent('tr[data-learner="Cy Diallo"]');
      expect(cy).toContain('⚠ stuck');
      expect(cy).toContain('01 · 2.');
      expect(await page.textContent('tr[data-learner="Dee Okafor"]')).not.toContain('stuck');
      expect(await page.textContent('#counts')).toContain('1 stuck');

      // Keyboard only: Tab to the "Show" filter, pick "stuck".
      await page.focus('#query');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter');
      await page.keyboard.press('ArrowDown'); // everyone → stuck
      await page.waitForFunction(() => document.querySelectorAll('#learners tbody tr[data-learner]').length === 1);
      expect(await page.textContent('#learners tbody')).toContain('Cy Diallo');
      await page.selectOption('#filter', 'all');
      // Ada does step 1 with the real AWS CLI; her runner's report turns it done, live.
      const made = await awsCli(ws.endpoint, ['iam', 'create-user', '--user-name', 'Samy'], { creds: { accessKeyId: joined[0].accessKeyId!, secretAccessKey: joined[0].secretAccessKey! } });
      expect(made.code).toBe(0);
      await reportProgress(ws.endpoint, joined[0].token, labReport(ws, 0, 1, 'Samy has AmazonS3ReadOnlyAccess attached'));
      await page.waitForFunction(() => document.querySelector('tr[data-learner="Ada Lovelace"]')?.textContent?.includes('✔'));
      const ada = await page.textContent('tr[data-learner="Ada Lovelace"]');
      expect(ada).toContain('1 / ');
      expect(ada).toContain('▶');
      expect(await page.getAttribute('tr[data-learner="Ada Lovelace"] .lab', 'aria-label')).toBe(`Lab 01: 1 of ${ws.outline[0].steps.length} done, on step 2`);
      expect(await page.textContent('tr[data-learner="Fay Ito"]')).toContain('✱');

      await page.screenshot({ path: path.join(shots, 'dashboard-10.png'), fullPage: true });
      expect(requests.every((u) => u.startsWith(ws.endpoint))).toBe(true);
      console.log(`dashboard screenshot: ${path.join(shots, 'dashboard-10.png')}`);
      await page.close();
    });
  });

  describe('a class of 300 (report-only)', () => {
    let dir: string;
    let ws: RunningWorkshop;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsb3-'));
      ws = await startWorkshop({ port: 0, stateDir: dir, reportOnly: true, stuckMinutes: 0.25, throttles: RELAXED });
    });
    afterAll(async () => {
      await ws?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('summarizes per step, filters, sorts stuck first and pages', { timeout: 120_000 }, async () => {
      const code = ws.store.identity.code;
      const joined = await Promise.all(Array.from({ length: 300 }, (_, i) => joinWorkshop(ws.endpoint, { name: `Learner ${String(i + 1).padStart(3, '0')}`, code, mode: 'report-only' })));
      const labs = ws.outline.length;
      const place = (i: number) => ({ lab: Math.min(labs - 1, Math.floor(i / 75)), done: i % 4 });
      // Everyone reports; then all but every tenth learner move on, so one in ten stays put and becomes stuck.
      await Promise.all(joined.map((j, i) => reportProgress(ws.endpoint, j.token, labReport(ws, place(i).lab, place(i).done, `condition ${i % 3}`))));
      await new Promise((r) => setTimeout(r, 15_200));
      await Promise.all(joined.map((j, i) => (i % 10 ? reportProgress(ws.endpoint, j.token, labReport(ws, place(i).lab, place(i).done + 1, `condition ${i % 3}`)) : Promise.resolve(true))));

      const page = await openDashboard(browser, ws, 1440, 1000);
      await page.waitForFunction(() => document.querySelector('#range')?.textContent === 'Showing 1–100 of 300');
      // Stuck first: the first 30 rows are the stuck ones.
      const firstRows = await page.$$eval('#learners tbody tr', (rows) => rows.slice(0, 31).map((r) => r.textContent ?? ''));
      expect(firstRows.slice(0, 30).every((t) => t.includes('⚠ stuck'))).toBe(true);
      expect(firstRows[30]).not.toContain('⚠ stuck');
      expect(await page.textContent('#counts')).toContain('30 stuck');
      await page.screenshot({ path: path.join(shots, 'dashboard-300.png') });

      // The step summary's "on it now" button narrows the learners to that step.
      const button = page.locator('#steps button[data-step]').first();
      const onIt = Number(await button.textContent());
      await button.click();
      await page.waitForFunction((n) => document.querySelectorAll('#learners tbody tr[data-learner]').length === n, Math.min(onIt, 100));
      await page.selectOption('#step', '');
      await page.click('#next');
      await page.waitForFunction(() => document.querySelector('#range')?.textContent === 'Showing 101–200 of 300');
      await page.screenshot({ path: path.join(shots, 'dashboard-300-full.png'), fullPage: true });
      console.log(`dashboard screenshots: ${shots}`);
      await page.close();
    });
  });
});
