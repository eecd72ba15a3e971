/**
 * Lab 02 — Groups. Seed (COURSE.md): users alice, bob, carol; carol has AmazonS3FullAccess
 * attached directly; bucket team-artifacts.
 */
import { CreateGroupCommand, DetachUserPolicyCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import {
  accountInfo,
  addToGroup,
  attachToGroup,
  attachToUser,
  awsManagedArn,
  deleteBucketCompletely,
  deleteGroupCompletely,
  deleteUserCompletely,
  ensureBucket,
  ensureGroup,
  ensureUser,
  findGroup,
  findUser,
  isNotFound,
  listAttachedUser,
  listGroupMembers,
  listGroupNames,
  listUserInline,
  s3Arn,
} from '../aws.js';
import { fact, failed, passed, probeCondition } from '../conditions.js';
import { existsCondition } from '../names.js';
import { Probes } from '../probes.js';
import { defineLab, defineStep, type Condition, type LabContext } from '../types.js';

const GROUP = 'developers';
const BUCKET = 'team-artifacts';
const USERS = ['alice', 'bob', 'carol'];

/** Remove what this lab seeds or asks the learner to create. */
async function teardown(ctx: LabContext): Promise<void> {
  for (const g of await listGroupNames(ctx.clients.iam)) {
    if (g.toLowerCase() === GROUP) await deleteGroupCompletely(ctx, g);
  }
  for (const u of USERS) await deleteUserCompletely(ctx, u);
  await deleteBucketCompletely(ctx.clients.s3, BUCKET);
}

async function setup(ctx: LabContext): Promise<void> {
  await teardown(ctx);
  for (const u of USERS) await ensureUser(ctx, u);
  await attachToUser(ctx, 'carol', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
  await ensureBucket(ctx.clients.s3, BUCKET, { 'README.txt': 'Build outputs of the team go here.\n' });
}

const objectArn = async (ctx: LabContext, key = 'build.zip') => s3Arn((await accountInfo(ctx)).partition, `${BUCKET}/${key}`);

async function members(ctx: LabContext): Promise<string[] | undefined> {
  try {
    return await listGroupMembers(ctx.clients.iam, GROUP);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Where the learner put AmazonS3FullAccess if not on the group (state-aware hint). */
async function misplacedPolicyHint(ctx: LabContext): Promise<string | undefined> {
  for (const u of ['alice', 'bob']) {
    try {
      const attached = await listAttachedUser(ctx.clients.iam, u);
      const hit = attached.find((a) => a.PolicyName === 'AmazonS3FullAccess');
      if (hit) return `AmazonS3FullAccess is attached to user ${u}; this step wants it on group ${GROUP}, so every member gets it.`;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return `Attach it to the group: aws iam attach-group-policy --group-name ${GROUP} --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess`;
}

const createGroup = defineStep({
  id: 'groups/create-group',
  async check(ctx) {
    return [existsCondition('group', GROUP, await findGroup(ctx, GROUP), `aws iam create-group --group-name ${GROUP}`)];
  },
  async solve(ctx) {
    await ensureGroup(ctx, GROUP);
  },
  mistakes: [
    { name: 'none', apply: async () => {}, expectFeedback: /no group named developers/ },
    {
      name: 'Developers (wrong case)',
      apply: async (ctx) => void (await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: 'Developers' }))),
      expectFeedback: /group Developers \(different case\)[\s\S]*asks for developers/,
    },
  ],
});

const attachGroupPolicy = defineStep({
  id: 'groups/attach-group-policy',
  async check(ctx) {
    const probes = new Probes(ctx);
    return [
      await probeCondition(
        probes,
        `members of ${GROUP} can upload to ${BUCKET} (s3:PutObject)`,
        { principal: { kind: 'group-member', group: GROUP }, action: 's3:PutObject', resource: await objectArn(ctx) },
        'allow',
        () => misplacedPolicyHint(ctx),
      ),
    ];
  },
  async solve(ctx) {
    await attachToGroup(ctx, GROUP, await awsManagedArn(ctx, 'AmazonS3FullAccess'));
  },
  mistakes: [
    {
      name: 'policy attached to a user instead of the group',
      apply: async (ctx) => attachToUser(ctx, 'alice', await awsManagedArn(ctx, 'AmazonS3FullAccess')),
      expectFeedback: /AmazonS3FullAccess is attached to user alice; this step wants it on group developers/,
    },
  ],
});

const addMembers = defineStep({
  id: 'groups/add-members',
  async check(ctx) {
    const list = (await members(ctx)) ?? [];
    const out: Condition[] = ['alice', 'bob'].map((u) =>
      fact(
        list.some((m) => m === u),
        `${u} is a member of ${GROUP}`,
        `${u} in ${GROUP}`,
        list.length ? `members: ${list.join(', ')}` : `${GROUP} has no members`,
        `${u} is not in ${GROUP}, so the group's policies do not apply to ${u}.`,
        `aws iam add-user-to-group --group-name ${GROUP} --user-name ${u}`,
      ),
    );
    out.push(
      await probeCondition(new Probes(ctx), 'alice can upload build.zip to team-artifacts', { principal: { kind: 'user', name: 'alice' }, action: 's3:PutObject', resource: await objectArn(ctx) }, 'allow'),
    );
    return out;
  },
  async solve(ctx) {
    await addToGroup(ctx, 'alice', GROUP);
    await addToGroup(ctx, 'bob', GROUP);
  },
  mistakes: [{ name: 'one missing (bob)', apply: async (ctx) => addToGroup(ctx, 'alice', GROUP), expectFeedback: /bob is not in developers/ }],
});

const moveToGroup = defineStep({
  id: 'groups/move-to-group',
  async check(ctx) {
    const carol = await findUser(ctx, 'carol');
    if (carol.kind !== 'exact') {
      return [failed('user carol still exists', 'user carol', 'no user carol', 'carol was deleted: moving her access to the group should keep the person and change only where her permissions come from.', 'Recreate carol (aws iam create-user --user-name carol) and add her to developers.')];
    }
    const list = (await members(ctx)) ?? [];
    const attached = await listAttachedUser(ctx.clients.iam, 'carol');
    const inline = await listUserInline(ctx.clients.iam, 'carol');
    const direct = [...attached.map((a) => `${a.PolicyName} (attached)`), ...inline.map((n) => `${n} (inline)`)];
    return [
      passed('user carol still exists', 'user carol', 'user carol'),
      fact(list.includes('carol'), `carol is a member of ${GROUP}`, `carol in ${GROUP}`, list.length ? `members: ${list.join(', ')}` : 'no members', 'carol is not in the group yet.', `aws iam add-user-to-group --group-name ${GROUP} --user-name carol`),
      fact(
        direct.length === 0,
        'carol has no policies of her own',
        'no attached or inline policies on carol',
        direct.length ? direct.join(', ') : 'none',
        `The direct policy is still on carol (${direct.join(', ')}): her access does not come only through the group, so removing her from ${GROUP} later would not remove it.`,
        `aws iam detach-user-policy --user-name carol --policy-arn arn:aws:iam::aws:policy/AmazonS3FullAccess`,
      ),
      await probeCondition(new Probes(ctx), 'carol can still upload to team-artifacts', { principal: { kind: 'user', name: 'carol' }, action: 's3:PutObject', resource: await objectArn(ctx, 'carol.txt') }, 'allow'),
    ];
  },
  async solve(ctx) {
    await addToGroup(ctx, 'carol', GROUP);
    await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }));
  },
  mistakes: [
    { name: 'direct policy left in place', apply: async (ctx) => addToGroup(ctx, 'carol', GROUP), expectFeedback: /The direct policy is still on carol \(AmazonS3FullAccess \(attached\)\)/ },
    { name: 'carol deleted', apply: async (ctx) => deleteUserCompletely(ctx, 'carol'), expectFeedback: /carol was deleted/ },
  ],
});

const offboardMember = defineStep({
  id: 'groups/offboard-member',
  async check(ctx) {
    const bob = await findUser(ctx, 'bob');
    if (bob.kind !== 'exact') {
      return [failed('user bob still exists', 'user bob', 'no user bob', 'bob was deleted. The step asks to take him out of the team, not to delete his user: he may still need other access.', 'Recreate bob: aws iam create-user --user-name bob')];
    }
    const found = await members(ctx);
    if (!found) {
      return [failed(`group ${GROUP} exists`, `group ${GROUP}`, 'no group developers', `Taking bob out of ${GROUP} needs the group: the earlier steps of this lab create it.`, `aws iam create-group --group-name ${GROUP}`)];
    }
    const list = found;
    return [
      passed('user bob still exists', 'user bob', 'user bob'),
      fact(!list.includes('bob'), `bob is not a member of ${GROUP}`, `bob not in ${GROUP}`, `members: ${list.join(', ') || 'none'}`, `bob is still in ${GROUP}, so he still gets everything the group grants.`, `aws iam remove-user-from-group --group-name ${GROUP} --user-name bob`),
      await probeCondition(new Probes(ctx), 'bob can no longer upload to team-artifacts', { principal: { kind: 'user', name: 'bob' }, action: 's3:PutObject', resource: await objectArn(ctx) }, 'deny'),
    ];
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new RemoveUserFromGroupCommand({ GroupName: GROUP, UserName: 'bob' }));
  },
  mistakes: [
    { name: 'bob deleted', apply: async (ctx) => deleteUserCompletely(ctx, 'bob'), expectFeedback: /bob was deleted/ },
    { name: 'bob still a member', apply: async () => {}, expectFeedback: /bob is still in developers[\s\S]*Allowed when it should not be: AmazonS3FullAccess, attached to group developers/ },
  ],
});

export const lab02 = defineLab({ id: '02-groups', setup, teardown, steps: [createGroup, attachGroupPolicy, addMembers, moveToGroup, offboardMember] });
