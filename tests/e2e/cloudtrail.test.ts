/**
 * CloudTrail's event history through the SDK and both AWS CLIs: management events of IAM, STS and
 * S3 bucket calls with CloudTrail's fields, lookup attributes, time ranges and paging, denied
 * calls with their error, enforcement of cloudtrail:LookupEvents, and history recorded in the
 * past by a lab's setup (x-iam-labs-request-time, signed) — including a key's last use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  ListAccessKeysCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { expectAwsError } from '../helpers/aws-errors.js';
import { availableClis, awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { daysAgo, recordAt, serviceClients } from '../helpers/services.js';
import { ACCOUNT, createUserWithKey, policy } from './sts-helpers.js';

let em: StartedEmulator;
let root: ReturnType<typeof clients>;
let rootTrail: ReturnType<typeof serviceClients>['cloudtrail'];
let mallory: Creds;
let oldCi: Creds;
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

const parsed = (e: Event) => JSON.parse(e.CloudTrailEvent!);

async function lookup(attr?: { AttributeKey: any; AttributeValue: string }, extra: object = {}) {
  const r = await rootTrail.send(new LookupEventsCommand({ ...(attr ? { LookupAttributes: [attr] } : {}), ...extra }));
  return r.Events ?? [];
}

beforeAll(async () => {
  em = await startTestEmulator();
  root = clients(em.endpoint);
  rootTrail = serviceClients(em.endpoint).cloudtrail;
  await root.iam.send(new CreateUserCommand({ UserName: 'helper-bot' }));
  mallory = await createUserWithKey(root.iam, 'mallory', {
    inline: policy({ Effect: 'Allow', Action: ['iam:AttachUserPolicy', 'iam:ListUsers'], Resource: '*' }),
  });
  oldCi = await createUserWithKey(root.iam, 'old-ci');
  // The lab's "incident", three days ago, made with mallory's own key.
  await recordAt(clients(em.endpoint, mallory).iam, daysAgo(3)).send(new AttachUserPolicyCommand({ UserName: 'helper-bot', PolicyArn: ADMIN }));
  // old-ci's key, last used 200 days ago.
  await recordAt(clients(em.endpoint, oldCi).sts, daysAgo(200)).send(new GetCallerIdentityCommand({}));
});
afterAll(async () => {
  await em?.close();
});

describe('event history', () => {
  it('finds who attached AdministratorAccess to helper-bot (Username lookup), with CloudTrail fields', async () => {
    const events = await lookup({ AttributeKey: 'Username', AttributeValue: 'mallory' });
    const attach = events.find((e) => e.EventName === 'AttachUserPolicy')!;
    expect(attach).toBeDefined();
    expect(attach).toMatchObject({ EventSource: 'iam.amazonaws.com', Username: 'mallory', ReadOnly: 'false', AccessKeyId: mallory.accessKeyId });
    expect(attach.Resources).toEqual(
      expect.arrayContaining([
        { ResourceType: 'AWS::IAM::User', ResourceName: 'helper-bot' },
        { ResourceType: 'AWS::IAM::Policy', ResourceName: ADMIN },
      ]),
    );
    expect(Math.abs(attach.EventTime!.getTime() - Date.parse(daysAgo(3)))).toBeLessThan(2000);
    const ev = parsed(attach);
    expect(ev).toMatchObject({
      eventVersion: '1.09',
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachUserPolicy',
      awsRegion: 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      requestParameters: { userName: 'helper-bot', policyArn: ADMIN },
      responseElements: null,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/mallory`, accountId: ACCOUNT, accessKeyId: mallory.accessKeyId, userName: 'mallory' },
    });
    expect(ev.userIdentity.principalId).toMatch(/^AIDA/);
    expect(ev.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ev.eventID).toBe(attach.EventId);
    expect(ev.userAgent).toMatch(/aws-sdk-js/);
    expect(ev).not.toHaveProperty('lookup');
  });

  it('records root as type Root with Username root, and leaves secrets out of CreateAccessKey', async () => {
    const events = await lookup({ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' });
    expect(events.length).toBe(2);
    const ev = parsed(events[0]);
    expect(events[0].Username).toBe('root');
    expect(ev.userIdentity).toEqual({ type: 'Root', principalId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'test' });
    expect(ev.responseElements.accessKey).toMatchObject({ userName: 'old-ci', status: 'Active' });
    expect(ev.responseElements.accessKey).not.toHaveProperty('secretAccessKey');
    expect(ev.responseElements.accessKey.createDate).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d [AP]M$/);
    expect(events[0].Resources).toContainEqual({ ResourceType: 'AWS::IAM::AccessKey', ResourceName: oldCi.accessKeyId });
  });

  it('records a denied call with its error code and message', async () => {
    const m = clients(em.endpoint, mallory).iam;
    await expectAwsError(m.send(new CreateUserCommand({ UserName: 'sneaky' })), { code: 'AccessDenied' });
    const [ev] = (await lookup({ AttributeKey: 'EventName', AttributeValue: 'CreateUser' })).map(parsed).filter((e) => e.userIdentity.userName === 'mallory');
    expect(ev).toMatchObject({
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:iam::${ACCOUNT}:user/mallory is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/sneaky because no identity-based policy allows the iam:CreateUser action`,
      requestParameters: { userName: 'sneaky' },
      responseElements: null,
    });
  });

  it('records S3 bucket-level management calls but not object calls (data events)', async () => {
    await root.s3.send(new CreateBucketCommand({ Bucket: 'trail-bucket' }));
    await root.s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'trail-bucket',
        Policy: JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::trail-bucket/*' })),
      }),
    );
    await root.s3.send(new PutObjectCommand({ Bucket: 'trail-bucket', Key: 'a.txt', Body: 'x' }));
    const events = await lookup({ AttributeKey: 'ResourceName', AttributeValue: 'trail-bucket' });
    expect(events.map((e) => e.EventName).sort()).toEqual(['CreateBucket', 'PutBucketPolicy']);
    const put = parsed(events.find((e) => e.EventName === 'PutBucketPolicy')!);
    expect(put.requestParameters).toMatchObject({ bucketName: 'trail-bucket', policy: '', bucketPolicy: { Statement: [{ Principal: { AWS: 'arn:aws:iam::000000000000:root' } }] } });
    expect(put.eventSource).toBe('s3.amazonaws.com');
    expect(await lookup({ AttributeKey: 'EventName', AttributeValue: 'PutObject' })).toEqual([]);
  });

  it('filters by ReadOnly, EventSource, AccessKeyId and ResourceType, newest first', async () => {
    await clients(em.endpoint, mallory).iam.send(new ListUsersCommand({}));
    const reads = await lookup({ AttributeKey: 'ReadOnly', AttributeValue: 'true' });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((e) => e.ReadOnly === 'true')).toBe(true);
    const times = reads.map((e) => e.EventTime!.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await lookup({ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' })).every((e) => e.EventSource === 's3.amazonaws.com')).toBe(true);
    const byKey = await lookup({ AttributeKey: 'AccessKeyId', AttributeValue: mallory.accessKeyId });
    expect(new Set(byKey.map((e) => e.Username))).toEqual(new Set(['mallory']));
    expect((await lookup({ AttributeKey: 'ResourceType', AttributeValue: 'AWS::S3::Bucket' })).length).toBe(2);
  });

  it('honours StartTime/EndTime and pages with MaxResults/NextToken', async () => {
    const old = await lookup(undefined, { EndTime: new Date(Date.now() - 2 * 24 * 3600 * 1000) });
    expect(old.map((e) => e.EventName)).toEqual(['AttachUserPolicy']);
    // (each LookupEvents is itself recorded: looking at IAM's events only keeps the pages stable)
    const LookupAttributes = [{ AttributeKey: 'EventSource' as const, AttributeValue: 'iam.amazonaws.com' }];
    const all = (await rootTrail.send(new LookupEventsCommand({ LookupAttributes }))).Events!;
    expect(all.length).toBeGreaterThan(4);
    const first = await rootTrail.send(new LookupEventsCommand({ MaxResults: 2, LookupAttributes }));
    expect(first.Events!.map((e) => e.EventId)).toEqual(all.slice(0, 2).map((e) => e.EventId));
    const second = await rootTrail.send(new LookupEventsCommand({ MaxResults: 2, LookupAttributes, NextToken: first.NextToken }));
    expect(second.Events![0].EventId).toBe(all[2].EventId);
    await expectAwsError(rootTrail.send(new LookupEventsCommand({ MaxResults: 3, NextToken: first.NextToken, LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'true' }] })), {
      code: 'InvalidNextTokenException',
      status: 400,
    });
  });

  it('refuses bad lookups with CloudTrail errors', async () => {
    await expectAwsError(
      rootTrail.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'Username', AttributeValue: 'a' },
            { AttributeKey: 'EventName', AttributeValue: 'b' },
          ],
        }),
      ),
      { code: 'InvalidLookupAttributesException', status: 400 },
    );
    await expectAwsError(rootTrail.send(new LookupEventsCommand({ MaxResults: 51 })), { code: 'InvalidMaxResultsException', status: 400 });
    await expectAwsError(rootTrail.send(new LookupEventsCommand({ StartTime: new Date(), EndTime: new Date(Date.now() - 1000) })), {
      code: 'InvalidTimeRangeException',
      status: 400,
    });
  });

  it('enforces cloudtrail:LookupEvents', async () => {
    await expectAwsError(serviceClients(em.endpoint, mallory).cloudtrail.send(new LookupEventsCommand({})), {
      code: 'AccessDeniedException',
      message: `User: arn:aws:iam::${ACCOUNT}:user/mallory is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
      status: 400,
    });
  });
});

describe('history recorded in the past (x-iam-labs-request-time)', () => {
  it("sets the signing key's last use, seen by GetAccessKeyLastUsed and the credential report", async () => {
    const r = await root.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: oldCi.accessKeyId }));
    expect(Math.abs(r.AccessKeyLastUsed!.LastUsedDate!.getTime() - Date.parse(daysAgo(200)))).toBeLessThan(2000);
    expect(r.AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1' });
    await root.iam.send(new GenerateCredentialReportCommand({}));
    let report;
    for (let i = 0; i < 20 && !report; i++) {
      report = await root.iam.send(new GetCredentialReportCommand({})).catch(() => undefined);
      if (!report) await new Promise((res) => setTimeout(res, 100));
    }
    const row = Buffer.from(report!.Content!).toString('utf8').split('\n').find((l) => l.startsWith('old-ci,'))!;
    expect(row).toContain(daysAgo(200).slice(0, 10));
    // 200 days is outside CloudTrail's 90-day event history: no event is kept.
    expect(await lookup({ AttributeKey: 'Username', AttributeValue: 'old-ci' })).toEqual([]);
  });

  it('dates the user and the access key a call creates at the request time (no key used before it existed)', async () => {
    const past = recordAt(clients(em.endpoint).iam, daysAgo(400));
    const user = await past.send(new CreateUserCommand({ UserName: 'retired-ci' }));
    expect(user.User!.CreateDate!.toISOString().slice(0, 19)).toBe(daysAgo(400).slice(0, 19));
    const key = await past.send(new CreateAccessKeyCommand({ UserName: 'retired-ci' }));
    expect(key.AccessKey!.CreateDate!.toISOString().slice(0, 19)).toBe(daysAgo(400).slice(0, 19));
    const listed = await root.iam.send(new ListAccessKeysCommand({ UserName: 'retired-ci' }));
    expect(listed.AccessKeyMetadata![0].CreateDate!.toISOString().slice(0, 10)).toBe(daysAgo(400).slice(0, 10));
    // without the header, today as always
    const now = await root.iam.send(new CreateUserCommand({ UserName: 'new-ci' }));
    expect(Date.now() - now.User!.CreateDate!.getTime()).toBeLessThan(60_000);
  });

  it('ignores the header when the signature does not cover it', async () => {
    const iam = clients(em.endpoint, mallory).iam;
    // added by the HTTP handler, after signing: the signature does not cover it
    const handler = iam.config.requestHandler as unknown as { handle(req: any, opts?: any): Promise<any> };
    const send = handler.handle.bind(handler);
    handler.handle = (req, o) => {
      req.headers['x-iam-labs-request-time'] = daysAgo(30);
      return send(req, o);
    };
    await iam.send(new ListUsersCommand({ MaxItems: 7 }));
    const [ev] = (await lookup({ AttributeKey: 'Username', AttributeValue: 'mallory' })).filter((e) => parsed(e).requestParameters?.maxItems === 7);
    expect(Date.now() - ev.EventTime!.getTime()).toBeLessThan(60_000);
  });

  it('refuses a malformed or future time with a clear error', async () => {
    await expectAwsError(recordAt(clients(em.endpoint, mallory).iam, 'yesterday').send(new ListUsersCommand({})), {
      code: 'InvalidParameterValue',
      message: /x-iam-labs-request-time must be an ISO-8601 time/,
    });
    await expectAwsError(recordAt(clients(em.endpoint, mallory).iam, daysAgo(-2)).send(new ListUsersCommand({})), {
      code: 'InvalidParameterValue',
      message: /may not be in the future/,
    });
  });
});

describe.each(availableClis())('aws cloudtrail lookup-events with CLI $name', (cli) => {
  it('--lookup-attributes AttributeKey=Username,AttributeValue=mallory finds the AttachUserPolicy event', async () => {
    const r = await awsCli(em.endpoint, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=mallory'], { bin: cli.bin });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const attach = r.json.Events.find((e: any) => e.EventName === 'AttachUserPolicy');
    expect(attach.Username).toBe('mallory');
    expect(JSON.parse(attach.CloudTrailEvent).requestParameters).toEqual({ userName: 'helper-bot', policyArn: ADMIN });
  });
  it('two lookup attributes fail with InvalidLookupAttributesException', async () => {
    const r = await awsCli(em.endpoint, ['cloudtrail', 'lookup-events', '--lookup-attributes', 'AttributeKey=Username,AttributeValue=a', 'AttributeKey=EventName,AttributeValue=b'], { bin: cli.bin });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('(InvalidLookupAttributesException) when calling the LookupEvents operation');
  });
});
