/**
 * Virtual MFA (with real TOTP codes), the account password policy, GetAccountSummary and the
 * credential report, through the AWS SDK v3 against a real emulator.
 */
import {
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
  ResyncMFADeviceCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { CREDENTIAL_REPORT_COLUMNS } from '../../src/emulator/iam/ops/account.js';
import { base32Encode, currentTotp, verifyTotp } from '../../src/emulator/iam/totp.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';

let emu: StartedEmulator;
let iam: IAMClient;
const ACCT = '000000000000';

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: false });
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
});

/** The seed arrives as a blob: the bytes of the base32 text. */
const seedOf = (blob: Uint8Array | undefined) => Buffer.from(blob ?? []).toString('ascii');

describe('virtual MFA', () => {
  it('creates a device with a base32 seed and a scannable PNG, and enables it with two consecutive codes', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'admin-alan' }));
    const created = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'admin-alan', Tags: [{ Key: 'k', Value: 'v' }] }));
    const dev = created.VirtualMFADevice!;
    expect(dev.SerialNumber).toBe(`arn:aws:iam::${ACCT}:mfa/admin-alan`);
    const seed = seedOf(dev.Base32StringSeed);
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);
    expect(Buffer.from(dev.QRCodePNG ?? []).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(dev.Tags).toEqual([{ Key: 'k', Value: 'v' }]);

    await expectAwsError(iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'admin-alan' })), {
      code: 'EntityAlreadyExists',
      message: 'MFA device already exists.',
      status: 409,
    });

    const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices?.map((d) => d.SerialNumber)).toEqual([dev.SerialNumber]);

    const now = Date.now();
    // Wrong codes, and right codes in the wrong order, are refused.
    await expectAwsError(
      iam.send(new EnableMFADeviceCommand({ UserName: 'admin-alan', SerialNumber: dev.SerialNumber, AuthenticationCode1: '000000', AuthenticationCode2: '111111' })),
      { code: 'InvalidAuthenticationCode', message: 'Authentication code for device is not valid.', status: 403 },
    );
    await expectAwsError(
      iam.send(
        new EnableMFADeviceCommand({
          UserName: 'admin-alan',
          SerialNumber: dev.SerialNumber,
          AuthenticationCode1: currentTotp(seed, now),
          AuthenticationCode2: currentTotp(seed, now - 30_000),
        }),
      ),
      { code: 'InvalidAuthenticationCode' },
    );
    await expectAwsError(
      iam.send(new EnableMFADeviceCommand({ UserName: 'admin-alan', SerialNumber: dev.SerialNumber, AuthenticationCode1: '12345', AuthenticationCode2: '123456' })),
      { code: 'ValidationError', message: /at 'authenticationCode1' failed to satisfy constraint/ },
    );
    await expectAwsError(
      iam.send(
        new EnableMFADeviceCommand({
          UserName: 'admin-alan',
          SerialNumber: `arn:aws:iam::${ACCT}:mfa/nope`,
          AuthenticationCode1: '123456',
          AuthenticationCode2: '654321',
        }),
      ),
      { code: 'NoSuchEntity', status: 404 },
    );

    await iam.send(
      new EnableMFADeviceCommand({
        UserName: 'admin-alan',
        SerialNumber: dev.SerialNumber,
        AuthenticationCode1: currentTotp(seed, now - 30_000),
        AuthenticationCode2: currentTotp(seed, now),
      }),
    );
    const listed = await iam.send(new ListMFADevicesCommand({ UserName: 'admin-alan' }));
    expect(listed.MFADevices).toHaveLength(1);
    expect(listed.MFADevices?.[0]).toMatchObject({ UserName: 'admin-alan', SerialNumber: dev.SerialNumber });
    expect(listed.MFADevices?.[0].EnableDate).toBeInstanceOf(Date);

    const assigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(assigned.VirtualMFADevices?.[0].User?.UserName).toBe('admin-alan');
    expect(assigned.VirtualMFADevices?.[0]).not.toHaveProperty('Base32StringSeed');

    await iam.send(
      new ResyncMFADeviceCommand({
        UserName: 'admin-alan',
        SerialNumber: dev.SerialNumber,
        AuthenticationCode1: currentTotp(seed, now),
        AuthenticationCode2: currentTotp(seed, now + 30_000),
      }),
    );

    // A device in use can be neither enabled again nor deleted.
    await iam.send(new CreateUserCommand({ UserName: 'someone-else' }));
    await expectAwsError(
      iam.send(
        new EnableMFADeviceCommand({
          UserName: 'someone-else',
          SerialNumber: dev.SerialNumber,
          AuthenticationCode1: currentTotp(seed, now - 30_000),
          AuthenticationCode2: currentTotp(seed, now),
        }),
      ),
      { code: 'EntityAlreadyExists', status: 409 },
    );
    await expectAwsError(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: dev.SerialNumber })), {
      code: 'DeleteConflict',
      message: 'MFA VirtualDevice in use. Must deactivate first.',
      status: 409,
    });
    await expectAwsError(iam.send(new DeactivateMFADeviceCommand({ UserName: 'someone-else', SerialNumber: dev.SerialNumber })), {
      code: 'NoSuchEntity',
    });

    await iam.send(new DeactivateMFADeviceCommand({ UserName: 'admin-alan', SerialNumber: dev.SerialNumber }));
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'admin-alan' }))).MFADevices).toEqual([]);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: dev.SerialNumber }));
    await expectAwsError(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: dev.SerialNumber })), {
      code: 'NoSuchEntity',
      message: `VirtualMFADevice with serial number ${dev.SerialNumber} doesn't exist.`,
    });
  });

  it('paginates ListVirtualMFADevices and honours Path in the serial number', async () => {
    for (const n of ['m1', 'm2', 'm3']) await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: n, Path: '/lab/' }));
    const p1 = await iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 2 }));
    expect(p1.VirtualMFADevices).toHaveLength(2);
    expect(p1.IsTruncated).toBe(true);
    const p2 = await iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 2, Marker: p1.Marker }));
    expect(p2.IsTruncated).toBe(false);
    expect([...p1.VirtualMFADevices!, ...p2.VirtualMFADevices!].map((d) => d.SerialNumber)).toEqual([
      `arn:aws:iam::${ACCT}:mfa/lab/m1`,
      `arn:aws:iam::${ACCT}:mfa/lab/m2`,
      `arn:aws:iam::${ACCT}:mfa/lab/m3`,
    ]);
  });

  it('computes RFC 6238 codes (its SHA-1 test vectors, 6 digits)', () => {
    const seed = base32Encode(Buffer.from('12345678901234567890'));
    expect(currentTotp(seed, 59_000)).toBe('287082');
    expect(currentTotp(seed, 1_111_111_109_000)).toBe('081804');
    expect(currentTotp(seed, 1_234_567_890_000)).toBe('005924');
    expect(currentTotp(seed, 2_000_000_000_000)).toBe('279037');
  });

  it('verifyTotp accepts the current code and one step of drift only', () => {
    const seed = 'JBSWY3DPEHPK3PXP';
    const t = 1_700_000_000_000;
    expect(verifyTotp(seed, currentTotp(seed, t), t)).toBe(true);
    expect(verifyTotp(seed, currentTotp(seed, t - 30_000), t)).toBe(true);
    expect(verifyTotp(seed, currentTotp(seed, t - 90_000), t)).toBe(false);
    expect(verifyTotp(seed, 'abcdef', t)).toBe(false);
  });
});

describe('account password policy', () => {
  it('is absent until set, then enforced on login profiles', async () => {
    await expectAwsError(iam.send(new GetAccountPasswordPolicyCommand({})), {
      code: 'NoSuchEntity',
      message: `The Password Policy with domain name ${ACCT} cannot be found.`,
      status: 404,
    });
    await iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 14,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        MaxPasswordAge: 90,
        PasswordReusePrevention: 24,
      }),
    );
    const pp = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
    expect(pp).toEqual({
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
    });

    await iam.send(new CreateUserCommand({ UserName: 'pw-user' }));
    const violation = (password: string, message: string) =>
      expectAwsError(iam.send(new CreateLoginProfileCommand({ UserName: 'pw-user', Password: password })), {
        code: 'PasswordPolicyViolation',
        message,
        status: 400,
      });
    await violation('Short1!', 'Password should have a minimum length of 14');
    await violation('lowercase-only-1!', 'Password should have at least one uppercase letter');
    await violation('UPPERCASE-ONLY-1!', 'Password should have at least one lowercase letter');
    await violation('No-Numbers-Here!', 'Password should have at least one number');
    await violation('NoSymbolsHere123', 'Password should have at least one symbol');
    await iam.send(new CreateLoginProfileCommand({ UserName: 'pw-user', Password: 'Good-Passw0rd-2026' }));
    await expectAwsError(iam.send(new UpdateLoginProfileCommand({ UserName: 'pw-user', Password: 'weak' })), {
      code: 'PasswordPolicyViolation',
    });

    await expectAwsError(iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 5, MaxPasswordAge: 2000 })), {
      code: 'ValidationError',
      message:
        "2 validation errors detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6; Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095",
    });

    // Omitted parameters fall back to their defaults: the whole policy is replaced.
    await iam.send(new UpdateAccountPasswordPolicyCommand({ RequireNumbers: true }));
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      MinimumPasswordLength: 6,
      RequireSymbols: false,
      RequireNumbers: true,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: false,
      AllowUsersToChangePassword: false,
      ExpirePasswords: false,
    });

    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    await expectAwsError(iam.send(new DeleteAccountPasswordPolicyCommand({})), {
      code: 'NoSuchEntity',
      message: 'The account policy with name PasswordPolicy cannot be found.',
    });
  });
});

describe('account summary and credential report', () => {
  it('counts entities in SummaryMap', async () => {
    const before = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    expect(before.AccessKeysPerUserQuota).toBe(2);
    expect(before.UsersQuota).toBe(5000);
    await iam.send(new CreateUserCommand({ UserName: 'summary-user' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'summary-group' }));
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'summary-mfa' }));
    const after = (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap!;
    expect(after.Users).toBe(before.Users! + 1);
    expect(after.Groups).toBe(before.Groups! + 1);
    expect(after.MFADevices).toBe(before.MFADevices! + 1);
    expect(after.MFADevicesInUse).toBe(before.MFADevicesInUse);
    expect(Object.keys(after)).toEqual(
      expect.arrayContaining(['Users', 'Groups', 'Roles', 'Policies', 'InstanceProfiles', 'MFADevices', 'AccountMFAEnabled', 'GroupsQuota']),
    );
  });

  it('is not present before generation, then lists every user in AWS columns', async () => {
    await expectAwsError(iam.send(new GetCredentialReportCommand({})), { code: 'ReportNotPresent', status: 410 });
    await iam.send(new CreateUserCommand({ UserName: 'reported' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'reported', Password: 'Rep0rted-Passw0rd!' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reported' }))).AccessKey!;
    await clients(emu.endpoint, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, 'us-west-2').sts.send(
      new GetCallerIdentityCommand({}),
    );

    const first = await iam.send(new GenerateCredentialReportCommand({}));
    expect(first).toMatchObject({ State: 'STARTED', Description: 'No report exists. Starting a new report generation task' });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');

    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toBeInstanceOf(Date);
    const lines = Buffer.from(report.Content!).toString('utf8').split('\n');
    expect(lines[0]).toBe(CREDENTIAL_REPORT_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
        'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
        'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
        'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
    );
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [CREDENTIAL_REPORT_COLUMNS[i], v])));
    expect(rows[0]).toMatchObject({ user: '<root_account>', arn: `arn:aws:iam::${ACCT}:root`, password_enabled: 'not_supported' });
    const row = rows.find((r) => r.user === 'reported')!;
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/;
    expect(row.arn).toBe(`arn:aws:iam::${ACCT}:user/reported`);
    expect(row.user_creation_time).toMatch(iso);
    expect(row.password_enabled).toBe('true');
    expect(row.password_last_used).toBe('no_information');
    expect(row.password_last_changed).toMatch(iso);
    expect(row.password_next_rotation).toBe('N/A');
    expect(row.mfa_active).toBe('false');
    expect(row.access_key_1_active).toBe('true');
    expect(row.access_key_1_last_rotated).toMatch(iso);
    expect(row.access_key_1_last_used_date).toMatch(iso);
    expect(row.access_key_1_last_used_region).toBe('us-west-2');
    expect(row.access_key_1_last_used_service).toBe('sts');
    expect(row.access_key_2_active).toBe('false');
    expect(row.access_key_2_last_rotated).toBe('N/A');
    expect(row.cert_1_active).toBe('false');
    const plain = rows.find((r) => r.user === 'summary-user')!;
    expect(plain).toMatchObject({ password_enabled: 'false', password_last_used: 'N/A', password_last_changed: 'N/A' });
  });
});
