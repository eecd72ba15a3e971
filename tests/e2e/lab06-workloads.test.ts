/**
 * Lab 06 as a learner lives it, through the built CLI and the real AWS CLIs (v1, and Debian's v2
 * when present) against an emulator seeded with the lab: `iam-labs instance-shell` finds the role
 * through the metadata service and nothing else (even with keys, a profile and ~/.aws set around
 * it), i-legacy gets "Unable to locate credentials" until it has a profile, the shell's errors
 * are clear, the seeds' EC2 and ECR commands work as CLI commands, and report-builder fails,
 * fails inside, then writes report.csv.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_CAPABILITIES } from '../../src/backends/embedded.js';
import { MOTO_CAPABILITIES } from '../../src/backends/moto.js';
import { labPaths, statePaths } from '../../src/core/paths.js';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { lab06 } from '../../src/graders/06-workloads/index.js';
import { LabAwsFiles } from '../../src/runner/aws-files.js';
import { writeBackend, writeLabRecord } from '../../src/runner/session.js';
import { availableClis, labContext, ROOT as ROOT_CREDS, startTestEmulator } from '../helpers/emulator.js';
import { BIN, ensureBuilt } from './runner-helpers.js';

let emu: StartedEmulator;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A lab home with a session on the test emulator, the lab's AWS files and lab 06 seeded. */
async function seededLab(): Promise<{ home: string; destroy(): void }> {
  await emu.emulator.state.reset();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-lab06-'));
  const files = new LabAwsFiles(labPaths(home, '06-workloads'), emu.endpoint, 'us-east-1');
  files.init(ROOT_CREDS);
  // the records `iam-labs start 06` writes: the running backend, and the lab's account on it
  writeBackend(home, {
    format: 2,
    startedAt: new Date().toISOString(),
    state: 'running',
    backend: 'embedded',
    endpoint: emu.endpoint,
    credentials: ROOT_CREDS,
    accountId: '000000000000',
    region: 'us-east-1',
    capabilities: EMBEDDED_CAPABILITIES,
    controlToken: emu.emulator.controlToken,
    pid: process.pid,
    instanceId: emu.emulator.instanceId,
    storeId: 'test',
    reason: 'test',
  });
  writeLabRecord(home, { format: 1, lab: '06-workloads', accountId: '000000000000', credentials: ROOT_CREDS, generation: 1, storeId: 'test', backend: 'embedded', seededAt: new Date().toISOString() });
  fs.writeFileSync(statePaths(home).currentLab, '06-workloads\n');
  const { ctx, destroy } = labContext(emu.endpoint, { profiles: files });
  await lab06.setup(ctx);
  return { home, destroy };
}

/** PATH with the chosen AWS CLI as `aws`, before anything else. */
function pathWith(cli: { bin: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-cli-bin-'));
  const real = cli.bin.includes('/') ? cli.bin : (process.env.PATH ?? '').split(':').map((d) => path.join(d, cli.bin)).find((p) => fs.existsSync(p))!;
  fs.symlinkSync(fs.realpathSync(real), path.join(dir, 'aws'));
  return `${dir}:${process.env.PATH ?? ''}`;
}

/**
 * The built CLI, with a learner's environment around it that must not leak into the lab: keys,
 * a profile and a ~/.aws with credentials of its own.
 */
function iamLabs(home: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const learnerHome = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-learner-'));
  fs.mkdirSync(path.join(learnerHome, '.aws'));
  fs.writeFileSync(path.join(learnerHome, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: learnerHome,
        timeout: 120_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: learnerHome,
          IAM_LABS_HOME: home,
          NO_COLOR: '1',
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          AWS_PROFILE: 'default',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const CLIS = availableClis();

describe.each(CLIS)('AWS CLI $name', (cli) => {
  let lab: { home: string; destroy(): void };
  beforeEach(async () => {
    lab = await seededLab();
    return () => lab.destroy();
  });
  const onInstance = (instance: string, script: string) => iamLabs(lab.home, ['instance-shell', instance, '-c', script], { PATH: pathWith(cli) });
  const inLab = (script: string) => iamLabs(lab.home, ['shell', '-c', script], { PATH: pathWith(cli) });

  it('instance-shell: the role session on a fixed instance, "Unable to locate credentials" on i-legacy until it has a profile', async () => {
    const launched = await inLab(`
      set -e
      aws iam create-role --role-name AppServerRole --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' > /dev/null
      aws iam put-role-policy --role-name AppServerRole --policy-name ReadAppData --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::acme-app-data","arn:aws:s3:::acme-app-data/*"]}]}'
      aws iam create-instance-profile --instance-profile-name AppServerProfile > /dev/null
      aws iam add-role-to-instance-profile --instance-profile-name AppServerProfile --role-name AppServerRole
      aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro --iam-instance-profile Name=AppServerProfile \
        --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=app-server}]' --query 'Instances[0].InstanceId' --output text`);
    expect(launched.stderr).toBe('');
    const appServer = launched.stdout.trim();
    expect(appServer).toMatch(/^i-[0-9a-f]{17}$/);

    // no key of the learner's environment reaches the instance: only the metadata service
    const env = await onInstance(appServer, 'env | grep -E "^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|PROFILE|EC2_METADATA_DISABLED)=" || echo none; echo "HOME=$HOME"; ls -a "$HOME"');
    expect(env.stdout).toContain('none');
    expect(env.stdout).not.toContain('.aws');
    const who = await onInstance(appServer, 'aws --version; aws sts get-caller-identity --query Arn --output text');
    expect(who.stderr).toBe('');
    const [version, arn] = who.stdout.trim().split('\n');
    expect(version).toMatch(cli.name === 'v2' ? /^aws-cli\/2\./ : /^aws-cli\/1\./);
    expect(arn).toBe(`arn:aws:sts::000000000000:assumed-role/AppServerRole/${appServer}`);
    const byName = await onInstance('app-server', 'curl -s "$IMDS/latest/meta-data/iam/security-credentials/"; echo; aws s3 ls s3://acme-app-data/orders/');
    expect(byName.stdout).toMatch(/^AppServerRole\n[\s\S]*2024-06\.csv/);
    const write = await onInstance(appServer, 'echo x | aws s3 cp - s3://acme-app-data/x.txt');
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('AccessDenied');

    const legacy = await onInstance('i-legacy', 'aws sts get-caller-identity');
    expect(legacy.code).not.toBe(0);
    expect(legacy.stderr).toContain('Unable to locate credentials');
    const nothing = await onInstance('i-legacy', 'curl -s -o /dev/null -w "%{http_code}" "$IMDS/latest/meta-data/iam/security-credentials/"; echo; curl -s "$IMDS/latest/user-data" | grep -c AWS_SECRET_ACCESS_KEY=');
    expect(nothing.stdout.split('\n').slice(0, 2)).toEqual(['404', '1']);

    const fixed = await inLab(`
      set -e
      LEGACY=$(aws ec2 describe-instances --filters Name=tag:Name,Values=i-legacy Name=instance-state-name,Values=running --query 'Reservations[].Instances[].InstanceId' --output text)
      aws ec2 associate-iam-instance-profile --instance-id "$LEGACY" --iam-instance-profile Name=AppServerProfile > /dev/null
      echo "$LEGACY"`);
    expect(fixed.stderr).toBe('');
    const after = await onInstance('i-legacy', 'aws sts get-caller-identity --query Arn --output text');
    expect(after.stdout.trim()).toBe(`arn:aws:sts::000000000000:assumed-role/AppServerRole/${fixed.stdout.trim()}`);
  }, 180_000);

  it('report-builder: refused while the role trusts EC2, fails inside without permission, then writes report.csv', async () => {
    const create = `aws lambda create-function --function-name report-builder --runtime nodejs22.x --handler index.handler \
      --role arn:aws:iam::000000000000:role/ReportBuilderRole --code S3Bucket=acme-app-data,S3Key=builds/report-builder.zip`;
    const refused = await inLab(create);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda.');

    const created = await inLab(`
      set -e
      aws iam update-assume-role-policy --role-name ReportBuilderRole --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
      ${create} --query State --output text
      aws lambda wait function-active-v2 --function-name report-builder
      aws lambda invoke --function-name report-builder out.json > invoke.json
      cat invoke.json out.json`);
    expect(created.stderr).toBe('');
    const [state, ...rest] = created.stdout.split('\n');
    expect(state).toBe('Pending');
    const answers = rest.join('\n');
    expect(answers).toContain('"FunctionError": "Unhandled"');
    expect(answers).toContain('"errorType":"AccessDenied"');
    expect(answers).toMatch(/assumed-role\/ReportBuilderRole\/report-builder is not authorized to perform: s3:PutObject/);

    const works = await inLab(`
      set -e
      aws iam put-role-policy --role-name ReportBuilderRole --policy-name WriteReport --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-app-data/*"}]}'
      aws lambda invoke --function-name report-builder out.json > invoke.json
      grep -c FunctionError invoke.json || true
      cat out.json; echo
      aws s3 cp s3://acme-app-data/report.csv -`);
    expect(works.stderr).toBe('');
    expect(works.stdout).toMatch(/^0\n\{"saved":"s3:\/\/acme-app-data\/report\.csv","rows":3,/);
    expect(works.stdout).toContain('# generated by arn:aws:sts::000000000000:assumed-role/ReportBuilderRole/report-builder\nregion,orders,revenue\n');
  }, 180_000);

  it("the seeds' EC2 and ECR calls as CLI commands, and the registry password as ci-builder", async () => {
    const r = await inLab(`
      set -e
      printf '#!/bin/bash\\nexport AWS_ACCESS_KEY_ID=AKIAEXAMPLE\\n' > boot.sh
      ID=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro --count 1 --user-data file://boot.sh \
        --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=copy-of-legacy},{Key=app,Value=acme-reports}]' \
        --query 'Instances[0].InstanceId' --output text)
      aws ec2 describe-instance-attribute --instance-id "$ID" --attribute userData --query UserData.Value --output text | base64 -d
      aws ec2 describe-instances --instance-ids "$ID" --query 'Reservations[0].Instances[0].[State.Name,IamInstanceProfile]' --output text
      aws ecr create-repository --repository-name acme-web --query repository.repositoryName --output text
      aws ecr describe-repositories --query 'repositories[].repositoryName' --output text
      aws iam attach-user-policy --user-name ci-builder --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser
      aws ecr get-login-password --profile ci-builder | wc -c
      aws ecr delete-repository --repository-name acme-api --profile ci-builder 2>&1 || true`);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['#!/bin/bash', 'export AWS_ACCESS_KEY_ID=AKIAEXAMPLE', 'running\tNone']);
    expect(lines[3]).toBe('acme-web');
    expect(lines[4].split(/\s+/).sort()).toEqual(['acme-api', 'acme-web']);
    expect(Number(lines[5])).toBeGreaterThan(100);
    expect(lines.slice(6).join('\n')).toMatch(/AccessDeniedException[\s\S]*user\/ci-builder is not authorized to perform: ecr:DeleteRepository/);
  }, 120_000);
});

describe('instance-shell says clearly why it cannot open', () => {
  let lab: { home: string; destroy(): void };
  beforeAll(async () => {
    lab = await seededLab();
  });
  afterAll(() => lab.destroy());

  it('an unknown name or id', async () => {
    const byName = await iamLabs(lab.home, ['instance-shell', 'web-9', '-c', 'true']);
    expect(byName.code).toBe(2);
    expect(byName.stderr).toContain("iam-labs: the lab's account has no instance named web-9.");
    const byId = await iamLabs(lab.home, ['instance-shell', 'i-0123456789abcdef0', '-c', 'true']);
    expect(byId.code).toBe(2);
    expect(byId.stderr).toContain("the lab's account has no instance i-0123456789abcdef0.");
    expect(byId.stderr).not.toMatch(/\n\s+at /);
  });

  it('a terminated instance', async () => {
    const gone = await iamLabs(lab.home, ['shell', '-c', 'aws ec2 terminate-instances --instance-ids $(aws ec2 describe-instances --filters Name=tag:Name,Values=i-legacy --query "Reservations[].Instances[].InstanceId" --output text) > /dev/null']);
    expect(gone.code).toBe(0);
    const r = await iamLabs(lab.home, ['instance-shell', 'i-legacy', '-c', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/instance i-[0-9a-f]{17} \(i-legacy\) is (shutting-down|terminated): a terminated instance runs nothing/);
  });

  it('no lab running', async () => {
    const r = await iamLabs(fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-none-')), ['instance-shell', 'i-legacy', '-c', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no lab is running, so there is no lab for a shell to talk to');
  });

  it('a backend with no metadata service (moto)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-moto-'));
    writeBackend(home, { format: 2, startedAt: new Date().toISOString(), state: 'running', backend: 'moto', endpoint: emu.endpoint, credentials: ROOT_CREDS, accountId: '000000000000', region: 'us-east-1', capabilities: MOTO_CAPABILITIES, pid: process.pid, storeId: 'test', reason: 'test' });
    writeLabRecord(home, { format: 1, lab: '06-workloads', accountId: '000000000000', credentials: ROOT_CREDS, generation: 1, storeId: 'test', backend: 'moto', seededAt: new Date().toISOString() });
    fs.writeFileSync(statePaths(home).currentLab, '06-workloads\n');
    const r = await iamLabs(home, ['instance-shell', 'i-legacy', '-c', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('instance-shell is not available on this backend (moto)');
  });
});
