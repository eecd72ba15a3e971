/**
 * Lab 05 seed (COURSE.md): an account with a past. Group admins (AdministratorAccess) with
 * admin-alan (no MFA, a key, lab profile); dev-john with AdministratorAccess attached directly
 * (lab profile); old-ci with a key last used 200 days ago and one used yesterday; mallory, who
 * attached AdministratorAccess to helper-bot three days ago with her own key; the public bucket
 * acme-public-share whose policy also lets the account's role ShareReader read; no password policy.
 *
 * The history is made the way it would have happened: each call by the user who made it, at the
 * time it was made (the emulator's signed request-time header; see clients.ts). Backends that
 * ignore the header get the same account, with every date today.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  DeleteAccountPasswordPolicyCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  paginateListVirtualMFADevices,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { DeletePublicAccessBlockCommand, ListBucketsCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DeleteAnalyzerCommand } from '@aws-sdk/client-accessanalyzer';
import type { Credentials } from '../../core/aws-types.js';
import {
  accountInfo,
  accountRootArn,
  addToGroup,
  attachToGroup,
  attachToUser,
  awsManagedArn,
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
  errorName,
  ignoreMissing,
  listGroupNames,
  s3Arn,
} from '../aws.js';
import type { LabContext } from '../types.js';
import { clientsAt, contextAt, withAuditClients } from './clients.js';
import { ADMINS, ALAN, ANALYZER, BOUNDARY, daysAgo, HELPDESK, HELPER, JOHN, MALLORY, OLD_CI, REQUIRE_MFA, SHARE_BUCKET, SHARE_OBJECT, SHARE_READER, USERS } from './names.js';

/** The bucket policy as the seed leaves it: everyone may read (the finding), and so may ShareReader (the account's own use). */
export function sharePolicy(partition: string, accountId: string, withPublicRead: boolean): { Version: string; Statement: Array<Record<string, unknown>> } {
  const objects = s3Arn(partition, `${SHARE_BUCKET}/*`);
  return {
    Version: '2012-10-17',
    Statement: [
      ...(withPublicRead ? [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: objects }] : []),
      {
        Sid: 'ShareReaderRead',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:role/${SHARE_READER}` },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [s3Arn(partition, SHARE_BUCKET), objects],
      },
    ],
  };
}

/** MFA devices must go before their users can (deactivate, then delete). */
async function removeMfaDevices(iam: IAMClient): Promise<void> {
  const lab = new Set(USERS.map((u) => u.toLowerCase()));
  for await (const page of paginateListVirtualMFADevices({ client: iam, stopOnSameToken: true }, {})) {
    for (const d of page.VirtualMFADevices ?? []) {
      const user = d.User?.UserName;
      const ours = (user && lab.has(user.toLowerCase())) || (!user && d.SerialNumber?.endsWith(`:mfa/${ALAN}`));
      if (!ours) continue;
      if (user) await ignoreMissing(iam.send(new DeactivateMFADeviceCommand({ UserName: user, SerialNumber: d.SerialNumber })));
      await ignoreMissing(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: d.SerialNumber })));
    }
  }
}

/** Remove what this lab seeds or asks the learner to create. */
export async function teardownLab05(ctx: LabContext): Promise<void> {
  const iam = ctx.clients.iam;
  await removeMfaDevices(iam);
  for (const p of [BOUNDARY, REQUIRE_MFA]) await deleteCustomerPolicy(ctx, p, { users: USERS, groups: [ADMINS] });
  for (const u of USERS) {
    await deleteUserCompletely(ctx, u);
    ctx.profiles.remove(u);
  }
  for (const g of await listGroupNames(iam)) if (g.toLowerCase() === ADMINS) await deleteGroupCompletely(ctx, g);
  await deleteRoleCompletely(ctx, SHARE_READER);
  await deleteBucketCompletely(ctx.clients.s3, SHARE_BUCKET);
  await ignoreMissing(iam.send(new DeleteAccountPasswordPolicyCommand({})));
  if (ctx.capabilities.accessAnalyzer) {
    await withAuditClients(ctx, (c) =>
      c.accessanalyzer.send(new DeleteAnalyzerCommand({ analyzerName: ANALYZER })).catch((e: unknown) => {
        if (errorName(e) !== 'ResourceNotFoundException') throw e;
      }),
    );
  }
}

const keyOf = (r: { AccessKey?: { AccessKeyId?: string; SecretAccessKey?: string } }): Credentials => ({
  accessKeyId: r.AccessKey?.AccessKeyId ?? '',
  secretAccessKey: r.AccessKey?.SecretAccessKey ?? '',
});

export async function setupLab05(ctx: LabContext): Promise<void> {
  const { partition, accountId } = await accountInfo(ctx);
  await teardownLab05(ctx);
  const admin = await awsManagedArn(ctx, 'AdministratorAccess');

  // Long ago: the CI user and its first key.
  const ago400 = await contextAt(ctx, daysAgo(400));
  await ensureUser(ago400, OLD_CI);
  const staleKey = keyOf(await ago400.clients.iam.send(new CreateAccessKeyCommand({ UserName: OLD_CI })));

  // Two months ago: the team, the helpdesk user, the bot, and the shared bucket.
  const ago60 = await contextAt(ctx, daysAgo(60));
  await ensureGroup(ago60, ADMINS);
  await attachToGroup(ago60, ADMINS, admin);
  for (const u of [ALAN, JOHN, MALLORY, HELPER]) await ensureUser(ago60, u);
  await addToGroup(ago60, ALAN, ADMINS);
  await attachToUser(ago60, JOHN, admin);
  // A helpdesk grant that lets mallory attach any policy to any user: how the incident was possible.
  await ago60.clients.iam.send(
    new PutUserPolicyCommand({
      UserName: MALLORY,
      PolicyName: HELPDESK,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Helpdesk', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:ListAttachedUserPolicies', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy'], Resource: '*' }],
      }),
    }),
  );
  const alan = await createKeyAsProfile(ago60, ALAN, ALAN);
  const john = await createKeyAsProfile(ago60, JOHN, JOHN);
  const mallory = keyOf(await ago60.clients.iam.send(new CreateAccessKeyCommand({ UserName: MALLORY })));
  const helper = keyOf(await ago60.clients.iam.send(new CreateAccessKeyCommand({ UserName: HELPER })));
  // Trusts the account: the account's users and roles whose own policies allow sts:AssumeRole may assume it.
  await createRole(ago60, SHARE_READER, {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: accountRootArn(partition, accountId) }, Action: 'sts:AssumeRole' }],
  });
  await ensureBucket(ago60.clients.s3, SHARE_BUCKET, { [SHARE_OBJECT]: 'partner,discount\nglobex,12%\ninitech,8%\n' });
  // New buckets block public bucket policies (S3 Block Public Access, on by default since April
  // 2023): whoever made this bucket public lifted the block first, as the seed does.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
  await ago60.clients.s3.send(new DeletePublicAccessBlockCommand({ Bucket: SHARE_BUCKET }));
  await ago60.clients.s3.send(new PutBucketPolicyCommand({ Bucket: SHARE_BUCKET, Policy: JSON.stringify(sharePolicy(partition, accountId, true)) }));

  // Forty days ago, CI got a second key; only the new one is in use since.
  const recentKey = keyOf(await (await contextAt(ctx, daysAgo(40))).clients.iam.send(new CreateAccessKeyCommand({ UserName: OLD_CI })));

  // The history, each call by its own user at its own time.
  await clientsAt(ctx, staleKey, daysAgo(200)).sts.send(new GetCallerIdentityCommand({}));
  const alanThen = clientsAt(ctx, alan, daysAgo(5)).iam;
  await alanThen.send(new ListUsersCommand({}));
  await alanThen.send(new ListAttachedUserPoliciesCommand({ UserName: HELPER }));
  await alanThen.send(new AttachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'ReadOnlyAccess') }));
  const malloryThen = clientsAt(ctx, mallory, daysAgo(3)).iam;
  await malloryThen.send(new ListUsersCommand({}));
  await malloryThen.send(new AttachUserPolicyCommand({ UserName: HELPER, PolicyArn: admin }));
  await malloryThen.send(new ListAttachedUserPoliciesCommand({ UserName: HELPER }));
  await clientsAt(ctx, john, daysAgo(2)).s3.send(new ListBucketsCommand({}));
  await clientsAt(ctx, helper, daysAgo(1)).sts.send(new GetCallerIdentityCommand({}));
  await clientsAt(ctx, recentKey, daysAgo(1)).sts.send(new GetCallerIdentityCommand({}));
}
