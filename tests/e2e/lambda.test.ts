/**
 * Lambda through the SDK and both AWS CLIs: the execution-role trust check Lambda makes on
 * create, iam:PassRole, function configuration and code, and Invoke running the handler in its
 * own bounded process with the role's credentials — so a missing s3:PutObject is a real
 * AccessDenied inside the function, and granting it makes the same invoke succeed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutRolePolicyCommand, UpdateAssumeRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';
import { ACCOUNT, createRole, createUserWithKey, policy, trustPolicy } from './sts-helpers.js';

let em: StartedEmulator;
let iam: IAMClient;
let lambda: ReturnType<typeof serviceClients>['lambda'];
let deployer: Creds;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ReportBuilderRole`;

const REPORT_BUILDER = `
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
export const handler = async (event) => {
  console.log('building report for', event.month);
  await new S3Client({}).send(new PutObjectCommand({ Bucket: 'acme-app-data', Key: 'report.csv', Body: 'month,total\\n' + event.month + ',42\\n' }));
  return { written: 'report.csv', month: event.month };
};`;

const zip = (files: Record<string, string>) => Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));

async function create(name: string, files: Record<string, string>, extra: object = {}, client = lambda) {
  return client.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip(files) }, ...extra }));
}

async function invoke(name: string, payload: object = {}, extra: object = {}) {
  const r = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), ...extra }));
  return { ...r, body: r.Payload ? JSON.parse(Buffer.from(r.Payload).toString('utf8') || 'null') : undefined };
}

beforeAll(async () => {
  em = await startTestEmulator();
  const root = clients(em.endpoint);
  iam = root.iam;
  lambda = serviceClients(em.endpoint).lambda;
  await root.s3.send(new CreateBucketCommand({ Bucket: 'acme-app-data' }));
  // the seeded mistake of lab 06: the role trusts EC2, not Lambda
  await createRole(iam, 'ReportBuilderRole', trustPolicy({ Service: 'ec2.amazonaws.com' }));
  deployer = await createUserWithKey(iam, 'deployer', { inline: policy({ Effect: 'Allow', Action: 'lambda:*', Resource: '*' }) });
});
afterAll(async () => {
  await em?.close();
});

describe('the execution role', () => {
  it('a role that trusts EC2 cannot be the execution role: InvalidParameterValueException', async () => {
    await expectAwsError(create('report-builder', { 'index.mjs': REPORT_BUILDER }), {
      code: 'InvalidParameterValueException',
      message: 'The role defined for the function cannot be assumed by Lambda.',
      status: 400,
    });
    await expectAwsError(create('report-builder', { 'index.mjs': REPORT_BUILDER }, { Role: `arn:aws:iam::${ACCOUNT}:role/NoSuchRole` }), {
      code: 'InvalidParameterValueException',
      message: 'The role defined for the function cannot be assumed by Lambda.',
    });
  });

  it('creating a function passes the role: iam:PassRole is required', async () => {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ReportBuilderRole', PolicyDocument: JSON.stringify(trustPolicy({ Service: 'lambda.amazonaws.com' })) }));
    await expectAwsError(create('report-builder', { 'index.mjs': REPORT_BUILDER }, {}, serviceClients(em.endpoint, deployer).lambda), {
      code: 'AccessDeniedException',
      message: `User: arn:aws:iam::${ACCOUNT}:user/deployer is not authorized to perform: iam:PassRole on resource: ${ROLE} because no identity-based policy allows the iam:PassRole action`,
      status: 403,
    });
  });

  it('with a trust that names lambda.amazonaws.com, CreateFunction answers 201 with the function Pending', async () => {
    const r = await create('report-builder', { 'index.mjs': REPORT_BUILDER }, { Timeout: 10 });
    expect(r.$metadata.httpStatusCode).toBe(201);
    expect(r).toMatchObject({
      FunctionName: 'report-builder',
      FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:report-builder`,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Timeout: 10,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Pending',
      StateReasonCode: 'Creating',
      PackageType: 'Zip',
    });
    expect(r.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(r.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await expectAwsError(create('report-builder', { 'index.mjs': REPORT_BUILDER }), { code: 'ResourceConflictException', message: 'Function already exist: report-builder', status: 409 });
  });
});

describe('Invoke', () => {
  it('without s3:PutObject the function fails inside with a real AccessDenied (FunctionError Unhandled)', async () => {
    const r = await invoke('report-builder', { month: '2024-05' }, { LogType: 'Tail' });
    expect(r.StatusCode).toBe(200);
    expect(r.FunctionError).toBe('Unhandled');
    expect(r.body).toMatchObject({
      errorType: 'AccessDenied',
      errorMessage: `User: arn:aws:sts::${ACCOUNT}:assumed-role/ReportBuilderRole/report-builder is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::acme-app-data/report.csv" because no identity-based policy allows the s3:PutObject action`,
    });
    expect(r.body.trace[0]).toMatch(/^AccessDenied: /);
    // paths as Lambda shows them (/var/runtime/node_modules/@aws-sdk/…), none of this machine's
    const frames = (r.body.trace as string[]).slice(1);
    expect(frames.some((f) => f.includes('(/var/runtime/node_modules/@aws-sdk/'))).toBe(true);
    for (const f of frames) expect(f).toMatch(/^\s+at .*(\/var\/(runtime|task)\/|node:internal)/);
    const log = Buffer.from(r.LogResult!, 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toMatch(/\tINFO\tbuilding report for 2024-05\n/);
    expect(log).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"AccessDenied"/);
    expect(log).toMatch(/REPORT RequestId: .*\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t\n$/);
  });

  it('after granting s3:PutObject on acme-app-data/* the same invoke writes report.csv', async () => {
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'ReportBuilderRole', PolicyName: 'write-report', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::acme-app-data/*' })) }),
    );
    const r = await invoke('report-builder', { month: '2024-05' });
    expect(r.FunctionError).toBeUndefined();
    expect(r.ExecutedVersion).toBe('$LATEST');
    expect(r.body).toEqual({ written: 'report.csv', month: '2024-05' });
    const obj = await clients(em.endpoint).s3.send(new GetObjectCommand({ Bucket: 'acme-app-data', Key: 'report.csv' }));
    expect(await obj.Body!.transformToString()).toBe('month,total\n2024-05,42\n');
  });

  it('the process sees its role, region and the emulator, and nothing of the caller’s environment', async () => {
    process.env.AWS_PROFILE_LEAK_CHECK = 'leak';
    await create('env-probe', {
      'index.js': `exports.handler = async () => ({ keys: Object.keys(process.env).sort(), home: process.env.HOME, region: process.env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL, fn: process.env.AWS_LAMBDA_FUNCTION_NAME, token: !!process.env.AWS_SESSION_TOKEN, custom: process.env.GREETING, sts: typeof require('@aws-sdk/client-sts').STSClient });`,
    }, { Environment: { Variables: { GREETING: 'hi' } } });
    const r = await invoke('env-probe');
    delete process.env.AWS_PROFILE_LEAK_CHECK;
    expect(r.body).toMatchObject({ region: 'us-east-1', endpoint: em.endpoint, fn: 'env-probe', token: true, custom: 'hi', sts: 'function' });
    expect(r.body.home).not.toBe(os.homedir());
    expect(r.body.keys).not.toContain('AWS_PROFILE_LEAK_CHECK');
    expect(r.body.keys.filter((k: string) => k.startsWith('AWS_') && !/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|REGION|DEFAULT_REGION|ENDPOINT_URL|EXECUTION_ENV|LAMBDA_.*|CONFIG_FILE|SHARED_CREDENTIALS_FILE|EC2_METADATA_DISABLED|SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED)$/.test(k))).toEqual([]);
  });

  it('stops a function at its timeout (Sandbox.Timedout)', async () => {
    await create('sleeper', { 'index.mjs': 'export const handler = () => new Promise((r) => setTimeout(r, 5000));' }, { Timeout: 1 });
    const started = Date.now();
    const r = await invoke('sleeper');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.FunctionError).toBe('Unhandled');
    expect(r.body).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/) });
  });

  it('bounds memory by MemorySize', async () => {
    await create('hog', { 'index.mjs': 'export const handler = async () => { const a = []; for (;;) a.push(new Array(1e6).fill(Math.random())); };' }, { MemorySize: 128, Timeout: 30 });
    const r = await invoke('hog');
    expect(r.FunctionError).toBe('Unhandled');
    expect(r.body.errorType).toBe('Runtime.OutOfMemory');
  }, 40_000);

  it("reports a missing handler module and a handler that isn't exported as Lambda's runtime does", async () => {
    await create('no-module', { 'main.mjs': 'export const handler = () => 1;' });
    expect((await invoke('no-module')).body).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: "Error: Cannot find module 'index'\nRequire stack:\n- /var/runtime/index.mjs" });
    await create('no-export', { 'index.mjs': 'export const main = () => 1;' });
    expect((await invoke('no-export')).body).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' });
  });

  it('refuses a payload that is not JSON; DryRun and Event invocations', async () => {
    await expectAwsError(lambda.send(new InvokeCommand({ FunctionName: 'report-builder', Payload: Buffer.from('not json') })), { code: 'InvalidRequestContentException', status: 400 });
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'report-builder', InvocationType: 'DryRun' }))).StatusCode).toBe(204);
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'report-builder', InvocationType: 'Event', Payload: Buffer.from('{"month":"x"}') }))).StatusCode).toBe(202);
  });
});

describe('function management', () => {
  it('gets, lists, updates configuration and code, deletes; unknown functions are ResourceNotFoundException', async () => {
    const g = await lambda.send(new GetFunctionCommand({ FunctionName: 'report-builder' }));
    expect(g.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(g.Code?.RepositoryType).toBe('S3');
    const names = (await lambda.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName);
    expect(names).toContain('report-builder');
    const u = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'report-builder', Timeout: 20, MemorySize: 256 }));
    expect(u).toMatchObject({ Timeout: 20, MemorySize: 256, LastUpdateStatus: 'InProgress' });
    const c = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'report-builder', ZipFile: zip({ 'index.mjs': 'export const handler = async () => "v2";' }) }));
    expect(c.CodeSha256).not.toBe(g.Configuration!.CodeSha256);
    expect((await invoke('report-builder')).body).toBe('v2');
    await expectAwsError(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'report-builder', Runtime: 'python3.12' })), {
      code: 'InvalidParameterValueException',
      message: /Node\.js functions only/,
    });
    await expectAwsError(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'report-builder', Environment: { Variables: { AWS_REGION: 'x' } } })), {
      code: 'InvalidParameterValueException',
      message: /reserved keys .* AWS_REGION/,
    });
    expect((await lambda.send(new DeleteFunctionCommand({ FunctionName: 'sleeper' }))).$metadata.httpStatusCode).toBe(204);
    await expectAwsError(lambda.send(new GetFunctionCommand({ FunctionName: 'sleeper' })), {
      code: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:sleeper`,
      status: 404,
    });
  });

  it('enforces lambda:GetFunction', async () => {
    const nobody = await createUserWithKey(iam, 'nobody');
    await expectAwsError(serviceClients(em.endpoint, nobody).lambda.send(new GetFunctionCommand({ FunctionName: 'report-builder' })), {
      code: 'AccessDeniedException',
      message: `User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:${ACCOUNT}:function:report-builder because no identity-based policy allows the lambda:GetFunction action`,
      status: 403,
    });
  });
});

describe.each(availableClis())('Lambda with CLI $name', (cli) => {
  it('create-function --zip-file fileb://, invoke with a payload, and the trust error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-fn-'));
    const pkg = path.join(dir, 'function.zip');
    fs.writeFileSync(pkg, zip({ 'index.mjs': 'export const handler = async (e) => ({ hello: e.name });' }));
    const name = `cli-${cli.name}`;
    const c = await awsCli(em.endpoint, ['lambda', 'create-function', '--function-name', name, '--runtime', 'nodejs20.x', '--role', ROLE, '--handler', 'index.handler', '--zip-file', `fileb://${pkg}`], { bin: cli.bin });
    expect(c.stderr).toBe('');
    expect(c.json.State).toBe('Pending');
    const out = path.join(dir, 'out.json');
    const i = await awsCli(em.endpoint, ['lambda', 'invoke', '--function-name', name, '--cli-binary-format', 'raw-in-base64-out', '--payload', '{"name":"ana"}', out].filter((a) => cli.name === 'v2' || a !== '--cli-binary-format' && a !== 'raw-in-base64-out'), { bin: cli.bin });
    expect(i.stderr).toBe('');
    expect(i.json).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ hello: 'ana' });
    await createRole(iam, `Ec2Only-${cli.name}`, trustPolicy({ Service: 'ec2.amazonaws.com' }));
    const bad = await awsCli(em.endpoint, ['lambda', 'create-function', '--function-name', `${name}-2`, '--runtime', 'nodejs20.x', '--role', `arn:aws:iam::${ACCOUNT}:role/Ec2Only-${cli.name}`, '--handler', 'index.handler', '--zip-file', `fileb://${pkg}`], { bin: cli.bin });
    expect(bad.stderr).toContain('An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: The role defined for the function cannot be assumed by Lambda.');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('on a shared (workshop) server', () => {
  it('refuses to run function code', async () => {
    const shared = await startTestEmulator({ rootSecret: (id) => (id === '111111111111' ? 'class-secret' : undefined) });
    try {
      const learner = { accessKeyId: '111111111111', secretAccessKey: 'class-secret' };
      await createRole(clients(shared.endpoint, learner).iam, 'FnRole', trustPolicy({ Service: 'lambda.amazonaws.com' }));
      const l = serviceClients(shared.endpoint, learner).lambda;
      await l.send(
        new CreateFunctionCommand({ FunctionName: 'f', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::111111111111:role/FnRole', Handler: 'index.handler', Code: { ZipFile: zip({ 'index.mjs': 'export const handler = () => 1;' }) } }),
      );
      await expectAwsError(l.send(new InvokeCommand({ FunctionName: 'f' })), { code: 'InvalidParameterValueException', message: /shared by a class/ });
    } finally {
      await shared.close();
    }
  });
});

describe('requests a web page could send', () => {
  it('are never allowed to upload or run code: an Origin header or a presigned URL is refused', async () => {
    const browserLike = serviceClients(em.endpoint).lambda;
    browserLike.middlewareStack.add(
      (next) => async (args: any) => {
        args.request.headers.origin = 'https://evil.example';
        return next(args);
      },
      { step: 'build', name: 'origin' },
    );
    // The gateway refuses any request a web page makes, before Lambda sees it.
    await expectAwsError(browserLike.send(new InvokeCommand({ FunctionName: 'report-builder' })), { code: 'AccessDeniedException', message: /refuses requests made by a web page/, status: 403 });

    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { createHash, createHmac } = await import('node:crypto');
    class Sha256 {
      private h;
      constructor(secret?: any) {
        this.h = secret ? createHmac('sha256', secret) : createHash('sha256');
      }
      update(d: any) {
        this.h.update(d);
      }
      async digest() {
        return new Uint8Array(this.h.digest());
      }
      reset() {}
    }
    const url = new URL(em.endpoint);
    const signer = new SignatureV4({ service: 'lambda', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, sha256: Sha256 as any });
    const presigned = await signer.presign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/2015-03-31/functions/report-builder/invocations',
      query: {},
      headers: { host: url.host },
    });
    const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
    // (no body: the presigned signature covers the empty payload, so it is valid and Lambda's own rule answers)
    const r = await fetch(`${em.endpoint}${presigned.path}?${qs}`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(403);
    expect(r.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });
});
