/**
 * S3 through the real AWS CLIs (v1 on PATH, Debian's v2 when present): the `aws s3` verbs a
 * learner types (mb, ls, cp up/down/stdin/stdout, a 10 MB multipart upload, rm, rb) and the
 * `aws s3api` calls the labs use. Root key; enforcement is tested elsewhere.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { availableClis, awsCli, startTestEmulator } from '../helpers/emulator.js';

let em: StartedEmulator;
let dir: string;

beforeAll(async () => {
  em = await startTestEmulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-s3-cli-'));
});
afterAll(async () => {
  await em.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

for (const cli of availableClis()) {
  describe(`aws CLI ${cli.name}`, () => {
    const aws = (args: string[], input?: string) => awsCli(em.endpoint, args, { bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag, input });
    const bucket = `cli-${cli.name}-files`;

    it('mb, ls, cp up and down, cp from stdin and to stdout, rm, rb', async () => {
      const mb = await aws(['s3', 'mb', `s3://${bucket}`]);
      expect(mb.stderr).toBe('');
      expect(mb.stdout.trim()).toBe(`make_bucket: ${bucket}`);
      const again = await aws(['s3', 'mb', `s3://${bucket}`, '--region', 'eu-west-1']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('BucketAlreadyOwnedByYou');

      const local = path.join(dir, `${cli.name}-report.csv`);
      fs.writeFileSync(local, 'quarter,revenue\nq1,100\n');
      const up = await aws(['s3', 'cp', local, `s3://${bucket}/reports/q1.csv`]);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain(`upload: `);

      const ls = await aws(['s3', 'ls', `s3://${bucket}/`]);
      expect(ls.stdout).toMatch(/PRE reports\//);
      const lsr = await aws(['s3', 'ls', `s3://${bucket}`, '--recursive']);
      expect(lsr.stdout).toMatch(/\s23 reports\/q1\.csv/);
      const buckets = await aws(['s3', 'ls']);
      expect(buckets.stdout).toContain(bucket);

      const down = path.join(dir, `${cli.name}-download.csv`);
      const get = await aws(['s3', 'cp', `s3://${bucket}/reports/q1.csv`, down]);
      expect(get.code, get.stderr).toBe(0);
      expect(fs.readFileSync(down, 'utf8')).toBe('quarter,revenue\nq1,100\n');

      const fromStdin = await aws(['s3', 'cp', '-', `s3://${bucket}/notes/stdin.txt`], 'typed at the terminal\n');
      expect(fromStdin.code, fromStdin.stderr).toBe(0);
      const toStdout = await aws(['s3', 'cp', `s3://${bucket}/notes/stdin.txt`, '-']);
      expect(toStdout.code, toStdout.stderr).toBe(0);
      expect(toStdout.stdout).toBe('typed at the terminal\n');

      const missing = await aws(['s3', 'cp', `s3://${bucket}/nope.txt`, '-']);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/404|Not Found|NoSuchKey/);

      const notEmpty = await aws(['s3', 'rb', `s3://${bucket}`]);
      expect(notEmpty.code).not.toBe(0);
      expect(notEmpty.stderr).toContain('BucketNotEmpty');

      const rm = await aws(['s3', 'rm', `s3://${bucket}/notes/stdin.txt`]);
      expect(rm.stdout).toContain(`delete: s3://${bucket}/notes/stdin.txt`);
      const rb = await aws(['s3', 'rb', `s3://${bucket}`, '--force']);
      expect(rb.code, rb.stderr).toBe(0);
      expect(rb.stdout).toContain(`remove_bucket: ${bucket}`);
      const gone = await aws(['s3', 'ls', `s3://${bucket}`]);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toContain('NoSuchBucket');
    }, 180_000);

    it('presigned GET URLs (SigV4) work; SigV2 ones are refused as S3 refuses them', async () => {
      const b = `cli-${cli.name}-presign`;
      expect((await aws(['s3', 'mb', `s3://${b}`])).code).toBe(0);
      expect((await aws(['s3', 'cp', '-', `s3://${b}/shared file.txt`], 'shared\n')).code).toBe(0);
      // CLI v1 presigns with SigV2 unless told to use s3v4 (as the S3 docs recommend).
      const config = path.join(dir, `${cli.name}-s3v4.config`);
      fs.writeFileSync(config, '[default]\ns3 =\n    signature_version = s3v4\n');
      const v4 = await awsCli(em.endpoint, ['s3', 'presign', `s3://${b}/shared file.txt`], {
        bin: cli.bin,
        needsEndpointFlag: cli.needsEndpointFlag,
        env: { AWS_CONFIG_FILE: config },
      });
      expect(v4.stdout).toContain('X-Amz-Signature=');
      const ok = await fetch(v4.stdout.trim());
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('shared\n');
      if (cli.name === 'v1') {
        const v2 = await aws(['s3', 'presign', `s3://${b}/shared file.txt`]);
        expect(v2.stdout).toContain('AWSAccessKeyId=');
        const refused = await fetch(v2.stdout.trim());
        expect(refused.status).toBe(400);
        expect(await refused.text()).toContain(
          '<Code>InvalidRequest</Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.</Message>',
        );
      }
    }, 180_000);

    it('uploads and downloads a 10 MB file (multipart) intact', async () => {
      const big = `cli-${cli.name}-big`;
      expect((await aws(['s3', 'mb', `s3://${big}`])).code).toBe(0);
      const data = crypto.randomBytes(10 * 1024 * 1024);
      const src = path.join(dir, `${cli.name}-big.bin`);
      fs.writeFileSync(src, data);
      const up = await aws(['s3', 'cp', src, `s3://${big}/big.bin`]);
      expect(up.code, up.stderr).toBe(0);
      const head = await aws(['s3api', 'head-object', '--bucket', big, '--key', 'big.bin']);
      expect(head.json.ContentLength).toBe(data.length);
      expect(head.json.ETag).toMatch(/-2"$/);
      const dst = path.join(dir, `${cli.name}-big.out`);
      const down = await aws(['s3', 'cp', `s3://${big}/big.bin`, dst]);
      expect(down.code, down.stderr).toBe(0);
      expect(sha256(fs.readFileSync(dst))).toBe(sha256(data));
      expect((await aws(['s3', 'rb', `s3://${big}`, '--force'])).code).toBe(0);
    }, 180_000);

    it('s3api: objects, listings, copies, deletes and bucket policies', async () => {
      const b = `cli-${cli.name}-api`;
      const created = await aws(['s3api', 'create-bucket', '--bucket', b]);
      expect(created.code, created.stderr).toBe(0);
      const body = path.join(dir, `${cli.name}-body.txt`);
      fs.writeFileSync(body, 'api body');
      for (const key of ['a/1.txt', 'a/2.txt', 'b/1.txt', 'root.txt']) {
        const put = await aws(['s3api', 'put-object', '--bucket', b, '--key', key, '--body', body, '--content-type', 'text/plain']);
        expect(put.code, put.stderr).toBe(0);
        expect(put.json.ETag).toBe(`"${crypto.createHash('md5').update('api body').digest('hex')}"`);
      }
      const list = await aws(['s3api', 'list-objects-v2', '--bucket', b, '--delimiter', '/']);
      expect(list.json.Contents.map((c: any) => c.Key)).toEqual(['root.txt']);
      expect(list.json.CommonPrefixes.map((p: any) => p.Prefix)).toEqual(['a/', 'b/']);
      const paged = await aws(['s3api', 'list-objects-v2', '--bucket', b, '--prefix', 'a/', '--page-size', '1']);
      expect(paged.json.Contents.map((c: any) => c.Key)).toEqual(['a/1.txt', 'a/2.txt']);
      const v1 = await aws(['s3api', 'list-objects', '--bucket', b, '--prefix', 'b/']);
      expect(v1.json.Contents.map((c: any) => c.Key)).toEqual(['b/1.txt']);

      const out = path.join(dir, `${cli.name}-got.txt`);
      const got = await aws(['s3api', 'get-object', '--bucket', b, '--key', 'a/1.txt', '--range', 'bytes=0-2', out]);
      expect(got.code, got.stderr).toBe(0);
      expect(got.json.ContentRange).toBe('bytes 0-2/8');
      expect(fs.readFileSync(out, 'utf8')).toBe('api');

      const copy = await aws(['s3api', 'copy-object', '--bucket', b, '--key', 'copy of 1.txt', '--copy-source', `${b}/a/1.txt`]);
      expect(copy.code, copy.stderr).toBe(0);
      expect(copy.json.CopyObjectResult.ETag).toBeDefined();

      const del = await aws([
        's3api', 'delete-objects', '--bucket', b, '--delete', JSON.stringify({ Objects: [{ Key: 'a/1.txt' }, { Key: 'a/2.txt' }] }),
      ]);
      expect(del.code, del.stderr).toBe(0);
      expect(del.json.Deleted.map((d: any) => d.Key).sort()).toEqual(['a/1.txt', 'a/2.txt']);

      const noPolicy = await aws(['s3api', 'get-bucket-policy', '--bucket', b]);
      expect(noPolicy.code).not.toBe(0);
      expect(noPolicy.stderr).toContain('An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist');
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
      };
      const put = await aws(['s3api', 'put-bucket-policy', '--bucket', b, '--policy', JSON.stringify(policy)]);
      expect(put.code, put.stderr).toBe(0);
      const read = await aws(['s3api', 'get-bucket-policy', '--bucket', b]);
      expect(JSON.parse(read.json.Policy)).toEqual(policy);
      const bad = await aws(['s3api', 'put-bucket-policy', '--bucket', b, '--policy', 'nonsense']);
      expect(bad.stderr).toContain(
        "An error occurred (MalformedPolicy) when calling the PutBucketPolicy operation: Policies must be valid JSON and the first byte must be '{'",
      );
      expect((await aws(['s3api', 'delete-bucket-policy', '--bucket', b])).code).toBe(0);

      const missing = await aws(['s3api', 'get-object', '--bucket', b, '--key', 'missing', out]);
      expect(missing.stderr).toContain('An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist.');
      const noBucket = await aws(['s3api', 'head-bucket', '--bucket', 'cli-never-created']);
      expect(noBucket.code).not.toBe(0);
      expect(noBucket.stderr).toContain('(404)');
    }, 180_000);
  });
}
