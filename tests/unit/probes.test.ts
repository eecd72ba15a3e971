/**
 * Permission probes with fake SDK clients: which policies are gathered (user inline + attached,
 * group inline + attached, boundary; role policies and trust; bucket policy), URL-decoding of
 * IAM documents, caching within one run, and effective-permission grading (equivalent solutions
 * pass) through the real policy engine.
 */
import { describe, expect, it } from 'vitest';
import { probeCondition } from '../../src/graders/conditions.js';
import { labContext } from '../helpers/emulator.js';
import { MissingPrincipal, Probes } from '../../src/graders/probes.js';
import type { LabContext } from '../../src/graders/types.js';
import type { EvaluationRequest, PolicyEngine } from '../../src/policy/types.js';

const ACCOUNT = '123456789012';
const enc = (o: object) => encodeURIComponent(JSON.stringify(o));
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

interface World {
  users: Record<string, { inline?: Record<string, object>; attached?: string[]; groups?: string[]; boundary?: string }>;
  groups?: Record<string, { inline?: Record<string, object>; attached?: string[] }>;
  roles?: Record<string, { trust: object; inline?: Record<string, object>; attached?: string[] }>;
  managed?: Record<string, object>;
  buckets?: Record<string, object | undefined>;
}

function notFound(name = 'NoSuchEntity') {
  return Object.assign(new Error(name), { name });
}

/** A LabContext whose clients answer from `world`, counting calls per command. */
function fakeContext(world: World): { ctx: LabContext; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const send = async (cmd: { constructor: { name: string }; input: any }) => {
    const op = cmd.constructor.name.replace(/Command$/, '');
    calls[op] = (calls[op] ?? 0) + 1;
    const i = cmd.input;
    const user = world.users[i.UserName];
    const group = world.groups?.[i.GroupName];
    const role = world.roles?.[i.RoleName];
    switch (op) {
      case 'GetCallerIdentity':
        return { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root` };
      case 'GetUser':
        if (!user) throw notFound();
        return { User: { UserName: i.UserName, Arn: `arn:aws:iam::${ACCOUNT}:user/${i.UserName}`, UserId: 'AIDAFAKE', PermissionsBoundary: user.boundary ? { PermissionsBoundaryArn: user.boundary } : undefined } };
      case 'ListUserPolicies':
        return { PolicyNames: Object.keys(user?.inline ?? {}) };
      case 'GetUserPolicy':
        return { PolicyDocument: enc(user!.inline![i.PolicyName]) };
      case 'ListAttachedUserPolicies':
        return { AttachedPolicies: (user?.attached ?? []).map((a) => ({ PolicyArn: a, PolicyName: a.split('/').pop() })) };
      case 'ListGroupsForUser':
        return { Groups: (user?.groups ?? []).map((g) => ({ GroupName: g })) };
      case 'ListGroupPolicies':
        return { PolicyNames: Object.keys(group?.inline ?? {}) };
      case 'GetGroupPolicy':
        return { PolicyDocument: enc(group!.inline![i.PolicyName]) };
      case 'ListAttachedGroupPolicies':
        return { AttachedPolicies: (group?.attached ?? []).map((a) => ({ PolicyArn: a, PolicyName: a.split('/').pop() })) };
      case 'GetRole':
        if (!role) throw notFound();
        return { Role: { RoleName: i.RoleName, Arn: `arn:aws:iam::${ACCOUNT}:role/${i.RoleName}`, AssumeRolePolicyDocument: enc(role.trust) } };
      case 'ListRolePolicies':
        return { PolicyNames: Object.keys(role?.inline ?? {}) };
      case 'GetRolePolicy':
        return { PolicyDocument: enc(role!.inline![i.PolicyName]) };
      case 'ListAttachedRolePolicies':
        return { AttachedPolicies: (role?.attached ?? []).map((a) => ({ PolicyArn: a, PolicyName: a.split('/').pop() })) };
      case 'GetPolicy':
        return { Policy: { PolicyName: i.PolicyArn.split('/').pop(), Arn: i.PolicyArn, DefaultVersionId: 'v2' } };
      case 'GetPolicyVersion':
        expect(i.VersionId).toBe('v2');
        return { PolicyVersion: { Document: enc(world.managed![i.PolicyArn]), VersionId: 'v2', IsDefaultVersion: true } };
      case 'GetBucketPolicy': {
        if (!world.buckets || !(i.Bucket in world.buckets)) throw notFound('NoSuchBucket');
        const p = world.buckets[i.Bucket];
        if (!p) throw notFound('NoSuchBucketPolicy');
        return { Policy: JSON.stringify(p) }; // S3 returns the policy as plain JSON, not URL-encoded
      }
      default:
        throw new Error(`fake client: ${op} not scripted`);
    }
  };
  const { ctx } = labContext('http://127.0.0.1:9');
  // real client objects (the SDK's paginators check what they are given), answering from the script
  const fake = labContext('http://127.0.0.1:9').ctx.clients;
  for (const c of [fake.iam, fake.sts, fake.s3]) c.send = send as never;
  return { ctx: { ...ctx, clients: fake, clientsFor: () => fake }, calls };
}

const READONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const managed = {
  [READONLY]: doc({ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }),
  [`arn:aws:iam::${ACCOUNT}:policy/Boundary`]: doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
};

describe('policy gathering', () => {
  const world: World = {
    users: {
      alice: { inline: { Own: doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }) }, attached: [READONLY], groups: ['developers'], boundary: `arn:aws:iam::${ACCOUNT}:policy/Boundary` },
    },
    groups: { developers: { inline: { NoDeletes: doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::acme-reports/*' }) }, attached: [READONLY] } },
    roles: { Auditor: { trust: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), inline: { Read: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) } } },
    managed,
    buckets: { 'acme-reports': doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/Auditor` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' }) },
  };

  it('gathers user inline, attached, group inline + attached and the boundary, decoded', async () => {
    const { ctx } = fakeContext(world);
    const g = await new Probes(ctx).gather({ principal: { kind: 'user', name: 'alice' }, action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/q1.csv' });
    const summary = g.policies.map((p) => `${p.kind}:${p.name}:${p.source}`);
    expect(summary).toEqual([
      'identity:Own:inline on user alice',
      'identity:AmazonS3ReadOnlyAccess:attached to user alice',
      'identity:NoDeletes:inline on group developers (alice is a member)',
      'identity:AmazonS3ReadOnlyAccess:attached to group developers (alice is a member)',
      `boundary:Boundary:permissions boundary of user alice`,
      'resource:bucket policy of acme-reports:bucket policy of acme-reports',
    ]);
    expect(JSON.parse(g.request.identityPolicies[0].document as string).Statement[0].Action).toBe('sqs:SendMessage');
    expect(g.request.principal).toEqual({ arn: `arn:aws:iam::${ACCOUNT}:user/alice`, type: 'user', accountId: ACCOUNT });
    expect(g.request.resourceAccount).toBe(ACCOUNT);
    expect(g.request.context).toMatchObject({ 'aws:username': 'alice' });
  });

  it('uses the trust policy as the resource policy for sts:AssumeRole on a role', async () => {
    const { ctx } = fakeContext(world);
    const g = await new Probes(ctx).gather({ principal: { kind: 'service', service: 'ec2.amazonaws.com' }, action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/Auditor` });
    expect(g.request.identityPolicies).toEqual([]);
    expect(g.request.resourcePolicy?.name).toBe('trust policy of role Auditor');
    expect(JSON.parse(g.request.resourcePolicy!.document as string).Statement[0].Principal.Service).toBe('ec2.amazonaws.com');
  });

  it('identity "none" keeps only the resource policy; a missing bucket has none', async () => {
    const { ctx } = fakeContext(world);
    const p = new Probes(ctx);
    const g = await p.gather({ principal: { kind: 'role', name: 'Auditor' }, action: 's3:GetObject', resource: 'arn:aws:s3:::acme-reports/q1.csv', identity: 'none' });
    expect(g.policies.map((x) => x.name)).toEqual(['bucket policy of acme-reports']);
    const g2 = await p.gather({ principal: { kind: 'role', name: 'Auditor' }, action: 's3:GetObject', resource: 'arn:aws:s3:::elsewhere/x' });
    expect(g2.request.resourcePolicy).toBeUndefined();
  });

  it('caches what it gathered within one Probes instance', async () => {
    const { ctx, calls } = fakeContext(world);
    const fakeEngine = { evaluate: async () => ({ decision: 'Allowed', deciding: [], nearMisses: [], reason: '', awsMessage: '' }), validate: () => [] } as unknown as PolicyEngine;
    const probes = new Probes(ctx, fakeEngine);
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
      await probes.run({ principal: { kind: 'user', name: 'alice' }, action, resource: 'arn:aws:s3:::acme-reports/q1.csv' });
    }
    expect(calls.GetUser).toBe(1);
    expect(calls.GetPolicy).toBe(2); // AmazonS3ReadOnlyAccess (once, shared by user and group) + Boundary
    expect(calls.GetBucketPolicy).toBe(1);
  });

  it('a missing user is a MissingPrincipal, and a failed condition says so', async () => {
    const { ctx } = fakeContext(world);
    const p = new Probes(ctx);
    await expect(p.gather({ principal: { kind: 'user', name: 'ghost' }, action: 's3:GetObject', resource: '*' })).rejects.toBeInstanceOf(MissingPrincipal);
    const c = await probeCondition(p, 'ghost can read', { principal: { kind: 'user', name: 'ghost' }, action: 's3:GetObject', resource: '*' }, 'allow');
    expect(c).toMatchObject({ status: 'failed', found: 'user ghost does not exist' });
  });

  it('passes the request it built to the engine', async () => {
    const { ctx } = fakeContext(world);
    let seen: EvaluationRequest | undefined;
    const engine = { evaluate: async (r: EvaluationRequest) => ((seen = r), { decision: 'ImplicitlyDenied', deciding: [], nearMisses: [], reason: 'x', awsMessage: 'y' }), validate: () => [] } as unknown as PolicyEngine;
    const out = await new Probes(ctx, engine).run({ principal: { kind: 'user', name: 'alice' }, action: 's3:ListBucket', resource: 'arn:aws:s3:::acme-reports', context: { 'aws:SourceIp': '10.1.2.3' } });
    expect(seen?.context).toMatchObject({ 'aws:SourceIp': '10.1.2.3', 'aws:username': 'alice' });
    expect(seen?.permissionsBoundary?.name).toBe('Boundary');
    expect(out.principalLabel).toBe('user alice');
  });
});

describe('effective permissions: any equivalent solution passes (real policy engine)', () => {
  const want = async (w: World, user: string) => {
    const { ctx } = fakeContext({ managed, ...w });
    const p = new Probes(ctx);
    const res = 'arn:aws:s3:::acme-reports';
    return [
      (await probeCondition(p, 'list', { principal: { kind: 'user', name: user }, action: 's3:ListBucket', resource: res }, 'allow')).status,
      (await probeCondition(p, 'get', { principal: { kind: 'user', name: user }, action: 's3:GetObject', resource: `${res}/q1.csv` }, 'allow')).status,
      (await probeCondition(p, 'put', { principal: { kind: 'user', name: user }, action: 's3:PutObject', resource: `${res}/q1.csv` }, 'deny')).status,
    ];
  };
  const ok = ['passed', 'passed', 'passed'];

  it('two statements, Action as strings, inline on the user', async () => {
    const d = doc({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' }, { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' });
    expect(await want({ users: { a: { inline: { P: d } } } }, 'a')).toEqual(ok);
  });

  it('one statement with both ARNs, Action as a list, Statement as an object, extra Sid', async () => {
    const d = { Version: '2012-10-17', Statement: { Sid: 'Anything', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: ['arn:aws:s3:::acme-reports', 'arn:aws:s3:::acme-reports/*'] } };
    expect(await want({ users: { a: { inline: { P: d } } } }, 'a')).toEqual(ok);
  });

  it('a managed policy reached through a group', async () => {
    expect(await want({ users: { a: { groups: ['team'] } }, groups: { team: { attached: [READONLY] } } }, 'a')).toEqual(ok);
  });

  it('the classic bug fails, naming the statement and the element', async () => {
    const d = doc({ Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-reports/*' });
    const { ctx } = fakeContext({ users: { a: { inline: { ReportsReader: d } } } });
    const c = await probeCondition(new Probes(ctx), 'list', { principal: { kind: 'user', name: 'a' }, action: 's3:ListBucket', resource: 'arn:aws:s3:::acme-reports' }, 'allow');
    expect(c.status).toBe('failed');
    expect(c.why).toContain('the only statement that allows it (ReportsReader, statement 1 "ReadReports") lists arn:aws:s3:::acme-reports/*, which names objects, not the bucket');
  });

  it('an explicit deny in a group beats the Allow, and is named', async () => {
    const { ctx } = fakeContext({ managed, users: { a: { groups: ['team'] } }, groups: { team: { attached: [READONLY], inline: { NoReads: doc({ Sid: 'Stop', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }) } } } });
    const c = await probeCondition(new Probes(ctx), 'get', { principal: { kind: 'user', name: 'a' }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }, 'allow');
    expect(c.found).toBe('explicitly denied');
    expect(c.why).toContain('Explicitly denied: NoReads, inline on group team (a is a member), statement 1 "Stop" denies s3:GetObject on arn:aws:s3:::b/k: its Resource "*" matches every resource.');
    // and the next action names the Deny to narrow
    expect(c.hint).toBe('Narrow the Resource of the Deny in NoReads, statement 1 "Stop": it also covers s3:GetObject on arn:aws:s3:::b/k.');
  });
});

describe('explanations that are true about AWS', () => {
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/Audit`;

  it('an account principal in a trust policy hands the decision to identity policies (it is no Principal miss)', async () => {
    const { ctx } = fakeContext({ users: { john: {} }, roles: { Audit: { trust: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }) } } });
    const c = await probeCondition(new Probes(ctx), 'assume', { principal: { kind: 'user', name: 'john' }, action: 'sts:AssumeRole', resource: ROLE }, 'allow');
    expect(c.found).toBe('implicitly denied (nothing allows it)');
    expect(c.why).toContain(`is not enough on its own: Principal names the whole account (arn:aws:iam::${ACCOUNT}:root), which leaves the decision to the caller's own identity-based policies`);
    expect(c.why).not.toContain('does not include the caller');
    expect(c.hint).toMatch(/^Name user john in the Principal of the trust policy of role Audit, statement 1 \(its ARN\), or give user john an identity policy/);
  });

  it('with an identity policy that allows it, the account principal lets the user in', async () => {
    const allow = doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE });
    const { ctx } = fakeContext({ users: { john: { inline: { AssumeAudit: allow } } }, roles: { Audit: { trust: doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }) } } });
    const c = await probeCondition(new Probes(ctx), 'assume', { principal: { kind: 'user', name: 'john' }, action: 'sts:AssumeRole', resource: ROLE }, 'allow');
    expect(c.status).toBe('passed');
  });

  it('StringEquals on aws:SourceIp: the why names IpAddress, the hint says to use it', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pay/*', Condition: { StringEquals: { 'aws:SourceIp': '10.0.0.0/8' } } });
    const { ctx } = fakeContext({ users: { a: { inline: { Office: p } } } });
    const c = await probeCondition(new Probes(ctx), 'get', { principal: { kind: 'user', name: 'a' }, action: 's3:GetObject', resource: 'arn:aws:s3:::pay/x', context: { 'aws:SourceIp': '10.1.2.3' } }, 'allow');
    expect(c.why).toContain('(StringEquals compares text, so a range such as 10.0.0.0/8 never equals an address: IP ranges need the IpAddress operator)');
    expect(c.hint).toBe('Use the IpAddress operator in the Condition of Office, statement 1: it compares addresses with CIDR ranges.');
  });

  it('a too-broad Allow names the element that reaches too far, and the fix', async () => {
    const p = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-*/*' });
    const { ctx } = fakeContext({ users: { a: { inline: { Reader: p } } } });
    const c = await probeCondition(new Probes(ctx), 'no payroll', { principal: { kind: 'user', name: 'a' }, action: 's3:GetObject', resource: 'arn:aws:s3:::acme-payroll/s.csv' }, 'deny');
    expect(c.why).toContain('Reader, inline on user a, statement 1 allows s3:GetObject on arn:aws:s3:::acme-payroll/s.csv: its Resource "arn:aws:s3:::acme-*/*" matches arn:aws:s3:::acme-payroll/s.csv');
    expect(c.hint).toBe('Narrow the Resource of Reader, statement 1: it reaches arn:aws:s3:::acme-payroll/s.csv.');
  });

  it('"has no policies at all" is said only when it is true', async () => {
    const { ctx } = fakeContext({ users: {}, roles: { Auditor: { trust: doc({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }), attached: [READONLY] } }, managed, buckets: { reports: undefined } });
    const c = await probeCondition(new Probes(ctx), 'read', { principal: { kind: 'role', name: 'Auditor' }, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q1.csv', identity: 'none' }, 'allow');
    expect(c.why).not.toContain('has no policies at all');
    expect(c.why).toContain("Only the resource's own policy counts here: role Auditor's identity policies are left out on purpose.");
  });
});
