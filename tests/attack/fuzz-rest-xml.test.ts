/**
 * Attack suite: fuzzed S3 REST-XML requests (methods, addressing, subresources, headers, XML
 * bodies), signed as root and as a limited user, and unsigned. Every request is answered within
 * its deadline and never with a 5xx; an object written and acknowledged before the storm is
 * still there, unchanged, after it.
 */
import { CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { presignedUrl, signedFetch } from '../helpers/signed-fetch.js';
import { createUserWithKey, policy } from '../e2e/sts-helpers.js';
import { HOSTILE_STRINGS, mustAnswer, pool, rng, SEED, type Rng } from './harness.js';

let em: StartedEmulator;
let user: Creds;
const BUCKETS = ['fuzz-a', 'fuzz-b'];

beforeAll(async () => {
  em = await startTestEmulator();
  const root = clients(em.endpoint);
  for (const b of BUCKETS) await root.s3.send(new CreateBucketCommand({ Bucket: b }));
  // New buckets block public policies (as in AWS since 2023); fuzz-b means to have one.
  await root.s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'fuzz-b' }));
  await root.s3.send(new PutObjectCommand({ Bucket: 'fuzz-a', Key: 'precious.txt', Body: 'acknowledged' }));
  await root.s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'fuzz-b',
      Policy: JSON.stringify(policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::fuzz-b/*a*a*a*a*a*b' })),
    }),
  );
  user = await createUserWithKey(root.iam, 's3-fuzzed', {
    inline: policy({ Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::fuzz-b', 'arn:aws:s3:::fuzz-b/*?*?*?*?*?*?x'] }),
  });
});
afterAll(async () => {
  await em?.close();
});

const SUBRESOURCES = [
  'acl', 'policy', 'location', 'uploads', 'versioning', 'versions', 'delete', 'tagging', 'cors', 'lifecycle', 'encryption', 'metadataTable',
  'renameObject', 'session', 'abac', 'restore', 'select', 'attributes', 'torrent', 'list-type=2', 'uploadId=nope', 'partNumber=1',
  'versionId=null', 'x-id=GetObject', 'prefix=a', 'max-keys=-1', 'max-keys=99999999999', 'continuation-token=%zz', 'delimiter=*',
  'encoding-type=url', '__proto__', 'constructor=1',
];

function xmlBody(r: Rng): string {
  const key = () => r.pick(HOSTILE_STRINGS).replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
  switch (r.int(8)) {
    case 0:
      return `<Delete><Object><Key>${key()}</Key></Object>${r.chance(0.5) ? '<Quiet>true</Quiet>' : ''}</Delete>`;
    case 1:
      return `<CompleteMultipartUpload><Part><PartNumber>${r.pick(['1', '0', '-1', 'x', '10001'])}</PartNumber><ETag>"${key()}"</ETag></Part></CompleteMultipartUpload>`;
    case 2:
      return `<CreateBucketConfiguration><LocationConstraint>${key()}</LocationConstraint></CreateBucketConfiguration>`;
    case 3:
      return `${'<a>'.repeat(r.int(3000))}${'</a>'.repeat(r.int(3000))}`;
    case 4:
      return `<Delete><Object><Key>&#x${r.pick(['110000', 'D800', '0', '41', 'FFFE'])};</Key></Object></Delete>`;
    case 5:
      return `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;">]><Delete><Object><Key>&b;</Key></Object></Delete>`;
    case 6:
      return JSON.stringify(policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${r.pick(BUCKETS)}/${r.pick(HOSTILE_STRINGS)}` }));
    default:
      return r.pick(HOSTILE_STRINGS);
  }
}

function s3Request(r: Rng) {
  const bucket = r.chance(0.8) ? r.pick([...BUCKETS, 'missing-bucket']) : r.pick(HOSTILE_STRINGS);
  const key = r.chance(0.5) ? undefined : r.chance(0.3) ? 'precious.txt' : r.pick(HOSTILE_STRINGS);
  const subs = Array.from({ length: r.int(3) }, () => r.pick(SUBRESOURCES));
  const path = `/${encodeURIComponent(bucket)}${key === undefined ? '' : `/${encodeURIComponent(key)}`}${subs.length ? `?${subs.join('&')}` : ''}`;
  const method = r.pick(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS']);
  const headers: Record<string, string> = {};
  if (r.chance(0.2)) headers['x-amz-copy-source'] = r.pick([`fuzz-a/precious.txt`, r.pick(HOSTILE_STRINGS), '/missing-bucket/x']);
  if (r.chance(0.1)) headers.range = r.pick(['bytes=0-0', 'bytes=-1', 'bytes=5-2', 'bytes=x', 'bytes=0-99999999999999999999']);
  if (r.chance(0.1)) headers['x-amz-expected-bucket-owner'] = r.pick(['000000000000', '111111111111', '__proto__']);
  if (r.chance(0.1)) headers['x-amz-checksum-crc32'] = r.pick(['AAAAAA==', 'x', '']);
  if (r.chance(0.1)) headers['if-match'] = r.pick(['"x"', '*', '']);
  if (r.chance(0.05)) headers['x-amz-meta-__proto__'] = 'meta';
  // HTTP header values are bytes: fetch() cannot send the emoji the strings pool holds.
  // (and no control characters: fetch refuses those before they reach the server)
  for (const [k, v] of Object.entries(headers)) headers[k] = Buffer.from(v, 'utf8').toString('latin1').replace(/[\x00-\x1f\x7f]/g, '');
  const body = method === 'PUT' || method === 'POST' ? xmlBody(r) : undefined;
  return { method, path, headers, body, who: r.pick(['root', 'root', 'user', 'anonymous', 'presigned'] as const) };
}

describe('fuzzed S3 requests', () => {
  it('are all answered, never with 5xx, and lose no acknowledged object', async () => {
    const r = rng(SEED + 1);
    const requests = Array.from({ length: 700 }, () => s3Request(r));
    const statuses = new Map<number, number>();
    await pool(
      requests.map((req, i) => async () => {
        const what = `#${i} ${req.who} ${req.method} ${req.path.slice(0, 160)} ${JSON.stringify(req.headers).slice(0, 120)} body=${(req.body ?? '').slice(0, 80)}`;
        // The fuzzer does not mean to delete the object it checks at the end.
        const spare = req.path.startsWith('/fuzz-a/precious.txt') && (req.method === 'DELETE' || req.method === 'PUT');
        if (spare) return;
        const answer = await mustAnswer(what, async (signal) => {
          if (req.who === 'anonymous') return fetch(`${em.endpoint}${req.path}`, { method: req.method, headers: req.headers, body: req.body, signal });
          if (req.who === 'presigned') return fetch(await presignedUrl(em.endpoint, req.path, { method: req.method }), { method: req.method, body: req.body, signal });
          return signedFetch(em.endpoint, req.path, { method: req.method, headers: req.headers, body: req.body, credentials: req.who === 'user' ? user : undefined });
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }),
      8,
    );
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    const got = await clients(em.endpoint).s3.send(new GetObjectCommand({ Bucket: 'fuzz-a', Key: 'precious.txt' }));
    expect(await got.Body!.transformToString()).toBe('acknowledged');
  });
});
