/**
 * Attack suite: a real web page (headless Chromium) on another loopback origin tries to change the
 * lab: a no-cors POST to the control API's reset, an <img> and a fetch with correctly presigned
 * URLs (the `test` key's secret is public), a form POST. Nothing changes; the same URLs work from
 * the AWS CLI's side (no browser headers), so it is the browser rule that stopped them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetUserCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand as CreateS3Bucket, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { hasChromium, launchChromium } from '../helpers/browser.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { presignedUrl } from '../helpers/signed-fetch.js';

let em: StartedEmulator;
let page: http.Server;
let pageUrl = '';
let html = '';

beforeAll(async () => {
  em = await startTestEmulator();
  await clients(em.endpoint).s3.send(new CreateS3Bucket({ Bucket: 'precious' }));
  page = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
  pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await em?.close();
  await new Promise<void>((r) => page.close(() => r()));
});

const exists = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

describe.skipIf(!hasChromium())('a web page against the lab', () => {
  it('cannot reset it, create a user or write an object, even with valid presigned URLs', async () => {
    const createUser = await presignedUrl(em.endpoint, '/?Action=CreateUser&UserName=from-img&Version=2010-05-08', { service: 'iam' });
    const createUser2 = await presignedUrl(em.endpoint, '/?Action=CreateUser&UserName=from-fetch&Version=2010-05-08', { service: 'iam' });
    const putObject = await presignedUrl(em.endpoint, '/precious/dropped.html', { method: 'PUT' });
    html = `<!doctype html><title>innocent</title>
      <img src="${createUser}">
      <form id=f method=POST action="${em.endpoint}/" target=sink><input name=Action value=DeleteBucket><input name=Version value=2010-05-08></form>
      <iframe name=sink></iframe>
      <script>
        window.done = Promise.allSettled([
          fetch(${JSON.stringify(`${em.endpoint}/_iam-labs/reset`)}, { method: 'POST', mode: 'no-cors' }),
          fetch(${JSON.stringify(createUser2)}, { mode: 'no-cors' }),
          fetch(${JSON.stringify(putObject)}, { method: 'PUT', mode: 'no-cors', body: '<script>alert(1)<\\/script>' }),
        ]).then(() => { document.getElementById('f').submit(); return new Promise((r) => setTimeout(r, 300)); });
      </script>`;
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      await tab.goto(pageUrl);
      await tab.evaluate('window.done');
      await tab.waitForLoadState('networkidle');
    } finally {
      await browser.close();
    }
    const root = clients(em.endpoint);
    expect(await exists(root.iam.send(new GetUserCommand({ UserName: 'from-img' })))).toBe(false);
    expect(await exists(root.iam.send(new GetUserCommand({ UserName: 'from-fetch' })))).toBe(false);
    expect(await exists(root.s3.send(new HeadObjectCommand({ Bucket: 'precious', Key: 'dropped.html' })))).toBe(false);
    // Not reset: the bucket made before the page opened is still there.
    expect(em.emulator.state.account().s3.buckets.precious).toBeDefined();
    // The browser's requests were refused by the browser rule (recorded as AccessDenied answers
    // the page could not read); the same presigned URL from a non-browser client works.
    expect((await fetch(createUser)).status).toBe(200);
    expect(await exists(root.iam.send(new GetUserCommand({ UserName: 'from-img' })))).toBe(true);
  });
});
