/**
 * The instance metadata service: the address lookup the runner uses (in process and over the
 * control API), IMDSv1 and v2 as curl sees them, role credentials that are a real session of the
 * instance profile's role, and — the lesson of lab 06 — AWS CLI v1, v2 and SDK v3 with no keys
 * finding the role through AWS_EC2_METADATA_SERVICE_ENDPOINT, or "Unable to locate credentials"
 * on an instance without a profile.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ModifyInstanceMetadataOptionsCommand, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { AddRoleToInstanceProfileCommand, CreateInstanceProfileCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CONTROL_TOKEN_HEADER, type StartedEmulator } from '../../src/emulator/index.js';
import { instanceMetadataEndpoint } from '../../src/emulator/imds/index.js';
import { availableClis, clients, startTestEmulator } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';
import { ACCOUNT, createRole, policy, trustPolicy } from './sts-helpers.js';

let em: StartedEmulator;
let withRole: string;
let noProfile: string;
let v2Only: string;
const AMI = 'ami-0abcdef1234567890';
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

async function launch(extra: object = {}): Promise<string> {
  const r = await serviceClients(em.endpoint).ec2.send(new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, ...extra }));
  return r.Instances![0].InstanceId!;
}

async function imdsOf(id: string): Promise<string> {
  return (await instanceMetadataEndpoint(em.emulator, id)).endpoint;
}

/** What instance-shell puts in AWS_EC2_METADATA_SERVICE_ENDPOINT. */
async function imdsEnvOf(id: string): Promise<string> {
  return (await instanceMetadataEndpoint(em.emulator, id)).metadataServiceEndpoint;
}

/** A shell "on the instance": no keys, no config, only the metadata service endpoint. */
function instanceEnv(imds: string): Record<string, string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-instance-'));
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: em.endpoint,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds,
    AWS_PAGER: '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function exec(bin: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { env, timeout: 60_000, cwd: REPO }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  em = await startTestEmulator();
  const root = clients(em.endpoint);
  await createRole(root.iam, 'AppServerRole', trustPolicy({ Service: 'ec2.amazonaws.com' }));
  await root.iam.send(
    new PutRolePolicyCommand({ RoleName: 'AppServerRole', PolicyName: 'read-app-data', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' })) }),
  );
  await root.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'AppServerProfile' }));
  await root.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'AppServerProfile', RoleName: 'AppServerRole' }));
  await root.s3.send(new CreateBucketCommand({ Bucket: 'acme-app-data' }));
  await root.s3.send(new PutObjectCommand({ Bucket: 'acme-app-data', Key: 'config.json', Body: '{}' }));
  withRole = await launch({ IamInstanceProfile: { Name: 'AppServerProfile' }, UserData: Buffer.from('export AWS_ACCESS_KEY_ID=AKIAEXAMPLE').toString('base64') });
  noProfile = await launch();
  v2Only = await launch({ IamInstanceProfile: { Name: 'AppServerProfile' }, MetadataOptions: { HttpTokens: 'required' } });
});
afterAll(async () => {
  await em?.close();
});

describe('finding an instance metadata service', () => {
  it('gives each instance its own loopback listener, in process and through the control API', async () => {
    const a = await instanceMetadataEndpoint(em.emulator, withRole);
    expect(a).toMatchObject({ instanceId: withRole, accountId: ACCOUNT, region: 'us-east-1', state: 'running', httpTokens: 'optional', roleName: 'AppServerRole' });
    expect(a.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.metadataServiceEndpoint).toBe(`${a.endpoint}/`);
    expect((await instanceMetadataEndpoint(em.emulator, withRole)).endpoint).toBe(a.endpoint);
    expect(await imdsOf(noProfile)).not.toBe(a.endpoint);
    // The control API answers the session's token holder only (control-api.ts).
    const token = { headers: { [CONTROL_TOKEN_HEADER]: em.emulator.controlToken } };
    const r = await fetch(`${em.endpoint}/_iam-labs/imds/${withRole}`, token);
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).endpoint).toBe(a.endpoint);
    const missing = await fetch(`${em.endpoint}/_iam-labs/imds/i-0123456789abcdef0`, token);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error).toBe('There is no running instance i-0123456789abcdef0 in the emulator.');
  });
});

describe('IMDS over HTTP (as curl sees it)', () => {
  it('IMDSv1: meta-data tree, placement/region, iam/info and the role credentials', async () => {
    const base = await imdsOf(withRole);
    expect(await (await fetch(`${base}/latest/meta-data/instance-id`)).text()).toBe(withRole);
    expect(await (await fetch(`${base}/latest/meta-data/placement/region`)).text()).toBe('us-east-1');
    expect(await (await fetch(`${base}/latest/meta-data/iam/security-credentials/`)).text()).toBe('AppServerRole');
    const info: any = await (await fetch(`${base}/latest/meta-data/iam/info`)).json();
    expect(info).toMatchObject({ Code: 'Success', InstanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/AppServerProfile` });
    expect(info.InstanceProfileId).toMatch(/^AIPA/);
    const creds: any = await (await fetch(`${base}/latest/meta-data/iam/security-credentials/AppServerRole`)).json();
    expect(creds).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC' });
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    expect(Date.parse(creds.Expiration) - Date.now()).toBeGreaterThan(5 * 3600 * 1000);
    // the same credentials until they near expiry
    const again: any = await (await fetch(`${base}/latest/meta-data/iam/security-credentials/AppServerRole`)).json();
    expect(again.AccessKeyId).toBe(creds.AccessKeyId);
    const who = await clients(em.endpoint, { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token }).sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AppServerRole/${withRole}`);
    expect(await (await fetch(`${base}/latest/user-data`)).text()).toBe('export AWS_ACCESS_KEY_ID=AKIAEXAMPLE');
  });

  it('an instance without a profile has no iam/ branch: 404', async () => {
    const base = await imdsOf(noProfile);
    const r = await fetch(`${base}/latest/meta-data/iam/security-credentials/`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('<title>404 - Not Found</title>');
    expect(await (await fetch(`${base}/latest/meta-data/`)).text()).not.toContain('iam/');
  });

  it('IMDSv2: a PUT token with a TTL, required when HttpTokens is required; bad or missing tokens are 401', async () => {
    const base = await imdsOf(v2Only);
    expect((await fetch(`${base}/latest/meta-data/instance-id`)).status).toBe(401);
    expect((await fetch(`${base}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
    expect((await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '99999' } })).status).toBe(400);
    const t = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } });
    expect(t.headers.get('x-aws-ec2-metadata-token-ttl-seconds')).toBe('60');
    const token = await t.text();
    const r = await fetch(`${base}/latest/meta-data/instance-id`, { headers: { 'x-aws-ec2-metadata-token': token } });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe(v2Only);
    expect((await fetch(`${base}/latest/meta-data/instance-id`, { headers: { 'x-aws-ec2-metadata-token': 'forged' } })).status).toBe(401);
  });

  it('refuses a Host header that is not the loopback address (DNS rebinding) and token requests through a proxy', async () => {
    const base = await imdsOf(withRole);
    const port = new URL(base).port;
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(Number(port), '127.0.0.1', () => s.end(`GET /latest/meta-data/iam/security-credentials/AppServerRole HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`));
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('end', () => resolve(out));
    });
    expect(raw.startsWith('HTTP/1.1 400')).toBe(true);
    expect(raw).not.toContain('SecretAccessKey');
    const proxied = await fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' } });
    expect(proxied.status).toBe(403);
  });

  it('closes the listener when the instance is terminated', async () => {
    const id = await launch({ IamInstanceProfile: { Name: 'AppServerProfile' } });
    const base = await imdsOf(id);
    expect((await fetch(`${base}/latest/meta-data/instance-id`)).status).toBe(200);
    await serviceClients(em.endpoint).ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${base}/latest/meta-data/instance-id`)).rejects.toThrow();
    await expect(instanceMetadataEndpoint(em.emulator, id)).rejects.toThrow(/no running instance/);
  });
});

describe.each(availableClis())('AWS CLI $name on an instance (no keys, AWS_EC2_METADATA_SERVICE_ENDPOINT)', (cli) => {
  const args = (a: string[]) => (cli.needsEndpointFlag ? ['--endpoint-url', em.endpoint, ...a] : a);
  it('aws sts get-caller-identity shows the role session of the instance', async () => {
    const r = await exec(cli.bin, args(['sts', 'get-caller-identity']), instanceEnv(await imdsEnvOf(withRole)));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AppServerRole/${withRole}`);
  });
  it('works with IMDSv2 required, and the role can read acme-app-data', async () => {
    const env = instanceEnv(await imdsEnvOf(v2Only));
    const who = await exec(cli.bin, args(['sts', 'get-caller-identity']), env);
    expect(JSON.parse(who.stdout).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/AppServerRole/${v2Only}`);
    const ls = await exec(cli.bin, args(['s3', 'ls', 's3://acme-app-data/']), env);
    expect(ls.stderr).toBe('');
    expect(ls.stdout).toContain('config.json');
  });
  it('an instance without a profile: Unable to locate credentials', async () => {
    const r = await exec(cli.bin, args(['sts', 'get-caller-identity']), instanceEnv(await imdsEnvOf(noProfile)));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Unable to locate credentials');
  });
});

describe('SDK v3 on an instance (default credential chain)', () => {
  const script = `
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    try {
      const r = await new STSClient({ endpoint: process.env.AWS_ENDPOINT_URL, region: 'us-east-1' }).send(new GetCallerIdentityCommand({}));
      console.log(JSON.stringify({ arn: r.Arn }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.name, message: e.message }));
    }`;
  it('finds the role through the metadata service', async () => {
    const r = await exec(process.execPath, ['--input-type=module', '-e', script], instanceEnv(await imdsEnvOf(withRole)));
    expect(JSON.parse(r.stdout.trim())).toEqual({ arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AppServerRole/${withRole}` });
  });
  it('fails to find credentials on an instance without a profile', async () => {
    const r = await exec(process.execPath, ['--input-type=module', '-e', script], instanceEnv(await imdsEnvOf(noProfile)));
    expect(JSON.parse(r.stdout.trim()).error).toBe('CredentialsProviderError');
  });
});

describe('CloudTrail sees the instance session', () => {
  it('records calls made with instance credentials as the role session, with ec2RoleDelivery', async () => {
    await exec(availableClis()[0].bin, ['sts', 'get-caller-identity'], instanceEnv(await imdsEnvOf(v2Only)));
    const events = (await serviceClients(em.endpoint).cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: v2Only }] }))).Events!;
    const ev = JSON.parse(events[0].CloudTrailEvent!);
    expect(ev.userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AppServerRole/${v2Only}`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/AppServerRole`, userName: 'AppServerRole' }, ec2RoleDelivery: '2.0' },
    });
  });
  it('ModifyInstanceMetadataOptions turns v2 on for an instance', async () => {
    const r = await serviceClients(em.endpoint).ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: withRole, HttpTokens: 'required' }));
    expect(r.InstanceMetadataOptions).toMatchObject({ HttpTokens: 'required', State: 'pending' });
    expect((await fetch(`${await imdsOf(withRole)}/latest/meta-data/instance-id`)).status).toBe(401);
  });
});
