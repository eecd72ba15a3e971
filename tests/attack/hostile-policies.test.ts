/**
 * Attack suite: hostile policies (many wildcards in actions, resources and condition values,
 * variables, NotResource), exercised by long requests from several users at once. No request is
 * answered with a 5xx, and a bystander is answered promptly throughout.
 */
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { pool, rng, SEED, type Rng } from './harness.js';

let em: StartedEmulator;
const users: Array<{ name: string; creds: Creds }> = [];

function wild(r: Rng, letters = 'ab'): string {
  return Array.from({ length: 3 + r.int(12) }, () => `*${letters[r.int(letters.length)]}`).join('') + (r.chance(0.5) ? '*?' : 'c');
}

function hostileStatement(r: Rng): object {
  const resource = r.pick([`arn:aws:s3:::hostile/${wild(r)}`, `arn:aws:s3:::${wild(r, 'h')}/*`, `arn:aws:s3:::hostile/\${aws:username}${wild(r)}`, `arn:aws:iam::*:user/${wild(r)}`]);
  const statement: Record<string, unknown> = {
    Effect: r.chance(0.8) ? 'Allow' : 'Deny',
    Action: r.pick(['s3:*', `s3:${wild(r, 'eO')}`, ['s3:GetObject', 's3:ListBucket'], `iam:${wild(r, 'eU')}`]),
    [r.chance(0.8) ? 'Resource' : 'NotResource']: r.chance(0.5) ? resource : [resource, `arn:aws:s3:::hostile/${wild(r)}`],
  };
  if (r.chance(0.5)) {
    statement.Condition = r.pick([
      { StringLike: { 's3:prefix': [wild(r), wild(r)] } },
      { StringNotLike: { 'aws:username': wild(r, 'u') } },
      { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::*:user/${wild(r, 'u')}` } },
      { 'ForAnyValue:StringLike': { 'aws:TagKeys': wild(r) } },
      { ArnNotLikeIfExists: { 'aws:SourceArn': `arn:${wild(r)}:*:*:*:${wild(r)}` } },
    ]);
  }
  return statement;
}

beforeAll(async () => {
  em = await startTestEmulator();
  const root = clients(em.endpoint);
  await root.s3.send(new CreateBucketCommand({ Bucket: 'hostile' }));
  // New buckets block public policies (as in AWS since 2023); this one means to have one.
  await root.s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'hostile' }));
  const r = rng(SEED + 2);
  await root.s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'hostile',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::hostile/${wild(r)}` }] }),
    }),
  );
  for (let i = 0; i < 4; i++) {
    const name = `u${'a'.repeat(30)}${i}`;
    await root.iam.send(new CreateUserCommand({ UserName: name }));
    const doc = { Version: '2012-10-17', Statement: Array.from({ length: 4 }, () => hostileStatement(r)) };
    await root.iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'hostile', PolicyDocument: JSON.stringify(doc) }));
    const key = await root.iam.send(new CreateAccessKeyCommand({ UserName: name }));
    users.push({ name, creds: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! } });
  }
});
afterAll(async () => {
  await em?.close();
});

describe('hostile policies under concurrent load', () => {
  it('never answer 5xx, and a bystander is answered promptly meanwhile', async () => {
    const r = rng(SEED + 3);
    const tasks = Array.from({ length: 160 }, (_, i) => async () => {
      const who = r.pick(users);
      const c = clients(em.endpoint, who.creds);
      const long = 'a'.repeat(200 + r.int(800)) + r.pick(['', 'b', 'c', '😀']);
      const call = r.int(3);
      const sent =
        call === 0
          ? c.s3.send(new GetObjectCommand({ Bucket: 'hostile', Key: `${long}-${i}` }))
          : call === 1
            ? c.s3.send(new ListObjectsV2Command({ Bucket: 'hostile', Prefix: long }))
            : clients(em.endpoint).iam.send(
                new SimulatePrincipalPolicyCommand({
                  PolicySourceArn: `arn:aws:iam::000000000000:user/${who.name}`,
                  ActionNames: [`s3:${'Get'.repeat(30)}`, 's3:GetObject'],
                  ResourceArns: [`arn:aws:s3:::hostile/${long}`, `arn:aws:s3:::hostile/*a*a*a*a*a*a*a*a*b`],
                }),
              );
      return sent.then(
        () => 200,
        (e: { $metadata?: { httpStatusCode?: number }; name?: string }) => e.$metadata?.httpStatusCode ?? 0,
      );
    });
    const bystander = clients(em.endpoint).sts;
    await bystander.send(new GetCallerIdentityCommand({}));
    let running = true;
    const samples: number[] = [];
    const watch = (async () => {
      while (running) {
        const t0 = performance.now();
        await bystander.send(new GetCallerIdentityCommand({}));
        samples.push(performance.now() - t0);
      }
    })();
    const statuses = await pool(tasks, 6);
    running = false;
    await watch;
    expect(statuses.filter((s) => s >= 500 || s === 0)).toEqual([]);
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThan(0);
    const sorted = samples.sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(250);
    expect(sorted.at(-1)).toBeLessThan(2000);
  });
});
