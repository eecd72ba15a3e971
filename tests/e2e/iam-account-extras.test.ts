/**
 * Account-level IAM operations and the user's own credentials, through the SDK v3 against a real
 * emulator: account alias, STS token version, Organizations root-access features (a standalone
 * account), outbound web identity federation, ChangePassword, GetMFADevice and MFA tags, the
 * virtual MFA QR code, and state that persists (including names like `__proto__`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeleteAccountAliasCommand,
  DisableOutboundWebIdentityFederationCommand,
  EnableMFADeviceCommand,
  EnableOrganizationsRootSessionsCommand,
  EnableOutboundWebIdentityFederationCommand,
  ChangePasswordCommand,
  GetAccountSummaryCommand,
  GetMFADeviceCommand,
  GetOutboundWebIdentityFederationInfoCommand,
  ListAccountAliasesCommand,
  ListMFADeviceTagsCommand,
  ListOrganizationsFeaturesCommand,
  SetSecurityTokenServicePreferencesCommand,
  TagMFADeviceCommand,
  UntagMFADeviceCommand,
  UpdateAccountPasswordPolicyCommand,
  UploadServerCertificateCommand,
  GetServerCertificateCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import QRCode from 'qrcode';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { currentTotp } from '../../src/emulator/iam/totp.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { fixture } from '../helpers/saml.js';

let emu: StartedEmulator;
let iam: IAMClient;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-extras-'));
  emu = await startTestEmulator({ enforce: true, stateFile: path.join(dir, 'state.json') });
  iam = clients(emu.endpoint).iam;
});
afterAll(async () => {
  await emu?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('account alias', () => {
  it('creates one alias; a new one replaces it', async () => {
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-dev' }));
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-labs' }));
    expect(await iam.send(new ListAccountAliasesCommand({}))).toMatchObject({ AccountAliases: ['acme-labs'], IsTruncated: false });
  });

  it('is unique across accounts', async () => {
    const other = clients(emu.endpoint, { accessKeyId: '111122223333', secretAccessKey: 'test' }).iam;
    await expectAwsError(other.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-labs' })), { code: 'EntityAlreadyExists', status: 409 });
  });

  it('follows the alias rules of the model, without echoing the value', async () => {
    await expectAwsError(iam.send(new CreateAccountAliasCommand({ AccountAlias: 'Acme--Dev' })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
    });
  });

  it('deletes, and answers NoSuchEntity for an alias the account does not have', async () => {
    await expectAwsError(iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'not-ours' })), { code: 'NoSuchEntity', status: 404 });
    await iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'acme-labs' }));
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
  });
});

describe('account settings', () => {
  it('SetSecurityTokenServicePreferences changes GlobalEndpointTokenVersion in the account summary', async () => {
    await iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v2Token' }));
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.GlobalEndpointTokenVersion).toBe(2);
    await iam.send(new SetSecurityTokenServicePreferencesCommand({ GlobalEndpointTokenVersion: 'v1Token' }));
    expect((await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.GlobalEndpointTokenVersion).toBe(1);
  });

  it('answers the Organizations root-access calls as for an account in no organization', async () => {
    for (const command of [new ListOrganizationsFeaturesCommand({}), new EnableOrganizationsRootSessionsCommand({})]) {
      await expectAwsError(iam.send(command as never), {
        code: 'OrganizationNotFoundException',
        message: 'The request was rejected because no organization is associated with your account.',
        status: 400,
      });
    }
  });

  it('enables outbound web identity federation once, with an issuer of its own', async () => {
    await expectAwsError(iam.send(new GetOutboundWebIdentityFederationInfoCommand({})), { code: 'FeatureDisabled', status: 404 });
    const on = await iam.send(new EnableOutboundWebIdentityFederationCommand({}));
    expect(on.IssuerIdentifier).toMatch(/^https:\/\/[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$/);
    expect(await iam.send(new GetOutboundWebIdentityFederationInfoCommand({}))).toMatchObject({ IssuerIdentifier: on.IssuerIdentifier, JwtVendingEnabled: true });
    await expectAwsError(iam.send(new EnableOutboundWebIdentityFederationCommand({})), { code: 'FeatureEnabled', status: 409 });
    await iam.send(new DisableOutboundWebIdentityFederationCommand({}));
    await expectAwsError(iam.send(new DisableOutboundWebIdentityFederationCommand({})), { code: 'FeatureDisabled', status: 404 });
  });
});

describe('ChangePassword', () => {
  let carol: IAMClient;
  beforeAll(async () => {
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'carol', Password: 'First-Passw0rd!', PasswordResetRequired: true }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }));
    carol = clients(emu.endpoint, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! }).iam;
  });

  it('needs iam:ChangePassword unless the password policy lets users change their own', async () => {
    await expectAwsError(carol.send(new ChangePasswordCommand({ OldPassword: 'First-Passw0rd!', NewPassword: 'Second-Passw0rd!' })), { code: 'AccessDenied', status: 403 });
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 12, AllowUsersToChangePassword: true }));
    await carol.send(new ChangePasswordCommand({ OldPassword: 'First-Passw0rd!', NewPassword: 'Second-Passw0rd!' }));
  });

  it('checks the old password and the account password policy', async () => {
    await expectAwsError(carol.send(new ChangePasswordCommand({ OldPassword: 'wrong', NewPassword: 'Third-Passw0rd!' })), { code: 'AccessDenied', status: 403 });
    await expectAwsError(carol.send(new ChangePasswordCommand({ OldPassword: 'Second-Passw0rd!', NewPassword: 'short' })), {
      code: 'PasswordPolicyViolation',
      message: 'Password should have a minimum length of 12',
      status: 400,
    });
  });

  it('is for IAM users only', async () => {
    await expectAwsError(iam.send(new ChangePasswordCommand({ OldPassword: 'a', NewPassword: 'b' })), { code: 'InvalidUserType', status: 400 });
  });
});

describe('virtual MFA', () => {
  let serial = '';
  let seed = '';

  it("hands back a real PNG QR code of the device's otpauth URI", async () => {
    const out = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'carol-phone' }));
    serial = out.VirtualMFADevice!.SerialNumber!;
    seed = Buffer.from(out.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);
    const png = PNG.sync.read(Buffer.from(out.VirtualMFADevice!.QRCodePNG!));
    // Render the expected URI's QR code and compare module by module with the PNG's pixels.
    const uri = `otpauth://totp/Amazon%20Web%20Services:carol-phone%40000000000000?issuer=Amazon%20Web%20Services&secret=${seed}&algorithm=SHA1&digits=6&period=30`;
    const qr = QRCode.create(uri, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const scale = png.width / (size + 8);
    expect(Number.isInteger(scale)).toBe(true);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const px = ((y + 4) * scale * png.width + (x + 4) * scale) * 4;
        expect(png.data[px] < 128, `module ${x},${y}`).toBe(Boolean(qr.modules.get(y, x)));
      }
    }
  });

  it('GetMFADevice answers for the device a user has enabled; tags come and go', async () => {
    await iam.send(
      new EnableMFADeviceCommand({ UserName: 'carol', SerialNumber: serial, AuthenticationCode1: currentTotp(seed, Date.now() - 30_000), AuthenticationCode2: currentTotp(seed) }),
    );
    const dev = await iam.send(new GetMFADeviceCommand({ UserName: 'carol', SerialNumber: serial }));
    expect(dev).toMatchObject({ UserName: 'carol', SerialNumber: serial });
    expect(dev.EnableDate).toBeInstanceOf(Date);
    await iam.send(new TagMFADeviceCommand({ SerialNumber: serial, Tags: [{ Key: 'owner', Value: 'carol' }] }));
    expect((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: serial }))).Tags).toEqual([{ Key: 'owner', Value: 'carol' }]);
    await iam.send(new UntagMFADeviceCommand({ SerialNumber: serial, TagKeys: ['owner'] }));
    expect((await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: serial }))).Tags).toEqual([]);
    await expectAwsError(iam.send(new GetMFADeviceCommand({ UserName: 'carol', SerialNumber: 'arn:aws:iam::000000000000:mfa/none' })), { code: 'NoSuchEntity', status: 404 });
  });
});

describe('persistence', () => {
  it('keeps the new entities across a restart, names like __proto__ included', async () => {
    await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: '__proto__', CertificateBody: fixture('server-cert.pem'), PrivateKey: fixture('server-key.pem') }));
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'acme-persist' }));
    await emu.close();
    emu = await startTestEmulator({ enforce: true, stateFile: path.join(dir, 'state.json') });
    iam = clients(emu.endpoint).iam;
    expect((await iam.send(new GetServerCertificateCommand({ ServerCertificateName: '__proto__' }))).ServerCertificate?.ServerCertificateMetadata?.ServerCertificateName).toBe('__proto__');
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['acme-persist']);
    expect(Object.getPrototypeOf(emu.emulator.state.account().iam.serverCertificates)).toBeNull();
  });
});
