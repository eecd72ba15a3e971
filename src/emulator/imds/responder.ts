/**
 * What an instance's metadata service answers: IMDSv2 session tokens (PUT /latest/api/token with
 * a TTL header; required when the instance's HttpTokens is "required") and IMDSv1, the meta-data
 * tree (instance-id, placement/region, iam/info, iam/security-credentials/<role>), user-data and
 * the instance identity document, with IMDS's statuses (400, 401, 403, 404) and plain-text bodies.
 */
import crypto from 'node:crypto';
import { instanceRole } from '../ec2/profiles.js';
import { privateDnsName } from '../ec2/ids.js';
import { ec2State, type Instance } from '../ec2/models.js';
import type { AccountState } from '../state/account.js';
import { getRecord } from '../state/records.js';
import { instanceCredentials } from './credentials.js';

export interface ImdsRequest {
  method: string;
  path: string;
  header(name: string): string | undefined;
}

export interface ImdsResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** the account's state changed (new role session): persist it */
  changed?: boolean;
}

const TEXT = { 'content-type': 'text/plain' };
const TOKEN_TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';

/** IMDS answers errors with a small HTML page, as the real service does. */
function htmlError(status: number, title: string): ImdsResponse {
  const body =
    `<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n` +
    `<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n <head>\n  <title>${status} - ${title}</title>\n </head>\n <body>\n  <h1>${status} - ${title}</h1>\n </body>\n</html>\n`;
  return { status, headers: { 'content-type': 'text/html' }, body };
}

const notFound = () => htmlError(404, 'Not Found');
const text = (body: string): ImdsResponse => ({ status: 200, headers: TEXT, body });
const json = (value: object): ImdsResponse => ({ status: 200, headers: TEXT, body: JSON.stringify(value, null, 2) });

/** Live session tokens one instance's metadata service keeps; past this, the oldest is forgotten. */
const MAX_TOKENS = 1000;

/**
 * IMDSv2 session tokens of one instance's metadata service (in memory: a restart ends every
 * session, as a reboot does). Bounded, since a workshop server's learners reach it from afar.
 */
export class TokenStore {
  private readonly tokens = new Map<string, number>();

  issue(ttlSeconds: number): string {
    const now = Date.now();
    for (const [t, exp] of this.tokens) if (exp <= now) this.tokens.delete(t);
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value as string);
    const token = crypto.randomBytes(42).toString('base64');
    this.tokens.set(token, now + ttlSeconds * 1000);
    return token;
  }

  /** remaining seconds, or undefined when the token is unknown or expired */
  check(token: string): number | undefined {
    const exp = this.tokens.get(token);
    if (exp === undefined || exp <= Date.now()) return undefined;
    return Math.floor((exp - Date.now()) / 1000);
  }
}

function isoSeconds(s: string): string {
  return new Date(s).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function metaData(account: AccountState, i: Instance, rest: string[], delivery: '1.0' | '2.0'): ImdsResponse {
  const path = rest.filter(Boolean).join('/');
  const host = privateDnsName(i.privateIpAddress, i.region);
  const role = instanceRole(account, i.instanceId);
  const leaves: Record<string, string> = {
    'ami-id': i.imageId,
    'ami-launch-index': String(i.amiLaunchIndex),
    hostname: host,
    'instance-id': i.instanceId,
    'instance-type': i.instanceType,
    'local-hostname': host,
    'local-ipv4': i.privateIpAddress,
    'reservation-id': i.reservationId,
    'security-groups': 'default',
    'placement/availability-zone': i.availabilityZone,
    'placement/region': i.region,
  };
  if (Object.hasOwn(leaves, path)) return text(leaves[path]);
  if (path === '') return text([...Object.keys(leaves).filter((k) => !k.includes('/')), ...(role ? ['iam/'] : []), 'placement/'].sort().join('\n'));
  if (path === 'placement') return text('availability-zone\nregion');
  if (!role || !path.startsWith('iam')) return notFound();
  if (path === 'iam') return text('info\nsecurity-credentials/');
  if (path === 'iam/info') {
    const lastUpdated = i.imdsCredentials?.issuedAt ?? isoSeconds(new Date().toISOString());
    return json({ Code: 'Success', LastUpdated: lastUpdated, InstanceProfileArn: role.profile.arn, InstanceProfileId: role.profile.instanceProfileId });
  }
  if (!role.role) return notFound();
  if (path === 'iam/security-credentials') return text(role.role.roleName);
  if (path === `iam/security-credentials/${role.role.roleName}`) {
    const { session, issuedAt } = instanceCredentials(account, i, role.role, delivery);
    return {
      ...json({
        Code: 'Success',
        LastUpdated: issuedAt,
        Type: 'AWS-HMAC',
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        Token: session.sessionToken,
        Expiration: isoSeconds(session.expiration),
      }),
      changed: true,
    };
  }
  return notFound();
}

/** Answer one request to the metadata service of `instanceId` in `account`. */
export function respond(account: AccountState, instanceId: string, tokens: TokenStore, req: ImdsRequest): ImdsResponse {
  const instance = getRecord(ec2State(account).instances, instanceId);
  if (!instance || instance.state === 'terminated' || instance.state === 'shutting-down') return notFound();
  if (instance.metadataOptions.httpEndpoint === 'disabled') return htmlError(403, 'Forbidden');
  const path = req.path.split('?')[0].replace(/\/{2,}/g, '/');

  if (path === '/latest/api/token') {
    if (req.method !== 'PUT') return htmlError(405, 'Method Not Allowed');
    // IMDS refuses token requests that went through a proxy, and ones a browser could make.
    if (req.header('x-forwarded-for')) return htmlError(403, 'Forbidden');
    const ttl = Number(req.header(TOKEN_TTL_HEADER));
    if (!req.header(TOKEN_TTL_HEADER) || !Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return htmlError(400, 'Bad Request');
    return { status: 200, headers: { ...TEXT, [TOKEN_TTL_HEADER]: String(ttl) }, body: tokens.issue(ttl) };
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return htmlError(405, 'Method Not Allowed');

  const token = req.header(TOKEN_HEADER);
  let remaining: number | undefined;
  if (token !== undefined) {
    remaining = tokens.check(token);
    if (remaining === undefined) return htmlError(401, 'Unauthorized');
  } else if (instance.metadataOptions.httpTokens === 'required') return htmlError(401, 'Unauthorized');
  const delivery = token !== undefined ? '2.0' : '1.0';
  const withTtl = (r: ImdsResponse): ImdsResponse => (remaining === undefined ? r : { ...r, headers: { ...r.headers, [TOKEN_TTL_HEADER]: String(remaining) } });

  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0) return withTtl(text('latest'));
  if (segments[0] !== 'latest') return withTtl(notFound());
  if (segments.length === 1) return withTtl(text(['dynamic', 'meta-data', ...(instance.userData ? ['user-data'] : [])].join('\n')));
  if (segments[1] === 'meta-data') return withTtl(metaData(account, instance, segments.slice(2), delivery));
  if (segments[1] === 'user-data' && segments.length === 2) {
    return withTtl(instance.userData ? { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(instance.userData, 'base64') } : notFound());
  }
  if (segments.slice(1).join('/') === 'dynamic/instance-identity/document') {
    return withTtl(
      json({
        accountId: account.accountId,
        architecture: 'x86_64',
        availabilityZone: instance.availabilityZone,
        imageId: instance.imageId,
        instanceId: instance.instanceId,
        instanceType: instance.instanceType,
        pendingTime: isoSeconds(instance.launchTime),
        privateIp: instance.privateIpAddress,
        region: instance.region,
        version: '2017-09-30',
      }),
    );
  }
  return withTtl(notFound());
}
