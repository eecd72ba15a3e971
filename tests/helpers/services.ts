/**
 * SDK clients for the workload and audit services (EC2, Lambda, ECR, CloudTrail, Access Analyzer)
 * against a test emulator, and the way a lab's setup records history in the past: the
 * x-iam-labs-request-time header, added before signing so the signature covers it.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ROOT, type Creds } from './emulator.js';

/** `extra`: more client settings (e.g. systemClockOffset, to sign as a client whose clock is wrong). */
export function serviceClients(endpoint: string, creds: Creds = ROOT, region = 'us-east-1', extra: { systemClockOffset?: number } = {}) {
  const common = { endpoint, region, credentials: creds, maxAttempts: 1, ...extra };
  return {
    cloudtrail: new CloudTrailClient(common),
    accessanalyzer: new AccessAnalyzerClient(common),
    ec2: new EC2Client(common),
    lambda: new LambdaClient(common),
    ecr: new ECRClient(common),
  };
}

interface MiddlewareClient {
  middlewareStack: {
    add(mw: (next: (args: any) => Promise<any>) => (args: any) => Promise<any>, opts: { step: 'build'; name: string }): void;
  };
}

/** Make every call of `client` be recorded as made at `iso` (a signed x-iam-labs-request-time header). */
export function recordAt<T extends MiddlewareClient>(client: T, iso: string): T {
  client.middlewareStack.add(
    (next) => async (args) => {
      args.request.headers['x-iam-labs-request-time'] = iso;
      return next(args);
    },
    { step: 'build', name: 'iamLabsRequestTime' },
  );
  return client;
}

export const daysAgo = (n: number): string => new Date(Date.now() - n * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
