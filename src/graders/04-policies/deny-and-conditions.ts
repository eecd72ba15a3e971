/** Lab 04, steps 3–4: an explicit Deny on the group, and an IP condition. */
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  DetachGroupPolicyCommand,
  GetGroupPolicyCommand,
  GetUserPolicyCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { attachToGroup, attachToUser, awsManagedArn, createCustomerPolicy, decodePolicyDocument, listAttachedGroup, listGroupInline, listUserInline, s3Arn } from '../aws.js';
import { otherBuckets, othersDenied, probeCondition } from '../conditions.js';
import { parsePolicy, statementCoversAction, statementsOf } from '../../policy/statements.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { defineStep, type LabContext } from '../types.js';
import { appliesTo, arns, customerPolicyExists, policyInfo, type LabArns } from './common.js';
import { GROUP, PAYROLL } from './setup.js';

const DENY_POLICY = 'DenyReportDeletes';
const denyDoc = (action: string | string[], resource: string) => ({ Version: '2012-10-17', Statement: [{ Sid: 'NoDeletingReports', Effect: 'Deny', Action: action, Resource: resource }] });
const putGroupDeny = (doc: (a: LabArns) => object) => async (ctx: LabContext) =>
  void (await ctx.clients.iam.send(new PutGroupPolicyCommand({ GroupName: GROUP, PolicyName: DENY_POLICY, PolicyDocument: JSON.stringify(doc(await arns(ctx))) })));

/** Inline policies of a user that hold a Deny for s3:DeleteObject (the Deny put on a person, not the team). */
async function denyOnUser(ctx: LabContext, user: string): Promise<string | undefined> {
  for (const name of await listUserInline(ctx.clients.iam, user)) {
    const doc = decodePolicyDocument((await ctx.clients.iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: name }))).PolicyDocument);
    if (statementsOf(parsePolicy(doc)).some((st) => st.Effect === 'Deny' && statementCoversAction(st, 's3:DeleteObject'))) return name;
  }
  return undefined;
}

async function groupHasDeny(ctx: LabContext): Promise<boolean> {
  for (const name of await listGroupInline(ctx.clients.iam, GROUP).catch(() => [] as string[])) {
    const doc = decodePolicyDocument((await ctx.clients.iam.send(new GetGroupPolicyCommand({ GroupName: GROUP, PolicyName: name }))).PolicyDocument);
    if (statementsOf(parsePolicy(doc)).some((st) => st.Effect === 'Deny')) return true;
  }
  return false;
}

export const explicitDeny = defineStep({
  id: 'policies/explicit-deny',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const alice: PrincipalRef = { kind: 'user', name: 'alice' };
    const onGroup = (await listAttachedGroup(ctx.clients.iam, GROUP).catch(() => [])).map((p) => p.PolicyName);
    const onAlice = await denyOnUser(ctx, 'alice');
    // state-aware: the wrong move the learner most likely made, else the probe's own fix
    const hint = async () => {
      if (!onGroup.includes('AmazonS3FullAccess')) {
        return `Re-attach AmazonS3FullAccess to group ${GROUP} (aws iam attach-group-policy --group-name ${GROUP} --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess): detaching it took away all of their S3 access and denies deletes only implicitly. Then add a statement with "Effect": "Deny".`;
      }
      if (await groupHasDeny(ctx)) return undefined; // the probe's own fix names the Deny statement to change
      if (onAlice) {
        return `The Deny (${onAlice}) is on user alice only: put it on group ${GROUP} so it covers every member, today's and tomorrow's (aws iam put-group-policy --group-name ${GROUP} …).`;
      }
      return `Add a Deny to the group: aws iam put-group-policy --group-name ${GROUP} --policy-name ${DENY_POLICY} --policy-document file://deny-deletes.json`;
    };
    // An explicit Deny that applies wins over every Allow, in any policy type.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    return [
      await probeCondition(probes, 'alice is explicitly denied deleting acme-reports objects', { principal: alice, action: 's3:DeleteObject', resource: a.q1 }, 'explicit-deny', hint),
      await probeCondition(probes, `any member of ${GROUP} is explicitly denied it (the Deny is on the group)`, { principal: { kind: 'group-member', group: GROUP }, action: 's3:DeleteObject', resource: a.q1 }, 'explicit-deny', hint),
      await probeCondition(probes, 'alice can still read acme-reports', { principal: alice, action: 's3:GetObject', resource: a.q1 }, 'allow', hint),
      await probeCondition(probes, 'alice can still upload to acme-reports', { principal: alice, action: 's3:PutObject', resource: a.newReport }, 'allow', hint),
      await probeCondition(probes, 'alice can still delete in other buckets', { principal: alice, action: 's3:DeleteObject', resource: s3Arn(a.partition, 'dev-sandbox/tmp.txt'), resourcePolicy: 'none' }, 'allow', hint),
    ];
  },
  async solve(ctx) {
    await putGroupDeny((a) => denyDoc('s3:DeleteObject', a.reportsObjects))(ctx);
  },
  mistakes: [
    {
      name: 'FullAccess detached instead (implicit deny only)',
      element: 'AmazonS3FullAccess',
      apply: async (ctx) => void (await ctx.clients.iam.send(new DetachGroupPolicyCommand({ GroupName: GROUP, PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }))),
      expectFeedback: /Only implicitly denied[\s\S]*Re-attach AmazonS3FullAccess to group developers/,
    },
    {
      name: 'Deny on the bucket ARN, not its objects',
      element: 'Resource',
      apply: putGroupDeny((a) => denyDoc('s3:DeleteObject', a.reportsBucket)),
      expectFeedback: /Allowed when it should not be[\s\S]*There is a Deny \(DenyReportDeletes, statement 1 "NoDeletingReports"\), but s3:DeleteObject acts on the object arn:aws:s3:::acme-reports\/q1\.csv and its Resource lists arn:aws:s3:::acme-reports, which names the bucket itself[\s\S]*Change the Resource of the Deny in DenyReportDeletes, statement 1 "NoDeletingReports" to arn:aws:s3:::acme-reports\/\*/,
    },
    {
      name: 'Deny on user alice instead of the group',
      element: 'user alice',
      apply: async (ctx) =>
        void (await ctx.clients.iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: DENY_POLICY, PolicyDocument: JSON.stringify(denyDoc('s3:DeleteObject', (await arns(ctx)).reportsObjects)) }))),
      expectFeedback: /any member of developers is explicitly denied it[\s\S]*The Deny \(DenyReportDeletes\) is on user alice only/,
    },
    {
      name: 'Deny s3:* on the reports (uploads blocked too)',
      element: 'Action',
      apply: putGroupDeny((a) => denyDoc('s3:*', a.reportsObjects)),
      expectFeedback: /alice can still upload to acme-reports[\s\S]*its Action "s3:\*" covers s3:PutObject[\s\S]*Narrow the Action of the Deny in DenyReportDeletes/,
    },
    {
      name: 'Deny s3:DeleteObject on every resource',
      element: 'Resource',
      apply: putGroupDeny(() => denyDoc('s3:DeleteObject', '*')),
      expectFeedback: /alice can still delete in other buckets[\s\S]*its Resource "\*" matches every resource/,
    },
    {
      name: 'a typo in the Deny (s3:DeleteObjects)',
      element: 's3:DeleteObjects',
      apply: putGroupDeny((a) => denyDoc('s3:DeleteObjects', a.reportsObjects)),
      expectFeedback: /Action lists s3:DeleteObjects, which is not s3:DeleteObject \(check the spelling\)[\s\S]*did you mean s3:DeleteObject\?/,
    },
  ],
  variants: [
    {
      name: 'a customer managed Deny policy attached to the group',
      apply: async (ctx) => attachToGroup(ctx, GROUP, await createCustomerPolicy(ctx, DENY_POLICY, denyDoc('s3:DeleteObject', (await arns(ctx)).reportsObjects))),
    },
    { name: 'Action as a list (object versions too)', apply: putGroupDeny((a) => denyDoc(['s3:DeleteObject', 's3:DeleteObjectVersion'], a.reportsObjects)) },
    {
      name: 'Statement as an object',
      apply: putGroupDeny((a) => ({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 's3:DeleteObject', Resource: a.reportsObjects } })),
    },
  ],
});

const OFFICE = 'OfficeOnlyPayroll';
const OFFICE_CIDR = '10.0.0.0/8';
const payrollDoc = (a: LabArns, statement: object = {}, more: object[] = []) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'PayrollFromTheOffice', Effect: 'Allow', Action: 's3:GetObject', Resource: a.payrollObjects, Condition: { IpAddress: { 'aws:SourceIp': OFFICE_CIDR } }, ...statement }, ...more],
});
const officePolicy = (doc: (a: LabArns) => object, user = 'analyst') => async (ctx: LabContext) => attachToUser(ctx, user, await createCustomerPolicy(ctx, OFFICE, doc(await arns(ctx))));

export const sourceIpCondition = defineStep({
  id: 'policies/source-ip-condition',
  async check(ctx) {
    const a = await arns(ctx);
    const probes = new Probes(ctx);
    const analyst: PrincipalRef = { kind: 'user', name: 'analyst' };
    const from = (ip: string) => ({ 'aws:SourceIp': ip });
    // aws:SourceIp is the caller's public address; IpAddress compares it with CIDR ranges.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
    return [
      await customerPolicyExists(ctx, await policyInfo(ctx, OFFICE), OFFICE, 'office-only-payroll.json'),
      await appliesTo(ctx, 'analyst', OFFICE),
      await probeCondition(probes, 'analyst can read salaries.csv from the office (aws:SourceIp=10.1.2.3)', { principal: analyst, action: 's3:GetObject', resource: a.salaries, context: from('10.1.2.3') }, 'allow'),
      await probeCondition(probes, 'analyst cannot read it from elsewhere (aws:SourceIp=203.0.113.5)', { principal: analyst, action: 's3:GetObject', resource: a.salaries, context: from('203.0.113.5') }, 'deny'),
      await probeCondition(probes, 'analyst cannot change payroll, even from the office', { principal: analyst, action: 's3:PutObject', resource: a.salaries, context: from('10.1.2.3') }, 'deny'),
      // OfficeOnlyPayroll is about acme-payroll only: from the office, no other bucket either
      await othersDenied(probes, 'analyst cannot read other buckets from the office either', { principal: analyst, action: 's3:GetObject', context: from('10.1.2.3') }, otherBuckets(a.partition, PAYROLL, 'salaries.csv')),
    ];
  },
  async solve(ctx) {
    await officePolicy((a) => payrollDoc(a))(ctx);
  },
  mistakes: [
    {
      name: 'the office condition on Resource "*" (every bucket, from the office)',
      element: 'Resource',
      apply: officePolicy(() => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] })),
      expectFeedback: /analyst cannot read other buckets from the office either[\s\S]*Allowed when it should not be: OfficeOnlyPayroll/,
    },
    {
      name: 'no condition',
      element: 'Condition',
      apply: officePolicy((a) => payrollDoc(a, { Condition: undefined })),
      expectFeedback: /aws:SourceIp=203\.0\.113\.5[\s\S]*it has no Condition, so aws:SourceIp=203\.0\.113\.5 makes no difference[\s\S]*Add a Condition to OfficeOnlyPayroll/,
    },
    {
      name: 'StringEquals instead of IpAddress',
      element: 'IpAddress',
      apply: officePolicy((a) => payrollDoc(a, { Condition: { StringEquals: { 'aws:SourceIp': OFFICE_CIDR } } })),
      expectFeedback: /StringEquals compares text[\s\S]*IP ranges need the IpAddress operator[\s\S]*Use the IpAddress operator/,
    },
    {
      name: 'the wrong range (10.0.0.0/16 misses 10.1.2.3)',
      element: '10.0.0.0/16',
      apply: officePolicy((a) => payrollDoc(a, { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/16' } } })),
      expectFeedback: /Condition IpAddress on aws:SourceIp wants 10\.0\.0\.0\/16, but the request had 10\.1\.2\.3/,
    },
    {
      name: 'a condition key AWS never sets (aws:SourceIpAddress)',
      element: 'aws:SourceIpAddress',
      apply: officePolicy((a) => payrollDoc(a, { Condition: { IpAddress: { 'aws:SourceIpAddress': OFFICE_CIDR } } })),
      expectFeedback: /the request has no value for it \(the key is absent\)[\s\S]*aws:SourceIpAddress is not an AWS global condition key[\s\S]*did you mean aws:SourceIp\?/,
    },
    {
      name: 'NotIpAddress (the opposite)',
      element: 'NotIpAddress',
      apply: officePolicy((a) => payrollDoc(a, { Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE_CIDR } } })),
      expectFeedback: /its Condition NotIpAddress on aws:SourceIp holds for aws:SourceIp=203\.0\.113\.5/,
    },
    {
      name: 'the payroll bucket ARN instead of its objects',
      element: 'Resource',
      apply: officePolicy((a) => payrollDoc(a, { Resource: a.payrollBucket })),
      expectFeedback: /lists arn:aws:s3:::acme-payroll, which names the bucket itself, not the objects in it/,
    },
    {
      name: 'attached to intern instead of analyst',
      element: 'intern',
      apply: officePolicy((a) => payrollDoc(a), 'intern'),
      expectFeedback: /OfficeOnlyPayroll is attached to user intern, not to user analyst/,
    },
    {
      name: 's3:* from the office (too broad)',
      element: 'Action',
      apply: officePolicy((a) => payrollDoc(a, { Action: 's3:*' })),
      expectFeedback: /analyst cannot change payroll, even from the office[\s\S]*its Action "s3:\*" covers s3:PutObject/,
    },
  ],
  variants: [
    { name: 'the range as a list', apply: officePolicy((a) => payrollDoc(a, { Condition: { IpAddress: { 'aws:SourceIp': [OFFICE_CIDR] } } })) },
    {
      name: 'an Allow plus a Deny with NotIpAddress (equivalent)',
      apply: officePolicy((a) =>
        payrollDoc(a, { Condition: undefined }, [{ Sid: 'NotFromElsewhere', Effect: 'Deny', Action: 's3:GetObject', Resource: a.payrollObjects, Condition: { NotIpAddress: { 'aws:SourceIp': OFFICE_CIDR } } }]),
      ),
    },
    {
      name: 'attached to a group analyst is in',
      apply: async (ctx) => {
        const arn = await createCustomerPolicy(ctx, OFFICE, payrollDoc(await arns(ctx)));
        await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: 'payroll-team' }));
        await attachToGroup(ctx, 'payroll-team', arn);
        await ctx.clients.iam.send(new AddUserToGroupCommand({ GroupName: 'payroll-team', UserName: 'analyst' }));
      },
    },
  ],
});
