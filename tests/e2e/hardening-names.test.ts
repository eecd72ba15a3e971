/**
 * Issue 15, item 5: names that are JavaScript prototype properties are ordinary names. Users,
 * groups, roles, inline policies, S3 keys and metadata named `__proto__`, `constructor` (any
 * case) and friends are stored, found and listed like any other, also after a restart from the
 * state file; a credential scope naming service `__proto__` is an AWS error, not a 500.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetGroupCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { clients, startTestEmulator } from '../helpers/emulator.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { policy, rejection, trustPolicy } from './sts-helpers.js';

const NAMES = ['__proto__', 'constructor', 'Constructor', 'CONSTRUCTOR', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

let dir: string;
let em: StartedEmulator;
let root: ReturnType<typeof clients>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-names-'));
  em = await startTestEmulator({ stateFile: path.join(dir, 'state.json') });
  root = clients(em.endpoint);
});
afterAll(async () => {
  await em?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('prototype property names are ordinary names', () => {
  it('creates, finds and lists users, groups and roles of every such name', async () => {
    // IAM names are unique case-insensitively: constructor/Constructor/CONSTRUCTOR are one name.
    for (const name of NAMES) {
      const created = await root.iam.send(new CreateUserCommand({ UserName: name })).then(
        () => 'created',
        (e: { name: string; Code?: string }) => e.Code ?? e.name,
      );
      expect(created, name).toBe(name === 'Constructor' || name === 'CONSTRUCTOR' ? 'EntityAlreadyExists' : 'created');
      await root.iam.send(new CreateGroupCommand({ GroupName: `${name}` })).catch(() => undefined);
      await root.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trustPolicy({ Service: 'ec2.amazonaws.com' })) })).catch(() => undefined);
    }
    for (const name of NAMES) {
      const lower = name.toLowerCase() === 'constructor' ? 'constructor' : name;
      expect((await root.iam.send(new GetUserCommand({ UserName: name }))).User?.UserName, name).toBe(lower);
      expect((await root.iam.send(new GetGroupCommand({ GroupName: name }))).Group?.GroupName, name).toBe(lower);
      expect((await root.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.RoleName, name).toBe(lower);
    }
    const users = (await root.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName).sort();
    expect(users).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'prototype', 'toString', 'valueOf']);
    // A name never created is still NoSuchEntity, not found on a prototype.
    expect(await rejection(root.iam.send(new GetUserCommand({ UserName: 'isPrototypeOf' })))).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('stores an inline policy named __proto__', async () => {
    await root.iam.send(new PutUserPolicyCommand({ UserName: 'constructor', PolicyName: '__proto__', PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })) }));
    const got = await root.iam.send(new GetUserPolicyCommand({ UserName: 'constructor', PolicyName: '__proto__' }));
    expect(got.PolicyName).toBe('__proto__');
  });

  it('keeps an S3 object whose key is __proto__ (and metadata of that name) — an acknowledged write is never lost', async () => {
    await root.s3.send(new CreateBucketCommand({ Bucket: 'protos' }));
    for (const key of ['__proto__', 'constructor', 'toString']) {
      await root.s3.send(new PutObjectCommand({ Bucket: 'protos', Key: key, Body: `body of ${key}`, Metadata: { __proto__: 'meta', constructor: 'c' } as Record<string, string> }));
    }
    const listed = (await root.s3.send(new ListObjectsV2Command({ Bucket: 'protos' }))).Contents!.map((c) => c.Key);
    expect(listed).toEqual(['__proto__', 'constructor', 'toString']);
    const got = await root.s3.send(new GetObjectCommand({ Bucket: 'protos', Key: '__proto__' }));
    expect(await got.Body!.transformToString()).toBe('body of __proto__');
    const head = await root.s3.send(new HeadObjectCommand({ Bucket: 'protos', Key: '__proto__' }));
    expect(head.Metadata).toEqual({ __proto__: 'meta', constructor: 'c' });
    expect(await rejection(root.s3.send(new GetObjectCommand({ Bucket: 'protos', Key: 'hasOwnProperty' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
  });

  it('answers a credential scope naming service __proto__ with an AWS error, not 500', async () => {
    for (const service of ['__proto__', 'constructor', 'toString']) {
      const res = await signedFetch(em.endpoint, '/', { service, method: 'POST', body: 'Action=ListUsers&Version=2010-05-08', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status, service).toBe(400);
      expect(await res.text()).toContain('<Code>UnknownService</Code>');
    }
  });

  it('reads every such name back from the state file after a restart', async () => {
    const file = path.join(dir, 'state.json');
    await em.close();
    em = await startTestEmulator({ stateFile: file });
    root = clients(em.endpoint);
    expect(em.emulator.state.loadProblems).toEqual([]);
    const users = (await root.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName).sort();
    expect(users).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'prototype', 'toString', 'valueOf']);
    const got = await root.s3.send(new GetObjectCommand({ Bucket: 'protos', Key: '__proto__' }));
    expect(await got.Body!.transformToString()).toBe('body of __proto__');
    expect((await root.iam.send(new GetUserPolicyCommand({ UserName: 'constructor', PolicyName: '__proto__' }))).PolicyName).toBe('__proto__');
    expect(await rejection(root.iam.send(new GetUserCommand({ UserName: 'isPrototypeOf' })))).toMatchObject({ name: 'NoSuchEntityException' });
  });
});
