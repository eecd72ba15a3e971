/**
 * Lab 01 seed (COURSE.md): user temp-contractor with AmazonS3ReadOnlyAccess attached, an inline
 * policy, one access key, a login profile, and membership in group contractors. Anything the
 * lab's steps create (Samy, in any case) is removed first so `reset` starts over cleanly.
 */
import { PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  accountInfo,
  addToGroup,
  attachToUser,
  awsManagedArn,
  createKeyAsProfile,
  createLoginProfile,
  deleteGroupCompletely,
  deleteUserCompletely,
  ensureGroup,
  ensureUser,
  findUser,
  isNotFound,
  listKeys,
  listUserNames,
  s3Arn,
} from '../aws.js';
import { forgetPass } from '../facts.js';
import { existsCondition } from '../names.js';
import type { Condition, LabContext } from '../types.js';

export const SAMY = 'Samy';
/** the CLI profile the chapter asks for: profile names are case-sensitive, unlike IAM user names */
export const SAMY_PROFILE = 'samy';
export const CONTRACTOR = 'temp-contractor';
export const CONTRACTORS = 'contractors';
export const ACCESS_KEY_STEP = 'users/access-key';

/** Remove what this lab seeds or asks the learner to create (endpoint backends reset this way). */
export async function teardownLab01(ctx: LabContext): Promise<void> {
  for (const u of await listUserNames(ctx.clients.iam)) {
    if (u.toLowerCase() === SAMY.toLowerCase()) await deleteUserCompletely(ctx, u);
  }
  for (const name of ctx.profiles.names()) if (name.toLowerCase() === SAMY_PROFILE) ctx.profiles.remove(name);
  forgetPass(ctx, ACCESS_KEY_STEP);
  await deleteUserCompletely(ctx, CONTRACTOR);
  ctx.profiles.remove(CONTRACTOR);
  await deleteGroupCompletely(ctx, CONTRACTORS);
}

export async function setupLab01(ctx: LabContext): Promise<void> {
  await teardownLab01(ctx);

  await ensureGroup(ctx, CONTRACTORS);
  await ensureUser(ctx, CONTRACTOR);
  await attachToUser(ctx, CONTRACTOR, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
  const { partition } = await accountInfo(ctx);
  await ctx.clients.iam.send(
    new PutUserPolicyCommand({
      UserName: CONTRACTOR,
      PolicyName: 'ContractorTimesheets',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Timesheets', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: s3Arn(partition, 'timesheets/*') }],
      }),
    }),
  );
  await createKeyAsProfile(ctx, CONTRACTOR, CONTRACTOR);
  await createLoginProfile(ctx, CONTRACTOR, 'Contract0r-Temp-Pass!', false);
  await addToGroup(ctx, CONTRACTOR, CONTRACTORS);
}

export async function samyExists(ctx: LabContext): Promise<Condition> {
  return existsCondition('user', SAMY, await findUser(ctx, SAMY), `Create it: aws iam create-user --user-name ${SAMY}`);
}

/**
 * Undefined when user Samy exists under exactly that name, else step 1's failing condition. IAM
 * finds a user by any case of its name (GetUser Samy answers with samy), so without this a later
 * step would judge samy's keys or policies and speak of them as Samy's.
 */
export async function samyMissing(ctx: LabContext): Promise<Condition | undefined> {
  const exists = await samyExists(ctx);
  return exists.status === 'passed' ? undefined : exists;
}

/** A mistake of step 1 carried on: Samy made again as `samy` (what the later steps must not take for Samy). */
export async function remakeSamyAsLowercase(ctx: LabContext): Promise<void> {
  await deleteUserCompletely(ctx, SAMY);
  await ensureUser(ctx, 'samy');
}

/** Samy's access keys, or (when Samy does not exist, by that exact name) the condition that says so. */
export async function samyKeys(ctx: LabContext): Promise<Awaited<ReturnType<typeof listKeys>> | Condition> {
  const missing = await samyMissing(ctx);
  if (missing) return missing;
  try {
    return await listKeys(ctx, SAMY);
  } catch (e) {
    if (isNotFound(e)) return samyExists(ctx);
    throw e;
  }
}
