/**
 * The safety promises (issue: "the learner's ~/.aws is never read"): every `aws` the runner runs
 * itself (`aws --version` in doctor, env, shell) sees a private HOME and none of the learner's
 * AWS_* variables, and `eval "$(iam-labs env)"` leaves no endpoint setting of the learner's in
 * place (AWS_ENDPOINT_URL_<SERVICE>, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), so the CLI cannot
 * reach a real AWS host from the lab environment.
 *
 * A fake `aws` first on PATH records what it was given (its HOME and every AWS_* variable); the
 * learner's HOME holds a ~/.aws with credentials and config, and the learner's environment has
 * keys, a profile and per-service endpoints of its own.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, newLabHome, type Lab } from './runner-helpers.js';

let lab: Lab;
let record: string;

const LEARNER_AWS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_PROFILE: 'production',
  AWS_ENDPOINT_URL_S3: 'https://s3.us-east-1.amazonaws.com',
  AWS_ENDPOINT_URL_IAM: 'https://iam.amazonaws.com',
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
  AWS_CONFIG_FILE: '/nonexistent/learner-config',
};

/** What the fake aws recorded, one JSON object per run. */
function runsOfFakeAws(): Array<{ home: string; args: string[]; aws: Record<string, string> }> {
  if (!fs.existsSync(record)) return [];
  return fs
    .readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { home: string; args: string[]; aws: Record<string, string> });
}

beforeAll(async () => {
  ensureBuilt();
  lab = newLabHome();
  // the learner's own AWS files, which nothing may read
  fs.mkdirSync(path.join(lab.home, '.aws'));
  fs.writeFileSync(path.join(lab.home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n');
  fs.writeFileSync(path.join(lab.home, '.aws', 'config'), '[default]\nregion = eu-west-1\n');
  // a fake aws first on PATH: prints a version and records its HOME and AWS_* variables
  const bin = path.join(lab.home, 'fake-bin');
  record = path.join(lab.home, 'fake-aws-runs.jsonl');
  fs.mkdirSync(bin);
  const script = [
    `#!${process.execPath}`,
    "const fs = require('node:fs');",
    'const aws = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("AWS_")));',
    `fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify({ home: process.env.HOME, args: process.argv.slice(2), aws }) + "\\n");`,
    'console.log("aws-cli/2.31.0 Python/3.13.7 Linux/6.1 exe/x86_64");',
  ].join('\n');
  fs.writeFileSync(path.join(bin, 'aws'), script, { mode: 0o755 });
  lab.env = { ...lab.env, ...LEARNER_AWS, PATH: `${bin}:${lab.env.PATH}` };
  const started = await cli(lab, ['start', '01', '--detach']);
  expect(started.code, started.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  if (lab) await cleanup(lab);
});

describe('the learner’s ~/.aws and AWS_* settings stay out of every aws the runner runs', () => {
  for (const args of [['doctor'], ['env'], ['shell', '-c', 'true']]) {
    it(`iam-labs ${args.join(' ')}: aws --version runs with a private HOME and no AWS_* of the learner's`, async () => {
      fs.rmSync(record, { force: true });
      const r = await cli(lab, args);
      expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
      const versions = runsOfFakeAws().filter((x) => x.args.includes('--version'));
      expect(versions.length, `${args.join(' ')} ran no aws --version: ${r.stdout}${r.stderr}`).toBeGreaterThan(0);
      for (const run of versions) {
        expect(run.home).not.toBe(lab.home);
        expect(fs.existsSync(path.join(run.home, '.aws', 'credentials'))).toBe(false);
        for (const [k, v] of Object.entries(LEARNER_AWS)) expect(run.aws[k], `${k} reached aws --version`).not.toBe(v);
      }
    });
  }

  it('eval "$(iam-labs env)" removes the learner’s per-service endpoints and sets the lab’s own', async () => {
    const exports = await cli(lab, ['env']);
    expect(exports.code, exports.stderr).toBe(0);
    const after = await new Promise<string>((resolve, reject) =>
      execFile('bash', ['-c', `${exports.stdout}\nenv | grep '^AWS_' | sort`], { env: lab.env }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const vars = Object.fromEntries(after.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(vars.AWS_ENDPOINT_URL_S3).toBeUndefined();
    expect(vars.AWS_ENDPOINT_URL_IAM).toBeUndefined();
    expect(vars.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).toBeUndefined();
    expect(vars.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(vars.AWS_PROFILE).toBeUndefined();
    expect(vars.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(vars.AWS_CONFIG_FILE).toContain(lab.env.IAM_LABS_HOME);
    expect(vars.AWS_SHARED_CREDENTIALS_FILE).toContain(lab.env.IAM_LABS_HOME);
  });
});
