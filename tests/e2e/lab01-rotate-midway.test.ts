/**
 * Lab 01's key rotation as a learner lives it, checked after each of the chapter's commands in
 * `iam-labs shell` with the real AWS CLI: midway (a new key made, profile samy still on the old
 * one), the check must not tick "profile samy uses the new key", and must not tell the learner to
 * delete the old key before profile samy is switched (that would break the profile), nor to make
 * yet another key when the new one exists. First, the chapter's "try something she may do":
 * `aws s3 ls` prints nothing in this lab (no buckets), which the chapter must say is a success.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, ROOT, type Lab } from './runner-helpers.js';

const lab: Lab = realCourse();

interface Condition {
  name: string;
  status: string;
  found?: string;
  why?: string;
  hint?: string;
}
interface Checked {
  steps: Array<{ id: string; conditions: Condition[] }>;
}

async function rotateConditions(): Promise<Condition[]> {
  const r = await cli(lab, ['check', '01', '--json']);
  const step = (JSON.parse(r.stdout) as Checked).steps.find((s) => s.id === 'users/rotate-key');
  if (!step) throw new Error(`no rotate-key step in ${r.stdout}`);
  return step.conditions;
}

const shell = async (commands: string) => {
  const r = await cli(lab, ['shell', '01', '-c', commands]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.stdout;
};

let oldKey = '';

beforeAll(async () => {
  ensureBuilt();
  expect((await cli(lab, ['start', '01', '--detach'])).code).toBe(0);
  for (const step of ['1', '2', '3']) {
    const r = await cli(lab, ['solve', '01', '--step', step, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }
  oldKey = (await shell(`aws iam list-access-keys --user-name Samy --query 'AccessKeyMetadata[0].AccessKeyId' --output text`)).trim();
  expect(oldKey).toMatch(/^AKIA[A-Z0-9]{16}$/);
}, 180_000);

afterAll(() => cleanup(lab));

describe('lab 01, the access-key chapter as written', () => {
  it('aws s3 ls --profile samy succeeds and prints nothing, as the chapter says; list-users is denied', async () => {
    const chapter = fs.readFileSync(path.join(ROOT, 'labs', '01-users', '03-access-key.md'), 'utf8').replace(/\s+/g, ' ');
    expect(chapter).toContain('The first one prints nothing, because this lab\'s account has no buckets yet');
    const listed = await cli(lab, ['shell', '01', '-c', 'aws s3 ls --profile samy']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toBe('');
    const denied = await cli(lab, ['shell', '01', '-c', 'aws iam list-users --profile samy']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/An error occurred \(AccessDenied\) when calling the ListUsers operation: User: arn:aws:iam::\d{12}:user\/Samy is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::\d{12}:user\/ because no identity-based policy allows the iam:ListUsers action/);
  }, 60_000);
});

describe('lab 01, rotating the key step by step', () => {
  it('new key made, profile samy still on the old key: the profile condition fails and no hint deletes the old key first', async () => {
    await shell(`aws iam create-access-key --user-name Samy > ${lab.home}/new-key.json`);
    const conditions = await rotateConditions();
    const profile = conditions.find((c) => c.name.startsWith('profile samy'));
    expect(profile?.status).toBe('failed');
    expect(profile?.found).toBe(`profile samy holds ${oldKey}, the old key`);
    expect(profile?.hint).toMatch(/^Run aws configure --profile samy and paste the new key's AccessKeyId and SecretAccessKey/);
    const count = conditions.find((c) => c.name === 'Samy has exactly one access key');
    expect(count?.status).toBe('failed');
    expect(count?.hint).toBe(`Switch profile samy to the new key first (aws configure --profile samy), then delete the old one: aws iam delete-access-key --user-name Samy --access-key-id ${oldKey}`);
    const notOld = conditions.find((c) => c.name === 'the key is not the one from users/access-key');
    expect(notOld?.hint).not.toMatch(/create-access-key/);
  }, 60_000);

  it('profile switched to the new key: the profile condition passes, and the hint now deletes the old key', async () => {
    await shell(
      [
        `aws configure set aws_access_key_id "$(aws iam list-access-keys --user-name Samy --query "AccessKeyMetadata[?AccessKeyId!='${oldKey}'].AccessKeyId" --output text)" --profile samy`,
        `aws configure set aws_secret_access_key "$(sed -n 's/.*"SecretAccessKey": "\\(.*\\)".*/\\1/p' ${lab.home}/new-key.json)" --profile samy`,
        `aws iam update-access-key --user-name Samy --access-key-id ${oldKey} --status Inactive`,
        'aws sts get-caller-identity --profile samy',
      ].join('\n'),
    );
    const conditions = await rotateConditions();
    expect(conditions.find((c) => c.name.startsWith('profile samy'))?.status).toBe('passed');
    const count = conditions.find((c) => c.name === 'Samy has exactly one access key');
    expect(count?.hint).toBe(`Delete it: aws iam delete-access-key --user-name Samy --access-key-id ${oldKey}`);
  }, 60_000);

  it('only the old key, not rotated yet: the profile condition does not claim the new key', async () => {
    await shell(`aws iam delete-access-key --user-name Samy --access-key-id "$(aws configure get aws_access_key_id --profile samy)"`);
    await shell(`aws iam update-access-key --user-name Samy --access-key-id ${oldKey} --status Active`);
    await shell(`aws configure set aws_access_key_id ${oldKey} --profile samy`);
    const profile = (await rotateConditions()).find((c) => c.name.startsWith('profile samy'));
    expect(profile?.status).toBe('failed');
    expect(profile?.found).toBe(`profile samy holds ${oldKey}, the old key`);
    expect(profile?.hint).toBe('Create the new key first: aws iam create-access-key --user-name Samy, then save it with aws configure --profile samy.');
  }, 60_000);
});
