/**
 * The same IAM identity operations through the real AWS CLI (v1 on PATH, and Debian's v2 when
 * installed): outputs, error messages on stderr and exit codes (v1: 255, v2: 254 on service
 * errors). Each CLI works in its own account (a 12-digit access key id selects it), so the two
 * scenarios run concurrently without touching each other's password policy or report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { currentTotp } from '../../src/emulator/iam/totp.js';
import { availableClis, awsCli, type CliResult, type Creds } from '../helpers/emulator.js';
import { startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let tmp: string;

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-identities-cli-'));
});
afterAll(async () => {
  await emu?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * At most two CLI processes at a time (the machines have two cores): the scenarios run
 * concurrently but do not starve each other into timeouts.
 */
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  while (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** One account per CLI and scenario, so the concurrent scenarios never see each other's state. */
const account = (cli: 'v1' | 'v2', scenario: number) => `${cli === 'v1' ? '1111111111' : '2222222222'}0${scenario}`;
/** Each CLI call starts a Python process (1-4 s on a busy 2-core machine); scenarios make 10-20 calls. */
const CLI_SCENARIO_TIMEOUT = 300_000;

/** `aws` runners bound to one CLI and one account. */
function cliIn(cli: ReturnType<typeof availableClis>[number], acct: string) {
  const root: Creds = { accessKeyId: acct, secretAccessKey: 'test' };
  const serviceErrorExit = cli.name === 'v1' ? 255 : 254;
  const run = (args: string[], creds: Creds = root): Promise<CliResult> =>
    limited(() => awsCli(emu.endpoint, args, { bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag, creds }));
  const ok = async (args: string[], creds?: Creds) => {
    const r = await run(args, creds);
    expect(r.stderr, `aws ${args.join(' ')}`).toBe('');
    expect(r.code).toBe(0);
    return r.json;
  };
  const fails = async (args: string[], code: string, op: string, message?: string, creds?: Creds) => {
    const r = await run(args, creds);
    expect(r.code, `aws ${args.join(' ')}`).toBe(serviceErrorExit);
    expect(r.stderr).toContain(`An error occurred (${code}) when calling the ${op} operation${message ? `: ${message}` : ''}`);
    return r;
  };
  return { ok, fails };
}

describe.concurrent.each(availableClis())('AWS CLI $name', (cli) => {

  // Plain CRUD: the response shapes (lists, timestamps, booleans) recur in the scenarios below,
  // so CLI v2 — whose Python start-up is the slow part — runs only those.
  it.runIf(cli.name === 'v1')('users, tags, rename, login profiles, groups and the DeleteUser conflicts', async () => {
    const acct = account(cli.name, 1);
    const { ok, fails } = cliIn(cli, acct);
    const created = await ok(['iam', 'create-user', '--user-name', 'Samy', '--path', '/staff/', '--tags', 'Key=team,Value=red']);
    expect(created.User.Arn).toBe(`arn:aws:iam::${acct}:user/staff/Samy`);
    await fails(['iam', 'create-user', '--user-name', 'samy'], 'EntityAlreadyExists', 'CreateUser', 'User with name samy already exists.');

    await ok(['iam', 'tag-user', '--user-name', 'Samy', '--tags', 'Key=env,Value=dev']);
    await ok(['iam', 'untag-user', '--user-name', 'Samy', '--tag-keys', 'team']);
    expect((await ok(['iam', 'list-user-tags', '--user-name', 'Samy'])).Tags).toEqual([{ Key: 'env', Value: 'dev' }]);

    await ok(['iam', 'update-user', '--user-name', 'Samy', '--new-user-name', 'Samira']);
    expect((await ok(['iam', 'get-user', '--user-name', 'samira'])).User.UserName).toBe('Samira');

    await ok(['iam', 'create-login-profile', '--user-name', 'Samira', '--password', 'Cli-Passw0rd!', '--password-reset-required']);
    expect((await ok(['iam', 'get-login-profile', '--user-name', 'Samira'])).LoginProfile.PasswordResetRequired).toBe(true);
    await ok(['iam', 'update-login-profile', '--user-name', 'Samira', '--no-password-reset-required']);
    await fails(['iam', 'delete-user', '--user-name', 'Samira'], 'DeleteConflict', 'DeleteUser', 'Cannot delete entity, must delete login profile first.');
    await ok(['iam', 'delete-login-profile', '--user-name', 'Samira']);

    await ok(['iam', 'create-group', '--group-name', 'contractors']);
    await ok(['iam', 'add-user-to-group', '--group-name', 'contractors', '--user-name', 'Samira']);
    expect((await ok(['iam', 'get-group', '--group-name', 'contractors'])).Users.map((u: any) => u.UserName)).toEqual(['Samira']);
    expect((await ok(['iam', 'list-groups-for-user', '--user-name', 'Samira'])).Groups.map((g: any) => g.GroupName)).toEqual(['contractors']);
    await fails(['iam', 'delete-group', '--group-name', 'contractors'], 'DeleteConflict', 'DeleteGroup', 'Cannot delete entity, must remove users from group first.');
    await ok(['iam', 'remove-user-from-group', '--group-name', 'contractors', '--user-name', 'Samira']);
    await ok(['iam', 'delete-user', '--user-name', 'Samira']);
    await ok(['iam', 'delete-group', '--group-name', 'contractors']);
    expect((await ok(['iam', 'list-groups'])).Groups).toEqual([]);
  }, CLI_SCENARIO_TIMEOUT);

  it('access keys: signature checks, last use, limits, deactivation', async () => {
    const acct = account(cli.name, 2);
    const { ok, fails } = cliIn(cli, acct);
    await ok(['iam', 'create-user', '--user-name', 'keyholder']);
    const key = (await ok(['iam', 'create-access-key', '--user-name', 'keyholder'])).AccessKey;
    const creds: Creds = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    const me = await ok(['sts', 'get-caller-identity'], creds);
    expect(me.Arn).toBe(`arn:aws:iam::${acct}:user/keyholder`);
    expect(me.Account).toBe(acct);
    const used = (await ok(['iam', 'get-access-key-last-used', '--access-key-id', key.AccessKeyId])).AccessKeyLastUsed;
    expect(used).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1' });

    await fails(['sts', 'get-caller-identity'], 'SignatureDoesNotMatch', 'GetCallerIdentity', undefined, { ...creds, secretAccessKey: 'wrong'.repeat(8) });

    await ok(['iam', 'create-access-key', '--user-name', 'keyholder']);
    await fails(['iam', 'create-access-key', '--user-name', 'keyholder'], 'LimitExceeded', 'CreateAccessKey', 'Cannot exceed quota for AccessKeysPerUser: 2');
    expect((await ok(['iam', 'list-access-keys', '--user-name', 'keyholder'])).AccessKeyMetadata).toHaveLength(2);

    await ok(['iam', 'update-access-key', '--user-name', 'keyholder', '--access-key-id', key.AccessKeyId, '--status', 'Inactive']);
    await fails(['sts', 'get-caller-identity'], 'InvalidClientTokenId', 'GetCallerIdentity', 'The security token included in the request is invalid.', creds);
    await ok(['iam', 'delete-access-key', '--user-name', 'keyholder', '--access-key-id', key.AccessKeyId]);
    await fails(
      ['iam', 'delete-access-key', '--user-name', 'keyholder', '--access-key-id', key.AccessKeyId],
      'NoSuchEntity',
      'DeleteAccessKey',
      `The Access Key with id ${key.AccessKeyId} cannot be found.`,
    );
  }, CLI_SCENARIO_TIMEOUT);

  it('virtual MFA: seed file from --outfile, enable with two TOTP codes, deactivate, delete', async () => {
    const acct = account(cli.name, 3);
    const { ok, fails } = cliIn(cli, acct);
    await ok(['iam', 'create-user', '--user-name', 'admin-alan']);
    const seedFile = path.join(tmp, `seed-${cli.name}.txt`);
    const dev = (
      await ok(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'admin-alan', '--outfile', seedFile, '--bootstrap-method', 'Base32StringSeed'])
    ).VirtualMFADevice;
    expect(dev.SerialNumber).toBe(`arn:aws:iam::${acct}:mfa/admin-alan`);
    const seed = fs.readFileSync(seedFile, 'ascii');
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);

    const enable = ['iam', 'enable-mfa-device', '--user-name', 'admin-alan', '--serial-number', dev.SerialNumber];
    await fails([...enable, '--authentication-code1', '123456', '--authentication-code2', '654321'], 'InvalidAuthenticationCode', 'EnableMFADevice', 'Authentication code for device is not valid.');
    const now = Date.now();
    await ok([...enable, '--authentication-code1', currentTotp(seed, now - 30_000), '--authentication-code2', currentTotp(seed, now)]);
    expect((await ok(['iam', 'list-mfa-devices', '--user-name', 'admin-alan'])).MFADevices[0].SerialNumber).toBe(dev.SerialNumber);
    await fails(['iam', 'delete-virtual-mfa-device', '--serial-number', dev.SerialNumber], 'DeleteConflict', 'DeleteVirtualMFADevice', 'MFA VirtualDevice in use. Must deactivate first.');
    await ok(['iam', 'deactivate-mfa-device', '--user-name', 'admin-alan', '--serial-number', dev.SerialNumber]);
    expect((await ok(['iam', 'list-virtual-mfa-devices', '--assignment-status', 'Unassigned'])).VirtualMFADevices).toHaveLength(1);
    await ok(['iam', 'delete-virtual-mfa-device', '--serial-number', dev.SerialNumber]);

    const pngFile = path.join(tmp, `qr-${cli.name}.png`);
    await ok(['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'qr', '--outfile', pngFile, '--bootstrap-method', 'QRCodePNG']);
    expect(fs.readFileSync(pngFile).subarray(1, 4).toString('ascii')).toBe('PNG');
  }, CLI_SCENARIO_TIMEOUT);

  it('password policy, account summary, credential report, and pagination', async () => {
    const acct = account(cli.name, 4);
    const { ok, fails } = cliIn(cli, acct);
    await fails(['iam', 'get-account-password-policy'], 'NoSuchEntity', 'GetAccountPasswordPolicy', `The Password Policy with domain name ${acct} cannot be found.`);
    await ok([
      'iam', 'update-account-password-policy', '--minimum-password-length', '14', '--require-symbols', '--require-numbers',
      '--require-uppercase-characters', '--require-lowercase-characters', '--max-password-age', '90', '--password-reuse-prevention', '24',
    ]);
    expect((await ok(['iam', 'get-account-password-policy'])).PasswordPolicy).toMatchObject({ MinimumPasswordLength: 14, ExpirePasswords: true, MaxPasswordAge: 90 });

    for (const n of ['u1', 'u2', 'u3']) await ok(['iam', 'create-user', '--user-name', n]);
    await fails(['iam', 'create-login-profile', '--user-name', 'u1', '--password', 'short'], 'PasswordPolicyViolation', 'CreateLoginProfile', 'Password should have a minimum length of 14');
    await ok(['iam', 'create-login-profile', '--user-name', 'u1', '--password', 'Long-Enough-Passw0rd']);

    // The CLI follows Marker/IsTruncated itself; --max-items pages with NextToken.
    expect((await ok(['iam', 'list-users', '--page-size', '1'])).Users.map((u: any) => u.UserName)).toEqual(expect.arrayContaining(['u1', 'u2', 'u3']));
    const first = await ok(['iam', 'list-users', '--max-items', '2']);
    expect(first.Users).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    const rest = await ok(['iam', 'list-users', '--max-items', '2', '--starting-token', first.NextToken]);
    expect([...first.Users, ...rest.Users].map((u: any) => u.UserName)).toEqual(['u1', 'u2', 'u3']);

    const summary = (await ok(['iam', 'get-account-summary'])).SummaryMap;
    expect(summary).toMatchObject({ Users: 3, Groups: 0, AccessKeysPerUserQuota: 2 });

    await fails(['iam', 'get-credential-report'], 'ReportNotPresent', 'GetCredentialReport');
    expect((await ok(['iam', 'generate-credential-report'])).State).toBe('STARTED');
    const report = await ok(['iam', 'get-credential-report']);
    const csv = Buffer.from(report.Content, 'base64').toString('utf8').split('\n');
    expect(csv[0].split(',')[0]).toBe('user');
    expect(csv.map((l) => l.split(',')[0])).toEqual(['user', '<root_account>', 'u1', 'u2', 'u3']);
    const u1 = csv[2].split(',');
    expect(u1[3]).toBe('true');
    expect(u1[6]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/); // password_next_rotation: 90 days ahead

    await ok(['iam', 'delete-account-password-policy']);
    await fails(['iam', 'delete-account-password-policy'], 'NoSuchEntity', 'DeleteAccountPasswordPolicy', 'The account policy with name PasswordPolicy cannot be found.');
  }, CLI_SCENARIO_TIMEOUT);
});
