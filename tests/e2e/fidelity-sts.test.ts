/**
 * STS answers as AWS does (responses recorded against AWS): malformed role ARNs, and the rules of
 * session tags on AssumeRole (sts:TagSession, transitive keys, role chaining, aws:PrincipalTag).
 */
import { PutRolePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetSessionTokenCommand, type STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, type Creds, startTestEmulator } from '../helpers/emulator.js';
import { ACCOUNT, createRole, createUserWithKey } from './sts-helpers.js';

let emu: StartedEmulator;
let iam: IAMClient;
let userSts: STSClient;
let role1 = '';
let role2 = '';
let userCreds: Creds;

const TAGGING_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: ACCOUNT } }] };
const sessionCreds = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }): Creds => ({
  accessKeyId: c.AccessKeyId!,
  secretAccessKey: c.SecretAccessKey!,
  sessionToken: c.SessionToken!,
});

beforeAll(async () => {
  emu = await startTestEmulator({ enforce: true });
  const root = clients(emu.endpoint);
  iam = root.iam;
  const user = await createUserWithKey(iam, 'tagger', {
    inline: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }] },
  });
  userCreds = user;
  userSts = clients(emu.endpoint, user).sts;
  role1 = await createRole(iam, 'role-1', TAGGING_TRUST);
  role2 = await createRole(iam, 'role-2', TAGGING_TRUST);
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'role-1',
      PolicyName: 'chain',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: role2 }] }),
    }),
  );
});
afterAll(async () => {
  await emu?.close();
});

describe('AssumeRole role ARNs', () => {
  it('an ARN STS cannot read is ValidationError "… is invalid" (not AccessDenied)', async () => {
    for (const arn of ['nothing-valid-in-here', 'arn::b:::something/test-role', 'arn:a::::something/test-role', 'arn:a:::something/test-role', 'arn:a:a::aaaaaaaaaa:']) {
      await expectAwsError(userSts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'Session1' })), { code: 'ValidationError', status: 400, message: `${arn} is invalid` });
    }
  });

  it('checks the session name first, echoing it as STS does', async () => {
    await expectAwsError(userSts.send(new AssumeRoleCommand({ RoleArn: 'arn:a:b:::something/test-role', RoleSessionName: 'Session1:2' })), {
      code: 'ValidationError',
      message: "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    });
  });
});

describe('several invalid parameters', () => {
  // STS validates every member before answering and lists each failed constraint in the order of the
  // operation's model; a member failing both its pattern and its length gets both, the pattern first.
  const failed = (value: string, member: string, constraint: string) => `Value '${value}' at '${member}' failed to satisfy constraint: Member must ${constraint}`;

  it('AssumeRole reports all of them in one ValidationError', async () => {
    const err = userSts.send(
      new AssumeRoleCommand({ RoleArn: role1, RoleSessionName: '!', DurationSeconds: 600, ExternalId: 'x', SerialNumber: 'short', TokenCode: '12' }),
    );
    await expectAwsError(err, {
      code: 'ValidationError',
      status: 400,
      message: `6 validation errors detected: ${[
        failed('!', 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
        failed('!', 'roleSessionName', 'have length greater than or equal to 2'),
        failed('600', 'durationSeconds', 'have value greater than or equal to 900'),
        failed('x', 'externalId', 'have length greater than or equal to 2'),
        failed('short', 'serialNumber', 'have length greater than or equal to 9'),
        failed('12', 'tokenCode', 'have length greater than or equal to 6'),
      ].join('; ')}`,
    });
  });

  it('a bad session tag takes its place between DurationSeconds and ExternalId', async () => {
    const err = userSts.send(new AssumeRoleCommand({ RoleArn: role1, RoleSessionName: 'ok-name', DurationSeconds: 50000, Tags: [{ Key: 'a', Value: 'bad!' }], ExternalId: 'x' }));
    await expectAwsError(err, {
      code: 'ValidationError',
      message: `3 validation errors detected: ${[
        failed('50000', 'durationSeconds', 'have value less than or equal to 43200'),
        failed('bad!', 'tags.1.member.value', 'satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*'),
        failed('x', 'externalId', 'have length greater than or equal to 2'),
      ].join('; ')}`,
    });
  });

  it('GetSessionToken reports DurationSeconds and TokenCode together', async () => {
    await expectAwsError(userSts.send(new GetSessionTokenCommand({ DurationSeconds: 600, SerialNumber: 'arn:aws:iam::123456789012:mfa/x', TokenCode: 'abcdef' })), {
      code: 'ValidationError',
      status: 400,
      message: `2 validation errors detected: ${failed('600', 'durationSeconds', 'have value greater than or equal to 900')}; ${failed('abcdef', 'tokenCode', 'satisfy regular expression pattern: [\\d]*')}`,
    });
  });

  it('AssumeRoleWithWebIdentity reports every member it cannot accept', async () => {
    const err = userSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::x', RoleSessionName: 'a', WebIdentityToken: 'abc', DurationSeconds: 60 }));
    await expectAwsError(err, {
      code: 'ValidationError',
      status: 400,
      message: `4 validation errors detected: ${[
        failed('arn:aws:iam::x', 'roleArn', 'have length greater than or equal to 20'),
        failed('a', 'roleSessionName', 'have length greater than or equal to 2'),
        failed('abc', 'webIdentityToken', 'have length greater than or equal to 4'),
        failed('60', 'durationSeconds', 'have value greater than or equal to 900'),
      ].join('; ')}`,
    });
  });
});

describe('session tags', () => {
  it('transitive keys must name requested tags (case-insensitively)', async () => {
    await expectAwsError(
      userSts.send(new AssumeRoleCommand({ RoleArn: role1, RoleSessionName: 'bad-keys', Tags: [{ Key: 'SessionTag1', Value: 'v' }], TransitiveTagKeys: ['InvalidKey'] })),
      { code: 'InvalidParameterValue', status: 400, message: 'The specified transitive tag key must be included in the requested tags.' },
    );
    const ok = await userSts.send(new AssumeRoleCommand({ RoleArn: role1, RoleSessionName: 'casing', Tags: [{ Key: 'SessionTag1', Value: 'v' }], TransitiveTagKeys: ['sessiontag1'] }));
    expect(ok.PackedPolicySize).toBeGreaterThan(0);
  });

  it('keys differing only in case are duplicates', async () => {
    await expectAwsError(
      userSts.send(
        new AssumeRoleCommand({
          RoleArn: role1,
          RoleSessionName: 'dups',
          Tags: [{ Key: 'SessionTag1', Value: 'a' }, { Key: 'sessiontag1', Value: 'b' }],
          TransitiveTagKeys: ['sessiontag1'],
        }),
      ),
      { code: 'InvalidParameterValue', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' },
    );
  });

  it('a chained session cannot override a transitive tag of the calling session', async () => {
    const first = await userSts.send(
      new AssumeRoleCommand({ RoleArn: role1, RoleSessionName: 'Session1', Tags: [{ Key: 'SessionTag1', Value: 'SessionValue1' }], TransitiveTagKeys: ['SessionTag1'] }),
    );
    const chained = clients(emu.endpoint, sessionCreds(first.Credentials!)).sts;
    for (const key of ['SessionTag1', 'sessiontag1']) {
      await expectAwsError(chained.send(new AssumeRoleCommand({ RoleArn: role2, RoleSessionName: 'override', Tags: [{ Key: key, Value: 'SessionValue2' }] })), {
        code: 'InvalidParameterValue',
        message: "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
      });
    }
    // Without the conflict the chain works, and the transitive tag travels with it.
    const second = await chained.send(new AssumeRoleCommand({ RoleArn: role2, RoleSessionName: 'chained' }));
    expect(second.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/role-2/chained`);
  });

  it('tagging a session needs sts:TagSession in the trust policy', async () => {
    const plain = await createRole(iam, 'no-tagging', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ACCOUNT } }] });
    await expectAwsError(userSts.send(new AssumeRoleCommand({ RoleArn: plain, RoleSessionName: 'tagged', Tags: [{ Key: 'team', Value: 'blue' }] })), {
      code: 'AccessDenied',
      status: 403,
      message: /is not authorized to perform: sts:TagSession on resource: arn:aws:iam::000000000000:role\/no-tagging/,
    });
    await userSts.send(new AssumeRoleCommand({ RoleArn: plain, RoleSessionName: 'untagged' }));
  });

  it('session tags are aws:PrincipalTag for the session', async () => {
    const root = clients(emu.endpoint);
    await root.s3.send(new CreateBucketCommand({ Bucket: 'team-data' }));
    await root.s3.send(new PutObjectCommand({ Bucket: 'team-data', Key: 'blue/plan.txt', Body: 'plan' }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'role-2',
        PolicyName: 'team-prefix',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-data/${aws:PrincipalTag/team}/*' }] }),
      }),
    );
    const blue = await userSts.send(new AssumeRoleCommand({ RoleArn: role2, RoleSessionName: 'blue', Tags: [{ Key: 'team', Value: 'blue' }] }));
    const s3 = clients(emu.endpoint, sessionCreds(blue.Credentials!)).s3;
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'team-data', Key: 'blue/plan.txt' }))).Body!.transformToString()).toBe('plan');
    const red = await userSts.send(new AssumeRoleCommand({ RoleArn: role2, RoleSessionName: 'red', Tags: [{ Key: 'team', Value: 'red' }] }));
    await expectAwsError(clients(emu.endpoint, sessionCreds(red.Credentials!)).s3.send(new GetObjectCommand({ Bucket: 'team-data', Key: 'blue/plan.txt' })), {
      code: 'AccessDenied',
      status: 403,
    });
  });
});

describe.each(availableClis())('through AWS CLI $name', (cli) => {
  const run = (args: string[]) => awsCli(emu.endpoint, args, { bin: cli.bin, needsEndpointFlag: cli.needsEndpointFlag, creds: userCreds });

  it('assume-role with a malformed ARN, and with session tags', async () => {
    const bad = await run(['sts', 'assume-role', '--role-arn', 'nothing-valid-in-here', '--role-session-name', 's1']);
    expect(bad.stderr).toContain('An error occurred (ValidationError) when calling the AssumeRole operation: nothing-valid-in-here is invalid');
    const wrong = await run(['sts', 'assume-role', '--role-arn', role1, '--role-session-name', 's2', '--tags', 'Key=team,Value=blue', '--transitive-tag-keys', 'project']);
    expect(wrong.stderr).toContain('An error occurred (InvalidParameterValue) when calling the AssumeRole operation: The specified transitive tag key must be included in the requested tags.');
    const ok = await run(['sts', 'assume-role', '--role-arn', role1, '--role-session-name', 's3', '--tags', 'Key=team,Value=blue', '--transitive-tag-keys', 'team']);
    expect(ok.json?.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/role-1/s3`);
  });
});
