/**
 * The metadata service of an emulated EC2 instance, as the runner reaches it: its loopback
 * address, from the emulator's control API (GET /_iam-labs/imds/<instance-id>?account=<id>,
 * docs/backends.md; with the session's control token), and the role credentials it hands out, fetched as the SDKs on an instance
 * fetch them (IMDSv2: a session token, the role's name, then its credentials). The address
 * changes when the emulator restarts, so it is asked for each time, never kept.
 *
 * On a workshop backend the instance's metadata service is on the instructor's machine: the
 * runner opens a loopback listener of its own that sends each request on to the workshop
 * server's route for the learner's instances (instance-metadata-proxy.ts), for as long as it is
 * needed (openInstanceMetadata … close()).
 */
import type { Credentials } from '../core/aws-types.js';
import { BackendUnavailableError, UsageError } from '../core/errors.js';
import { CONTROL_TOKEN_HEADER } from '../emulator/control-api.js';
import type { InstanceMetadataEndpoint, InstanceMetadataInfo } from '../emulator/imds/index.js';
import { INSTANCE_ROUTE_PREFIX } from '../core/workshop-imds-route.js';
import { startMetadataProxy } from './instance-metadata-proxy.js';
import { httpRequest } from './net.js';
import type { BackendInfo } from './types.js';

export type InstanceMetadataAddress = InstanceMetadataEndpoint;

/** The session's control token is needed: the control API answers nobody else (a web page cannot learn it). */
type Target = Pick<BackendInfo, 'endpoint' | 'accountId' | 'capabilities' | 'controlToken'> & Partial<Pick<BackendInfo, 'backend' | 'workshopToken'>>;

/** The backend cannot run instance metadata services (moto, LocalStack, an endpoint), or cannot reach them from here. */
export class NoInstanceMetadataError extends UsageError {}
/** The emulator has no running instance with this id in the lab's account. */
export class InstanceNotRunningError extends UsageError {}

const TOKEN_TTL = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN = 'x-aws-ec2-metadata-token';

/** The address of `instanceId`'s metadata service (the emulator starts its listener on this request). */
export async function instanceMetadataAddress(target: Target, instanceId: string): Promise<InstanceMetadataAddress> {
  if (!target.capabilities.instanceMetadata) {
    throw new NoInstanceMetadataError(
      'instance metadata services are not available on this backend: it cannot run EC2 instances that hand out role credentials.',
      2,
      'Lab 06 needs the embedded emulator: iam-labs stop, then iam-labs start 06 --backend embedded.',
    );
  }
  const url = `${target.endpoint.replace(/\/$/, '')}/_iam-labs/imds/${encodeURIComponent(instanceId)}?account=${encodeURIComponent(target.accountId)}`;
  let r: { status: number; body: string };
  try {
    r = await httpRequest(url, { timeoutMs: 5000, headers: target.controlToken ? { [CONTROL_TOKEN_HEADER]: target.controlToken } : {} });
  } catch (e) {
    throw new BackendUnavailableError(`the lab's emulator at ${target.endpoint} does not answer (${(e as Error).message}).`, 2, 'Is it still running? iam-labs start <lab> starts it again.');
  }
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    /* not the emulator's JSON: reported below by status */
  }
  if (r.status === 200 && typeof body.endpoint === 'string') return body as unknown as InstanceMetadataAddress;
  if (r.status === 404 && typeof body.error === 'string' && body.error.startsWith('There is no running instance')) {
    throw new InstanceNotRunningError(`the emulator has no running instance ${instanceId} in the lab's account.`);
  }
  throw new NoInstanceMetadataError(
    `the backend at ${target.endpoint} did not give the metadata service address of ${instanceId} (HTTP ${r.status}${typeof body.error === 'string' ? `: ${body.error}` : ''}).`,
  );
}

/** An instance's metadata service, reachable on this machine until close(). */
export interface OpenedInstanceMetadata {
  address: InstanceMetadataAddress;
  close(): Promise<void>;
}

/** The instance and its role, from the workshop server's route for the learner's own instances. */
async function workshopInstance(target: Target, token: string, instanceId: string): Promise<InstanceMetadataInfo> {
  const url = `${target.endpoint.replace(/\/$/, '')}${INSTANCE_ROUTE_PREFIX}${encodeURIComponent(instanceId)}`;
  let r: { status: number; body: string };
  try {
    r = await httpRequest(url, { timeoutMs: 10_000, headers: { authorization: `Bearer ${token}` } });
  } catch (e) {
    throw new BackendUnavailableError(`the workshop server at ${target.endpoint} does not answer (${(e as Error).message}).`, 2, 'Is it still running? Ask your instructor.');
  }
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    /* reported below by status */
  }
  if (r.status === 200 && typeof body.instanceId === 'string') return body as unknown as InstanceMetadataInfo;
  if (r.status === 404 && body.code === 'InvalidInstanceID.NotFound') {
    throw new InstanceNotRunningError(`the workshop server has no running instance ${instanceId} in your account.`);
  }
  if (r.status === 401) throw new UsageError('the workshop server does not know your learner token.', 2, 'Join again: iam-labs workshop join <url> --name "Your Name" --code <code>.');
  throw new NoInstanceMetadataError(
    `the workshop server at ${target.endpoint} did not describe instance ${instanceId} (HTTP ${r.status}${typeof body.error === 'string' ? `: ${body.error}` : ''}).`,
    2,
    r.status === 404 ? 'This server may be older than your iam-labs: ask your instructor.' : undefined,
  );
}

/**
 * Make `instanceId`'s metadata service reachable on this machine: the emulator's own listener, or
 * on a workshop backend a loopback listener of this process that forwards to the server.
 */
export async function openInstanceMetadata(target: Target, instanceId: string, say?: (line: string) => void): Promise<OpenedInstanceMetadata> {
  if (target.backend !== 'workshop') return { address: await instanceMetadataAddress(target, instanceId), close: async () => {} };
  if (!target.capabilities.instanceMetadata || !target.workshopToken) {
    throw new NoInstanceMetadataError(
      'this machine joined the workshop before its server could reach instance metadata services for learners.',
      2,
      'Join again (same name and code): iam-labs workshop join <url> --name "Your Name" --code <code>.',
    );
  }
  const info = await workshopInstance(target, target.workshopToken, instanceId);
  const proxy = await startMetadataProxy(target.endpoint, target.workshopToken, instanceId, say);
  return { address: { ...info, endpoint: proxy.endpoint, metadataServiceEndpoint: `${proxy.endpoint}/` }, close: proxy.close };
}

/**
 * The role credentials `instanceId`'s metadata service hands out: what the AWS CLI or an SDK
 * running on the instance would sign with. UsageError when the instance has no instance profile.
 */
export async function instanceRoleCredentials(target: Target, instanceId: string): Promise<Credentials> {
  const opened = await openInstanceMetadata(target, instanceId);
  try {
    return await roleCredentialsAt(opened.address.endpoint, instanceId);
  } finally {
    await opened.close();
  }
}

async function roleCredentialsAt(endpoint: string, instanceId: string): Promise<Credentials> {
  const token = await httpRequest(`${endpoint}/latest/api/token`, { method: 'PUT', headers: { [TOKEN_TTL]: '300' }, timeoutMs: 5000 });
  if (token.status !== 200) throw new BackendUnavailableError(`the metadata service of ${instanceId} refused a session token (HTTP ${token.status}).`);
  const get = (path: string) => httpRequest(`${endpoint}${path}`, { headers: { [TOKEN]: token.body }, timeoutMs: 5000 });
  const roles = await get('/latest/meta-data/iam/security-credentials/');
  const role = roles.body.split('\n')[0]?.trim();
  if (roles.status !== 200 || !role) throw new UsageError(`instance ${instanceId} has no instance profile, so its metadata service hands out no credentials.`);
  const creds = await get(`/latest/meta-data/iam/security-credentials/${encodeURIComponent(role)}`);
  const c = JSON.parse(creds.body) as { AccessKeyId?: string; SecretAccessKey?: string; Token?: string };
  if (creds.status !== 200 || !c.AccessKeyId || !c.SecretAccessKey) {
    throw new UsageError(`the metadata service of ${instanceId} gave no credentials for role ${role} (HTTP ${creds.status}).`);
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.Token ? { sessionToken: c.Token } : {}) };
}
