/** Lab 02, steps 1–3: the group, its policy, its members. */
import { CreateGroupCommand, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { accountInfo, addToGroup, attachToGroup, attachToUser, awsManagedArn, ensureGroup, isNotFound, listAttachedGroup, listAttachedUser, listGroupInline, s3Arn } from '../aws.js';
import { fact, passed, probeCondition } from '../conditions.js';
import { passRecord, rememberPass } from '../facts.js';
import { Probes } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { ADD_MEMBERS, BUCKET, FULL_ACCESS, GROUP, groupExists, groupMissing, members, objectArn, OFFBOARD_MEMBER, remakeGroupAsDevelopers, USERS, userId } from './setup.js';

const createGroupCalled = (GroupName: string, Path?: string) => async (ctx: LabContext) => void (await ctx.clients.iam.send(new CreateGroupCommand({ GroupName, Path })));

export const createGroup = defineStep({
  id: 'groups/create-group',
  async check(ctx) {
    return [await groupExists(ctx)];
  },
  async solve(ctx) {
    await ensureGroup(ctx, GROUP);
  },
  mistakes: [
    { name: 'nothing done', element: 'developers', apply: async () => {}, expectFeedback: /no group named developers/ },
    { name: 'Developers (wrong case)', element: 'Developers', apply: createGroupCalled('Developers'), expectFeedback: /group Developers \(different case\)[\s\S]*asks for developers/ },
    { name: 'DEVELOPERS (wrong case)', element: 'DEVELOPERS', apply: createGroupCalled('DEVELOPERS'), expectFeedback: /group DEVELOPERS \(different case\)/ },
    { name: 'developer (a typo)', element: 'developer', apply: createGroupCalled('developer'), expectFeedback: /there is a group developer[\s\S]*delete-group --group-name developer/ },
  ],
  variants: [{ name: 'created with a path (/teams/)', apply: createGroupCalled(GROUP, '/teams/') }],
});

/** Where the learner put the team's policy, if not on the group (state-aware hint). */
async function groupPolicyHint(ctx: LabContext): Promise<string | undefined> {
  for (const u of USERS) {
    try {
      const hit = (await listAttachedUser(ctx.clients.iam, u)).find((a) => a.PolicyName === 'AmazonS3FullAccess');
      if (hit && u !== 'carol') {
        // both halves: left on the user, the team's permission would still live on one person
        return `AmazonS3FullAccess is attached to user ${u}; this step wants it on group ${GROUP}, so that every member gets it. Attach it to the group: aws iam attach-group-policy --group-name ${GROUP} --policy-arn ${FULL_ACCESS}, then take it off ${u}: aws iam detach-user-policy --user-name ${u} --policy-arn ${FULL_ACCESS}`;
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  try {
    const attached = await listAttachedGroup(ctx.clients.iam, GROUP);
    const inline = await listGroupInline(ctx.clients.iam, GROUP);
    if (!attached.length && !inline.length) return `Attach the policy to the group: aws iam attach-group-policy --group-name ${GROUP} --policy-arn ${FULL_ACCESS}`;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return undefined; // the probe's own fix names the statement to change
}

const putGroupInline = (doc: object) => async (ctx: LabContext) =>
  void (await ctx.clients.iam.send(new PutGroupPolicyCommand({ GroupName: GROUP, PolicyName: 'TeamArtifacts', PolicyDocument: JSON.stringify(doc) })));
const bucketArn = async (ctx: LabContext, suffix = '') => s3Arn((await accountInfo(ctx)).partition, `${BUCKET}${suffix}`);

export const attachGroupPolicy = defineStep({
  id: 'groups/attach-group-policy',
  async check(ctx) {
    const missing = await groupMissing(ctx);
    if (missing) return [missing];
    const probes = new Probes(ctx);
    // A group is not a principal: its policies apply to every member, so a new member is the probe.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html
    return [
      await probeCondition(
        probes,
        `members of ${GROUP} can upload to ${BUCKET} (s3:PutObject)`,
        { principal: { kind: 'group-member', group: GROUP }, action: 's3:PutObject', resource: await objectArn(ctx) },
        'allow',
        () => groupPolicyHint(ctx),
      ),
    ];
  },
  async solve(ctx) {
    await attachToGroup(ctx, GROUP, await awsManagedArn(ctx, 'AmazonS3FullAccess'));
  },
  mistakes: [
    {
      // IAM finds Developers when asked for developers: its policy must not count for the team
      name: 'the policy attached to Developers (step 1 made in the wrong case)',
      element: 'Developers',
      apply: async (ctx) => {
        await remakeGroupAsDevelopers(ctx);
        await attachToGroup(ctx, 'Developers', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
      },
      expectFeedback: /group Developers \(different case\)/,
    },
    {
      name: 'policy attached to a user instead of the group',
      element: 'alice',
      apply: async (ctx) => attachToUser(ctx, 'alice', await awsManagedArn(ctx, 'AmazonS3FullAccess')),
      expectFeedback: /AmazonS3FullAccess is attached to user alice; this step wants it on group developers[\s\S]*then take it off alice: aws iam detach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy\/AmazonS3FullAccess/,
    },
    { name: 'nothing done', element: 'no policies', apply: async () => {}, expectFeedback: /group developers has no policies at all[\s\S]*attach-group-policy --group-name developers/ },
    {
      name: 'AmazonS3ReadOnlyAccess attached (reads only)',
      element: 'AmazonS3ReadOnlyAccess',
      apply: async (ctx) => attachToGroup(ctx, GROUP, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess')),
      expectFeedback: /None of its policies \(AmazonS3ReadOnlyAccess, attached to group developers\) mentions s3:PutObject/,
    },
    {
      name: 'own inline policy on the bucket ARN, not its objects',
      element: 'Resource',
      apply: async (ctx) => putGroupInline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: await bucketArn(ctx) }] })(ctx),
      expectFeedback: /which names the bucket itself, not the objects in it \(add \/\*\)[\s\S]*Change the Resource of TeamArtifacts, statement 1 to arn:aws:s3:::team-artifacts\/\*/,
    },
  ],
  variants: [
    { name: 'inline policy on the group (Action as a list)', apply: async (ctx) => putGroupInline({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: await bucketArn(ctx, '/*') }] })(ctx) },
    { name: 'inline policy on the group (Statement as an object)', apply: async (ctx) => putGroupInline({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: await bucketArn(ctx, '/*') } })(ctx) },
  ],
});

export const addMembers = defineStep({
  id: ADD_MEMBERS,
  async check(ctx) {
    const missing = await groupMissing(ctx);
    if (missing) return [missing];
    const list = (await members(ctx)) ?? [];
    const out: Condition[] = ['alice', 'bob'].map((u) =>
      // Step 5 takes bob out of the team on purpose: once this step has passed (bob was in the
      // team), bob's absence is that step's work, not this one undone, also in the grading where
      // step 5 first passes (it comes after this one). Else a completed lab says "add bob" again.
      u === 'bob' && !list.includes(u) && passRecord(ctx, ADD_MEMBERS)
        ? passed(`bob was a member of ${GROUP}`, `bob in ${GROUP} until ${OFFBOARD_MEMBER}`, `taken out by ${OFFBOARD_MEMBER}, as that step asks`)
        : fact(
        list.includes(u),
        `${u} is a member of ${GROUP}`,
        `${u} in ${GROUP}`,
        list.length ? `members: ${list.join(', ')}` : `${GROUP} has no members`,
        `${u} is not in ${GROUP}, so the group's policies do not apply to ${u}.`,
        `Add ${u}: aws iam add-user-to-group --group-name ${GROUP} --user-name ${u}`,
      ),
    );
    // alice gets the upload through the group: while she is not in it, adding her is the fix
    const aliceHint = list.includes('alice') ? undefined : `Add alice: aws iam add-user-to-group --group-name ${GROUP} --user-name alice`;
    out.push(
      await probeCondition(new Probes(ctx), 'alice can upload build.zip to team-artifacts', { principal: { kind: 'user', name: 'alice' }, action: 's3:PutObject', resource: await objectArn(ctx) }, 'allow', aliceHint),
    );
    return out;
  },
  async onPass(ctx) {
    // offboard-member needs to know bob was in the team; move-to-group and offboard-member that
    // carol and bob are still the same users (a deleted and recreated user has a new id).
    const ids: Record<string, string> = {};
    for (const u of USERS) {
      const id = await userId(ctx, u);
      if (id) ids[u] = id;
    }
    rememberPass(ctx, ADD_MEMBERS, ids);
  },
  async solve(ctx) {
    await addToGroup(ctx, 'alice', GROUP);
    await addToGroup(ctx, 'bob', GROUP);
  },
  mistakes: [
    {
      name: 'alice and bob added to Developers (step 1 made in the wrong case)',
      element: 'Developers',
      apply: async (ctx) => {
        await remakeGroupAsDevelopers(ctx);
        await attachToGroup(ctx, 'Developers', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
        for (const u of ['alice', 'bob']) await addToGroup(ctx, u, 'Developers');
      },
      expectFeedback: /group Developers \(different case\)/,
    },
    { name: 'one missing (bob)', element: 'bob', apply: async (ctx) => addToGroup(ctx, 'alice', GROUP), expectFeedback: /bob is not in developers/ },
    { name: 'one missing (alice)', element: 'alice', apply: async (ctx) => addToGroup(ctx, 'bob', GROUP), expectFeedback: /alice is not in developers[\s\S]*no policy of user alice allows s3:PutObject/ },
    { name: 'nothing done', element: 'no members', apply: async () => {}, expectFeedback: /developers has no members/ },
    {
      name: "the group's policy attached to each person instead of adding them",
      element: 'not in developers',
      apply: async (ctx) => {
        await attachToUser(ctx, 'alice', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
        await attachToUser(ctx, 'bob', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
      },
      expectFeedback: /alice is not in developers[\s\S]*bob is not in developers/,
    },
  ],
  variants: [
    {
      name: 'carol added as well',
      apply: async (ctx) => {
        for (const u of USERS) await addToGroup(ctx, u, GROUP);
      },
    },
  ],
});
