/**
 * `iam-labs emulator` prints its ready line once its socket listens, and the workload services
 * (EC2, Lambda, ECR, CloudTrail, Access Analyzer) load each on their first request
 * (src/emulator/service-modules.ts).
 * Each emulator here is a fresh process (the built CLI, as a learner runs it), so the requests
 * below are truly the first it gets: sent the moment the ready line appears, they are answered,
 * or refused in the service's own protocol, exactly as a loaded emulator answers.
 */
import type { ChildProcess } from 'node:child_process';
import { ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { expectAwsError } from '../helpers/aws-errors.js';
import { startBuiltEmulator } from '../helpers/built-emulator.js';
import { clients } from '../helpers/emulator.js';
import { serviceClients } from '../helpers/services.js';

const running: ChildProcess[] = [];

async function freshEmulator(): Promise<string> {
  const { child, endpoint } = await startBuiltEmulator();
  running.push(child);
  return endpoint;
}

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

describe('requests sent at the ready line, before the pipeline has loaded', () => {
  it('are answered: the control API, STS, and an S3 upload that waits for 100 Continue', async () => {
    const endpoint = await freshEmulator();
    const { sts, s3 } = clients(endpoint);
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const [health, caller, unsigned] = await Promise.all([
      fetch(`${endpoint}/_iam-labs/health`).then(async (r) => ({ status: r.status, body: await r.json() })),
      sts.send(new GetCallerIdentityCommand({})),
      fetch(`${endpoint}/?Action=GetCallerIdentity&Version=2011-06-15`).then(async (r) => ({ status: r.status, text: await r.text() })),
    ]);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', service: 'iam-labs-emulator' });
    expect(caller.Arn).toBe('arn:aws:iam::000000000000:root');
    expect(unsigned.status).toBe(403);
    expect(unsigned.text).toContain('<Code>MissingAuthenticationToken</Code>');
    // the SDK sends Expect: 100-continue for a body this large
    await expectAwsError(s3.send(new PutObjectCommand({ Bucket: 'first-bucket', Key: 'k', Body: body })), { code: 'NoSuchBucket', message: 'The specified bucket does not exist', status: 404 });
  }, 60_000);
});

describe('the first request to each workload service on a fresh emulator', () => {
  it('is answered, all five arriving at once', async () => {
    const c = serviceClients(await freshEmulator());
    const [analyzers, instances, functions, repositories, events] = await Promise.all([
      c.accessanalyzer.send(new ListAnalyzersCommand({})),
      c.ec2.send(new DescribeInstancesCommand({})),
      c.lambda.send(new ListFunctionsCommand({})),
      c.ecr.send(new DescribeRepositoriesCommand({})),
      c.cloudtrail.send(new LookupEventsCommand({})),
    ]);
    expect(analyzers.analyzers).toEqual([]);
    expect(instances.Reservations).toEqual([]);
    expect(functions.Functions).toEqual([]);
    expect(repositories.repositories).toEqual([]);
    expect(events.Events).toBeInstanceOf(Array);
    // and each was recorded as a call to its service (the first lookup too)
    const history = await c.cloudtrail.send(new LookupEventsCommand({}));
    expect(history.Events?.map((e) => `${e.EventSource} ${e.EventName}`).sort()).toEqual([
      'access-analyzer.amazonaws.com ListAnalyzers',
      'cloudtrail.amazonaws.com LookupEvents',
      'ec2.amazonaws.com DescribeInstances',
      'ecr.amazonaws.com DescribeRepositories',
      'lambda.amazonaws.com ListFunctions',
    ]);
  }, 60_000);

  it('refused before its body is read (a signature fifteen minutes stale) is refused in that service protocol', async () => {
    const c = serviceClients(await freshEmulator(), undefined, 'us-east-1', { systemClockOffset: -30 * 60_000 });
    const expired = /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/;
    const jsonRefusal = { code: 'InvalidSignatureException', message: expired, status: 403 };
    await expectAwsError(c.lambda.send(new ListFunctionsCommand({})), jsonRefusal);
    await expectAwsError(c.accessanalyzer.send(new ListAnalyzersCommand({})), jsonRefusal);
    await expectAwsError(c.ecr.send(new DescribeRepositoriesCommand({})), jsonRefusal);
    await expectAwsError(c.cloudtrail.send(new LookupEventsCommand({})), jsonRefusal);
    await expectAwsError(c.ec2.send(new DescribeInstancesCommand({})), { code: 'SignatureDoesNotMatch', message: expired, status: 403 });
  }, 60_000);
});
