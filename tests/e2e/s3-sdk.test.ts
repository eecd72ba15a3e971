/**
 * S3 through the AWS SDK v3 against the embedded emulator: buckets, objects (plain and aws-chunked
 * stream bodies, ranges, checksums), listings, copies, deletes, multipart, bucket policies,
 * virtual-hosted addressing and persistence. Root key throughout (enforcement is tested elsewhere).
 */
import { signedFetch } from '../helpers/signed-fetch.js';
import crypto from 'node:crypto';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  ListPartsCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type StartedEmulator } from '../../src/emulator/index.js';
import { bucketFromHost } from '../../src/emulator/s3/routing.js';
import { clients, ROOT, startTestEmulator } from '../helpers/emulator.js';

let em: StartedEmulator;
let s3: S3Client;

beforeAll(async () => {
  em = await startTestEmulator();
  s3 = clients(em.endpoint).s3;
});
afterAll(async () => {
  await em.close();
});

/** The SDK error's code, HTTP status and message, for exact assertions. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; message: string; raw: any }> {
  try {
    await p;
  } catch (e: any) {
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message, raw: e };
  }
  throw new Error('expected the call to fail');
}

/**
 * A hand-made request signed with the root key (the emulator accepts any signature for `test`),
 * for wire details the SDK hides or normalizes.
 */
/** A raw request as root, signed (the emulator verifies every signature, also `test`'s). */
function rootFetch(
  urlPath: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; region?: string } = {},
): Promise<Response> {
  return signedFetch(em.endpoint, urlPath, init);
}

async function bucket(name: string): Promise<string> {
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

describe('buckets', () => {
  it('creates, lists, heads, locates and deletes a bucket', async () => {
    await bucket('life-cycle');
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toContain('life-cycle');
    expect(list.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' }));
    expect(head.BucketRegion).toBe('us-east-1');
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: 'life-cycle' }));
    expect(loc.LocationConstraint).toBeUndefined();
    await s3.send(new DeleteBucketCommand({ Bucket: 'life-cycle' }));
    const gone = await failure(s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' })));
    expect(gone.name).toBe('NotFound');
    expect(gone.status).toBe(404);
  });

  it('re-creating your own bucket: 200 in us-east-1, BucketAlreadyOwnedByYou elsewhere (as AWS)', async () => {
    await bucket('twice-east');
    await s3.send(new CreateBucketCommand({ Bucket: 'twice-east' }));
    const west = clients(em.endpoint, ROOT, 'eu-west-1').s3;
    await west.send(new CreateBucketCommand({ Bucket: 'twice-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const loc = await west.send(new GetBucketLocationCommand({ Bucket: 'twice-west' }));
    expect(loc.LocationConstraint).toBe('eu-west-1');
    const again = await failure(
      west.send(new CreateBucketCommand({ Bucket: 'twice-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    );
    expect(again).toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
      message: 'Your previous request to create the named bucket succeeded and you already own it.',
    });
  });

  it('checks location constraints against the endpoint region', async () => {
    // The SDKs fill in the constraint from the client region, so these documents go by hand.
    const none = await rootFetch('/no-constraint', { method: 'PUT', region: 'eu-west-1' });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain(
      '<Code>IllegalLocationConstraintException</Code><Message>The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.</Message>',
    );
    const other = await rootFetch('/other-constraint', {
      method: 'PUT',
      region: 'eu-west-1',
      body: '<CreateBucketConfiguration><LocationConstraint>eu-central-1</LocationConstraint></CreateBucketConfiguration>',
    });
    expect(await other.text()).toContain(
      '<Message>The eu-central-1 location constraint is incompatible for the region specific endpoint this request was sent to.</Message>',
    );
    const east = await rootFetch('/explicit-east', {
      method: 'PUT',
      body: '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>',
    });
    expect(east.status).toBe(400);
    expect(await east.text()).toContain('<Code>InvalidLocationConstraint</Code><Message>The specified location-constraint is not valid</Message>');
  });

  it('rejects invalid bucket names', async () => {
    for (const name of ['ab', 'Upper-Case', 'under_score', 'a..b', '192.168.1.1', '-leading', 'xn--punycode', 'x'.repeat(64)]) {
      const f = await failure(s3.send(new CreateBucketCommand({ Bucket: name })));
      expect(f, name).toMatchObject({ name: 'InvalidBucketName', status: 400, message: 'The specified bucket is not valid.' });
    }
  });

  it('refuses to delete a non-empty bucket and a missing one', async () => {
    await bucket('not-empty');
    await s3.send(new PutObjectCommand({ Bucket: 'not-empty', Key: 'k', Body: 'x' }));
    const f = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' })));
    expect(f).toMatchObject({ name: 'BucketNotEmpty', status: 409, message: 'The bucket you tried to delete is not empty' });
    expect(f.raw.BucketName).toBe('not-empty');
    const missing = await failure(s3.send(new DeleteBucketCommand({ Bucket: 'never-made' })));
    expect(missing).toMatchObject({ name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
  });
});

describe('objects', () => {
  beforeAll(async () => {
    await bucket('objects');
  });

  it('puts, gets and heads an object with metadata, ETag and Last-Modified', async () => {
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'dir/hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { owner: 'ana' } }),
    );
    expect(put.ETag).toBe('"5eb63bbbe01eeed093cb22bb8f5acdc3"');
    expect(put.ChecksumCRC32).toBeDefined();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello world');
    expect(got.ContentType).toBe('text/plain');
    expect(got.Metadata).toEqual({ owner: 'ana' });
    expect(got.ContentLength).toBe(11);
    expect(got.LastModified).toBeInstanceOf(Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dir/hello.txt' }));
    expect(head).toMatchObject({ ContentLength: 11, ETag: put.ETag, ContentType: 'text/plain' });
  });

  it('accepts an aws-chunked stream body with a trailing checksum and returns the checksum', async () => {
    const parts = [Buffer.from('first chunk, '), Buffer.alloc(70_000, 'z'), Buffer.from(' end')];
    const total = parts.reduce((n, p) => n + p.length, 0);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'streamed.bin', Body: Readable.from(parts), ContentLength: total }),
    );
    expect(put.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'streamed.bin', ChecksumMode: 'ENABLED' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(Buffer.concat(parts))).toBe(true);
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
  });

  it('serves ranges with 206 and Content-Range, and refuses unsatisfiable ones', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'digits', Body: '0123456789' }));
    const mid = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=2-5' }));
    expect(mid.$metadata.httpStatusCode).toBe(206);
    expect(mid.ContentRange).toBe('bytes 2-5/10');
    expect(await mid.Body!.transformToString()).toBe('2345');
    const suffix = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=-3' }));
    expect(await suffix.Body!.transformToString()).toBe('789');
    const open = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=7-' }));
    expect(await open.Body!.transformToString()).toBe('789');
    const past = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=5-100' }));
    expect(past.ContentRange).toBe('bytes 5-9/10');
    const bad = await failure(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: 'bytes=10-20' })));
    expect(bad).toMatchObject({ name: 'InvalidRange', status: 416, message: 'The requested range is not satisfiable' });
  });

  it('NoSuchKey on GET, bare 404 on HEAD, 204 on DELETE of a missing key', async () => {
    const get = await failure(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'nope' })));
    expect(get).toMatchObject({ name: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' });
    expect(get.raw.Key).toBe('nope');
    const head = await failure(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'nope' })));
    expect(head).toMatchObject({ name: 'NotFound', status: 404 });
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'nope' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    const noBucket = await failure(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'k' })));
    expect(noBucket).toMatchObject({ name: 'NoSuchBucket', message: 'The specified bucket does not exist' });
  });

  it('honours conditional reads', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'cond', Body: 'c' }));
    const pre = await failure(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfMatch: '"0000"' })));
    expect(pre).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const notModified = await failure(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfNoneMatch: put.ETag })));
    expect(notModified.status).toBe(304);
    const exists = await failure(s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'cond', Body: 'd', IfNoneMatch: '*' })));
    expect(exists).toMatchObject({ name: 'PreconditionFailed', status: 412 });
  });

  it('copies objects (URL-encoded source, metadata COPY and REPLACE) and refuses a copy onto itself', async () => {
    const key = 'with space/ünïcode+plus.txt';
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: key, Body: 'copy me', ContentType: 'text/x-src', Metadata: { a: '1' } }));
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'objects', Key: 'copied.txt', CopySource: `objects/${encodeURIComponent(key)}` }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(`"${crypto.createHash('md5').update('copy me').digest('hex')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'copied.txt' }));
    expect(head).toMatchObject({ ContentType: 'text/x-src', Metadata: { a: '1' } });
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'replaced.txt',
        CopySource: `/objects/${encodeURIComponent(key)}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/x-new',
        Metadata: { b: '2' },
      }),
    );
    const replaced = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'replaced.txt' }));
    expect(replaced).toMatchObject({ ContentType: 'text/x-new', Metadata: { b: '2' } });
    expect(await replaced.Body!.transformToString()).toBe('copy me');
    const self = await failure(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'copied.txt', CopySource: 'objects/copied.txt' })));
    expect(self.name).toBe('InvalidRequest');
    expect(self.message).toMatch(/^This copy request is illegal because it is trying to copy an object to itself/);
    const stale = await failure(
      s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'x', CopySource: 'objects/copied.txt', CopySourceIfMatch: '"0123"' })),
    );
    expect(stale).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const unchanged = await failure(
      s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'x', CopySource: 'objects/copied.txt', CopySourceIfNoneMatch: copy.CopyObjectResult?.ETag })),
    );
    expect(unchanged).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const missing = await failure(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'x', CopySource: 'objects/absent' })));
    expect(missing).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });

  it('deletes many objects at once, verbose and quiet', async () => {
    await bucket('bulk-delete');
    for (const k of ['a', 'b', 'c', 'd']) await s3.send(new PutObjectCommand({ Bucket: 'bulk-delete', Key: k, Body: k }));
    const verbose = await s3.send(
      new DeleteObjectsCommand({ Bucket: 'bulk-delete', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }, { Key: 'missing' }] } }),
    );
    expect(verbose.Deleted?.map((d) => d.Key).sort()).toEqual(['a', 'b', 'missing']);
    expect(verbose.Errors ?? []).toEqual([]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: 'bulk-delete', Delete: { Quiet: true, Objects: [{ Key: 'c' }, { Key: 'd' }] } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'bulk-delete' }));
    expect(left.KeyCount).toBe(0);
    await s3.send(new DeleteBucketCommand({ Bucket: 'bulk-delete' }));
  });
});

describe('listing', () => {
  const keys = [
    'readme.md',
    'reports/2024/q1.csv',
    'reports/2024/q2.csv',
    'reports/2025/q1.csv',
    'reports/summary.csv',
    'scratch/a',
    'scratch/b',
    'scratch/c',
    'top-1',
    'top-2',
  ];
  beforeAll(async () => {
    await bucket('listing');
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: k, Body: k }));
  });

  it('lists everything in key order with KeyCount', async () => {
    const all = await s3.send(new ListObjectsV2Command({ Bucket: 'listing' }));
    expect(all.Contents?.map((c) => c.Key)).toEqual(keys);
    expect(all).toMatchObject({ KeyCount: 10, IsTruncated: false, MaxKeys: 1000, Name: 'listing' });
    expect(all.Contents?.[0]).toMatchObject({ Size: 9, StorageClass: 'STANDARD' });
  });

  it('groups by delimiter into CommonPrefixes and filters by prefix', async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(['readme.md', 'top-1', 'top-2']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['reports/', 'scratch/']);
    expect(top.KeyCount).toBe(5);
    const reports = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'reports/', Delimiter: '/' }));
    expect(reports.Contents?.map((c) => c.Key)).toEqual(['reports/summary.csv']);
    expect(reports.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['reports/2024/', 'reports/2025/']);
  });

  it('pages with max-keys and continuation tokens, across common prefixes', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: ListObjectsV2CommandOutput = await s3.send(
        new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }),
      );
      pages++;
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated) expect(token).toBeTruthy();
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['readme.md', 'reports/', 'scratch/', 'top-1', 'top-2']);
    const bad = await failure(s3.send(new ListObjectsV2Command({ Bucket: 'listing', ContinuationToken: 'garbage' })));
    expect(bad).toMatchObject({ name: 'InvalidArgument', message: 'The continuation token provided is incorrect' });
  });

  it('supports start-after and encoding-type=url', async () => {
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'scratch/b' }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(['scratch/c', 'top-1', 'top-2']);
    await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: 'odd name+plus', Body: '' }));
    const enc = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'odd', EncodingType: 'url' }));
    expect(enc.EncodingType).toBe('url');
    expect(enc.Contents?.map((c) => c.Key)).toEqual(['odd+name%2Bplus']);
    await s3.send(new DeleteObjectCommand({ Bucket: 'listing', Key: 'odd name+plus' }));
  });

  it('ListObjects (v1) pages with Marker/NextMarker', async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Delimiter: '/', MaxKeys: 3 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.NextMarker).toBe('scratch/');
    const rest = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Delimiter: '/', Marker: first.NextMarker }));
    expect(rest.Contents?.map((c) => c.Key)).toEqual(['top-1', 'top-2']);
    expect(rest.CommonPrefixes ?? []).toEqual([]);
    expect(first.Contents?.[0].Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('multipart upload', () => {
  it('assembles parts; ETag is md5-of-md5s with the part count', async () => {
    await bucket('multipart');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'multipart', Key: 'big.bin', ContentType: 'application/x-big' }));
    const p1 = Buffer.alloc(5 * 1024 * 1024, 'a');
    const p2 = Buffer.from('tail');
    const r1 = await s3.send(new UploadPartCommand({ Bucket: 'multipart', Key: 'big.bin', UploadId, PartNumber: 1, Body: p1 }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: 'multipart', Key: 'big.bin', UploadId, PartNumber: 2, Body: p2 }));
    const order = await failure(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'multipart',
          Key: 'big.bin',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 2, ETag: r2.ETag }, { PartNumber: 1, ETag: r1.ETag }] },
        }),
      ),
    );
    expect(order.name).toBe('InvalidPartOrder');
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'multipart',
        Key: 'big.bin',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] },
      }),
    );
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'multipart', Key: 'big.bin' }));
    expect(head).toMatchObject({ ContentLength: p1.length + p2.length, ContentType: 'application/x-big', ETag: done.ETag });
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'multipart', Key: 'big.bin', Range: `bytes=${p1.length}-` }));
    expect(await tail.Body!.transformToString()).toBe('tail');
  });

  it('refuses small non-final parts and unknown upload ids', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'multipart', Key: 'small' }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket: 'multipart', Key: 'small', UploadId, PartNumber: 1, Body: 'x' }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: 'multipart', Key: 'small', UploadId, PartNumber: 2, Body: 'y' }));
    const small = await failure(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'multipart',
          Key: 'small',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] },
        }),
      ),
    );
    expect(small).toMatchObject({ name: 'EntityTooSmall', message: 'Your proposed upload is smaller than the minimum allowed object size.' });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'multipart', Key: 'small', UploadId }));
    const gone = await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: 'multipart', Key: 'small', UploadId })));
    expect(gone).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });
});

describe('multipart extras', () => {
  it('UploadPartCopy with a range, ListParts and ListMultipartUploads', async () => {
    await bucket('mp-extras');
    const src = Buffer.alloc(6 * 1024 * 1024, 'q');
    await s3.send(new PutObjectCommand({ Bucket: 'mp-extras', Key: 'source.bin', Body: src }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mp-extras', Key: 'copy.bin' }));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mp-extras' }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['copy.bin', UploadId]]);
    const part1 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: 'mp-extras',
        Key: 'copy.bin',
        UploadId,
        PartNumber: 1,
        CopySource: 'mp-extras/source.bin',
        CopySourceRange: `bytes=0-${5 * 1024 * 1024 - 1}`,
      }),
    );
    const part2 = await s3.send(
      new UploadPartCopyCommand({ Bucket: 'mp-extras', Key: 'copy.bin', UploadId, PartNumber: 2, CopySource: 'mp-extras/source.bin', CopySourceRange: 'bytes=0-9' }),
    );
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'mp-extras', Key: 'copy.bin', UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, 5 * 1024 * 1024],
      [2, 10],
    ]);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'mp-extras',
        Key: 'copy.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: part1.CopyPartResult?.ETag },
            { PartNumber: 2, ETag: part2.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'mp-extras', Key: 'copy.bin' }));
    expect(head.ContentLength).toBe(5 * 1024 * 1024 + 10);
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: 'mp-extras' }));
    expect(versioning.Status).toBeUndefined();
  });
});

describe('bucket policy', () => {
  const policy = (bucketName: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadAll', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucketName}/*`, ...extra },
      ],
    });

  it('put, get and delete a policy; NoSuchBucketPolicy when there is none', async () => {
    await bucket('with-policy');
    const none = await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'with-policy' })));
    expect(none).toMatchObject({ name: 'NoSuchBucketPolicy', status: 404, message: 'The bucket policy does not exist' });
    const doc = policy('with-policy');
    const put = await s3.send(new PutBucketPolicyCommand({ Bucket: 'with-policy', Policy: doc }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    const got = await s3.send(new GetBucketPolicyCommand({ Bucket: 'with-policy' }));
    expect(JSON.parse(got.Policy!)).toEqual(JSON.parse(doc));
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'with-policy' }));
    expect((await failure(s3.send(new GetBucketPolicyCommand({ Bucket: 'with-policy' })))).name).toBe('NoSuchBucketPolicy');
  });

  it('rejects malformed policies with MalformedPolicy', async () => {
    await bucket('bad-policy');
    const cases: Array<[string, string]> = [
      ['not json', "Policies must be valid JSON and the first byte must be '{'"],
      ['["a"]', "Policies must be valid JSON and the first byte must be '{'"],
      [
        JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bad-policy/*' }] }),
        'Missing required field Principal',
      ],
      [policy('bad-policy').replace('arn:aws:s3:::bad-policy/*', 'arn:aws:s3:::other-bucket/*'), 'Policy has invalid resource'],
      [policy('bad-policy').replace(':root', ':user/ghost'), 'Invalid principal in policy'],
      [policy('bad-policy').replace('s3:GetObject', 'iam:GetUser'), 'Policy has invalid action'],
    ];
    for (const [doc, message] of cases) {
      const f = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'bad-policy', Policy: doc })));
      expect(f, doc).toMatchObject({ name: 'MalformedPolicy', status: 400, message });
    }
    const missing = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'no-bucket-for-policy', Policy: policy('x') })));
    expect(missing.name).toBe('NoSuchBucket');
  });
});

describe('wire format', () => {
  it('answers errors in S3 XML with request id headers', async () => {
    const res = await rootFetch('/definitely-missing');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amz-request-id')).toBeTruthy();
    expect(res.headers.get('x-amz-id-2')).toBeTruthy();
    const text = await res.text();
    expect(text).toMatch(/<Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>definitely-missing<\/BucketName><RequestId>/);
  });

  it('decodes signed aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', async () => {
    await bucket('signed-chunks');
    const sig = 'b'.repeat(64);
    const body = `5;chunk-signature=${sig}\r\nhello\r\n6;chunk-signature=${sig}\r\n world\r\n0;chunk-signature=${sig}\r\n\r\n`;
    const res = await rootFetch('/signed-chunks/chunked.txt', {
      method: 'PUT',
      headers: {
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '11',
      },
      body,
    });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'signed-chunks', Key: 'chunked.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello world');
    expect(got.ContentEncoding).toBeUndefined();
  });
  it('checks trailing checksums of STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies and declared payload hashes', async () => {
    await bucket('trailers');
    const crc = (data: string) => {
      let c = 0xffffffff;
      for (const b of Buffer.from(data)) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      const out = Buffer.alloc(4);
      out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
      return out.toString('base64');
    };
    const chunked = (checksum: string) => ({
      method: 'PUT',
      headers: {
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '11',
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
      body: `b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`,
    });
    const ok = await rootFetch('/trailers/good', chunked(crc('hello world')));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amz-checksum-crc32')).toBe(crc('hello world'));
    const bad = await rootFetch('/trailers/bad', chunked(crc('something else')));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadDigest</Code><Message>The CRC32 you specified did not match the calculated checksum.</Message>');
    const mismatch = await rootFetch('/trailers/sha', { method: 'PUT', body: 'abc', headers: { 'x-amz-content-sha256': '0'.repeat(64) } });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
  });
});

describe('virtual-hosted addressing', () => {
  /** Resolve every name to loopback, as *.localhost and *.localhost.localstack.cloud do on a learner's machine. */
  const loopback = ((_host: string, opts: any, cb: any) => {
    if (opts?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }) as unknown as typeof dns.lookup;

  function virtualClient(host: string): S3Client {
    return new S3Client({
      endpoint: `http://${host}:${em.port}`,
      region: 'us-east-1',
      credentials: ROOT,
      forcePathStyle: false,
      maxAttempts: 1,
      requestHandler: { httpAgent: new http.Agent({ lookup: loopback } as http.AgentOptions) },
    });
  }

  for (const host of ['localhost', 's3.localhost.localstack.cloud']) {
    it(`works with bucket.${host}`, async () => {
      const v = virtualClient(host);
      const name = `vhost-${host.length}`;
      await v.send(new CreateBucketCommand({ Bucket: name }));
      await v.send(new PutObjectCommand({ Bucket: name, Key: 'nested/key.txt', Body: 'virtual' }));
      const list = await v.send(new ListObjectsV2Command({ Bucket: name }));
      expect(list.Contents?.map((c) => c.Key)).toEqual(['nested/key.txt']);
      // The same object, seen path-style.
      const got = await s3.send(new GetObjectCommand({ Bucket: name, Key: 'nested/key.txt' }));
      expect(await got.Body!.transformToString()).toBe('virtual');
      const head = await failure(v.send(new HeadObjectCommand({ Bucket: name, Key: 'absent' })));
      expect(head.status).toBe(404);
    });
  }
});

describe('accounts', () => {
  it('keeps bucket names per account; another account reaches a bucket by naming its owner, through its bucket policy', async () => {
    const other = clients(em.endpoint, { accessKeyId: '111111111111', secretAccessKey: 'test' }).s3;
    await bucket('shared-name');
    await s3.send(new PutObjectCommand({ Bucket: 'shared-name', Key: 'owner.txt', Body: 'default account' }));
    // Another account sees its own buckets only; the name alone never reaches this account's bucket.
    const theirs = await other.send(new ListBucketsCommand({}));
    expect(theirs.Buckets ?? []).toEqual([]);
    const byName = await failure(other.send(new GetObjectCommand({ Bucket: 'shared-name', Key: 'owner.txt' })));
    expect(byName).toMatchObject({ name: 'NoSuchBucket', status: 404 });
    // Naming the owner finds it; without a bucket policy that is still AccessDenied.
    const owner = '000000000000';
    const refused = await failure(other.send(new GetObjectCommand({ Bucket: 'shared-name', Key: 'owner.txt', ExpectedBucketOwner: owner })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'shared-name',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-name/*' }],
        }),
      }),
    );
    const allowed = await other.send(new GetObjectCommand({ Bucket: 'shared-name', Key: 'owner.txt', ExpectedBucketOwner: owner }));
    expect(await allowed.Body!.transformToString()).toBe('default account');
    // Only the owner's account manages the policy.
    const notOwner = await failure(other.send(new GetBucketPolicyCommand({ Bucket: 'shared-name', ExpectedBucketOwner: owner })));
    expect(notOwner.status).toBe(403);
    // The other account may create its own bucket of the same name (learners never collide).
    await other.send(new CreateBucketCommand({ Bucket: 'shared-name' }));
    await other.send(new PutObjectCommand({ Bucket: 'shared-name', Key: 'mine.txt', Body: 'second account' }));
    const own = await other.send(new ListObjectsV2Command({ Bucket: 'shared-name' }));
    expect(own.Contents?.map((c) => c.Key)).toEqual(['mine.txt']);
    const original = await s3.send(new ListObjectsV2Command({ Bucket: 'shared-name' }));
    expect(original.Contents?.map((c) => c.Key)).toEqual(['owner.txt']);
    // Naming an owner that does not own the bucket the name finds is refused, as in AWS.
    const wrongOwner = await failure(other.send(new ListObjectsV2Command({ Bucket: 'shared-name', ExpectedBucketOwner: '222222222222' })));
    expect(wrongOwner).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});

describe('addressing rules', () => {
  it('takes the bucket from the Host header only for virtual-hosted names', () => {
    expect(bucketFromHost('reports.localhost:4566')).toBe('reports');
    expect(bucketFromHost('my.dotted.bucket.localhost')).toBe('my.dotted.bucket');
    expect(bucketFromHost('reports.s3.localhost.localstack.cloud:4566')).toBe('reports');
    expect(bucketFromHost('reports.s3.eu-west-1.localhost.localstack.cloud')).toBe('reports');
    expect(bucketFromHost('reports.s3.amazonaws.com')).toBe('reports');
    for (const host of ['localhost:4566', '127.0.0.1:4566', 's3.localhost.localstack.cloud:4566', 'localhost.localstack.cloud', '[::1]:4566', undefined]) {
      expect(bucketFromHost(host), String(host)).toBeUndefined();
    }
  });
});

describe('persistence', () => {
  it('keeps buckets, objects and policies in the state file across restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-s3-state-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      const first = await startEmulator({ host: '127.0.0.1', port: 0, stateFile });
      const c1 = clients(first.endpoint).s3;
      await c1.send(new CreateBucketCommand({ Bucket: 'durable' }));
      await c1.send(new PutObjectCommand({ Bucket: 'durable', Key: 'k.bin', Body: Buffer.from([0, 1, 2, 255]) }));
      await first.close();
      const second = await startEmulator({ host: '127.0.0.1', port: 0, stateFile });
      try {
        const got = await clients(second.endpoint).s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'k.bin' }));
        expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.from([0, 1, 2, 255]));
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
