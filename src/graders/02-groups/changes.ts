/**
 * Lab 02, steps 4–5: carol's access moves to the group; bob leaves the team. Both change what
 * earlier steps built, so both read what add-members recorded when it passed (facts.ts).
 */
import { CreateUserCommand, DetachUserPolicyCommand, PutUserPolicyCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import { addToGroup, attachToUser, awsManagedArn, deleteGroupCompletely, deleteUserCompletely, findUser, listAttachedUser, listUserInline } from '../aws.js';
import { fact, failed, passed, probeCondition } from '../conditions.js';
import { forgetPass, passRecord } from '../facts.js';
import { Probes } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { ADD_MEMBERS, FULL_ACCESS, GROUP, groupMissing, members, objectArn, OFFBOARD_MEMBER, samePersonCondition } from './setup.js';

/** A deleted user cannot be brought back: the lab can. */
const RESET_HINT = 'Run iam-labs reset to start the lab again (a deleted user cannot be brought back), and this time change where the permissions come from, not the person.';

const recreate = (user: string) => async (ctx: LabContext) => {
  await deleteUserCompletely(ctx, user);
  await ctx.clients.iam.send(new CreateUserCommand({ UserName: user }));
};

export const moveToGroup = defineStep({
  id: 'groups/move-to-group',
  async check(ctx) {
    const missing = await groupMissing(ctx);
    if (missing) return [missing];
    const carol = await findUser(ctx, 'carol');
    if (carol.kind !== 'exact') {
      return [
        failed(
          'user carol still exists',
          'user carol',
          'no user carol',
          'carol was deleted: moving her access to the group should keep the person and change only where her permissions come from.',
          RESET_HINT,
        ),
      ];
    }
    const list = (await members(ctx)) ?? [];
    const attached = await listAttachedUser(ctx.clients.iam, 'carol');
    const inline = await listUserInline(ctx.clients.iam, 'carol');
    const direct = [...attached.map((a) => `${a.PolicyName} (attached)`), ...inline.map((n) => `${n} (inline)`)];
    const same = await samePersonCondition(ctx, 'carol', RESET_HINT);
    // A user's permissions are her own policies plus those of every group she is in.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html
    const out: Condition[] = [
      same ?? passed('user carol still exists', 'user carol', 'user carol'),
      fact(
        list.includes('carol'),
        `carol is a member of ${GROUP}`,
        `carol in ${GROUP}`,
        list.length ? `members: ${list.join(', ')}` : 'no members',
        `carol is not in ${GROUP} yet, so the group's policies do not apply to her.`,
        `Add her: aws iam add-user-to-group --group-name ${GROUP} --user-name carol`,
      ),
      fact(
        direct.length === 0,
        'carol has no policies of her own',
        'no attached or inline policies on carol',
        direct.length ? direct.join(', ') : 'none',
        `carol still has ${direct.join(', ')} on her own user: her access does not come only through the group, so removing her from ${GROUP} later would not remove it.`,
        attached.length
          ? `Detach it: aws iam detach-user-policy --user-name carol --policy-arn ${attached[0].PolicyArn ?? FULL_ACCESS}`
          : `Delete it: aws iam delete-user-policy --user-name carol --policy-name ${inline[0]}`,
      ),
      await probeCondition(
        new Probes(ctx),
        'carol can still upload to team-artifacts',
        { principal: { kind: 'user', name: 'carol' }, action: 's3:PutObject', resource: await objectArn(ctx, 'carol.txt') },
        'allow',
        list.includes('carol') ? undefined : `Add her: aws iam add-user-to-group --group-name ${GROUP} --user-name carol`,
      ),
    ];
    return out;
  },
  async solve(ctx) {
    await addToGroup(ctx, 'carol', GROUP);
    await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }));
  },
  mistakes: [
    { name: 'direct policy left in place', element: 'AmazonS3FullAccess', apply: async (ctx) => addToGroup(ctx, 'carol', GROUP), expectFeedback: /carol still has AmazonS3FullAccess \(attached\) on her own user/ },
    { name: 'carol deleted', element: 'carol', apply: async (ctx) => deleteUserCompletely(ctx, 'carol'), expectFeedback: /carol was deleted/ },
    {
      name: 'direct policy detached, but carol never added (she loses access)',
      element: 'not in developers',
      apply: async (ctx) => void (await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }))),
      expectFeedback: /carol is not in developers yet[\s\S]*no policy of user carol allows s3:PutObject/,
    },
    {
      name: 'carol deleted and created again, then added',
      element: 'created again',
      apply: async (ctx) => {
        await recreate('carol')(ctx);
        await addToGroup(ctx, 'carol', GROUP);
      },
      expectFeedback: /carol was deleted and created again: the user now has a new unique id/,
    },
    {
      name: 'managed policy swapped for an inline copy on carol',
      element: 'inline',
      apply: async (ctx) => {
        await addToGroup(ctx, 'carol', GROUP);
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: 'carol', PolicyArn: await awsManagedArn(ctx, 'AmazonS3FullAccess') }));
        await ctx.clients.iam.send(
          new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'CarolS3', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }),
        );
      },
      expectFeedback: /carol still has CarolS3 \(inline\)[\s\S]*delete-user-policy --user-name carol --policy-name CarolS3/,
    },
  ],
});

const BOB_NEVER = 'bob was in developers (groups/add-members passed)';

export const offboardMember = defineStep({
  id: OFFBOARD_MEMBER,
  async check(ctx) {
    const bob = await findUser(ctx, 'bob');
    if (bob.kind !== 'exact') {
      return [failed('user bob still exists', 'user bob', 'no user bob', 'bob was deleted. The step asks to take him out of the team, not to delete his user: he may still need other access.', RESET_HINT)];
    }
    const found = await members(ctx);
    const wrongCase = found && (await groupMissing(ctx));
    if (wrongCase) return [wrongCase];
    if (!found) {
      return [failed(`group ${GROUP} exists`, `group ${GROUP}`, `no group ${GROUP}`, `Group ${GROUP} is gone: taking bob out of the team must leave the team, and everyone else's access, in place.`, `Recreate it and its members: aws iam create-group --group-name ${GROUP}, then attach-group-policy and add-user-to-group`)];
    }
    // Progress only moves forward and offboarding undoes add-members on purpose: it counts only
    // when add-members passed, so "bob was never added" is not an offboarding.
    const wasMember = !!passRecord(ctx, ADD_MEMBERS);
    const same = await samePersonCondition(ctx, 'bob', RESET_HINT);
    return [
      fact(
        wasMember,
        BOB_NEVER,
        'bob seen in developers when groups/add-members passed',
        wasMember ? 'yes' : 'groups/add-members has not passed in this lab',
        'iam-labs never saw bob in developers: groups/add-members has not passed in this lab, so there is nobody to offboard yet.',
        `Add bob to ${GROUP} (aws iam add-user-to-group --group-name ${GROUP} --user-name bob), run iam-labs check so groups/add-members passes, then remove him.`,
      ),
      same ?? passed('user bob still exists', 'user bob', 'user bob'),
      fact(
        !found.includes('bob'),
        `bob is not a member of ${GROUP}`,
        `bob not in ${GROUP}`,
        `members: ${found.join(', ') || 'none'}`,
        `bob is still in ${GROUP}, so he still gets everything the group grants.`,
        `Remove him: aws iam remove-user-from-group --group-name ${GROUP} --user-name bob`,
      ),
      await probeCondition(
        new Probes(ctx),
        'bob can no longer upload to team-artifacts',
        { principal: { kind: 'user', name: 'bob' }, action: 's3:PutObject', resource: await objectArn(ctx) },
        'deny',
        found.includes('bob') ? `Remove him: aws iam remove-user-from-group --group-name ${GROUP} --user-name bob` : undefined,
      ),
    ];
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new RemoveUserFromGroupCommand({ GroupName: GROUP, UserName: 'bob' }));
  },
  mistakes: [
    { name: 'bob deleted', element: 'bob', apply: async (ctx) => deleteUserCompletely(ctx, 'bob'), expectFeedback: /bob was deleted/ },
    {
      name: 'bob still a member',
      element: 'bob is still in developers',
      apply: async () => {},
      expectFeedback: /bob is still in developers[\s\S]*Allowed when it should not be: AmazonS3FullAccess, attached to group developers \(bob is a member\), statement 1/,
    },
    {
      name: 'bob never added (nothing offboarded)',
      element: 'groups/add-members',
      apply: async (ctx) => {
        forgetPass(ctx, ADD_MEMBERS);
        await ctx.clients.iam.send(new RemoveUserFromGroupCommand({ GroupName: GROUP, UserName: 'bob' }));
      },
      expectFeedback: /iam-labs never saw bob in developers: groups\/add-members has not passed/,
    },
    { name: 'bob deleted and created again', element: 'created again', apply: recreate('bob'), expectFeedback: /bob was deleted and created again/ },
    {
      name: 'bob removed, but given AmazonS3FullAccess directly',
      element: 'AmazonS3FullAccess',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new RemoveUserFromGroupCommand({ GroupName: GROUP, UserName: 'bob' }));
        await attachToUser(ctx, 'bob', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
      },
      expectFeedback: /Allowed when it should not be: AmazonS3FullAccess, attached to user bob/,
    },
    {
      name: 'the whole group deleted',
      element: 'developers',
      apply: async (ctx) => deleteGroupCompletely(ctx, GROUP),
      expectFeedback: /Group developers is gone/,
    },
  ],
});
