/**
 * STS end to end: AssumeRole through trust policies (user ARN, account root, bare account id,
 * service principals, ExternalId, cross-account), GetSessionToken with MFA, GetCallerIdentity as
 * an assumed role through the real AWS CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRoleCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { currentTotp } from '../../src/emulator/iam/totp.js';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { availableClis, awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { ACCOUNT, OTHER_ACCOUNT, OTHER_ROOT, createRole, createUserWithKey, enableMfa, policy, rejection, trustPolicy } from './sts-helpers.js';

let em: StartedEmulator;
let root: ReturnType<typeof clients>;
let analyst: Creds;
let analystNoPolicy: Creds;

const credsOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): Creds => ({
  accessKeyId: c.AccessKeyId!,
  secretAccessKey: c.SecretAccessKey!,
  sessionToken: c.SessionToken!,
});

beforeAll(async () => {
  em = await startTestEmulator();
  root = clients(em.endpoint);
  analyst = await createUserWithKey(root.iam, 'analyst', {
    inline: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
  });
  analystNoPolicy = await createUserWithKey(root.iam, 'intern');
});
afterAll(async () => {
  await em?.close();
});

describe('AssumeRole and trust policies', () => {
  it('a trust policy naming the user ARN allows it without any identity policy (same account)', async () => {
    const arn = await createRole(root.iam, 'InternRole', trustPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:user/intern` }));
    const r = await clients(em.endpoint, analystNoPolicy).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'intern-session' }));
    expect(r.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(r.Credentials?.SessionToken).toBeTruthy();
    expect(r.Credentials?.Expiration).toBeInstanceOf(Date);
    const role = await root.iam.send(new GetRoleCommand({ RoleName: 'InternRole' }));
    expect(r.AssumedRoleUser?.AssumedRoleId).toBe(`${role.Role!.RoleId}:intern-session`);
    expect(r.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/InternRole/intern-session`);
  });

  it('account root in the trust policy needs the caller identity policy too', async () => {
    const arn = await createRole(root.iam, 'RootTrusted', trustPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` }));
    const refused = await rejection(clients(em.endpoint, analystNoPolicy).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's' + 'x' })));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.status).toBe(403);
    expect(refused.message).toBe(
      // STS still uses the short form for AssumeRole: no policy type, no reason.
      `User: arn:aws:iam::${ACCOUNT}:user/intern is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
    );
    const ok = await clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'analyst' }));
    expect(ok.AssumedRoleUser?.Arn).toContain('assumed-role/RootTrusted/analyst');
  });

  it('a bare account id in the trust policy is the account root', async () => {
    const arn = await createRole(root.iam, 'BareAccount', trustPolicy({ AWS: ACCOUNT }));
    await expect(clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ok' }))).resolves.toBeTruthy();
    expect((await rejection(clients(em.endpoint, analystNoPolicy).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'no' })))).name).toBe('AccessDenied');
  });

  it('a role trusting a service cannot be assumed by a user', async () => {
    const arn = await createRole(root.iam, 'Ec2Role', trustPolicy({ Service: 'ec2.amazonaws.com' }));
    const refused = await rejection(clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x1' })));
    expect(refused.name).toBe('AccessDenied');
    expect(refused.message).toContain(`User: arn:aws:iam::${ACCOUNT}:user/analyst is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
    const last = em.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(last.reason).toContain('trust policy');
  });

  it('ExternalId must match the trust policy condition', async () => {
    const arn = await createRole(root.iam, 'VendorRole', trustPolicy({ AWS: ACCOUNT }, { StringEquals: { 'sts:ExternalId': 'acme-7731' } }));
    const sts = clients(em.endpoint, analyst).sts;
    expect((await rejection(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'v' + 'v' })))).name).toBe('AccessDenied');
    expect((await rejection(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'vv', ExternalId: 'guess' })))).name).toBe('AccessDenied');
    await expect(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'vv', ExternalId: 'acme-7731' }))).resolves.toBeTruthy();
  });

  it('cross-account: the role in another account trusts us, and our identity policy allows', async () => {
    const other = clients(em.endpoint, OTHER_ROOT);
    const arn = await createRole(other.iam, 'PartnerAccess', trustPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:root` }));
    expect(arn).toBe(`arn:aws:iam::${OTHER_ACCOUNT}:role/PartnerAccess`);
    const r = await clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'partner' }));
    const session = clients(em.endpoint, credsOf(r.Credentials!));
    const who = await session.sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/PartnerAccess/partner`);
    expect(who.Account).toBe(OTHER_ACCOUNT);
    // Without an identity policy in our account, the same trust is not enough.
    expect((await rejection(clients(em.endpoint, analystNoPolicy).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'partner' })))).name).toBe('AccessDenied');
  });

  it('cross-account: a trust policy naming the user ARN still needs the user identity policy', async () => {
    const other = clients(em.endpoint, OTHER_ROOT);
    const arn = await createRole(other.iam, 'InternCross', trustPolicy({ AWS: `arn:aws:iam::${ACCOUNT}:user/intern` }));
    const refused = await rejection(clients(em.endpoint, analystNoPolicy).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x2' })));
    expect(refused.message).toBe(`User: arn:aws:iam::${ACCOUNT}:user/intern is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
    const last = em.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(last.reason).toContain('No identity-based policy allows sts:AssumeRole');
  });

  it('a role that does not exist is AccessDenied, as in AWS', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/Nope`;
    const refused = await rejection(clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x3' })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('the root user cannot assume roles', async () => {
    const arn = await createRole(root.iam, 'AnyoneHere', trustPolicy({ AWS: ACCOUNT }));
    const refused = await rejection(root.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'root' })));
    expect(refused).toMatchObject({ name: 'AccessDenied', message: 'Roles may not be assumed by root accounts.' });
  });

  it('validates RoleSessionName and DurationSeconds with STS messages', async () => {
    const arn = await createRole(root.iam, 'ShortRole', trustPolicy({ AWS: ACCOUNT }));
    const sts = clients(em.endpoint, analyst).sts;
    const badName = await rejection(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'has space' })));
    expect(badName.name).toBe('ValidationError');
    expect(badName.message).toBe(
      "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    const tooShort = await rejection(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ok', DurationSeconds: 600 })));
    expect(tooShort.message).toBe(
      "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    const tooLong = await rejection(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ok', DurationSeconds: 7200 })));
    expect(tooLong).toMatchObject({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    const r = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'ok', DurationSeconds: 900 }));
    const minutes = (r.Credentials!.Expiration!.getTime() - Date.now()) / 60_000;
    expect(Math.round(minutes)).toBe(15);
  });

  it('a session policy narrows the role session', async () => {
    const arn = await createRole(root.iam, 'Reader', trustPolicy({ AWS: ACCOUNT }));
    await root.iam.send(new (await import('@aws-sdk/client-iam')).AttachRolePolicyCommand({ RoleName: 'Reader', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }));
    const narrow = policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' });
    const r = await clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'narrow', Policy: JSON.stringify(narrow) }));
    expect(r.PackedPolicySize).toBeGreaterThan(0);
    const session = clients(em.endpoint, credsOf(r.Credentials!));
    const refused = await rejection(session.iam.send(new ListUsersCommand({})));
    expect(refused.message).toContain('because no session policy allows the iam:ListUsers action');
    const full = await clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'full' }));
    await expect(clients(em.endpoint, credsOf(full.Credentials!)).iam.send(new ListUsersCommand({}))).resolves.toBeTruthy();
  });

  it('a malformed session policy is MalformedPolicyDocument', async () => {
    const arn = await createRole(root.iam, 'Malformed', trustPolicy({ AWS: ACCOUNT }));
    const refused = await rejection(clients(em.endpoint, analyst).sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'm1', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetUser","Resource":"*"}]}' })));
    // The SDK names STS's MalformedPolicyDocument error class MalformedPolicyDocumentException.
    expect(refused).toMatchObject({ name: 'MalformedPolicyDocumentException', message: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.' });
  });
});

describe('GetSessionToken and MFA', () => {
  let mfaUser: Creds;
  let device: { serial: string; seed: string };

  beforeAll(async () => {
    // Allowed to list users only with MFA: the classic "deny unless MFA" pattern (BoolIfExists).
    mfaUser = await createUserWithKey(root.iam, 'mfa-user', {
      inline: policy(
        { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' },
        { Sid: 'DenyWithoutMfa', Effect: 'Deny', Action: 'iam:ListUsers', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
      ),
    });
    device = await enableMfa(root.iam, 'mfa-user');
  });

  it('long-term keys are denied by the MFA condition', async () => {
    const refused = await rejection(clients(em.endpoint, mfaUser).iam.send(new ListUsersCommand({})));
    expect(refused.message).toMatch(/^User: arn:aws:iam::000000000000:user\/mfa-user is not authorized to perform: iam:ListUsers /);
    expect(refused.message).toContain('with an explicit deny in an identity-based policy');
  });

  it('a session without MFA is still denied', async () => {
    const s = await clients(em.endpoint, mfaUser).sts.send(new GetSessionTokenCommand({}));
    expect(s.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    const refused = await rejection(clients(em.endpoint, credsOf(s.Credentials!)).iam.send(new ListUsersCommand({})));
    expect(refused.name).toBe('AccessDenied');
  });

  it('a wrong code is refused', async () => {
    const wrong = currentTotp(device.seed) === '000000' ? '111111' : '000000';
    const refused = await rejection(clients(em.endpoint, mfaUser).sts.send(new GetSessionTokenCommand({ SerialNumber: device.serial, TokenCode: wrong })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toContain('MultiFactorAuthentication failed');
  });

  it('a session with a valid TOTP satisfies the MFA condition', async () => {
    const s = await clients(em.endpoint, mfaUser).sts.send(new GetSessionTokenCommand({ SerialNumber: device.serial, TokenCode: currentTotp(device.seed), DurationSeconds: 900 }));
    const session = clients(em.endpoint, credsOf(s.Credentials!));
    await expect(session.iam.send(new ListUsersCommand({}))).resolves.toBeTruthy();
    const who = await session.sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/mfa-user`);
  });

  it('session credentials cannot call GetSessionToken again', async () => {
    const s = await clients(em.endpoint, mfaUser).sts.send(new GetSessionTokenCommand({}));
    const refused = await rejection(clients(em.endpoint, credsOf(s.Credentials!)).sts.send(new GetSessionTokenCommand({})));
    expect(refused).toMatchObject({ name: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials' });
  });

  it('DurationSeconds is limited to 900..129600', async () => {
    const refused = await rejection(clients(em.endpoint, mfaUser).sts.send(new GetSessionTokenCommand({ DurationSeconds: 200000 })));
    expect(refused.message).toBe(
      "1 validation error detected: Value '200000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    );
  });

  it('AssumeRole with MFA satisfies a trust policy that requires it', async () => {
    await root.iam.send(
      new (await import('@aws-sdk/client-iam')).PutUserPolicyCommand({
        UserName: 'mfa-user',
        PolicyName: 'assume',
        PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })),
      }),
    );
    const arn = await createRole(root.iam, 'NeedsMfa', trustPolicy({ AWS: ACCOUNT }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }));
    const sts = clients(em.endpoint, mfaUser).sts;
    expect((await rejection(sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'nomfa' })))).name).toBe('AccessDenied');
    const r = await sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'withmfa', SerialNumber: device.serial, TokenCode: currentTotp(device.seed) }));
    expect(r.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/NeedsMfa/withmfa`);
  });
});

describe.each(availableClis())('the real AWS CLI $name', (cli) => {
  it('aws sts get-caller-identity as an assumed role shows the assumed-role ARN', async () => {
    const arn = await createRole(root.iam, `CliRole-${cli.name}`, trustPolicy({ AWS: ACCOUNT }));
    const assumed = await awsCli(em.endpoint, ['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'cli-session', '--output', 'json'], { creds: analyst, bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag });
    expect(assumed.code, assumed.stderr).toBe(0);
    const c = assumed.json.Credentials;
    const who = await awsCli(em.endpoint, ['sts', 'get-caller-identity', '--output', 'json'], {
      creds: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
      bin: cli.bin,
      needsEndpointFlag: cli.needsEndpointFlag,
    });
    expect(who.code, who.stderr).toBe(0);
    expect(who.json.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/CliRole-${cli.name}/cli-session`);
    expect(who.json.UserId).toMatch(/^AROA[A-Z2-7]+:cli-session$/);
  });

  it('aws sts assume-role refused by the trust policy prints AWS wording', async () => {
    const arn = await createRole(root.iam, `CliRefuses-${cli.name}`, trustPolicy({ Service: 'lambda.amazonaws.com' }));
    const r = await awsCli(em.endpoint, ['sts', 'assume-role', '--role-arn', arn, '--role-session-name', 'nope'], { creds: analyst, bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::000000000000:user/analyst is not authorized to perform: sts:AssumeRole on resource: ' + arn);
  });
});
