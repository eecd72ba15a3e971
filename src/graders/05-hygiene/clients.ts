/**
 * The SDK clients lab 05 needs beyond IAM, STS and S3, and the clients its setup records history
 * with. Audit clients (CloudTrail, Access Analyzer) point where ctx.clients point, with the same
 * credentials and retry policy, and call themselves "iam-labs-grader" in the User-Agent so a
 * check can tell its own CloudTrail events from the learner's. History clients sign the
 * emulator's `x-iam-labs-request-time` header (docs/backends.md), so a call is recorded as made
 * in the past; other backends ignore it.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Credentials, LabClients } from '../../core/aws-types.js';
import type { LabContext } from '../types.js';
import { GRADER_AGENT } from './names.js';

export interface AuditClients {
  cloudtrail: CloudTrailClient;
  accessanalyzer: AccessAnalyzerClient;
}

/**
 * Run `fn` with the context's audit clients (made like its other clients, released with it).
 * `as: 'learner'` leaves the grader's mark out of the User-Agent: for reference solutions, which
 * do what a learner does.
 */
export async function withAuditClients<T>(ctx: LabContext, fn: (c: AuditClients) => Promise<T>, opts: { as?: 'grader' | 'learner' } = {}): Promise<T> {
  const mark = opts.as === 'learner' ? {} : { userAgent: GRADER_AGENT };
  return fn({ cloudtrail: ctx.serviceClient(CloudTrailClient, undefined, mark), accessanalyzer: ctx.serviceClient(AccessAnalyzerClient, undefined, mark) });
}

export const REQUEST_TIME_HEADER = 'x-iam-labs-request-time';

interface WithMiddleware {
  middlewareStack: { add(mw: unknown, opts: { step: 'build'; name: string }): void };
}

/** Make every call of `client` be recorded at `at`: the header is added before signing, so it is signed. */
export function recordedAt<T extends WithMiddleware>(client: T, at: Date): T {
  const iso = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  client.middlewareStack.add(
    (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) => (args: { request: { headers: Record<string, string> } }) => {
      args.request.headers[REQUEST_TIME_HEADER] = iso;
      return next(args);
    },
    { step: 'build', name: 'iamLabsRequestTime' },
  );
  return client;
}

/** Clients for `creds` whose calls are recorded at `at`. */
export function clientsAt(ctx: LabContext, creds: Credentials, at: Date): LabClients {
  const c = ctx.clientsFor(creds);
  recordedAt(c.iam, at);
  recordedAt(c.sts, at);
  recordedAt(c.s3, at);
  return c;
}

/** The root credentials ctx.clients sign with. */
export async function rootCredentials(ctx: LabContext): Promise<Credentials> {
  const id = await ctx.clients.iam.config.credentials();
  return { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey, ...(id.sessionToken ? { sessionToken: id.sessionToken } : {}) };
}

/** A copy of ctx whose root clients record their calls at `at` (the shared helpers in ../aws.ts work on it unchanged). */
export async function contextAt(ctx: LabContext, at: Date): Promise<LabContext> {
  return { ...ctx, clients: clientsAt(ctx, await rootCredentials(ctx), at) };
}
