/**
 * Lab 04 seed (COURSE.md): buckets acme-reports (q1.csv, q2.csv) and acme-payroll (salaries.csv);
 * user analyst with customer managed ReportsReader whose v1 carries the bucket-vs-object bug; user
 * intern with inline TempFullAccess (* on *); group developers with AmazonS3FullAccess and member
 * alice; role ReportsAuditor with no permission policies. analyst, intern and alice get keys as lab
 * profiles so the learner sees AccessDenied for real.
 */
import { PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { DeletePublicAccessBlockCommand } from '@aws-sdk/client-s3';
import {
  accountInfo,
  accountRootArn,
  addToGroup,
  attachToGroup,
  attachToUser,
  awsManagedArn,
  createCustomerPolicy,
  createKeyAsProfile,
  createRole,
  deleteBucketCompletely,
  deleteCustomerPolicy,
  deleteGroupCompletely,
  deleteRoleCompletely,
  deleteUserCompletely,
  ensureBucket,
  ensureGroup,
  ensureUser,
  listGroupNames,
  s3Arn,
} from '../aws.js';
import type { LabContext } from '../types.js';

export const REPORTS = 'acme-reports';
export const PAYROLL = 'acme-payroll';
export const USERS = ['analyst', 'intern', 'alice'];
export const GROUP = 'developers';
export const AUDITOR = 'ReportsAuditor';
export const LAB_POLICIES = ['ReportsReader', 'InternReadReports', 'OfficeOnlyPayroll'];

/** ReportsReader as the seed publishes it: both actions on the object ARN (the classic bug). */
export const readerV1 = (partition: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadReports', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject'], Resource: s3Arn(partition, `${REPORTS}/*`) }],
});

/** Remove what this lab seeds or asks the learner to create. */
export async function teardownLab04(ctx: LabContext): Promise<void> {
  for (const p of LAB_POLICIES) await deleteCustomerPolicy(ctx, p, { users: USERS, groups: [GROUP], roles: [AUDITOR] });
  for (const u of USERS) {
    await deleteUserCompletely(ctx, u);
    ctx.profiles.remove(u);
  }
  for (const g of await listGroupNames(ctx.clients.iam)) if (g.toLowerCase() === GROUP) await deleteGroupCompletely(ctx, g);
  await deleteRoleCompletely(ctx, AUDITOR);
  await deleteBucketCompletely(ctx.clients.s3, REPORTS);
  await deleteBucketCompletely(ctx.clients.s3, PAYROLL);
}

export async function setupLab04(ctx: LabContext): Promise<void> {
  const { partition, accountId } = await accountInfo(ctx);
  await teardownLab04(ctx);

  await ensureBucket(ctx.clients.s3, REPORTS, {
    'q1.csv': 'quarter,revenue\nQ1,1200000\n',
    'q2.csv': 'quarter,revenue\nQ2,1350000\n',
  });
  await ensureBucket(ctx.clients.s3, PAYROLL, { 'salaries.csv': 'name,salary\nalice,100\nbob,100\n' });
  // New buckets block public bucket policies (Block Public Access, on by default since April 2023).
  // acme-reports has the block off, as an older bucket may, so step 5's "Principal *" mistake can happen.
  await ctx.clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket: REPORTS }));

  for (const u of USERS) await ensureUser(ctx, u);
  const reader = await createCustomerPolicy(ctx, 'ReportsReader', readerV1(partition));
  await attachToUser(ctx, 'analyst', reader);
  await ctx.clients.iam.send(
    new PutUserPolicyCommand({
      UserName: 'intern',
      PolicyName: 'TempFullAccess',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    }),
  );
  await ensureGroup(ctx, GROUP);
  await attachToGroup(ctx, GROUP, await awsManagedArn(ctx, 'AmazonS3FullAccess'));
  await addToGroup(ctx, 'alice', GROUP);
  // Trusts the account: anyone here whose own policies allow sts:AssumeRole may assume it.
  await createRole(ctx, AUDITOR, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: accountRootArn(partition, accountId) }, Action: 'sts:AssumeRole' }],
  });
  for (const u of USERS) await createKeyAsProfile(ctx, u, u);
}
