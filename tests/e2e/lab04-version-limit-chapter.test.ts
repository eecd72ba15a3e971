/**
 * Lab 04, step 1, as a beginner lives it: each try at ReportsReader is a new version, and the
 * sixth version is refused (LimitExceeded). The chapter's own recovery commands, run in the lab
 * shell as written, make room, and publishing works again. With AWS CLI v1 and Debian's v2
 * (/usr/bin/aws first on PATH: the lab shell's wrapper runs whichever comes first).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, realCourse, ROOT, type Lab } from './runner-helpers.js';

const CLIS = [{ name: 'v1', path: undefined }, ...(fs.existsSync('/usr/bin/aws') ? [{ name: 'v2', path: '/usr/bin' }] : [])];
const labs: Lab[] = [];
const DOC = `'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-reports/*"}]}'`;
const publish = `ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
aws iam create-policy-version --policy-arn arn:aws:iam::\${ACCOUNT}:policy/ReportsReader --policy-document ${DOC} --query PolicyVersion.VersionId --output text`;

/** The sh block under a heading of a chapter file. */
function blockUnder(file: string, heading: string): string {
  const text = fs.readFileSync(path.join(ROOT, 'labs', file), 'utf8');
  const at = text.indexOf(`## ${heading}`);
  if (at < 0) throw new Error(`no "## ${heading}" in ${file}`);
  const m = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  if (!m) throw new Error(`no sh block under "${heading}" in ${file}`);
  return m[1];
}

beforeAll(() => {
  ensureBuilt();
});
afterAll(() => labs.forEach(cleanup));

describe.each(CLIS)('lab 04: more than five versions of ReportsReader (AWS CLI $name)', ({ name, path: first }) => {
  it('LimitExceeded on the sixth; the chapter says how to make room, and its commands work as written', async () => {
    const lab = realCourse();
    labs.push(lab);
    if (first) lab.env.PATH = `${first}${path.delimiter}${lab.env.PATH}`;
    const recovery = blockUnder('04-policies/01-fix-bucket-arn.md', 'If IAM answers LimitExceeded');
    expect((await cli(lab, ['start', '04', '--detach'])).code).toBe(0);
    const version = await cli(lab, ['shell', '04', '-c', 'aws --version']);
    expect(version.stdout + version.stderr).toMatch(name === 'v2' ? /^aws-cli\/2\./ : /^aws-cli\/1\./);
    for (const v of ['v2', 'v3', 'v4', 'v5']) {
      const r = await cli(lab, ['shell', '04', '-c', publish]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(v);
    }
    const refused = await cli(lab, ['shell', '04', '-c', publish]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'An error occurred (LimitExceeded) when calling the CreatePolicyVersion operation: A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    );

    const made = await cli(lab, ['shell', '04', '-c', recovery]);
    expect(made.code, made.stdout + made.stderr).toBe(0);
    expect(made.stdout).toContain('"VersionId": "v2"');

    const again = await cli(lab, ['shell', '04', '-c', publish]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe('v6');
  }, 120_000);
});
