/** Lab 04 steps: fix a policy version, least privilege, explicit deny, conditions, bucket policies. */
import {
  CreatePolicyVersionCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  GetPolicyCommand,
  PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import {
  accountInfo,
  attachToUser,
  awsManagedArn,
  createCustomerPolicy,
  customerPolicyArn,
  iamArn,
  isNotFound,
  listAttachedGroup,
  listAttachedUser,
  listUserInline,
  s3Arn,
} from '../aws.js';
import { fact, failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { HYPOTHETICAL_SOURCE } from '../explain.js';
import { Probes, type PrincipalRef, type ProbeRequest } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { AUDITOR, GROUP, PAYROLL, REPORTS } from './setup.js';

const arns = async (ctx: LabContext) => {
  const { partition, accountId } = await accountInfo(ctx);
  return {
    partition,
    accountId,
    reportsBucket: s3Arn(partition, REPORTS),
    reportsObjects: s3Arn(partition, `${REPORTS}/*`),
    q1: s3Arn(partition, `${REPORTS}/q1.csv`),
    newReport: s3Arn(partition, `${REPORTS}/q3.csv`),
    payrollBucket: s3Arn(partition, PAYROLL),
    salaries: s3Arn(partition, `${PAYROLL}/salaries.csv`),
  };
};

/** Customer managed policy facts: exists, default version, attached where. */
async function policyInfo(ctx: LabContext, name: string): Promise<{ arn: string; defaultVersion?: string } | undefined> {
  const arn = await customerPolicyArn(ctx, name);
  try {
    const r = await ctx.clients.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    return { arn, defaultVersion: r.Policy?.DefaultVersionId };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function attachedToUser(ctx: LabContext, user: string, policy: string): Promise<Condition> {
  let attached: string[];
  try {
    attached = (await listAttachedUser(ctx.clients.iam, user)).map((a) => a.PolicyName ?? '');
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return failed(`${policy} is attached to ${user}`, `${policy} attached to user ${user}`, `no user ${user}`, `User ${user} does not exist any more; this lab needs it (iam-labs reset brings it back).`);
  }
  return fact(
    attached.includes(policy),
    `${policy} is attached to ${user}`,
    `${policy} in ${user}'s attached policies`,
    attached.length ? attached.join(', ') : 'no attached policies',
    `${user} does not have ${policy} attached, so none of its statements apply to ${user}.`,
    `aws iam attach-user-policy --user-name ${user} --policy-arn arn:aws:iam::<account-id>:policy/${policy}`,
  );
}

const WHY_CMD = 'iam-labs why analyst s3:ListBucket arn:aws:s3:::acme-reports';

export const fixBucketArn = defineStep({
  id: 'policies/fix-bucket-arn',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const info = await policyInfo(ctx, 'ReportsReader');
    const analyst: PrincipalRef = { kind: 'user', name: 'analyst' };
    const hint =
      info?.defaultVersion === 'v1'
        ? `ReportsReader's default version is still v1. Publish a fixed one with aws iam create-policy-version --set-as-default; \`${WHY_CMD}\` shows the statement at fault.`
        : undefined;
    const probe = (name: string, action: string, resource: string, want: 'allow' | 'deny', context?: Record<string, string>) =>
      probeCondition(probes, name, { principal: analyst, action, resource, context } satisfies ProbeRequest, want, hint);
    const out: Condition[] = [
      await attachedToUser(ctx, 'analyst', 'ReportsReader'),
      fact(
        !!info && info.defaultVersion !== 'v1',
        'ReportsReader has a new default version',
        'a default version other than v1',
        info ? `default version ${info.defaultVersion}` : 'no policy ReportsReader',
        info ? 'The default version is still v1, the one with the bug.' : 'The customer managed policy ReportsReader is gone: this step fixes it in place, with a new version.',
        'aws iam create-policy-version --policy-arn <ReportsReader ARN> --policy-document file://reports-reader-v2.json --set-as-default',
      ),
      await probe('analyst can list acme-reports (s3:ListBucket on the bucket)', 's3:ListBucket', a.reportsBucket, 'allow'),
      await probe('analyst can read q1.csv (s3:GetObject)', 's3:GetObject', a.q1, 'allow'),
      await probe('analyst cannot upload to acme-reports', 's3:PutObject', a.newReport, 'deny'),
      await probe('analyst cannot delete from acme-reports', 's3:DeleteObject', a.q1, 'deny'),
      await probe('analyst cannot list acme-payroll', 's3:ListBucket', a.payrollBucket, 'deny'),
      await probe('analyst cannot read acme-payroll from outside the office', 's3:GetObject', a.salaries, 'deny', { 'aws:SourceIp': '203.0.113.5' }),
    ];
    return out;
  },
  async solve(ctx) {
    const a = await arns(ctx);
    const doc = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ListTheBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: a.reportsBucket },
        { Sid: 'ReadTheObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: a.reportsObjects },
      ],
    };
    await newReaderVersion(ctx, doc);
  },
  mistakes: [
    {
      name: 'unchanged v1',
      apply: async () => {},
      expectFeedback: /s3:ListBucket acts on the bucket arn:aws:s3:::acme-reports; the only statement that allows it \(ReportsReader, statement 1 "ReadReports"\) lists arn:aws:s3:::acme-reports\/\*, which names objects, not the bucket/,
    },
    {
      name: 'Resource: "*"',
      apply: async (ctx) => newReaderVersion(ctx, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: '*' }] }),
      expectFeedback: /analyst cannot list acme-payroll[\s\S]*Allowed when it should not be: ReportsReader/,
    },
    {
      name: 's3:*',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [a.reportsBucket, a.reportsObjects] }] });
      },
      expectFeedback: /analyst cannot upload to acme-reports[\s\S]*Allowed when it should not be: ReportsReader/,
    },
  ],
});

async function newReaderVersion(ctx: LabContext, doc: object): Promise<void> {
  await ctx.clients.iam.send(
    new CreatePolicyVersionCommand({ PolicyArn: await customerPolicyArn(ctx, 'ReportsReader'), PolicyDocument: JSON.stringify(doc), SetAsDefault: true }),
  );
}

const internReadDoc = (a: Awaited<ReturnType<typeof arns>>, action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadReportObjects', Effect: 'Allow', Action: action, Resource: a.reportsObjects }],
});

export const leastPrivilege = defineStep({
  id: 'policies/least-privilege',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const inline: string[] = await listUserInline(ctx.clients.iam, 'intern').catch((e: unknown) => (isNotFound(e) ? [] : Promise.reject(e)));
    const intern: PrincipalRef = { kind: 'user', name: 'intern' };
    const inlineHint = inline.includes('TempFullAccess') ? 'TempFullAccess (inline on intern) still allows "*" on "*": delete it with aws iam delete-user-policy --user-name intern --policy-name TempFullAccess.' : undefined;
    const info = await policyInfo(ctx, 'InternReadReports');
    return [
      fact(
        inline.length === 0,
        'intern has no inline policies',
        'no inline policy on intern',
        inline.length ? inline.join(', ') : 'none',
        `${inline.join(', ')} is still on intern. An inline policy lives and dies with the user and is easy to forget; "Action": "*" on "Resource": "*" makes intern an administrator.`,
        'aws iam delete-user-policy --user-name intern --policy-name TempFullAccess',
      ),
      info ? passed('customer managed policy InternReadReports exists', 'InternReadReports', info.arn) : failed('customer managed policy InternReadReports exists', 'InternReadReports', 'no such policy', 'The step asks for a reusable customer managed policy named InternReadReports.', 'aws iam create-policy --policy-name InternReadReports --policy-document file://intern-read-reports.json'),
      await attachedToUser(ctx, 'intern', 'InternReadReports'),
      await probeCondition(probes, 'intern can read acme-reports objects', { principal: intern, action: 's3:GetObject', resource: a.q1 }, 'allow'),
      await probeCondition(probes, 'intern cannot create IAM users', { principal: intern, action: 'iam:CreateUser', resource: await iamArn(ctx, 'user', 'new-user') }, 'deny', inlineHint),
      await probeCondition(probes, 'intern cannot delete report objects', { principal: intern, action: 's3:DeleteObject', resource: a.q1 }, 'deny', inlineHint),
      await probeCondition(probes, 'intern cannot read acme-payroll', { principal: intern, action: 's3:GetObject', resource: a.salaries, context: { 'aws:SourceIp': '10.1.2.3' } }, 'deny', inlineHint),
    ];
  },
  async solve(ctx) {
    const arn = await createCustomerPolicy(ctx, 'InternReadReports', internReadDoc(await arns(ctx), 's3:GetObject'));
    await attachToUser(ctx, 'intern', arn);
    await ctx.clients.iam.send(new DeleteUserPolicyCommand({ UserName: 'intern', PolicyName: 'TempFullAccess' }));
  },
  mistakes: [
    {
      name: 'inline left',
      apply: async (ctx) => attachToUser(ctx, 'intern', await createCustomerPolicy(ctx, 'InternReadReports', internReadDoc(await arns(ctx), 's3:GetObject'))),
      expectFeedback: /TempFullAccess is still on intern[\s\S]*intern cannot create IAM users[\s\S]*Allowed when it should not be: TempFullAccess/,
    },
    {
      name: 's3:*',
      apply: async (ctx) => {
        await attachToUser(ctx, 'intern', await createCustomerPolicy(ctx, 'InternReadReports', internReadDoc(await arns(ctx), 's3:*')));
        await ctx.clients.iam.send(new DeleteUserPolicyCommand({ UserName: 'intern', PolicyName: 'TempFullAccess' }));
      },
      expectFeedback: /intern cannot delete report objects[\s\S]*Allowed when it should not be: InternReadReports/,
    },
  ],
});

export const explicitDeny = defineStep({
  id: 'policies/explicit-deny',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const alice: PrincipalRef = { kind: 'user', name: 'alice' };
    const hint = async () => {
      const onGroup = (await listAttachedGroup(ctx.clients.iam, GROUP).catch(() => [])).map((p) => p.PolicyName);
      if (!onGroup.includes('AmazonS3FullAccess')) {
        return `AmazonS3FullAccess is no longer attached to group ${GROUP}: that takes away all of their S3 access and only denies deletes implicitly. Re-attach it and add a statement with "Effect": "Deny" instead.`;
      }
      return `Add a Deny to the group, e.g. aws iam put-group-policy --group-name ${GROUP} --policy-name DenyReportDeletes --policy-document file://deny-deletes.json`;
    };
    return [
      await probeCondition(probes, 'alice is explicitly denied deleting acme-reports objects', { principal: alice, action: 's3:DeleteObject', resource: a.q1 }, 'explicit-deny', hint),
      await probeCondition(probes, `any member of ${GROUP} is explicitly denied it (the Deny is on the group)`, { principal: { kind: 'group-member', group: GROUP }, action: 's3:DeleteObject', resource: a.q1 }, 'explicit-deny', hint),
      await probeCondition(probes, 'alice can still upload to acme-reports', { principal: alice, action: 's3:PutObject', resource: a.newReport }, 'allow', hint),
      await probeCondition(probes, 'alice can still delete in other buckets', { principal: alice, action: 's3:DeleteObject', resource: s3Arn(a.partition, 'dev-sandbox/tmp.txt'), resourcePolicy: 'none' }, 'allow', hint),
    ];
  },
  async solve(ctx) {
    const a = await arns(ctx);
    await ctx.clients.iam.send(
      new PutGroupPolicyCommand({
        GroupName: GROUP,
        PolicyName: 'DenyReportDeletes',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoDeletingReports', Effect: 'Deny', Action: 's3:DeleteObject', Resource: a.reportsObjects }] }),
      }),
    );
  },
  mistakes: [
    {
      name: 'FullAccess detached instead (implicit deny only)',
      apply: async (ctx) => void (await ctx.clients.iam.send(new DetachGroupPolicyCommand({ GroupName: GROUP, PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }))),
      expectFeedback: /Only implicitly denied[\s\S]*AmazonS3FullAccess is no longer attached to group developers/,
    },
  ],
});

const payrollDoc = (a: Awaited<ReturnType<typeof arns>>, withCondition: boolean) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PayrollFromTheOffice',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: s3Arn(a.partition, `${PAYROLL}/*`),
      ...(withCondition ? { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } } : {}),
    },
  ],
});

export const sourceIpCondition = defineStep({
  id: 'policies/source-ip-condition',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const info = await policyInfo(ctx, 'OfficeOnlyPayroll');
    const analyst: PrincipalRef = { kind: 'user', name: 'analyst' };
    const condHint = 'Add "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}} to the statement that allows s3:GetObject on acme-payroll/*.';
    return [
      info ? passed('customer managed policy OfficeOnlyPayroll exists', 'OfficeOnlyPayroll', info.arn) : failed('customer managed policy OfficeOnlyPayroll exists', 'OfficeOnlyPayroll', 'no such policy', 'The step asks for a customer managed policy named OfficeOnlyPayroll.', 'aws iam create-policy --policy-name OfficeOnlyPayroll --policy-document file://office-only-payroll.json'),
      await attachedToUser(ctx, 'analyst', 'OfficeOnlyPayroll'),
      await probeCondition(probes, 'analyst can read salaries.csv from the office (aws:SourceIp=10.1.2.3)', { principal: analyst, action: 's3:GetObject', resource: a.salaries, context: { 'aws:SourceIp': '10.1.2.3' } }, 'allow'),
      await probeCondition(probes, 'analyst cannot read it from elsewhere (aws:SourceIp=203.0.113.5)', { principal: analyst, action: 's3:GetObject', resource: a.salaries, context: { 'aws:SourceIp': '203.0.113.5' } }, 'deny', condHint),
    ];
  },
  async solve(ctx) {
    await attachToUser(ctx, 'analyst', await createCustomerPolicy(ctx, 'OfficeOnlyPayroll', payrollDoc(await arns(ctx), true)));
  },
  mistakes: [
    {
      name: 'no condition',
      apply: async (ctx) => attachToUser(ctx, 'analyst', await createCustomerPolicy(ctx, 'OfficeOnlyPayroll', payrollDoc(await arns(ctx), false))),
      expectFeedback: /aws:SourceIp=203\.0\.113\.5[\s\S]*Allowed when it should not be: OfficeOnlyPayroll/,
    },
  ],
});

export const bucketPolicy = defineStep({
  id: 'policies/bucket-policy',
  async check(ctx) {
    const a = await arns(ctx);
    if (!ctx.capabilities.bucketPolicies) {
      return [unverifiable(`${AUDITOR} can read acme-reports through the bucket policy`, 'allowed', 'This backend does not support bucket policies.')];
    }
    const probes = new Probes(ctx);
    const hasPolicy = !!(await probes.bucketPolicy(REPORTS));
    const hint = hasPolicy ? undefined : `acme-reports has no bucket policy yet: aws s3api put-bucket-policy --bucket ${REPORTS} --policy file://auditor-read.json`;
    const stranger: PrincipalRef = { kind: 'arn', arn: await iamArn(ctx, 'user', 'new-hire'), type: 'user', accountId: a.accountId, identityPolicies: [], label: 'a user of this account with no policies' };
    const outsider: PrincipalRef = {
      kind: 'arn',
      arn: `arn:${a.partition}:iam::444455556666:user/outsider`,
      type: 'user',
      accountId: '444455556666',
      identityPolicies: [{ name: 'their own account allows all of S3', source: HYPOTHETICAL_SOURCE, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
      label: 'a user of another account (444455556666)',
    };
    const principalHint = 'Name the role in the Principal: {"AWS": "arn:aws:iam::<account-id>:role/ReportsAuditor"}. "*" means everyone, in every account, even without credentials.';
    return [
      await probeCondition(probes, `${AUDITOR} (no identity policy) can read acme-reports objects through the bucket policy`, { principal: { kind: 'role', name: AUDITOR }, action: 's3:GetObject', resource: a.q1, identity: 'none' }, 'allow', hint),
      await probeCondition(probes, 'other users of this account cannot read through it', { principal: stranger, action: 's3:GetObject', resource: a.q1 }, 'deny', principalHint),
      await probeCondition(probes, 'users of other accounts cannot read through it', { principal: outsider, action: 's3:GetObject', resource: a.q1 }, 'deny', principalHint),
    ];
  },
  async solve(ctx) {
    const a = await arns(ctx);
    await ctx.clients.s3.send(
      new PutBucketPolicyCommand({
        Bucket: REPORTS,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'AuditorReadsReports', Effect: 'Allow', Principal: { AWS: await iamArn(ctx, 'role', AUDITOR) }, Action: 's3:GetObject', Resource: a.reportsObjects }],
        }),
      }),
    );
  },
  mistakes: [
    {
      name: 'Principal "*"',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await ctx.clients.s3.send(
          new PutBucketPolicyCommand({ Bucket: REPORTS, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: a.reportsObjects }] }) }),
        );
      },
      expectFeedback: /other users of this account cannot read through it[\s\S]*Allowed when it should not be: bucket policy of acme-reports/,
    },
  ],
});

export const lab04Steps = [fixBucketArn, leastPrivilege, explicitDeny, sourceIpCondition, bucketPolicy];
