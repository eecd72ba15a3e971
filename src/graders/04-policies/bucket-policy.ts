/**
 * Lab 04, step 5: a bucket policy lets role ReportsAuditor read the reports, and nothing else
 * does. In one account, an Allow in either the identity policy or the resource policy is enough:
 * so the role must have no identity policy, or the check could not tell the bucket policy works.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
 */
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { accountRootArn, attachToRole, awsManagedArn, iamArn } from '../aws.js';
import { fact, probeCondition, unverifiable } from '../conditions.js';
import { HYPOTHETICAL_SOURCE } from '../explain.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { principalsOf } from '../statement-match.js';
import { parsePolicy, statementsOf } from '../../policy/statements.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { arns, type LabArns } from './common.js';
import { AUDITOR, REPORTS } from './setup.js';

const OUTSIDER = '444455556666';

const putPolicy = (statements: (a: LabArns, role: string) => object | object[]) => async (ctx: LabContext) => {
  const a = await arns(ctx);
  const Statement = statements(a, await iamArn(ctx, 'role', AUDITOR));
  await ctx.clients.s3.send(new PutBucketPolicyCommand({ Bucket: REPORTS, Policy: JSON.stringify({ Version: '2012-10-17', Statement }) }));
};
const auditorRead = (a: LabArns, role: string, over: object = {}) => ({ Sid: 'AuditorReadsReports', Effect: 'Allow', Principal: { AWS: role }, Action: 's3:GetObject', Resource: a.reportsObjects, ...over });

/** What is wrong with the bucket policy's Principal, for the role's own probe (state-aware). */
async function principalHint(probes: Probes, roleArn: string): Promise<string | undefined> {
  const policy = await probes.bucketPolicy(REPORTS);
  if (!policy) return `acme-reports has no bucket policy yet: aws s3api put-bucket-policy --bucket ${REPORTS} --policy file://auditor-read.json`;
  const named = statementsOf(parsePolicy(policy.document)).flatMap(principalsOf);
  if (named.some((p) => /^\d{12}$/.test(p) || /:root$/.test(p))) {
    // An account principal delegates to the account's identity policies, and this role has none.
    return `Name the role itself in the Principal ({"AWS": "${roleArn}"}): a whole-account principal leaves the decision to identity policies, and ReportsAuditor must have none.`;
  }
  return undefined;
}

export const bucketPolicy = defineStep({
  id: 'policies/bucket-policy',
  async check(ctx) {
    const a = await arns(ctx);
    if (!ctx.capabilities.bucketPolicies) {
      return [unverifiable(`${AUDITOR} can read acme-reports through the bucket policy`, 'allowed', 'This backend does not support bucket policies.')];
    }
    const probes = new Probes(ctx);
    const roleArn = await iamArn(ctx, 'role', AUDITOR);
    const role: PrincipalRef = { kind: 'role', name: AUDITOR };
    let identity: Array<{ name: string; arn?: string }> = [];
    try {
      identity = (await probes.rolePolicies(AUDITOR)).identity;
    } catch {
      /* a missing role is reported by the probes below */
    }
    const own = identity.map((p) => `${p.name} (${p.arn ? 'attached' : 'inline'})`);
    const first = identity[0];
    const takeOff = first?.arn ? `detach-role-policy --role-name ${AUDITOR} --policy-arn ${first.arn}` : `delete-role-policy --role-name ${AUDITOR} --policy-name ${first?.name}`;
    const stranger: PrincipalRef = { kind: 'arn', arn: await iamArn(ctx, 'user', 'new-hire'), type: 'user', accountId: a.accountId, identityPolicies: [], label: 'a user of this account with no policies' };
    const outsider: PrincipalRef = {
      kind: 'arn',
      arn: `arn:${a.partition}:iam::${OUTSIDER}:user/outsider`,
      type: 'user',
      accountId: OUTSIDER,
      identityPolicies: [{ name: 'their own account allows all of S3', source: HYPOTHETICAL_SOURCE, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
      label: `a user of another account (${OUTSIDER})`,
    };
    // "*" is everyone, in every account, and anonymous callers too.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
    const onlyTheRole = `Name only the role in the Principal: {"AWS": "${roleArn}"}. "*" means everyone, in every account, even without credentials.`;
    const out: Condition[] = [
      fact(
        own.length === 0,
        `${AUDITOR} has no permission policies of its own`,
        'no attached or inline policies on the role',
        own.length ? own.join(', ') : 'none',
        `${AUDITOR} has ${own.join(', ')}. Within one account an identity policy alone is enough to read, so while it is there nobody can tell whether the bucket policy works; this step gives access through the bucket policy alone.`,
        `Take it off the role: aws iam ${takeOff}`,
      ),
      await probeCondition(
        probes,
        `${AUDITOR} can read acme-reports objects through the bucket policy alone`,
        { principal: role, action: 's3:GetObject', resource: a.q1, identity: 'none' },
        'allow',
        () => principalHint(probes, roleArn),
      ),
      await probeCondition(probes, `the bucket policy does not let ${AUDITOR} write or delete`, { principal: role, action: 's3:PutObject', resource: a.newReport, identity: 'none' }, 'deny'),
      await probeCondition(probes, 'other users of this account cannot read through it', { principal: stranger, action: 's3:GetObject', resource: a.q1 }, 'deny', onlyTheRole),
      await probeCondition(probes, 'users of other accounts cannot read through it', { principal: outsider, action: 's3:GetObject', resource: a.q1 }, 'deny', onlyTheRole),
    ];
    return out;
  },
  async solve(ctx) {
    await putPolicy((a, role) => [auditorRead(a, role)])(ctx);
  },
  mistakes: [
    {
      name: 'Principal "*"',
      element: 'Principal',
      apply: putPolicy((a) => [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: a.reportsObjects }]),
      expectFeedback: /other users of this account cannot read through it[\s\S]*its Principal "\*" lets everyone in/,
    },
    {
      name: 'an identity policy on the role as well (hides whether the bucket policy works)',
      element: 'AmazonS3ReadOnlyAccess',
      apply: async (ctx) => {
        await putPolicy((a, role) => [auditorRead(a, role)])(ctx);
        await attachToRole(ctx, AUDITOR, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
      },
      expectFeedback: /ReportsAuditor has AmazonS3ReadOnlyAccess \(attached\)[\s\S]*nobody can tell whether the bucket policy works/,
    },
    {
      name: 'an identity policy instead of a bucket policy',
      element: 'bucket policy',
      apply: async (ctx) => attachToRole(ctx, AUDITOR, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess')),
      expectFeedback: /acme-reports has no bucket policy yet/,
    },
    {
      name: 'the bucket ARN without /* (list and read on the bucket)',
      element: 'Resource',
      apply: putPolicy((a, role) => [auditorRead(a, role, { Action: ['s3:ListBucket', 's3:GetObject'], Resource: a.reportsBucket })]),
      expectFeedback: /the Resource of the only statement that allows it \(bucket policy of acme-reports, statement 1 "AuditorReadsReports"\) lists arn:aws:s3:::acme-reports, which names the bucket itself/,
    },
    {
      name: 'Principal is the account (…:root), not the role',
      element: 'Principal',
      apply: putPolicy((a) => [auditorRead(a, accountRootArn(a.partition, a.accountId))]),
      expectFeedback: /Principal names the whole account[\s\S]*Name the role itself in the Principal/,
    },
    {
      name: 's3:* for the role (more than reading)',
      element: 'Action',
      apply: putPolicy((a, role) => [auditorRead(a, role, { Action: 's3:*' })]),
      expectFeedback: /does not let ReportsAuditor write or delete[\s\S]*its Action "s3:\*" covers s3:PutObject/,
    },
    {
      name: 'Principal names a user (analyst) instead of the role',
      element: 'Principal',
      apply: putPolicy((a) => [auditorRead(a, `arn:${a.partition}:iam::${a.accountId}:user/analyst`)]),
      expectFeedback: /Principal names arn:aws:iam::\d{12}:user\/analyst, which does not include the caller arn:aws:iam::\d{12}:role\/ReportsAuditor/,
    },
  ],
  variants: [
    { name: 'Principal and Action as lists', apply: putPolicy((a, role) => [auditorRead(a, role, { Principal: { AWS: [role] }, Action: ['s3:GetObject'] })]) },
    { name: 'Statement as an object', apply: putPolicy((a, role) => auditorRead(a, role)) },
    {
      name: 'plus listing the bucket for the role',
      apply: putPolicy((a, role) => [auditorRead(a, role), { Sid: 'AuditorListsReports', Effect: 'Allow', Principal: { AWS: role }, Action: 's3:ListBucket', Resource: a.reportsBucket }]),
    },
  ],
});
