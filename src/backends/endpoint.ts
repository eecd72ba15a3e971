/**
 * Any AWS-compatible endpoint the user names (their LocalStack, an instructor's server). Safety:
 * plain http to a non-loopback host needs --allow-remote; real AWS (*.amazonaws.com) only with
 * --real-aws <account-id>, and only once get-caller-identity shows that very account.
 */
import type { Capabilities } from '../core/aws-types.js';
import { BackendUnavailableError, SafetyError, UsageError } from '../core/errors.js';
import { callerIdentity } from './identity.js';
import { isLoopbackHost } from './net.js';
import { reachablePresence } from './presence.js';
import { BASELINE_CAPABILITIES, REGION, ROOT_CREDENTIALS, type BackendHandle, type BackendInfo, type StartOptions } from './types.js';

/** Unknown server: claim nothing, so conditions needing a capability say "not verifiable". */
export const ENDPOINT_CAPABILITIES: Capabilities = BASELINE_CAPABILITIES;

export function isRealAws(host: string): boolean {
  return /(^|\.)amazonaws\.com(\.cn)?$/i.test(host) || /(^|\.)aws\.amazon\.com$/i.test(host);
}

/** Refuse endpoints the safety rules forbid. Pure: tested without any network. */
export function checkEndpointAllowed(url: string, opts: { allowRemote?: boolean; realAws?: string }): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--endpoint '${url}' is not a URL (expected e.g. http://127.0.0.1:4566).`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--endpoint must be http:// or https://, not '${u.protocol}'.`);
  if (isRealAws(u.hostname)) {
    if (!opts.realAws) {
      throw new SafetyError(
        `${u.hostname} is real AWS. Labs create and delete users, roles and policies; they never do that on real AWS by accident.`,
        2,
        'If you really mean to use an AWS account of your own (it may cost money and you must clean up), pass --real-aws <account-id>.',
      );
    }
    if (!/^\d{12}$/.test(opts.realAws)) throw new UsageError(`--real-aws needs the 12-digit account id, not '${opts.realAws}'.`);
    return u;
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname) && !opts.allowRemote) {
    throw new SafetyError(
      `${url} is plain http to another machine: credentials and policies would cross the network unencrypted.`,
      2,
      'Pass --allow-remote if you trust that network (e.g. an instructor’s server in your classroom).',
    );
  }
  return u;
}

export async function startEndpoint(opts: StartOptions, identify: typeof callerIdentity = callerIdentity): Promise<BackendHandle> {
  if (!opts.endpoint) throw new UsageError('--backend endpoint needs --endpoint URL (or IAM_LABS_ENDPOINT).');
  const u = checkEndpointAllowed(opts.endpoint, opts);
  const endpoint = opts.endpoint.replace(/\/+$/, '');
  const real = isRealAws(u.hostname);
  // On real AWS the learner's own credentials are needed; they come only from explicit variables.
  const credentials =
    real && opts.env.IAM_LABS_REAL_AWS_ACCESS_KEY_ID && opts.env.IAM_LABS_REAL_AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: opts.env.IAM_LABS_REAL_AWS_ACCESS_KEY_ID, secretAccessKey: opts.env.IAM_LABS_REAL_AWS_SECRET_ACCESS_KEY }
      : ROOT_CREDENTIALS;
  let identity;
  try {
    identity = await identify(endpoint, credentials, REGION);
  } catch (e) {
    throw new BackendUnavailableError(`${endpoint} did not answer sts get-caller-identity: ${(e as Error).message}`, 2, 'Is the server running? Check the URL and port.');
  }
  if (real && identity.account !== opts.realAws) {
    throw new SafetyError(
      `these credentials belong to account ${identity.account || '?'}, not ${opts.realAws} as --real-aws says. Nothing was changed.`,
    );
  }
  const info: BackendInfo = {
    backend: 'endpoint',
    endpoint,
    credentials,
    accountId: identity.account,
    region: REGION,
    capabilities: ENDPOINT_CAPABILITIES,
    realAwsAccount: real ? opts.realAws : undefined,
    instanceId: `endpoint:${endpoint}`,
    // someone else's server keeps its account: a lab seeded there is still there after a restart
    storeId: `endpoint:${endpoint}:${identity.account}`,
    reason: '',
    limits: real ? undefined : 'an endpoint of unknown kind: conditions that need IAM enforcement or last-used records are reported as not verifiable.',
  };
  return attachEndpoint(info);
}

export function attachEndpoint(info: BackendInfo): BackendHandle {
  return {
    info,
    // We never wipe someone else's server: the runner removes only what the lab made (teardown).
    resetsAccount: false,
    reset: async () => {},
    stop: async () => {},
    describe: () => `${info.realAwsAccount ? 'REAL AWS account ' + info.realAwsAccount : 'endpoint'} ${info.endpoint}`,
    presence: () => reachablePresence(info.endpoint),
    // someone else's server: `stop` only ends the session
    extras: { keepsState: false, makesAccounts: false, stopsServer: false },
  };
}
