/** Lab 01, steps 1–2: the user Samy, and read-only S3 through an AWS managed policy. */
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { accountInfo, attachToGroup, attachToUser, awsManagedArn, ensureUser, isNotFound, listAttachedUser, listGroupsOfUser, listUserInline, s3Arn } from '../aws.js';
import { misplacedFor } from '../attachments.js';
import { probeCondition } from '../conditions.js';
import { Probes } from '../probes.js';
import { defineStep, type LabContext } from '../types.js';
import { CONTRACTOR, remakeSamyAsLowercase, SAMY, samyExists, samyMissing } from './setup.js';

const createUserCalled = (UserName: string) => async (ctx: LabContext) => void (await ctx.clients.iam.send(new CreateUserCommand({ UserName })));

export const createUser = defineStep({
  id: 'users/create-user',
  async check(ctx) {
    return [await samyExists(ctx)];
  },
  async solve(ctx) {
    await ensureUser(ctx, SAMY);
  },
  mistakes: [
    { name: 'nothing done', element: 'Samy', apply: async () => {}, expectFeedback: /no user named Samy/ },
    { name: 'samy (wrong case)', element: 'samy', apply: createUserCalled('samy'), expectFeedback: /user samy \(different case\)[\s\S]*asks for Samy/ },
    { name: 'SAMY (wrong case)', element: 'SAMY', apply: createUserCalled('SAMY'), expectFeedback: /user SAMY \(different case\)/ },
    { name: 'Sammy (a typo)', element: 'Sammy', apply: createUserCalled('Sammy'), expectFeedback: /there is a user Sammy[\s\S]*delete-user --user-name Sammy/ },
  ],
  variants: [
    // A path is part of the ARN, not the name: user /analysts/Samy is user Samy.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
    { name: 'created with a path (/analysts/)', apply: async (ctx) => void (await ctx.clients.iam.send(new CreateUserCommand({ UserName: SAMY, Path: '/analysts/' }))) },
  ],
});

const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';

/** What Samy has, in words a next action can follow (state-aware: the tiered hints cannot know). */
async function samyPolicyHint(ctx: LabContext): Promise<string | undefined> {
  try {
    const attached = (await listAttachedUser(ctx.clients.iam, SAMY)).map((a) => a.PolicyName ?? '');
    if (attached.includes('AmazonS3FullAccess')) {
      return `AmazonS3FullAccess is attached to user Samy: it also lets Samy write and delete. Detach it (aws iam detach-user-policy --user-name Samy --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess) and attach AmazonS3ReadOnlyAccess instead.`;
    }
    // The seed attaches AmazonS3ReadOnlyAccess to temp-contractor: that one does not count as misplaced.
    const elsewhere = await misplacedFor(ctx, { kind: 'user', name: SAMY }, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'), { users: [CONTRACTOR] });
    if (elsewhere) return `${elsewhere} Attach it to Samy: aws iam attach-user-policy --user-name Samy --policy-arn ${READ_ONLY}`;
    const inline = await listUserInline(ctx.clients.iam, SAMY);
    const groups = await listGroupsOfUser(ctx.clients.iam, SAMY);
    if (attached.length === 0 && inline.length === 0 && groups.length === 0) {
      return `Samy has no policies yet. Attach the AWS managed policy: aws iam attach-user-policy --user-name Samy --policy-arn ${READ_ONLY}`;
    }
    if (inline.length && !attached.includes('AmazonS3ReadOnlyAccess')) {
      // Samy's own policy is off; the step's managed policy is the simplest way to what it asks.
      return `Attach the AWS managed policy this step asks for (aws iam attach-user-policy --user-name Samy --policy-arn ${READ_ONLY}) and delete your own ${inline.join(', ')} (aws iam delete-user-policy --user-name Samy --policy-name ${inline[0]}).`;
    }
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return undefined;
}

const putSamyInline = (doc: object) => async (ctx: LabContext) =>
  void (await ctx.clients.iam.send(new PutUserPolicyCommand({ UserName: SAMY, PolicyName: 'SamyS3', PolicyDocument: JSON.stringify(doc) })));

export const attachManagedPolicy = defineStep({
  id: 'users/attach-managed-policy',
  async check(ctx) {
    const missing = await samyMissing(ctx);
    if (missing) return [missing];
    const probes = new Probes(ctx);
    const { partition } = await accountInfo(ctx);
    // "any bucket": the managed policy allows every bucket, which is what this step asks for
    const anyBucket = s3Arn(partition, 'any-bucket');
    const anyObject = s3Arn(partition, 'any-bucket/any-file.txt');
    const who = { kind: 'user' as const, name: SAMY };
    const hint = () => samyPolicyHint(ctx);
    // s3:ListBucket lists the objects in one bucket (resource type: bucket); listing all buckets
    // is s3:ListAllMyBuckets. https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
    return [
      await probeCondition(probes, 'Samy can read objects (s3:GetObject)', { principal: who, action: 's3:GetObject', resource: anyObject }, 'allow', hint),
      await probeCondition(probes, "Samy can list a bucket's objects (s3:ListBucket)", { principal: who, action: 's3:ListBucket', resource: anyBucket }, 'allow', hint),
      await probeCondition(probes, 'Samy cannot write objects (s3:PutObject)', { principal: who, action: 's3:PutObject', resource: anyObject }, 'deny', hint),
      await probeCondition(probes, 'Samy cannot delete objects (s3:DeleteObject)', { principal: who, action: 's3:DeleteObject', resource: anyObject }, 'deny', hint),
    ];
  },
  async solve(ctx) {
    await attachToUser(ctx, SAMY, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
  },
  mistakes: [
    {
      // IAM finds samy when asked for Samy: the policy must not count for the user the step names
      name: 'the policy attached to samy (step 1 made in the wrong case)',
      element: 'samy',
      apply: async (ctx) => {
        await remakeSamyAsLowercase(ctx);
        await attachToUser(ctx, 'samy', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
      },
      expectFeedback: /user samy \(different case\)/,
    },
    { name: 'nothing attached', element: 'no policies', apply: async () => {}, expectFeedback: /Implicitly denied: no policy of user Samy allows s3:GetObject[\s\S]*Samy has no policies yet/ },
    {
      name: 'AmazonS3FullAccess attached (too broad)',
      element: 'AmazonS3FullAccess',
      apply: async (ctx) => attachToUser(ctx, SAMY, await awsManagedArn(ctx, 'AmazonS3FullAccess')),
      expectFeedback: /Allowed when it should not be: AmazonS3FullAccess, attached to user Samy, statement 1 allows s3:PutObject on \S+: its Action "s3:\*" covers s3:PutObject/,
    },
    {
      name: 'attached to a group Samy is not in (wrong place)',
      element: 'group readers',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: 'readers' }));
        await attachToGroup(ctx, 'readers', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
      },
      expectFeedback: /AmazonS3ReadOnlyAccess is attached to group readers \(Samy is not a member of it\), not to user Samy/,
    },
    {
      name: 'own inline policy on object ARNs only (bucket vs object)',
      element: 'Resource',
      apply: async (ctx) =>
        putSamyInline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: `arn:${(await accountInfo(ctx)).partition}:s3:::*/*` }] })(ctx),
      expectFeedback: /the Resource of the only statement that allows it \(SamyS3, statement 1\) lists arn:aws:s3:::\*\/\*, which names objects, not the bucket/,
    },
    {
      name: 'own inline policy with s3:* (too broad)',
      element: 'Action',
      apply: putSamyInline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      expectFeedback: /its Action "s3:\*" covers s3:PutObject[\s\S]*delete your own SamyS3/,
    },
  ],
  variants: [
    {
      name: 'inline policy with s3:Get* and s3:List* (Statement as an object)',
      apply: putSamyInline({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' } }),
    },
    {
      name: 'through a group Samy is a member of',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: 'analysts' }));
        await attachToGroup(ctx, 'analysts', await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
        await ctx.clients.iam.send(new AddUserToGroupCommand({ GroupName: 'analysts', UserName: SAMY }));
      },
    },
  ],
});
