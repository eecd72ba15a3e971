/**
 * `iam-labs totp` end to end, as a learner without a phone uses it: the real AWS CLI (v1, and
 * Debian's v2 with --endpoint-url) writes the seed file with create-virtual-mfa-device --outfile
 * --bootstrap-method Base32StringSeed, the built iam-labs CLI reads it, and the emulator's
 * EnableMFADevice accepts its two codes; a code from it then opens an MFA session.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { availableClis, awsCli, startTestEmulator } from '../helpers/emulator.js';
import { cli, ensureBuilt, realCourse } from './runner-helpers.js';

let emu: StartedEmulator;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-totp-e2e-'));

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
}, 300_000);
afterAll(async () => {
  await emu?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(availableClis())('AWS CLI $name writes the seed, iam-labs totp makes the codes', (awsBin) => {
  const aws = (args: string[], creds?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => awsCli(emu.endpoint, args, { bin: awsBin.bin, creds });
  const user = `alan-${awsBin.name}`;
  const seedFile = path.join(dir, `${user}.txt`);

  it('create-virtual-mfa-device --outfile writes a Base32 seed that iam-labs totp reads', async () => {
    expect((await aws(['iam', 'create-user', '--user-name', user])).code).toBe(0);
    const made = await aws(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', user, '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed']);
    expect(made.stderr).toBe('');
    expect(made.json.VirtualMFADevice.SerialNumber).toBe(`arn:aws:iam::000000000000:mfa/${user}`);
    expect(fs.readFileSync(seedFile, 'latin1')).toMatch(/^[A-Z2-7]{64}$/);
    const r = await cli(realCourse(), ['totp', seedFile, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: seedFile, current: expect.stringMatching(/^\d{6}$/), next: expect.stringMatching(/^\d{6}$/), period: 30 });
  });

  it('enable-mfa-device accepts its two codes, and a code from it opens an MFA session', async () => {
    const [code1, code2] = (await cli(realCourse(), ['totp', seedFile, '--quiet'])).stdout.trim().split(' ');
    const serial = `arn:aws:iam::000000000000:mfa/${user}`;
    const enabled = await aws(['iam', 'enable-mfa-device', '--user-name', user, '--serial-number', serial, '--authentication-code1', code1, '--authentication-code2', code2]);
    expect(enabled.stderr).toBe('');
    expect(enabled.code).toBe(0);
    expect((await aws(['iam', 'list-mfa-devices', '--user-name', user])).json.MFADevices.map((d: { SerialNumber: string }) => d.SerialNumber)).toEqual([serial]);

    const key = (await aws(['iam', 'create-access-key', '--user-name', user])).json.AccessKey;
    const asUser = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    const [code] = (await cli(realCourse(), ['totp', seedFile, '--quiet'])).stdout.trim().split(' ');
    const session = await aws(['sts', 'get-session-token', '--serial-number', serial, '--token-code', code], asUser);
    expect(session.stderr).toBe('');
    const c = session.json.Credentials;
    const who = await aws(['sts', 'get-caller-identity'], { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
    expect(who.json.Arn).toBe(`arn:aws:iam::000000000000:user/${user}`);
  });

  it('wrong codes are refused by the emulator as AWS does (InvalidAuthenticationCode)', async () => {
    const other = `${user}-2`;
    await aws(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', other, '--outfile', path.join(dir, `${other}.txt`), '--bootstrap-method', 'Base32StringSeed']);
    const [code1, code2] = (await cli(realCourse(), ['totp', seedFile, '--quiet'])).stdout.trim().split(' ');
    // codes of another device's seed
    const r = await aws(['iam', 'enable-mfa-device', '--user-name', user, '--serial-number', `arn:aws:iam::000000000000:mfa/${other}`, '--authentication-code1', code1, '--authentication-code2', code2]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('(InvalidAuthenticationCode) when calling the EnableMFADevice operation: Authentication code for device is not valid.');
  });
});

describe('iam-labs totp errors through the CLI', () => {
  it('a missing file: one line, the hint, exit 2, no stack trace', async () => {
    const r = await cli(realCourse(), ['totp', path.join(dir, 'missing.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`iam-labs: ${path.join(dir, 'missing.txt')}: no such file.`);
    expect(r.stderr).toContain('--bootstrap-method Base32StringSeed');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
