/**
 * The one place SDK clients are built, for the runner, the grading host, the backends and the
 * tests alike. Explicit endpoint, credentials and region: never the default provider chain,
 * never AWS_* from the environment, never ~/.aws (see sdk-env.ts for the rest of the isolation).
 */
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials, LabClients } from './aws-types.js';
import { inProcessHandlerFor } from './in-process-endpoints.js';
import { OBSERVER_HEADER } from './observer-header.js';

/**
 * One retry policy for every client, on purpose: two attempts in the SDK's standard mode. The
 * second attempt absorbs a keep-alive socket the server closed just as it was reused
 * (ECONNRESET) or a one-off 5xx or throttle from a busy shared server (a workshop, LocalStack);
 * a wrong answer (4xx) is never retried. More attempts would only make a backend that is really
 * down take longer to be reported as "does not answer". Both values are set explicitly so the
 * SDK reads neither AWS_MAX_ATTEMPTS nor AWS_RETRY_MODE.
 */
export const SDK_RETRY = { maxAttempts: 2, retryMode: 'standard' } as const;

/** How a client is used: `observe` for grading, which looks at the account without acting in it. */
export interface ClientUse {
  observe?: boolean;
  /** over HTTP, an emulator's control token proves `observe` (OBSERVER_HEADER) */
  controlToken?: string;
  /** a mark in the User-Agent (what a CloudTrail event's userAgent shows) */
  userAgent?: string;
}

/** The configuration every client gets: this endpoint, credentials and region, nothing from the environment. */
export function sdkClientConfig(endpoint: string, credentials: Credentials, region: string, use: ClientUse = {}) {
  // the SDK checks for exactly "true"; its notice about Node 20 is not the learner's business
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const requestHandler = inProcessHandlerFor(endpoint, use.observe) as IAMClientConfig['requestHandler'];
  return {
    endpoint,
    region,
    credentials: { ...credentials },
    ...SDK_RETRY,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    // Resolve each command's middleware once per client, not on every send: a grading sends
    // dozens of the same commands, and nothing of ours changes a stack after a client's first send.
    cacheMiddleware: true,
    // the emulator serving this endpoint runs in this process (the grading service): no socket
    ...(requestHandler ? { requestHandler } : {}),
    ...(use.userAgent ? { customUserAgent: use.userAgent } : {}),
  };
}
export type SdkClientConfig = ReturnType<typeof sdkClientConfig>;

export function makeClients(endpoint: string, credentials: Credentials, region: string, use: ClientUse = {}): LabClients {
  const common = sdkClientConfig(endpoint, credentials, region, use);
  return {
    iam: observing(new IAMClient(common), endpoint, use),
    sts: observing(new STSClient(common), endpoint, use),
    // path-style: emulators answer on one host name, not one per bucket
    s3: observing(new S3Client({ ...common, forcePathStyle: true }), endpoint, use),
  };
}

interface Stacked {
  middlewareStack: {
    add(mw: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>, opts: { step: 'build'; name: string }): void;
    remove(name: string): boolean;
  };
}

/**
 * What a grading's request needs none of when it goes to the emulator in this process: its
 * User-Agent (a grading's calls are not recorded, so no event shows it), the Lambda trace id and
 * the SDK's own logging. Building the User-Agent is the dearest part of the SDK's work on a small
 * call after signing; without the three a grading's read costs about 13% less.
 */
const NOT_FOR_IN_PROCESS_GRADING = ['getUserAgentMiddleware', 'recursionDetectionMiddleware', 'loggerMiddleware'];

/**
 * A grading's client that reaches the emulator over HTTP (not in this process: the grading
 * service could not grade) says it only looks, so its reads do not fill the account's CloudTrail
 * history (lab 05 and 06 grade that history) or move a key's last use. One that reaches it in
 * this process sheds the work its requests do not need there.
 */
export function observing<C>(client: C, endpoint: string, use: ClientUse): C {
  if (!use.observe) return client;
  if (inProcessHandlerFor(endpoint, true)) {
    for (const name of NOT_FOR_IN_PROCESS_GRADING) (client as unknown as Stacked).middlewareStack.remove(name);
    return client;
  }
  if (!use.controlToken) return client;
  const token = use.controlToken;
  (client as unknown as Stacked).middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[OBSERVER_HEADER] = token;
      return next(args);
    },
    { step: 'build', name: 'iamLabsObserver' },
  );
  return client;
}

/** Close the clients' sockets so the process can exit. */
export function destroyClients(c: LabClients): void {
  c.iam.destroy();
  c.sts.destroy();
  c.s3.destroy();
}
