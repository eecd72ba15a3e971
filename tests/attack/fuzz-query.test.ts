/**
 * Attack suite: fuzzed IAM and STS Query requests, signed (as root and as a user held by a
 * policy) and not, with hostile parameter names and values. Every request must be answered
 * within its deadline and never with a 5xx; afterwards the server still answers normally.
 */
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { iamOperations } from '../../src/emulator/iam/operations.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';
import { clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { createUserWithKey, policy } from '../e2e/sts-helpers.js';
import { HOSTILE_STRINGS, mustAnswer, pool, rng, SEED, type Rng } from './harness.js';

let em: StartedEmulator;
let user: Creds;

beforeAll(async () => {
  em = await startTestEmulator();
  const root = clients(em.endpoint);
  user = await createUserWithKey(root.iam, 'fuzzed', {
    inline: policy(
      { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*', 'iam:*User*'], Resource: 'arn:aws:iam::*:user/*a*a*a*b' },
      { Effect: 'Allow', Action: 'iam:*', Resource: '*', Condition: { StringLike: { 'aws:username': '*z*z*z*z*z*z*q' } } },
    ),
  });
});
afterAll(async () => {
  await em?.close();
});

const PARAMS = [
  'UserName', 'GroupName', 'RoleName', 'PolicyName', 'PolicyDocument', 'PolicyArn', 'Path', 'PathPrefix', 'NewUserName', 'Marker', 'MaxItems',
  'AssumeRolePolicyDocument', 'RoleArn', 'RoleSessionName', 'DurationSeconds', 'SerialNumber', 'TokenCode', 'ExternalId', 'Policy',
  'AccessKeyId', 'Status', 'PolicySourceArn', 'InstanceProfileName', 'VersionId', 'SetAsDefault', 'Description', 'MaxSessionDuration',
  'Tags.member.1.Key', 'Tags.member.1.Value', 'TagKeys.member.1', 'ActionNames.member.1', 'ActionNames.member.2', 'ResourceArns.member.1',
  'ContextEntries.member.1.ContextKeyName', 'ContextEntries.member.1.ContextKeyValues.member.1', 'ContextEntries.member.1.ContextKeyType',
  'PolicyInputList.member.1', 'Password', 'AuthenticationCode1', 'AuthenticationCode2', 'VirtualMFADeviceName', 'AccountAlias',
  ...HOSTILE_STRINGS.slice(0, 12),
];

function hostilePolicy(r: Rng): string {
  const value = () => r.pick(['*', 's3:*', 'iam:*a*a*a*a*b', `arn:aws:s3:::${'*a'.repeat(r.int(12))}*b`, r.pick(HOSTILE_STRINGS)]);
  const st: Record<string, unknown> = { Effect: r.pick(['Allow', 'Deny', 'Maybe']), [r.pick(['Action', 'NotAction'])]: value(), [r.pick(['Resource', 'NotResource'])]: value() };
  if (r.chance(0.4)) st.Condition = { [r.pick(['StringLike', 'ArnLike', 'ForAnyValue:StringLike', 'StringNotLikeIfExists', '__proto__'])]: { [r.pick(['aws:username', 's3:prefix', 'aws:PrincipalArn', '__proto__'])]: value() } };
  if (r.chance(0.3)) st.Principal = r.pick(['*', { AWS: '*' }, { Service: 'ec2.amazonaws.com' }, { __proto__: 'x' }]);
  if (r.chance(0.1)) return r.pick(HOSTILE_STRINGS);
  return JSON.stringify({ Version: r.pick(['2012-10-17', '2008-10-17', '__proto__']), Statement: r.chance(0.5) ? [st] : st });
}

function request(r: Rng): { body: string; service: string; who: 'root' | 'user' | 'unsigned' | 'forged' } {
  // Now and then the signature's scope names another service, or none that exists.
  const service = r.chance(0.06) ? r.pick(['__proto__', 'constructor', 'toString', 'ec2', 's3', 'hasOwnProperty', 'sts.']) : r.chance(0.8) ? 'iam' : 'sts';
  const ops = Object.keys(service === 'sts' ? stsOperations : iamOperations);
  const q = new URLSearchParams();
  q.set('Action', r.chance(0.85) ? r.pick(ops) : r.pick(HOSTILE_STRINGS));
  if (r.chance(0.92)) q.set('Version', service === 'sts' ? '2011-06-15' : '2010-05-08');
  else if (r.chance(0.5)) q.set('Version', r.pick(HOSTILE_STRINGS));
  for (let i = r.int(7); i > 0; i--) {
    const name = r.pick(PARAMS);
    const value = /Document|^Policy$|PolicyInputList/.test(name) ? hostilePolicy(r) : r.chance(0.7) ? r.pick(HOSTILE_STRINGS) : `ok-${r.int(1000)}`;
    q.append(name, value);
  }
  return { body: q.toString(), service, who: r.pick(['root', 'root', 'user', 'user', 'unsigned', 'forged'] as const) };
}

describe('fuzzed Query requests', () => {
  it('are all answered, never with 5xx, and the server stays healthy', async () => {
    const r = rng(SEED);
    const requests = Array.from({ length: 700 }, () => request(r));
    const statuses = new Map<number, number>();
    await pool(
      requests.map((req, i) => async () => {
        const what = `#${i} ${req.who} ${req.service} ${req.body.slice(0, 200)}`;
        const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
        const answer = await mustAnswer(what, (signal) => {
          if (req.who === 'unsigned' || req.who === 'forged') {
            const auth: Record<string, string> = req.who === 'forged' ? { authorization: `AWS4-HMAC-SHA256 Credential=test/20990101/us-east-1/${req.service}/aws4_request, SignedHeaders=host, Signature=${'f'.repeat(64)}` } : {};
            return fetch(`${em.endpoint}/`, { method: 'POST', body: req.body, headers: { ...headers, ...auth }, signal });
          }
          return signedFetch(em.endpoint, '/', { service: req.service, method: 'POST', body: req.body, headers, credentials: req.who === 'user' ? user : undefined });
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }),
      8,
    );
    // The run exercised success and refusal paths alike.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(10);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    const root = clients(em.endpoint);
    await root.iam.send(new CreateUserCommand({ UserName: 'after-the-storm' }));
    expect((await root.iam.send(new ListUsersCommand({}))).Users!.some((u) => u.UserName === 'after-the-storm')).toBe(true);
  });
});
