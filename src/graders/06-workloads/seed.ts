/**
 * Lab 06 seed (COURSE.md): bucket acme-app-data; user app-user with an active access key that
 * i-legacy's user data embeds; i-legacy running with no instance profile; role ReportBuilderRole
 * trusting ec2.amazonaws.com with no permission policies; the report-builder package (in the
 * bucket, builds/report-builder.zip); ECR repository acme-api; user ci-builder with no policies
 * (lab profile ci-builder). What a backend cannot run (EC2, ECR) is left out there.
 */
import { CreateAccessKeyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  accountInfo,
  createKeyAsProfile,
  createRole,
  deleteBucketCompletely,
  deleteInstanceProfile,
  deleteRoleCompletely,
  deleteUserCompletely,
  ensureBucket,
  ensureUser,
  errorName,
  s3Arn,
} from '../aws.js';
import type { LabContext } from '../types.js';
import { APP_PROFILE, APP_ROLE, APP_SERVER, APP_USER, BUCKET, CI_USER, FUNCTION, IMAGE_ID, LEGACY, PACKAGE_KEY, REPORT_ROLE, REPOSITORY } from './names.js';
import { reportBuilderZip } from './report-builder.js';
import { ec2Client, ec2Sdk, ecrClient, ecrSdk, isRunning, labInstances, lambdaClient, lambdaSdk, profileName } from './services.js';

export const serviceTrust = (...services: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: services.length === 1 ? services[0] : services }, Action: 'sts:AssumeRole' }],
});

/**
 * The boot script of i-legacy: the anti-pattern, a long-term access key in user data, which any
 * program on the instance and anyone allowed ec2:DescribeInstanceAttribute can read.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
 */
export function legacyUserData(accessKeyId: string, secret: string): string {
  return [
    '#!/bin/bash',
    '# acme-app boot script (2019): starts the report sync of the legacy app.',
    '# TODO: stop shipping this key with the instance',
    `export AWS_ACCESS_KEY_ID=${accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${secret}`,
    'export AWS_DEFAULT_REGION=us-east-1',
    `/opt/acme-app/bin/sync --bucket ${BUCKET} --every 15m`,
    '',
  ].join('\n');
}

const ignore = async (p: Promise<unknown>, ...codes: string[]) => {
  try {
    await p;
  } catch (e) {
    if (!codes.includes(errorName(e))) throw e;
  }
};

/** Remove what this lab seeds or its steps create (endpoint backends reset this way). */
export async function teardownLab06(ctx: LabContext): Promise<void> {
  if (ctx.capabilities.ec2Instances) {
    const { DeleteTagsCommand, TerminateInstancesCommand } = await ec2Sdk();
    const ec2 = await ec2Client(ctx);
    const ours = (await labInstances(ctx)).filter((i) => i.name === LEGACY || i.name === APP_SERVER || profileName(i.profileArn) === APP_PROFILE);
    if (ours.length) {
      // untagged first: a terminated instance stays listed for a while and must not pass for the next seed's i-legacy
      const ids = ours.map((i) => i.id);
      await ec2.send(new DeleteTagsCommand({ Resources: ids, Tags: [{ Key: 'Name' }] }));
      const live = ours.filter(isRunning).map((i) => i.id);
      if (live.length) await ec2.send(new TerminateInstancesCommand({ InstanceIds: live }));
    }
  }
  if (ctx.capabilities.lambda) {
    const { DeleteFunctionCommand } = await lambdaSdk();
    await ignore((await lambdaClient(ctx)).send(new DeleteFunctionCommand({ FunctionName: FUNCTION })), 'ResourceNotFoundException');
  }
  if (ctx.capabilities.ecr) {
    const { DeleteRepositoryCommand } = await ecrSdk();
    await ignore((await ecrClient(ctx)).send(new DeleteRepositoryCommand({ repositoryName: REPOSITORY, force: true })), 'RepositoryNotFoundException');
  }
  for (const role of [APP_ROLE, REPORT_ROLE]) await deleteRoleCompletely(ctx, role);
  await deleteInstanceProfile(ctx, APP_PROFILE);
  for (const user of [APP_USER, CI_USER]) await deleteUserCompletely(ctx, user);
  ctx.profiles.remove(CI_USER);
  await deleteBucketCompletely(ctx.clients.s3, BUCKET);
}

export async function setupLab06(ctx: LabContext): Promise<void> {
  await teardownLab06(ctx);
  const { partition } = await accountInfo(ctx);

  await ensureBucket(ctx.clients.s3, BUCKET, {
    'orders/2024-05.csv': 'order_id,region,amount\n1001,north,120.00\n1002,west,75.50\n',
    'orders/2024-06.csv': 'order_id,region,amount\n1003,south,99.90\n1004,north,310.00\n',
  });
  await ctx.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: PACKAGE_KEY, Body: reportBuilderZip(), ContentType: 'application/zip' }));

  // the legacy application's user: the keys every workload used before roles
  await ensureUser(ctx, APP_USER);
  await ctx.clients.iam.send(
    new PutUserPolicyCommand({
      UserName: APP_USER,
      PolicyName: 'AppDataAccess',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: s3Arn(partition, BUCKET) },
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: s3Arn(partition, `${BUCKET}/*`) },
        ],
      }),
    }),
  );
  const key = (await ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName: APP_USER }))).AccessKey;

  // meant for the report-builder function, but whoever wrote it copied an EC2 example
  await createRole(ctx, REPORT_ROLE, serviceTrust('ec2.amazonaws.com'));

  if (ctx.capabilities.ec2Instances) {
    const { RunInstancesCommand } = await ec2Sdk();
    await (
      await ec2Client(ctx)
    ).send(
      new RunInstancesCommand({
        ImageId: IMAGE_ID,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        UserData: Buffer.from(legacyUserData(key?.AccessKeyId ?? '', key?.SecretAccessKey ?? '')).toString('base64'),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: LEGACY }, { Key: 'app', Value: 'acme-reports' }] }],
      }),
    );
  }
  if (ctx.capabilities.ecr) {
    const { CreateRepositoryCommand } = await ecrSdk();
    await (await ecrClient(ctx)).send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
  }
  await ensureUser(ctx, CI_USER);
  await createKeyAsProfile(ctx, CI_USER, CI_USER);
}
