/**
 * Issue 15, the emulator's front door: a web page cannot reach the lab (item 3), SigV4 time rules
 * as AWS applies them (item 6), authentication before any large body is read (item 7), and the
 * Query protocol's Version rule and the source-IP header's signing rule (item 9).
 */
import net from 'node:net';
import { CreateUserCommand, GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import { CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER, createEmulator, startEmulator, type StartedEmulator } from '../../src/emulator/index.js';
import { startBuiltEmulator } from '../helpers/built-emulator.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { presignedUrl, signedFetch } from '../helpers/signed-fetch.js';
import { createUserWithKey, policy, rejection, withHeader } from './sts-helpers.js';

let em: StartedEmulator;
let root: ReturnType<typeof clients>;

beforeAll(async () => {
  em = await startTestEmulator({ bodyIdleTimeoutMs: 500 });
  root = clients(em.endpoint);
  await root.s3.send(new CreateBucketCommand({ Bucket: 'front' }));
});
afterAll(async () => {
  await em?.close();
});

const iamQuery = (body: string, init: Parameters<typeof signedFetch>[2] = {}) =>
  signedFetch(em.endpoint, '/', { service: 'iam', method: 'POST', body, ...init, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...init.headers } });

async function userExists(name: string): Promise<boolean> {
  return root.iam.send(new GetUserCommand({ UserName: name })).then(
    () => true,
    () => false,
  );
}

describe('a web page cannot reach the lab', () => {
  it.each([
    ['origin', 'http://evil.localhost:8000'],
    ['origin', 'null'],
    ['sec-fetch-site', 'cross-site'],
    ['sec-fetch-site', 'same-site'],
    ['sec-fetch-site', 'same-origin'],
  ])('refuses a correctly signed request carrying %s: %s, with an AWS-shaped 403', async (name, value) => {
    const res = await iamQuery('Action=CreateUser&UserName=from-a-page&Version=2010-05-08', { headers: { [name]: value } });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code>');
    expect(text).toContain('iam-labs refuses requests made by a web page');
    expect(await userExists('from-a-page')).toBe(false);
  });

  it('answers S3 in its own shape, and a preflight (OPTIONS) is refused too', async () => {
    const put = await signedFetch(em.endpoint, '/front/page.html', { method: 'PUT', body: 'x', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(put.status).toBe(403);
    expect(await put.text()).toMatch(/<Error><Code>AccessDenied<\/Code><Message>iam-labs refuses requests made by a web page/);
    const preflight = await fetch(`${em.endpoint}/front/page.html`, { method: 'OPTIONS', headers: { origin: 'http://evil.localhost', 'access-control-request-method': 'PUT' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still serves the address bar (Sec-Fetch-Site: none), e.g. a presigned URL the learner opens', async () => {
    await root.s3.send(new PutObjectCommand({ Bucket: 'front', Key: 'shared.txt', Body: 'shared' }));
    const url = await presignedUrl(em.endpoint, '/front/shared.txt');
    const res = await fetch(url, { headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('shared');
  });

  it('verifies the signature of `test` like any other key (a forged presigned query string creates nothing)', async () => {
    const url = await presignedUrl(em.endpoint, '/?Action=CreateUser&UserName=img-src&Version=2010-05-08', { service: 'iam' });
    const forged = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    const res = await fetch(forged);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(await userExists('img-src')).toBe(false);
    // A 12-digit root key is verified the same way (its secret is `test` too).
    const other = await iamQuery('Action=ListUsers&Version=2010-05-08', { credentials: { accessKeyId: '111111111111', secretAccessKey: 'not-test' } });
    expect(other.status).toBe(403);
    expect(await other.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    // Signed with `test`, the same request works (the lab's own AWS config files use test/test).
    expect((await fetch(url)).status).toBe(200);
    expect(await userExists('img-src')).toBe(true);
  });

  it('keeps the control API behind the session token', async () => {
    await root.iam.send(new CreateUserCommand({ UserName: 'survivor' }));
    const reset = (headers: Record<string, string>) => fetch(`${em.endpoint}/_iam-labs/reset`, { method: 'POST', headers });
    const attempts: Array<Record<string, string>> = [{}, { [CONTROL_TOKEN_HEADER]: 'guess' }, { [CONTROL_TOKEN_HEADER]: em.emulator.controlToken, origin: 'http://evil.localhost' }];
    for (const headers of attempts) {
      const res = await reset(headers);
      expect(res.status).toBe(403);
    }
    const decisions = await fetch(`${em.endpoint}/_iam-labs/decisions`);
    expect(decisions.status).toBe(403);
    expect(await userExists('survivor')).toBe(true);
    // The runner, holding the token, can.
    const ok = await fetch(`${em.endpoint}/_iam-labs/decisions?limit=1`, { headers: { [CONTROL_TOKEN_HEADER]: em.emulator.controlToken } });
    expect(ok.status).toBe(200);
    expect(Array.isArray(((await ok.json()) as { decisions: unknown[] }).decisions)).toBe(true);
  });

  it('takes the token the runner hands to the emulator process it spawns (its environment)', async () => {
    const token = 'f'.repeat(64);
    const { child, endpoint } = await startBuiltEmulator([], { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), NO_COLOR: '1', [CONTROL_TOKEN_ENV]: token });
    try {
      const reset = (headers: Record<string, string>) => fetch(`${endpoint}/_iam-labs/reset`, { method: 'POST', headers });
      expect((await reset({})).status).toBe(403);
      expect((await reset({ [CONTROL_TOKEN_HEADER]: 'e'.repeat(64) })).status).toBe(403);
      expect((await reset({ [CONTROL_TOKEN_HEADER]: token })).status).toBe(200);
    } finally {
      child.kill();
    }
    // An emulator nobody handed a token to makes its own, a different one each time.
    expect(em.emulator.controlToken).toMatch(/^[0-9a-f]{64}$/);
    expect(createEmulator().controlToken).not.toBe(em.emulator.controlToken);
  });
});

describe('SigV4 time as AWS checks it', () => {
  const past = new Date('2001-01-01T00:00:00Z');
  const future = new Date('2099-01-01T00:00:00Z');

  it('IAM: a request signed more than 15 minutes ago or ahead is SignatureDoesNotMatch, in AWS words', async () => {
    const old = await iamQuery('Action=ListUsers&Version=2010-05-08', { signingDate: past });
    expect(old.status).toBe(403);
    const oldText = await old.text();
    expect(oldText).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(oldText).toMatch(/<Message>Signature expired: 20010101T000000Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)<\/Message>/);
    const ahead = await iamQuery('Action=ListUsers&Version=2010-05-08', { signingDate: future });
    expect(ahead.status).toBe(403);
    expect(await ahead.text()).toMatch(/<Message>Signature not yet current: 20990101T000000Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)<\/Message>/);
    // Ten minutes off is within AWS's tolerance.
    const close = await iamQuery('Action=ListUsers&Version=2010-05-08', { signingDate: new Date(Date.now() - 10 * 60_000) });
    expect(close.status).toBe(200);
  });

  it('S3: RequestTimeTooSkewed with the request and server times', async () => {
    const res = await signedFetch(em.endpoint, '/front', { signingDate: past });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message>');
    expect(text).toContain('<RequestTime>20010101T000000Z</RequestTime>');
    expect(text).toMatch(/<ServerTime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/ServerTime><MaxAllowedSkewMilliseconds>900000<\/MaxAllowedSkewMilliseconds>/);
  });

  it('S3: a presigned URL expires, may last at most a week, and is not valid before its date', async () => {
    await root.s3.send(new PutObjectCommand({ Bucket: 'front', Key: 'p.txt', Body: 'p' }));
    const expired = await fetch(await presignedUrl(em.endpoint, '/front/p.txt', { signingDate: new Date(Date.now() - 120_000), expiresIn: 60 }));
    expect(expired.status).toBe(403);
    const text = await expired.text();
    expect(text).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>60</X-Amz-Expires>');
    const tooLong = await fetch(await presignedUrl(em.endpoint, '/front/p.txt', { expiresIn: 604801 }).catch(async () => {
      // The SDK refuses to sign more than a week: forge the parameter on a valid URL instead.
      const u = new URL(await presignedUrl(em.endpoint, '/front/p.txt'));
      u.searchParams.set('X-Amz-Expires', '604801');
      return u.toString();
    }));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('<Code>AuthorizationQueryParametersError</Code><Message>X-Amz-Expires must be less than a week (in seconds) that is 604800</Message>');
    const early = await fetch(await presignedUrl(em.endpoint, '/front/p.txt', { signingDate: future, expiresIn: 600 }));
    expect(early.status).toBe(403);
    expect(await early.text()).toContain('<Code>AccessDenied</Code><Message>Request is not yet valid</Message>');
    expect((await fetch(await presignedUrl(em.endpoint, '/front/p.txt', { expiresIn: 600 }))).status).toBe(200);
  });

  it('applies the same rules on a shared (workshop) server', async () => {
    const shared = await startEmulator({ host: '127.0.0.1', port: 0, rootSecret: (id) => (id === '123456789012' ? 'learner-secret' : undefined) });
    try {
      const creds = { accessKeyId: '123456789012', secretAccessKey: 'learner-secret' };
      const ok = await signedFetch(shared.endpoint, '/', { service: 'iam', method: 'POST', body: 'Action=ListUsers&Version=2010-05-08', credentials: creds, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(ok.status).toBe(200);
      const replayed = await signedFetch(shared.endpoint, '/', { service: 'iam', method: 'POST', body: 'Action=ListUsers&Version=2010-05-08', credentials: creds, signingDate: past, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(replayed.status).toBe(403);
      expect(await replayed.text()).toContain('Signature expired: 20010101T000000Z');
    } finally {
      await shared.close();
    }
  });
});

/** Send raw bytes; resolve with what the server answered (or '' when it closed without a word). */
function raw(port: number, head: string, body: { bytes: number; chunk?: number; delayMs?: number } = { bytes: 0 }): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.write(head);
    const pump = () => {
      if (socket.destroyed || sent >= body.bytes) return;
      const n = Math.min(body.chunk ?? 65536, body.bytes - sent);
      sent += n;
      const more = socket.write(Buffer.alloc(n, 97));
      if (body.delayMs) setTimeout(pump, body.delayMs);
      else if (more) setImmediate(pump);
      else socket.once('drain', pump);
    };
    pump();
  });
}

describe('authentication before the body', () => {
  const port = () => Number(new URL(em.endpoint).port);

  it('refuses an unsigned 200 MiB upload from its headers, without reading the body', async () => {
    const before = process.memoryUsage().rss;
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        raw(port(), `PUT /front/big-${i} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${200 * 1024 * 1024}\r\n\r\n`, { bytes: 8 * 1024 * 1024 }),
      ),
    );
    for (const a of answers) {
      expect(a).toMatch(/^HTTP\/1\.1 400/);
      expect(a).toContain('<Code>EntityTooLarge</Code>');
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a signed upload with an unknown key before its body (Expect: 100-continue gets no 100)', async () => {
    const res = await signedFetch(em.endpoint, '/front/nope', {
      method: 'PUT',
      body: 'x',
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>InvalidAccessKeyId</Code>');
    const answer = await raw(
      port(),
      `PUT /front/expecting HTTP/1.1\r\nhost: 127.0.0.1\r\nexpect: 100-continue\r\ncontent-length: 104857600\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-date: 20990101T000000Z\r\nauthorization: AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNKEY000000/20990101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}\r\n\r\n`,
    );
    expect(answer).not.toContain('100 Continue');
    expect(answer).toMatch(/^HTTP\/1\.1 403/);
  });

  it('a connection carrying many refused uploads keeps nothing per request on its socket', async () => {
    const sockets: net.Socket[] = [];
    const onConnection = (s: net.Socket) => sockets.push(s);
    em.server.on('connection', onConnection);
    const client = net.connect(port(), '127.0.0.1');
    let answers = '';
    client.on('data', (d) => (answers += d.toString('latin1')));
    const count = () => (answers.match(/HTTP\/1\.1 403 /g) ?? []).length;
    try {
      await new Promise((r) => client.once('connect', r));
      for (let i = 0; i < 30; i++) {
        // refused from its headers (unknown key), so its body is read and thrown away after the answer
        client.write(
          `PUT /front/refused-${i} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-date: 20990101T000000Z\r\nauthorization: AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNKEY000000/20990101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}\r\n\r\nhello`,
        );
        const deadline = Date.now() + 5000;
        while (count() <= i && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      }
      expect(count()).toBe(30);
      // one connection, still open, with no listener left behind by each request
      expect(sockets).toHaveLength(1);
      expect(sockets[0].destroyed).toBe(false);
      expect(sockets[0].listenerCount('close')).toBeLessThan(5);
    } finally {
      em.server.off('connection', onConnection);
      client.destroy();
    }
  });

  it('times out a body that stops arriving (RequestTimeout)', async () => {
    const url = new URL(await presignedUrl(em.endpoint, '/front/slow', { method: 'PUT' }));
    const answer = await raw(port(), `PUT ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: 1000\r\n\r\n`, { bytes: 10, chunk: 10 });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('<Code>RequestTimeout</Code>');
  });

  it('still takes a signed upload of many megabytes through the SDK', async () => {
    await root.s3.send(new PutObjectCommand({ Bucket: 'front', Key: 'large.bin', Body: Buffer.alloc(12 * 1024 * 1024, 1) }));
    await expect(root.s3.send(new HeadBucketCommand({ Bucket: 'front' }))).resolves.toBeTruthy();
  });
});

describe('Query Version and the source-IP header', () => {
  it.each([
    ['Action=ListUsers', 'Could not find operation ListUsers for version NO_VERSION_SPECIFIED'],
    ['Action=ListUsers&Version=', 'Could not find operation ListUsers for version '],
    ['Action=ListUsers&Version=2011-06-15', 'Could not find operation ListUsers for version 2011-06-15'],
    ['Action=ListUsers&Version=2000-01-01&Version=2010-05-08', 'Could not find operation ListUsers for version 2000-01-01'],
  ])('%s → InvalidAction', async (body, message) => {
    const res = await iamQuery(body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`<Code>InvalidAction</Code><Message>${message}</Message>`);
  });

  it('takes the first of repeated parameters, as AWS does', async () => {
    const res = await iamQuery('Action=ListUsers&Action=NoSuchAction&Version=2010-05-08');
    expect(res.status).toBe(200);
  });

  it('honours x-iam-labs-source-ip only when the caller signed it', async () => {
    const worker = await createUserWithKey(root.iam, 'ip-worker', {
      inline: policy({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }),
    });
    // Signed (added before signing, as a lab does): honoured.
    const signed = withHeader(new IAMClient({ endpoint: em.endpoint, region: 'us-east-1', credentials: worker, maxAttempts: 1 }), 'x-iam-labs-source-ip', '203.0.113.9');
    await expect(signed.send(new ListUsersCommand({}))).resolves.toBeTruthy();
    // Added after signing (by anything between the client and the emulator): ignored.
    const late = new IAMClient({ endpoint: em.endpoint, region: 'us-east-1', credentials: worker, maxAttempts: 1 });
    late.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-iam-labs-source-ip'] = '203.0.113.9';
        return next(args);
      },
      { step: 'finalizeRequest', name: 'after-signing', priority: 'low' },
    );
    const refused = await rejection(late.send(new ListUsersCommand({})));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});
