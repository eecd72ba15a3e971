/**
 * Lab 06's instance shell in a shared workshop (worker processes hold the accounts): a learner's
 * `instance-shell` on their machine reaches their instance's metadata service through the
 * workshop server's route, the real AWS CLI there signs as the instance's role session, and
 * `check 06` sees step 2 pass. Another learner's token cannot reach that instance; a request
 * without a token (what a web page could send) gets 401; the IMDS rules hold through the route.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/emulator/imds/responder.js';
import { BIN, cli, type Lab } from './runner-helpers.js';
import { workshopClass } from './workshop-class.js';

const cls = workshopClass({ labs: ['06'], workers: 2 });

const tokenOf = (lab: Lab) => JSON.parse(fs.readFileSync(path.join(lab.env.IAM_LABS_HOME, 'workshop.json'), 'utf8')).token as string;
const TTL = 'x-aws-ec2-metadata-token-ttl-seconds';

describe('instance-shell on a shared workshop server', () => {
  let ada: Lab;
  let bo: Lab;
  let appServer = '';

  it("a learner does lab 06 step 2 by hand through the real AWS CLI, and check 06 sees it", async () => {
    ada = cls.learner();
    await cls.join(ada, 'Ada');
    const started = await cli(ada, ['start', '06', '--detach']);
    expect(started.code, started.stderr).toBe(0);
    // what lab 06 can and cannot do here, and what to do instead
    expect(started.stdout).toContain('the server runs no function code. In step workloads/lambda-trust, `aws lambda invoke` is refused');
    expect(started.stdout).toContain('--report-only');
    const solved = await cli(ada, ['solve', '06', '--step', 'workloads/instance-role', '--yes']);
    expect(solved.code, solved.stderr).toBe(0);
    const found = await cli(ada, ['shell', '-c', "aws ec2 describe-instances --filters Name=tag:Name,Values=app-server Name=instance-state-name,Values=running --query 'Reservations[].Instances[].InstanceId' --output text"]);
    appServer = found.stdout.trim();
    expect(appServer).toMatch(/^i-[0-9a-f]{17}$/);
    const accountId = JSON.parse(fs.readFileSync(path.join(ada.env.IAM_LABS_HOME, 'workshop.json'), 'utf8')).accountId as string;

    const shell = await cli(ada, ['instance-shell', appServer, '-c', 'aws sts get-caller-identity --query Arn --output text && aws s3 ls s3://acme-app-data/orders/ && echo "IMDS=$IMDS"']);
    expect(shell.stderr).toBe('');
    expect(shell.code).toBe(0);
    const lines = shell.stdout.trim().split('\n');
    expect(lines[0]).toBe(`arn:aws:sts::${accountId}:assumed-role/AppServerRole/${appServer}`);
    expect(shell.stdout).toContain('2024-06.csv');
    // the shell's metadata service is a loopback listener of the runner, gone with the shell
    const imds = /IMDS=(http:\/\/127\.0\.0\.1:\d+)/.exec(shell.stdout)![1];
    await expect(fetch(`${imds}/latest/meta-data/`)).rejects.toThrow();

    const checked = await cli(ada, ['check', '06', '--json']);
    const step = JSON.parse(checked.stdout).steps.find((s: { id: string }) => s.id === 'workloads/metadata-credentials');
    expect(step.passed).toBe(true);
    expect(JSON.stringify(step.conditions)).toMatch(/assumed-role\/AppServerRole\/i-[0-9a-f]{17} \(metadata service, IMDSv2\)/);
  });

  it('the banner says where the metadata service is, and an instance with no profile finds no credentials', async () => {
    const banner = await cli(ada, ['instance-shell', appServer]);
    expect(banner.code).toBe(0);
    expect(banner.stdout).toMatch(/Role AppServerRole \(instance profile AppServerProfile\)[\s\S]*from the instance metadata service at http:\/\/127\.0\.0\.1:\d+ \(\$IMDS\)/);
    expect(banner.stdout).toContain(`(The instance runs on the workshop server ${cls.ws.endpoint}: this shell's address forwards to its metadata service there.)`);
    const legacy = await cli(ada, ['instance-shell', 'i-legacy', '-c', 'curl -s -o /dev/null -w "%{http_code}\\n" "$IMDS/latest/meta-data/iam/security-credentials/"; aws sts get-caller-identity']);
    expect(legacy.stdout.trim()).toBe('404');
    expect(legacy.stderr).toContain('Unable to locate credentials');
    const gone = await cli(ada, ['instance-shell', 'i-0123456789abcdef0', '-c', 'true']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain("the lab's account has no instance i-0123456789abcdef0");
  });

  it("the route: IMDS's token rules, the learner's own instances only, 401 without the learner's token", async () => {
    const base = `${cls.ws.endpoint}/_workshop/api/imds/${appServer}`;
    const auth = { authorization: `Bearer ${tokenOf(ada)}` };
    const put = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { ...auth, [TTL]: '60' } });
    expect(put.status).toBe(200);
    const token = await put.text();
    const id = await fetch(`${base}/latest/meta-data/instance-id`, { headers: { ...auth, 'x-aws-ec2-metadata-token': token } });
    expect([id.status, await id.text(), id.headers.get(TTL)]).toEqual([200, appServer, expect.stringMatching(/^(59|60)$/)]);
    const wrongToken = await fetch(`${base}/latest/meta-data/instance-id`, { headers: { ...auth, 'x-aws-ec2-metadata-token': 'nope' } });
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.text()).toContain('<title>401 - Unauthorized</title>');
    // IMDSv1 answers until the instance requires tokens
    expect((await fetch(`${base}/latest/meta-data/instance-id`, { headers: auth })).status).toBe(200);
    const required = await cli(ada, ['shell', '-c', `aws ec2 modify-instance-metadata-options --instance-id ${appServer} --http-tokens required > /dev/null`]);
    expect(required.code, required.stderr).toBe(0);
    const v1 = await fetch(`${base}/latest/meta-data/instance-id`, { headers: auth });
    expect([v1.status, await v1.text()]).toEqual([401, expect.stringContaining('<title>401 - Unauthorized</title>')]);
    const v2 = await fetch(`${base}/latest/meta-data/instance-id`, { headers: { ...auth, 'x-aws-ec2-metadata-token': token } });
    expect(v2.status).toBe(200);
    // a token request that went through a proxy (the client's X-Forwarded-For, carried by the runner's proxy)
    const proxied = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { ...auth, [TTL]: '60', 'x-iam-labs-imds-forwarded-for': '10.0.0.9' } });
    expect(proxied.status).toBe(403);

    // Bo's token: Ada's instance is unknown to him, as a made-up one is
    bo = cls.learner();
    await cls.join(bo, 'Bo');
    const boAuth = { authorization: `Bearer ${tokenOf(bo)}` };
    const stolen = await fetch(`${base}/latest/meta-data/iam/security-credentials/AppServerRole`, { headers: boAuth });
    const unknown = await fetch(`${cls.ws.endpoint}/_workshop/api/imds/i-0123456789abcdef0/latest/meta-data/iam/security-credentials/AppServerRole`, { headers: boAuth });
    expect(stolen.status).toBe(404);
    expect(await stolen.text()).toBe(await unknown.text());
    const described = await fetch(`${cls.ws.endpoint}/_workshop/api/instances/${appServer}`, { headers: boAuth });
    expect([described.status, ((await described.json()) as { code: string }).code]).toEqual([404, 'InvalidInstanceID.NotFound']);
    const boShell = await cli(bo, ['instance-shell', appServer, '-c', 'true']);
    expect(boShell.code).toBe(2);
    expect(boShell.stderr).toContain(`no instance ${appServer}`);

    // what a web page could send: no token, or the instructor's
    const pages: Array<Record<string, string>> = [{ origin: 'http://evil.example' }, { authorization: `Bearer ${cls.ws.store.identity.instructorToken}` }];
    for (const headers of pages) {
      const r = await fetch(`${base}/latest/meta-data/iam/security-credentials/AppServerRole`, { headers });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { code: string }).code).toBe('UnrecognizedClientException');
    }
    const noToken = await fetch(`${cls.ws.endpoint}/_workshop/api/instances/${appServer}`);
    expect(noToken.status).toBe(401);
    // a body is bounded
    const big = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { ...auth, [TTL]: '60' }, body: 'x'.repeat(4096) });
    expect(big.status).toBe(413);
  });

  it('a refusal of the workshop server (here its throttle) is said in the shell, once, not only as "Unable to locate credentials"', async () => {
    // 100 metadata requests at once (the route takes a burst of 60 per learner), then the AWS CLI
    const flood = `node -e 'Promise.all(Array.from({length: 100}, () => fetch(process.env.IMDS + "/latest/meta-data/").then((r) => r.status))).then((s) => console.log("429s:", s.filter((x) => x === 429).length))'`;
    const shell = await cli(ada, ['instance-shell', appServer, '-c', `${flood}; aws sts get-caller-identity --query Arn --output text; true`]);
    expect(shell.stdout).toMatch(/429s: [1-9]/);
    const said = shell.stderr.match(/iam-labs: the workshop server refused a request to the metadata service of i-[0-9a-f]{17}: Rate exceeded: too many .*Try again in \d+ s\. \(HTTP 429\)/g) ?? [];
    expect(said).toHaveLength(1);
    // the route's bucket refills at 20 a second: the next tests find it full again
    await new Promise((r) => setTimeout(r, 3500));
  });

  it('lab 06 step 4 by hand: the function is made, its invoke refused with what to do, and the step passes on its other checks', async () => {
    const r = await cli(ada, [
      'shell',
      '-c',
      `set -e
      aws iam update-assume-role-policy --role-name ReportBuilderRole --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
      ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
      aws lambda create-function --function-name report-builder --runtime nodejs22.x --handler index.handler --role arn:aws:iam::$ACCOUNT:role/ReportBuilderRole --code S3Bucket=acme-app-data,S3Key=builds/report-builder.zip > /dev/null
      aws iam put-role-policy --role-name ReportBuilderRole --policy-name WriteReport --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-app-data/*"}]}'
      aws lambda invoke --function-name report-builder out.json || true`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('This iam-labs server is shared by a class, so it does not run function code.');
    const checked = await cli(ada, ['check', '06', '--json']);
    const step = JSON.parse(checked.stdout).steps.find((s: { id: string }) => s.id === 'workloads/lambda-trust');
    expect(step.passed).toBe(true);
    expect(step.conditions.find((c: { name: string }) => c.name === 'an invoke of report-builder wrote report.csv to acme-app-data').status).toBe('unverifiable');
  });
});

describe('an instance metadata service reachable through the server', () => {
  it('keeps at most 1,000 live session tokens: the oldest is forgotten first', () => {
    const tokens = new TokenStore();
    const first = tokens.issue(60);
    const second = tokens.issue(60);
    for (let i = 0; i < 998; i++) tokens.issue(60);
    expect(tokens.check(first)).toBeGreaterThan(0);
    const last = tokens.issue(60);
    expect([tokens.check(first), tokens.check(second), tokens.check(last)]).toEqual([undefined, expect.any(Number), expect.any(Number)]);
  });
});

describe('the reference solution of step 2 on a workshop backend', () => {
  it('reads the role credentials through the server (LabContext.instanceCredentials), and the step passes', async () => {
    const bo = cls.learners[1];
    expect((await cli(bo, ['start', '06', '--detach'])).code).toBe(0);
    for (const step of ['workloads/instance-role', 'workloads/metadata-credentials']) {
      const solved = await cli(bo, ['solve', '06', '--step', step, '--yes']);
      expect(solved.code, solved.stderr).toBe(0);
    }
    const checked = await cli(bo, ['check', '06', '--json']);
    const steps = JSON.parse(checked.stdout).steps as Array<{ id: string; passed: boolean }>;
    expect(steps.filter((s) => s.passed).map((s) => s.id)).toEqual(['workloads/instance-role', 'workloads/metadata-credentials']);
  });
});

describe('workshop serve says what lab 06 can do on a shared server', () => {
  /** The server's banner (it is stopped once printed). */
  function banner(...flags: string[]): Promise<string> {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-serve06-'));
    const child = spawn(process.execPath, [BIN, 'workshop', 'serve', '--port', '0', '--state', state, '--labs', '05,06', ...flags], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    return new Promise<string>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Press Ctrl-C')) child.kill('SIGINT');
      });
      child.on('exit', () => resolve(out));
    }).finally(() => fs.rmSync(state, { recursive: true, force: true }));
  }

  it('shared: the note; report-only: none', async () => {
    const shared = await banner('--workers', '1');
    expect(shared).toContain('lab 06 here: instances and instance shells work');
    expect(shared).toContain('in workloads/lambda-trust, `aws lambda invoke`\n      is refused');
    expect(await banner('--report-only')).not.toContain('lab 06 here');
  });
});
