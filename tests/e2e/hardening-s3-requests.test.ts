/**
 * Issue 15, item 4: S3 requests this emulator does not model get AWS's 501 NotImplemented and
 * never fall through to another operation (the issue's cases destroyed data), and item 9's XML:
 * hostile request documents are MalformedXML (400), never 500.
 */
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { signedFetch } from '../helpers/signed-fetch.js';

let em: StartedEmulator;
let s3: ReturnType<typeof clients>['s3'];

beforeAll(async () => {
  em = await startTestEmulator();
  s3 = clients(em.endpoint).s3;
});
afterAll(async () => {
  await em?.close();
});

const send = (method: string, path: string, body?: string) => signedFetch(em.endpoint, path, { method, body });

async function expectNotImplemented(res: Response): Promise<void> {
  expect(res.status).toBe(501);
  expect(await res.text()).toContain('<Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented.');
}

const keys = async (bucket: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((c) => c.Key);

describe('unknown S3 requests never destroy data', () => {
  it('DELETE ?metadataTable on an empty bucket leaves the bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'keep-me' }));
    await expectNotImplemented(await send('DELETE', '/keep-me?metadataTable'));
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'keep-me' }))).resolves.toBeTruthy();
  });

  it('PUT ?encryption on an object leaves the object as it was', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'data.txt', Body: 'original' }));
    await expectNotImplemented(await send('PUT', '/objects/data.txt?encryption', '<ServerSideEncryptionConfiguration/>'));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'data.txt' }));
    expect(await got.Body!.transformToString()).toBe('original');
  });

  it('PUT ?renameObject creates nothing', async () => {
    await expectNotImplemented(await send('PUT', '/objects/renamed.txt?renameObject'));
    expect(await keys('objects')).toEqual(['data.txt']);
  });

  it('GET ?session and ?abac are not listings; PUT ?abac is not CreateBucket', async () => {
    await expectNotImplemented(await send('GET', '/objects?session'));
    await expectNotImplemented(await send('GET', '/objects?abac'));
    await expectNotImplemented(await send('PUT', '/never-created?abac', '<AbacStatus/>'));
    const missing = await send('HEAD', '/never-created');
    expect(missing.status).toBe(404);
  });

  it.each([
    ['GET', '/objects?analytics'],
    ['DELETE', '/objects?cors'],
    ['PUT', '/objects?lifecycle'],
    ['GET', '/objects/data.txt?tagging'],
    ['DELETE', '/objects/data.txt?versionId=3HL4kqtJlcpXroDTDmjVBH40Nrjfkd'],
    ['GET', '/objects?no-such-subresource'],
    ['POST', '/objects/data.txt?restore'],
    ['GET', '/objects?policy&acl'],
  ])('%s %s → 501, and nothing changed', async (method, path) => {
    await expectNotImplemented(await send(method, path));
    expect(await keys('objects')).toEqual(['data.txt']);
  });

  it('a method no S3 API has on a resource is 405 MethodNotAllowed, as in S3', async () => {
    const res = await send('PATCH', '/objects/data.txt');
    expect(res.status).toBe(405);
    expect(await res.text()).toContain('<Code>MethodNotAllowed</Code>');
  });
});

describe('hostile XML request bodies are MalformedXML', () => {
  const MALFORMED = '<Code>MalformedXML</Code><Message>The XML you provided was not well-formed or did not validate against our published schema</Message>';

  it.each([
    ['50,000 levels deep', `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`],
    ['an out-of-range character reference', '<Delete><Object><Key>&#x110000;</Key></Object></Delete>'],
    ['a character reference to NUL', '<Delete><Object><Key>&#0;</Key></Object></Delete>'],
    ['an entity that is not XML', '<Delete><Object><Key>&nbsp;</Key></Object></Delete>'],
    ['a DOCTYPE with an entity', '<!DOCTYPE d [<!ENTITY e "eeeeeeeeee">]><Delete><Object><Key>&e;</Key></Object></Delete>'],
    ['an unclosed element', '<Delete><Object><Key>x</Key></Object>'],
    ['text after the document', '<Delete><Object><Key>x</Key></Object></Delete>trailing'],
    ['not XML at all', '{"Delete": []}'],
  ])('DeleteObjects with %s', async (_what, body) => {
    const res = await send('POST', '/objects?delete', body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(MALFORMED);
    expect(await keys('objects')).toEqual(['data.txt']);
  });

  it('still reads entities, character references and CDATA where S3 does', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'a&b <c>', Body: '1' }));
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'AB', Body: '2' }));
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'x<y', Body: '3' }));
    const res = await send(
      'POST',
      '/objects?delete',
      '<?xml version="1.0"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a&amp;b &lt;c&gt;</Key></Object><Object><Key>&#x41;&#66;</Key></Object><Object><Key><![CDATA[x<y]]></Key></Object></Delete>',
    );
    expect(res.status).toBe(200);
    expect(await keys('objects')).toEqual(['data.txt']);
  });
});
