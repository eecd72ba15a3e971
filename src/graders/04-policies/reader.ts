/**
 * Lab 04, steps 1–2: fix ReportsReader (bucket ARN vs object ARN) with a new default version, and
 * replace intern's TempFullAccess with least privilege. Both grade the principle, whatever the
 * grammar: nothing on other buckets (`*`, wildcards, NotResource), nothing beyond reading.
 */
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreatePolicyVersionCommand,
  DeleteUserPolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { attachToGroup, attachToUser, createCustomerPolicy, customerPolicyArn, iamArn, isNotFound, listUserInline, s3Arn } from '../aws.js';
import { fact, otherBuckets, othersDenied, probeCondition } from '../conditions.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { REPORTS } from './setup.js';
import { appliesTo, arns, customerPolicyExists, policyInfo, type LabArns, type PolicyInfo } from './common.js';

const WHY_CMD = 'iam-labs why analyst s3:ListBucket arn:aws:s3:::acme-reports';
const READER = 'ReportsReader';

async function newReaderVersion(ctx: LabContext, doc: object, SetAsDefault = true): Promise<void> {
  await ctx.clients.iam.send(new CreatePolicyVersionCommand({ PolicyArn: await customerPolicyArn(ctx, READER), PolicyDocument: JSON.stringify(doc), SetAsDefault }));
}
const readerDoc = (statements: object[]) => ({ Version: '2012-10-17', Statement: statements });

/**
 * A customer managed policy has up to five versions; only the default one is in force.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
 */
function versionCondition(info: PolicyInfo | undefined): Condition {
  const later = info?.versions.filter((v) => v !== 'v1') ?? [];
  return fact(
    !!info && info.defaultVersion !== 'v1',
    `${READER} has a new default version`,
    'a default version other than v1',
    info ? `default version ${info.defaultVersion}${later.length ? ` (also: ${later.join(', ')})` : ''}` : `no policy ${READER}`,
    !info
      ? `The customer managed policy ${READER} is gone: this step fixes it in place, with a new version.`
      : later.length
        ? `${READER} has ${later.join(', ')}, but its default version is still v1: only the default version is in force.`
        : 'The default version is still v1, the one with the bug: a new version must be published and made the default.',
    !info
      ? 'Run iam-labs reset to bring ReportsReader back, then publish a fixed version.'
      : later.length
        ? `Make it the default: aws iam set-default-policy-version --policy-arn ${info.arn} --version-id ${later[later.length - 1]}`
        : `Publish the fix: aws iam create-policy-version --policy-arn ${info.arn} --policy-document file://reports-reader-v2.json --set-as-default`,
  );
}

export const fixBucketArn = defineStep({
  id: 'policies/fix-bucket-arn',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const info = await policyInfo(ctx, READER);
    const analyst: PrincipalRef = { kind: 'user', name: 'analyst' };
    const stillV1 = info?.defaultVersion === 'v1' ? `ReportsReader's default version is still v1. Publish a fixed one with aws iam create-policy-version --set-as-default; \`${WHY_CMD}\` shows the statement at fault.` : undefined;
    const probe = (name: string, action: string, resource: string, want: 'allow' | 'deny', context?: Record<string, string>) =>
      probeCondition(probes, name, { principal: analyst, action, resource, context }, want, stillV1);
    // s3:ListBucket acts on buckets, s3:GetObject on objects: each Resource must name that type.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
    // The payroll read is probed from outside the office: a later step may allow it from 10.0.0.0/8.
    return [
      await appliesTo(ctx, 'analyst', READER),
      versionCondition(info),
      await probe('analyst can list acme-reports (s3:ListBucket on the bucket)', 's3:ListBucket', a.reportsBucket, 'allow'),
      await probe('analyst can read q1.csv (s3:GetObject)', 's3:GetObject', a.q1, 'allow'),
      await probe('analyst cannot upload to acme-reports', 's3:PutObject', a.newReport, 'deny'),
      await probe('analyst cannot delete from acme-reports', 's3:DeleteObject', a.q1, 'deny'),
      await probe('analyst cannot list acme-payroll', 's3:ListBucket', a.payrollBucket, 'deny'),
      await probe('analyst cannot read acme-payroll from outside the office', 's3:GetObject', a.salaries, 'deny', { 'aws:SourceIp': '203.0.113.5' }),
      await othersDenied(probes, 'analyst cannot list other buckets', { principal: analyst, action: 's3:ListBucket' }, otherBuckets(a.partition, REPORTS), stillV1),
      await othersDenied(probes, 'analyst cannot read objects of other buckets', { principal: analyst, action: 's3:GetObject' }, otherBuckets(a.partition, REPORTS, '2019.csv'), stillV1),
    ];
  },
  async solve(ctx) {
    const a = await arns(ctx);
    await newReaderVersion(
      ctx,
      readerDoc([
        { Sid: 'ListTheBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: a.reportsBucket },
        { Sid: 'ReadTheObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: a.reportsObjects },
      ]),
    );
  },
  mistakes: [
    {
      name: 'unchanged v1',
      element: 'Resource',
      apply: async () => {},
      expectFeedback: /s3:ListBucket acts on the bucket arn:aws:s3:::acme-reports, but the Resource of the only statement that allows it \(ReportsReader, statement 1 "ReadReports"\) lists arn:aws:s3:::acme-reports\/\*, which names objects, not the bucket/,
    },
    {
      // the fix a learner tries first: a new version, but both actions still on the objects
      name: 'v2 with both actions on acme-reports/* (one statement)',
      element: 'Resource',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: a.reportsObjects }]));
      },
      // replacing the Resource would fix ListBucket and break GetObject: the hint must not say so
      expectFeedback: /hint: +Give s3:ListBucket its own statement with the Resource arn:aws:s3:::acme-reports \(or add arn:aws:s3:::acme-reports to the Resource of ReportsReader, statement 1, keeping what is there for s3:GetObject\)/,
    },
    {
      name: 'Resource: "*"',
      element: 'Resource',
      apply: async (ctx) => newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: '*' }])),
      expectFeedback: /analyst cannot list acme-payroll[\s\S]*its Resource "\*" matches every resource[\s\S]*Narrow the Resource of ReportsReader, statement 1/,
    },
    {
      name: 's3:* on the right bucket',
      element: 'Action',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: 's3:*', Resource: [a.reportsBucket, a.reportsObjects] }]));
      },
      expectFeedback: /analyst cannot upload to acme-reports[\s\S]*its Action "s3:\*" covers s3:PutObject[\s\S]*Narrow the Action of ReportsReader, statement 1/,
    },
    {
      name: 'a wildcard in the bucket name (acme-*)',
      element: 'Resource',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:${a.partition}:s3:::acme-*` },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:${a.partition}:s3:::acme-*/*` },
        ]));
      },
      expectFeedback: /analyst cannot list acme-payroll[\s\S]*its Resource "arn:aws:s3:::acme-\*" matches arn:aws:s3:::acme-payroll/,
    },
    {
      name: 'NotResource that leaves out only acme-payroll',
      element: 'NotResource',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], NotResource: [a.payrollBucket, a.payrollObjects] }]));
      },
      expectFeedback: /analyst cannot list other buckets[\s\S]*acme-reports-archive: Allowed when it should not be[\s\S]*its NotResource excludes only/,
    },
    {
      name: 'NotResource that leaves out acme-payroll and the archive (every other bucket still in)',
      element: 'NotResource',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], NotResource: [a.payrollBucket, a.payrollObjects, a.lookalikeBucket, s3Arn(a.partition, 'acme-reports-archive/*')] }]));
      },
      expectFeedback: /analyst cannot list other buckets[\s\S]*Allowed when it should not be[\s\S]*its NotResource excludes only/,
    },
    {
      name: 'a wildcard at the front of the bucket name (*reports)',
      element: 'Resource',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:${a.partition}:s3:::*reports` },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:${a.partition}:s3:::*reports/*` },
        ]));
      },
      expectFeedback: /analyst cannot list other buckets[\s\S]*other-acme-reports: Allowed when it should not be/,
    },
    {
      name: 'fixed version published but not made the default',
      element: 'v1',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: a.reportsBucket }, { Effect: 'Allow', Action: 's3:GetObject', Resource: a.reportsObjects }]), false);
      },
      expectFeedback: /ReportsReader has v2, but its default version is still v1[\s\S]*set-default-policy-version/,
    },
    {
      name: 'a new policy attached instead of a new version',
      element: 'v1',
      apply: async (ctx) => {
        const a = await arns(ctx);
        const arn = await createCustomerPolicy(ctx, 'ReportsReaderV2', readerDoc([{ Effect: 'Allow', Action: 's3:ListBucket', Resource: a.reportsBucket }, { Effect: 'Allow', Action: 's3:GetObject', Resource: a.reportsObjects }]));
        await attachToUser(ctx, 'analyst', arn);
      },
      expectFeedback: /The default version is still v1, the one with the bug/,
    },
  ],
  variants: [
    {
      name: 'one statement: both actions, bucket and objects (lists)',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, readerDoc([{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: [a.reportsBucket, a.reportsObjects] }]));
      },
    },
    {
      name: 'Statement as an object with a Sid',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await newReaderVersion(ctx, { Version: '2012-10-17', Statement: { Sid: 'Reports', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: [a.reportsBucket, a.reportsObjects] } });
      },
    },
  ],
});

const INTERN_POLICY = 'InternReadReports';
const internDoc = (resource: string, action: string | string[] = 's3:GetObject', extra: object = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadReportObjects', Effect: 'Allow', Action: action, Resource: resource, ...extra }],
});
const dropTempFullAccess = async (ctx: LabContext) => void (await ctx.clients.iam.send(new DeleteUserPolicyCommand({ UserName: 'intern', PolicyName: 'TempFullAccess' })));
const internPolicy = (doc: (a: LabArns) => object, dropInline = true) => async (ctx: LabContext) => {
  await attachToUser(ctx, 'intern', await createCustomerPolicy(ctx, INTERN_POLICY, doc(await arns(ctx))));
  if (dropInline) await dropTempFullAccess(ctx);
};

export const leastPrivilege = defineStep({
  id: 'policies/least-privilege',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const inline: string[] = await listUserInline(ctx.clients.iam, 'intern').catch((e: unknown) => (isNotFound(e) ? [] : Promise.reject(e)));
    const intern: PrincipalRef = { kind: 'user', name: 'intern' };
    const inlineHint = inline.includes('TempFullAccess') ? 'Delete TempFullAccess (inline on intern, "*" on "*"): aws iam delete-user-policy --user-name intern --policy-name TempFullAccess' : undefined;
    // Least privilege: only what the job needs (here: read the report objects).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    return [
      fact(
        inline.length === 0,
        'intern has no inline policies',
        'no inline policy on intern',
        inline.length ? inline.join(', ') : 'none',
        `${inline.join(', ')} is still inline on intern. An inline policy lives and dies with its user and is easy to overlook${inline.includes('TempFullAccess') ? '; "Action": "*" on "Resource": "*" makes intern an administrator' : ''}.`,
        `Delete it: aws iam delete-user-policy --user-name intern --policy-name ${inline[0]}`,
      ),
      await customerPolicyExists(ctx, await policyInfo(ctx, INTERN_POLICY), INTERN_POLICY, 'intern-read-reports.json'),
      await appliesTo(ctx, 'intern', INTERN_POLICY),
      await probeCondition(probes, 'intern can read acme-reports objects', { principal: intern, action: 's3:GetObject', resource: a.q1 }, 'allow'),
      await probeCondition(probes, 'intern cannot create IAM users', { principal: intern, action: 'iam:CreateUser', resource: await iamArn(ctx, 'user', 'new-user') }, 'deny', inlineHint),
      await probeCondition(probes, 'intern cannot change or delete reports', { principal: intern, action: 's3:DeleteObject', resource: a.q1 }, 'deny', inlineHint),
      await probeCondition(probes, 'intern cannot upload reports', { principal: intern, action: 's3:PutObject', resource: a.newReport }, 'deny', inlineHint),
      await probeCondition(probes, 'intern cannot read acme-payroll', { principal: intern, action: 's3:GetObject', resource: a.salaries, context: { 'aws:SourceIp': '10.1.2.3' } }, 'deny', inlineHint),
      await othersDenied(probes, 'intern cannot read objects of other buckets', { principal: intern, action: 's3:GetObject' }, otherBuckets(a.partition, REPORTS, '2019.csv'), inlineHint),
    ];
  },
  async solve(ctx) {
    await internPolicy((a) => internDoc(a.reportsObjects))(ctx);
  },
  mistakes: [
    {
      name: 'inline left',
      element: 'TempFullAccess',
      apply: internPolicy((a) => internDoc(a.reportsObjects), false),
      expectFeedback: /TempFullAccess is still inline on intern[\s\S]*intern cannot create IAM users[\s\S]*Allowed when it should not be: TempFullAccess/,
    },
    { name: 's3:*', element: 'Action', apply: internPolicy((a) => internDoc(a.reportsObjects, 's3:*')), expectFeedback: /intern cannot change or delete reports[\s\S]*its Action "s3:\*" covers s3:DeleteObject/ },
    {
      name: 'a new inline policy instead of a customer managed one',
      element: 'inline',
      apply: async (ctx) => {
        const a = await arns(ctx);
        await ctx.clients.iam.send(new PutUserPolicyCommand({ UserName: 'intern', PolicyName: INTERN_POLICY, PolicyDocument: JSON.stringify(internDoc(a.reportsObjects)) }));
        await dropTempFullAccess(ctx);
      },
      expectFeedback: /InternReadReports is still inline on intern[\s\S]*There is no customer managed policy InternReadReports/,
    },
    { name: 'Resource "*" (every bucket)', element: 'Resource', apply: internPolicy(() => internDoc('*')), expectFeedback: /intern cannot read acme-payroll[\s\S]*its Resource "\*" matches every resource/ },
    {
      name: 'TempFullAccess deleted, nothing put in its place',
      element: 'InternReadReports',
      apply: dropTempFullAccess,
      expectFeedback: /There is no customer managed policy InternReadReports[\s\S]*intern can read acme-reports objects/,
    },
    {
      name: 'the bucket ARN instead of its objects',
      element: 'Resource',
      apply: internPolicy((a) => internDoc(a.reportsBucket)),
      expectFeedback: /the Resource of the only statement that allows it \(InternReadReports, statement 1 "ReadReportObjects"\) lists arn:aws:s3:::acme-reports, which names the bucket itself/,
    },
    {
      name: 'a wildcard where the slash should be (acme-reports*)',
      element: 'Resource',
      apply: internPolicy((a) => internDoc(s3Arn(a.partition, 'acme-reports*'))),
      expectFeedback: /intern cannot read objects of other buckets[\s\S]*acme-reports-archive\/2019\.csv: Allowed when it should not be/,
    },
    {
      name: 'NotAction iam:* (everything but IAM)',
      element: 'NotAction',
      apply: internPolicy(() => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] })),
      expectFeedback: /its NotAction excludes only iam:\*, so it covers s3:DeleteObject/,
    },
  ],
  variants: [
    {
      name: 'attached to a group intern is in (Action as a list)',
      apply: async (ctx) => {
        const arn = await createCustomerPolicy(ctx, INTERN_POLICY, internDoc((await arns(ctx)).reportsObjects, ['s3:GetObject']));
        await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: 'interns' }));
        await attachToGroup(ctx, 'interns', arn);
        await ctx.clients.iam.send(new AddUserToGroupCommand({ GroupName: 'interns', UserName: 'intern' }));
        await dropTempFullAccess(ctx);
      },
    },
    {
      name: 'Statement as an object',
      apply: internPolicy((a) => ({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: a.reportsObjects } })),
    },
  ],
});
