/**
 * The instructor dashboard in a real browser (Debian's Chromium via playwright-core): it asks for
 * the token, shows joined learners, and a step turns green live after a learner's aws action
 * and check.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { joinWorkshop, reportProgress } from '../../src/workshop/client.js';
import { awsCli } from '../helpers/emulator.js';
import { hasChromium, launchChromium } from '../helpers/browser.js';

const enabled = hasChromium();
if (!enabled) console.warn('SKIPPED: workshop dashboard browser test — /usr/bin/chromium is not installed (apt-get install chromium).');

describe.skipIf(!enabled)('workshop dashboard in Chromium', () => {
  let dir: string;
  let ws: RunningWorkshop;
  let browser: Browser;
  const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-dashboard-'));

  beforeAll(async () => {
    process.env.IAM_LABS_COURSE_DIR = path.resolve('tests/fixtures/workshop-course');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wsb-'));
    ws = await startWorkshop({ port: 0, stateDir: dir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await ws?.close();
    delete process.env.IAM_LABS_COURSE_DIR;
  });

  it('requires the instructor token', async () => {
    const page = await browser.newPage();
    await page.goto(`${ws.endpoint}/_workshop/`);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#token', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForFunction("document.querySelector('#loginError').textContent.includes('not this workshop')");
    expect(await page.isVisible('#board')).toBe(false);
    await page.close();
  });

  it('shows two joined learners and turns a step green after an aws action and a check', async () => {
    const code = ws.store.data.code;
    const ada = await joinWorkshop(ws.endpoint, 'Ada Lovelace', code);
    const bo = await joinWorkshop(ws.endpoint, 'Bo', code);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${ws.endpoint}/_workshop/`);
    await page.fill('#token', ws.store.data.instructorToken);
    await page.click('button[type=submit]');
    await page.waitForSelector('tr[data-learner="Bo"]');
    expect(await page.textContent('#grid')).toContain('Ada Lovelace');
    await page.waitForFunction("document.querySelector('#status').textContent === 'live'");

    // Ada does the step with the real AWS CLI, then her check reports it.
    const made = await awsCli(ws.endpoint, ['iam', 'create-user', '--user-name', 'Ada'], {
      creds: { accessKeyId: ada.accessKeyId, secretAccessKey: ada.secretAccessKey },
    });
    expect(made.code).toBe(0);
    await reportProgress(ws.endpoint, ada.token, '01-basics', [
      { id: 'basics/make-user', status: 'passed' },
      { id: 'basics/make-group', status: 'failed', failing: ['group devs exists'] },
    ]);
    await page.waitForSelector('tr[data-learner="Ada Lovelace"] td.passed');
    const row = await page.textContent('tr[data-learner="Ada Lovelace"]');
    expect(row).toContain('✔');
    expect(row).toContain('✘');
    expect(row).toContain('1/2');
    void bo;
    await page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });
    expect(requests.every((u) => u.startsWith(ws.endpoint))).toBe(true);
    console.log(`dashboard screenshot: ${path.join(shots, 'dashboard.png')}`);
    await page.close();
  });
});
