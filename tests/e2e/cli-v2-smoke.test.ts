/**
 * Smoke test with Debian's AWS CLI v2 (/usr/bin/aws, 2.9.19, which ignores AWS_ENDPOINT_URL and
 * so gets --endpoint-url) against the embedded emulator: IAM users and policies, STS, S3 and the
 * CLI's auto-pagination. SKIPPED, loudly, where /usr/bin/aws is absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { awsCli, startTestEmulator } from '../helpers/emulator.js';

const V2 = '/usr/bin/aws';
const present = fs.existsSync(V2);
if (!present) {
  const bar = '!'.repeat(100);
  process.stderr.write(`\n${bar}\n!!! SKIPPED: AWS CLI v2 smoke test: ${V2} is not installed (apt-get install -y awscli)\n${bar}\n`);
}

// Each CLI v2 call starts a Python interpreter (~1-3 s on a busy machine): generous timeouts.
describe.skipIf(!present)('AWS CLI v2 (/usr/bin/aws) against the embedded emulator', { timeout: 240_000 }, () => {
  let emu: StartedEmulator;
  let dir: string;
  const aws = (...args: string[]) => awsCli(emu.endpoint, ['--output', 'json', ...args], { bin: V2, needsEndpointFlag: true });

  beforeAll(async () => {
    emu = await startTestEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-v2-'));
  });
  afterAll(async () => {
    await emu?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is CLI v2', async () => {
    const r = await awsCli('http://127.0.0.1:9', ['--version'], { bin: V2, needsEndpointFlag: false });
    expect(r.stdout + r.stderr).toMatch(/^aws-cli\/2\./);
  });

  it('sts get-caller-identity answers as the account root', async () => {
    const r = await aws('sts', 'get-caller-identity');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
  });

  it('creates, lists, gets, attaches to and deletes a user', async () => {
    const created = await aws('iam', 'create-user', '--user-name', 'Samy');
    expect(created.code, created.stderr).toBe(0);
    expect(created.json.User).toMatchObject({ UserName: 'Samy', Arn: 'arn:aws:iam::000000000000:user/Samy' });

    const listed = await aws('iam', 'list-users');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json.Users.map((u: { UserName: string }) => u.UserName)).toContain('Samy');

    const got = await aws('iam', 'get-user', '--user-name', 'Samy');
    expect(got.json.User.UserId).toMatch(/^AIDA[A-Z0-9]{16,}$/);

    const policy = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    const attached = await aws('iam', 'attach-user-policy', '--user-name', 'Samy', '--policy-arn', policy);
    expect(attached.code, attached.stderr).toBe(0);
    const attachedList = await aws('iam', 'list-attached-user-policies', '--user-name', 'Samy');
    expect(attachedList.json.AttachedPolicies).toEqual([{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: policy }]);

    const conflict = await aws('iam', 'delete-user', '--user-name', 'Samy');
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('DeleteConflict');

    expect((await aws('iam', 'detach-user-policy', '--user-name', 'Samy', '--policy-arn', policy)).code).toBe(0);
    const deleted = await aws('iam', 'delete-user', '--user-name', 'Samy');
    expect(deleted.code, deleted.stderr).toBe(0);
    const gone = await aws('iam', 'get-user', '--user-name', 'Samy');
    expect(gone.code).toBe(254); // CLI v2: a service error
    expect(gone.stderr).toContain('NoSuchEntity');
  });

  it('auto-paginates list-policies --scope AWS over the whole managed catalog', async () => {
    const r = await aws('iam', 'list-policies', '--scope', 'AWS', '--query', 'length(Policies)');
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBeGreaterThan(1000);
  });

  it('s3 mb, cp up and down, ls', async () => {
    const file = path.join(dir, 'hello.txt');
    fs.writeFileSync(file, 'hello from CLI v2\n');
    const mb = await aws('s3', 'mb', 's3://v2-smoke');
    expect(mb.code, mb.stderr).toBe(0);
    const up = await aws('s3', 'cp', file, 's3://v2-smoke/docs/hello.txt');
    expect(up.code, up.stderr).toBe(0);
    const ls = await aws('s3', 'ls', 's3://v2-smoke/docs/');
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(/\s18 hello\.txt/);
    const down = await aws('s3', 'cp', 's3://v2-smoke/docs/hello.txt', '-');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toBe('hello from CLI v2\n');
    const buckets = await aws('s3', 'ls');
    expect(buckets.stdout).toContain('v2-smoke');
  });
});
