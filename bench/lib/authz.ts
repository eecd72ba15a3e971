/**
 * (d) Authorization overhead per request: the same calls by an IAM user carrying the course's
 * policies, through the in-process SDK handler (no socket noise), on an emulator that enforces
 * vs one that does not; and the same calls by root for reference. Median per request.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  PutUserPolicyCommand,
  AddUserToGroupCommand,
  CreateGroupCommand,
  AttachGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createEmulator } from '../../src/emulator/index.js';
import { InProcessHandler } from '../../src/emulator/sdk-handler.js';
import type { Emulator } from '../../src/emulator/types.js';
import { median, msSince, percentile, round } from './stats.js';

type Creds = { accessKeyId: string; secretAccessKey: string };
const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };
const doc = (s: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: s });

function clients(emulator: Emulator, credentials: Creds) {
  const common = { endpoint: 'http://127.0.0.1:4566', region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: new InProcessHandler(emulator) };
  return { iam: new IAMClient(common), s3: new S3Client({ ...common, forcePathStyle: true }) };
}

/** Seed the lab-04-like account: analyst with ReportsReader, group developers with S3 full access, a deny. */
async function seed(emulator: Emulator): Promise<Creds> {
  const { iam, s3 } = clients(emulator, ROOT);
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-reports' }));
  await s3.send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', Body: 'a,b\n1,2\n' }));
  await iam.send(new CreateUserCommand({ UserName: 'analyst' }));
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'ReportsReader',
      PolicyDocument: doc([
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' },
        { Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::*:user/${aws:username}' },
      ]),
    }),
  );
  await iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: policy.Policy!.Arn! }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'analyst',
      PolicyName: 'OfficeOnlyPayroll',
      PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-payroll/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]),
    }),
  );
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }));
  await iam.send(new PutUserPolicyCommand({ UserName: 'analyst', PolicyName: 'NoDeletes', PolicyDocument: doc([{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::acme-reports/*' }]) }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'analyst' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'analyst' }));
  return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
}

/** Median ms per request over `n` rounds of ListObjectsV2 + GetObject + GetUser. */
async function perRequest(emulator: Emulator, creds: Creds, n: number): Promise<number[]> {
  const { iam, s3 } = clients(emulator, creds);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    let t0 = process.hrtime.bigint();
    await s3.send(new ListObjectsV2Command({ Bucket: 'acme-reports' }));
    samples.push(msSince(t0));
    t0 = process.hrtime.bigint();
    const o = await s3.send(new GetObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv' }));
    await o.Body?.transformToByteArray();
    samples.push(msSince(t0));
    t0 = process.hrtime.bigint();
    await iam.send(new GetUserCommand({ UserName: 'analyst' }));
    samples.push(msSince(t0));
  }
  return samples;
}

/**
 * ms per GetObject of a key never asked for before (it does not exist: NoSuchKey either way), so
 * the policy engine's memo of whole evaluations (src/policy/engine.ts) never answers: this is
 * the cost of a first-seen request, where the main figure mostly sees repeated ones.
 */
async function firstSeen(emulator: Emulator, creds: Creds, n: number, tag: string): Promise<number[]> {
  const { s3 } = clients(emulator, creds);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await s3.send(new GetObjectCommand({ Bucket: 'acme-reports', Key: `first-seen/${tag}-${i}.csv` })).catch(() => undefined);
    samples.push(msSince(t0));
  }
  return samples;
}

export async function measureAuthz(n = 300) {
  const enforced = createEmulator({ enforce: true });
  const open = createEmulator({ enforce: false });
  const userEnforced = await seed(enforced);
  const userOpen = await seed(open);
  // Warm both (JIT, managed policies loaded, policy parsing caches).
  await perRequest(enforced, userEnforced, 30);
  await perRequest(open, userOpen, 30);
  await perRequest(enforced, ROOT, 30);
  const userOn: number[] = [];
  const userOff: number[] = [];
  const root: number[] = [];
  // CPU time per request too: unlike wall time, it hardly moves when other processes compete.
  const cpuOn: number[] = [];
  const cpuOff: number[] = [];
  const cpu = async (samples: number[], into: number[], run: () => Promise<number[]>) => {
    const c0 = process.cpuUsage();
    const got = await run();
    const c1 = process.cpuUsage(c0);
    samples.push(...got);
    into.push((c1.user + c1.system) / 1000 / got.length);
  };
  // Interleave in blocks so drift affects all three alike.
  for (let b = 0; b < 5; b++) {
    await cpu(userOn, cpuOn, () => perRequest(enforced, userEnforced, n / 5));
    await cpu(userOff, cpuOff, () => perRequest(open, userOpen, n / 5));
    root.push(...(await perRequest(enforced, ROOT, n / 5)));
  }
  const freshOn: number[] = [];
  const freshOff: number[] = [];
  for (let b = 0; b < 5; b++) {
    freshOn.push(...(await firstSeen(enforced, userEnforced, n / 5, `b${b}`)));
    freshOff.push(...(await firstSeen(open, userOpen, n / 5, `b${b}`)));
  }
  // Sanity: the enforced emulator really evaluated (and allowed) the user's requests.
  const evaluated = enforced.decisions.recent({ limit: 200 }).length;
  const denied = enforced.decisions.recent({ deniedOnly: true, limit: 200 }).length;
  return {
    requests: userOn.length,
    userEnforcedMedianMs: round(median(userOn), 3),
    userNotEnforcedMedianMs: round(median(userOff), 3),
    rootMedianMs: round(median(root), 3),
    userEnforcedP95Ms: round(percentile(userOn, 95), 3),
    overheadMedianMs: round(median(userOn) - median(userOff), 3),
    overheadVsRootMs: round(median(userOn) - median(root), 3),
    cpuPerRequestEnforcedMs: round(median(cpuOn), 3),
    cpuPerRequestNotEnforcedMs: round(median(cpuOff), 3),
    cpuOverheadMs: round(median(cpuOn) - median(cpuOff), 3),
    firstSeenEnforcedMedianMs: round(median(freshOn), 3),
    firstSeenNotEnforcedMedianMs: round(median(freshOff), 3),
    firstSeenOverheadMs: round(median(freshOn) - median(freshOff), 3),
    decisionsEvaluated: evaluated,
    decisionsDenied: denied,
  };
}
