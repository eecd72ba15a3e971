/**
 * Lab 02 seed (COURSE.md): users alice, bob, carol; carol has AmazonS3FullAccess attached
 * directly; bucket team-artifacts. Plus what the steps share: the team's membership and the
 * users' unique ids as add-members saw them (a user deleted and created again is a new identity).
 */
import { GetUserCommand } from '@aws-sdk/client-iam';
import {
  accountInfo,
  attachToUser,
  awsManagedArn,
  deleteBucketCompletely,
  deleteGroupCompletely,
  deleteUserCompletely,
  ensureBucket,
  ensureGroup,
  findGroup,
  ensureUser,
  isNotFound,
  listGroupMembers,
  listGroupNames,
  s3Arn,
} from '../aws.js';
import { failed } from '../conditions.js';
import { existsCondition } from '../names.js';
import { forgetPass, passRecord } from '../facts.js';
import type { Condition, LabContext } from '../types.js';

export const GROUP = 'developers';
export const BUCKET = 'team-artifacts';
export const USERS = ['alice', 'bob', 'carol'];
export const ADD_MEMBERS = 'groups/add-members';
export const OFFBOARD_MEMBER = 'groups/offboard-member';
export const FULL_ACCESS = 'arn:aws:iam::aws:policy/AmazonS3FullAccess';

/** Remove what this lab seeds or asks the learner to create. */
export async function teardownLab02(ctx: LabContext): Promise<void> {
  for (const g of await listGroupNames(ctx.clients.iam)) {
    if (g.toLowerCase() === GROUP) await deleteGroupCompletely(ctx, g);
  }
  for (const u of USERS) await deleteUserCompletely(ctx, u);
  await deleteBucketCompletely(ctx.clients.s3, BUCKET);
  forgetPass(ctx, ADD_MEMBERS);
}

export async function setupLab02(ctx: LabContext): Promise<void> {
  await teardownLab02(ctx);
  for (const u of USERS) await ensureUser(ctx, u);
  await attachToUser(ctx, 'carol', await awsManagedArn(ctx, 'AmazonS3FullAccess'));
  await ensureBucket(ctx.clients.s3, BUCKET, { 'README.txt': 'Build outputs of the team go here.\n' });
}

/**
 * Step 1's condition: group developers exists under exactly that name. IAM finds a group by any
 * case of its name (Developers answers for developers), so a later step that read the group
 * without it would grade Developers' policies and members as the team's.
 */
export async function groupExists(ctx: LabContext): Promise<Condition> {
  return existsCondition('group', GROUP, await findGroup(ctx, GROUP), `Create it: aws iam create-group --group-name ${GROUP}`);
}

/** Undefined when group developers exists by that exact name, else step 1's failing condition. */
export async function groupMissing(ctx: LabContext): Promise<Condition | undefined> {
  const exists = await groupExists(ctx);
  return exists.status === 'passed' ? undefined : exists;
}

/** A mistake of step 1 carried on: the group made as Developers (what the later steps must not take for the team). */
export async function remakeGroupAsDevelopers(ctx: LabContext): Promise<void> {
  await deleteGroupCompletely(ctx, GROUP);
  await ensureGroup(ctx, 'Developers');
}

export const objectArn = async (ctx: LabContext, key = 'build.zip') => s3Arn((await accountInfo(ctx)).partition, `${BUCKET}/${key}`);

/** The group's members, or undefined when the group does not exist. */
export async function members(ctx: LabContext): Promise<string[] | undefined> {
  try {
    return await listGroupMembers(ctx.clients.iam, GROUP);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function userId(ctx: LabContext, user: string): Promise<string | undefined> {
  try {
    return (await ctx.clients.iam.send(new GetUserCommand({ UserName: user }))).User?.UserId;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * The same person as when add-members passed: a user deleted and created again gets a new
 * unique id, and to IAM (and to any policy that named the old one) it is someone else.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 */
export async function samePersonCondition(ctx: LabContext, user: string, hint: string): Promise<Condition | undefined> {
  const before = passRecord(ctx, ADD_MEMBERS)?.[user];
  const now = await userId(ctx, user);
  if (!before || !now || before === now) return undefined;
  return failed(
    `${user} is the same user as before`,
    `user ${user} with unique id ${before}`,
    `user ${user} with unique id ${now}`,
    `${user} was deleted and created again: the user now has a new unique id (${now}, was ${before}), so to IAM this is a different person, whose keys, password and history are gone.`,
    hint,
  );
}
