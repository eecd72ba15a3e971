/**
 * S3 under enforcement, the lab 04 story end to end with the real CLI: the classic bucket-ARN bug
 * in ReportsReader, its fix as a new default version, payroll out of reach, an explicit deny for
 * developers, a bucket policy for a role with no identity policy, and anonymous access.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddUserToGroupCommand, AttachGroupPolicyCommand, AttachUserPolicyCommand, CreateGroupCommand, CreatePolicyCommand, CreatePolicyVersionCommand, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeletePublicAccessBlockCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { awsCli, clients, startTestEmulator, type Creds } from '../helpers/emulator.js';
import { ACCOUNT, createRole, createUserWithKey, policy, rejection, trustPolicy } from './sts-helpers.js';

let em: StartedEmulator;
let root: ReturnType<typeof clients>;
let analyst: Creds;
let readerArn: string;

const REPORTS = 'arn:aws:s3:::acme-reports';

beforeAll(async () => {
  em = await startTestEmulator();
  root = clients(em.endpoint);
  for (const b of ['acme-reports', 'acme-payroll']) await root.s3.send(new CreateBucketCommand({ Bucket: b }));
  await root.s3.send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'q1.csv', Body: 'quarter,revenue\nq1,100\n' }));
  await root.s3.send(new PutObjectCommand({ Bucket: 'acme-payroll', Key: 'salaries.csv', Body: 'name,salary\n' }));
  // v1 carries the classic bug: ListBucket on the objects ARN.
  const v1 = policy({ Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: `${REPORTS}/*` });
  const created = await root.iam.send(new CreatePolicyCommand({ PolicyName: 'ReportsReader', PolicyDocument: JSON.stringify(v1) }));
  readerArn = created.Policy!.Arn!;
  analyst = await createUserWithKey(root.iam, 'analyst');
  await root.iam.send(new AttachUserPolicyCommand({ UserName: 'analyst', PolicyArn: readerArn }));
});
afterAll(async () => {
  await em?.close();
});

describe('lab 04 with the real CLI', () => {
  it('the buggy ReportsReader cannot list the bucket, and says why', async () => {
    const r = await awsCli(em.endpoint, ['s3', 'ls', 's3://acme-reports'], { creds: analyst });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('AccessDenied');
    const last = em.emulator.decisions.recent({ deniedOnly: true, limit: 1 })[0];
    expect(last).toMatchObject({ action: 's3:ListBucket', resource: REPORTS, decision: 'ImplicitlyDenied' });
    expect(last.reason).toContain(`Resource lists ${REPORTS}/*, which names objects, not the bucket`);
  });

  it('S3 returns the extended same-account message with the resource quoted', async () => {
    const s3 = clients(em.endpoint, analyst).s3;
    const refused = await rejection(s3.send(new GetObjectCommand({ Bucket: 'acme-payroll', Key: 'salaries.csv' })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(refused.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/analyst is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::acme-payroll/salaries.csv" because no identity-based policy allows the s3:GetObject action`,
    );
  });

  it('publishing the fixed version as default lets analyst list and read, nothing more', async () => {
    const fixed = policy(
      { Sid: 'ListReports', Effect: 'Allow', Action: 's3:ListBucket', Resource: REPORTS },
      { Sid: 'ReadReports', Effect: 'Allow', Action: 's3:GetObject', Resource: `${REPORTS}/*` },
    );
    await root.iam.send(new CreatePolicyVersionCommand({ PolicyArn: readerArn, PolicyDocument: JSON.stringify(fixed), SetAsDefault: true }));
    const ls = await awsCli(em.endpoint, ['s3', 'ls', 's3://acme-reports'], { creds: analyst });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('q1.csv');
    const cp = await awsCli(em.endpoint, ['s3', 'cp', 's3://acme-reports/q1.csv', '-'], { creds: analyst });
    expect(cp.code, cp.stderr).toBe(0);
    expect(cp.stdout).toContain('q1,100');
    const payroll = await awsCli(em.endpoint, ['s3', 'ls', 's3://acme-payroll'], { creds: analyst });
    expect(payroll.code).not.toBe(0);
    expect(payroll.stderr).toContain('AccessDenied');
    const rm = await awsCli(em.endpoint, ['s3', 'rm', 's3://acme-reports/q1.csv'], { creds: analyst });
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toContain('AccessDenied');
  });

  it('an explicit deny for developers beats AmazonS3FullAccess', async () => {
    const alice = await createUserWithKey(root.iam, 'alice');
    await root.iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
    await root.iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: 'alice' }));
    await root.iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }));
    await root.iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'developers',
        PolicyName: 'NoDeletingReports',
        PolicyDocument: JSON.stringify(policy({ Sid: 'DenyDeleteReports', Effect: 'Deny', Action: 's3:DeleteObject', Resource: `${REPORTS}/*` })),
      }),
    );
    const s3 = clients(em.endpoint, alice).s3;
    await s3.send(new PutObjectCommand({ Bucket: 'acme-reports', Key: 'draft.csv', Body: 'x' }));
    const refused = await rejection(s3.send(new DeleteObjectCommand({ Bucket: 'acme-reports', Key: 'draft.csv' })));
    expect(refused.message).toBe(
      `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::acme-reports/draft.csv" with an explicit deny in an identity-based policy`,
    );
    await s3.send(new PutObjectCommand({ Bucket: 'acme-payroll', Key: 'tmp.txt', Body: 'x' }));
    await expect(s3.send(new DeleteObjectCommand({ Bucket: 'acme-payroll', Key: 'tmp.txt' }))).resolves.toBeTruthy();
  });

  it('a bucket policy lets a role with no identity policy read the objects', async () => {
    const caller = await createUserWithKey(root.iam, 'auditor-user', { inline: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }) });
    const roleArn = await createRole(root.iam, 'ReportsAuditor', trustPolicy({ AWS: ACCOUNT }));
    const r = await clients(em.endpoint, caller).sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'audit' }));
    const creds: Creds = { accessKeyId: r.Credentials!.AccessKeyId!, secretAccessKey: r.Credentials!.SecretAccessKey!, sessionToken: r.Credentials!.SessionToken! };
    const before = await awsCli(em.endpoint, ['s3', 'cp', 's3://acme-reports/q1.csv', '-'], { creds });
    expect(before.code).not.toBe(0);
    await root.s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'acme-reports',
        Policy: JSON.stringify(policy({ Sid: 'AuditorRead', Effect: 'Allow', Principal: { AWS: roleArn }, Action: 's3:GetObject', Resource: `${REPORTS}/*` })),
      }),
    );
    const after = await awsCli(em.endpoint, ['s3', 'cp', 's3://acme-reports/q1.csv', '-'], { creds });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('q1,100');
    const last = em.emulator.decisions.recent({ limit: 5 }).find((d) => d.action === 's3:GetObject' && d.decision === 'Allowed');
    expect(last?.reason).toContain('AuditorRead');
  });

  it('anonymous requests get a bare "Access Denied" unless a bucket policy makes objects public', async () => {
    const anon = new S3Client({ endpoint: em.endpoint, region: 'us-east-1', forcePathStyle: true, signer: { sign: async (req) => req }, credentials: { accessKeyId: '', secretAccessKey: '' }, maxAttempts: 1 });
    const refused = await rejection(anon.send(new GetObjectCommand({ Bucket: 'acme-payroll', Key: 'salaries.csv' })));
    expect(refused).toMatchObject({ name: 'AccessDenied', status: 403, message: 'Access Denied' });
    const publicRead = JSON.stringify(policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-payroll/*' }));
    // New buckets block public policies (Block Public Access, on by default since April 2023).
    const blocked = await rejection(root.s3.send(new PutBucketPolicyCommand({ Bucket: 'acme-payroll', Policy: publicRead })));
    expect(blocked).toMatchObject({ name: 'AccessDenied', status: 403 });
    await root.s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'acme-payroll' }));
    await root.s3.send(new PutBucketPolicyCommand({ Bucket: 'acme-payroll', Policy: publicRead }));
    const got = await anon.send(new GetObjectCommand({ Bucket: 'acme-payroll', Key: 'salaries.csv' }));
    expect(await got.Body!.transformToString()).toContain('name,salary');
  });
});
