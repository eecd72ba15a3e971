/** Lab 01, steps 4 and 6: a console password Samy must change, and offboarding temp-contractor. */
import {
  CreateAccessKeyCommand,
  DeleteLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { createLoginProfile, deleteGroupCompletely, deleteUserCompletely, findGroup, isNotFound, listAttachedUser, listGroupsOfUser, listKeys, listUserInline } from '../aws.js';
import { fact, failed, passed, unverifiable } from '../conditions.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { CONTRACTOR, CONTRACTORS, remakeSamyAsLowercase, SAMY, samyMissing } from './setup.js';

const SAMY_PASSWORD = 'Change-Me-On-1st-Login!';

async function hasPasswordPolicy(ctx: LabContext): Promise<boolean> {
  try {
    return !!(await ctx.clients.iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}
const HAS_PROFILE = 'Samy has a console password (login profile)';
const MUST_CHANGE = 'Samy must change the password at first sign-in';

export const consolePassword = defineStep({
  id: 'users/console-password',
  async check(ctx) {
    // IAM finds samy's login profile when asked for Samy's: only Samy's, by that name, counts
    const missing = await samyMissing(ctx);
    if (missing) return [missing];
    let lp;
    try {
      lp = await ctx.clients.iam.send(new GetLoginProfileCommand({ UserName: SAMY }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!lp?.LoginProfile) {
      // A console password is a login profile; access keys and the account's password policy are not.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
      const confusions = [
        ...((await listKeys(ctx, SAMY)).length > 1 ? ['Access keys are for the CLI and SDKs, not the console.'] : []),
        ...((await hasPasswordPolicy(ctx)) ? ['The account password policy only sets rules for passwords; it gives nobody a password.'] : []),
      ];
      return [
        failed(
          HAS_PROFILE,
          'a login profile',
          'no login profile',
          ['Samy has no login profile, so she has no console password and cannot sign in to the console.', ...confusions].join(' '),
          `Create one: aws iam create-login-profile --user-name ${SAMY} --password '<a strong password>' --password-reset-required`,
        ),
      ];
    }
    const reset = lp.LoginProfile.PasswordResetRequired === true;
    if (ctx.capabilities.recordsPasswordResetRequired === false) {
      return [passed(HAS_PROFILE, 'a login profile', 'login profile present'), unverifiable(MUST_CHANGE, 'PasswordResetRequired = true', 'This backend does not keep the "password reset required" flag of a login profile.')];
    }
    // PasswordResetRequired makes the console ask for a new password at the next sign-in.
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html
    return [
      passed(HAS_PROFILE, 'a login profile', 'login profile present'),
      fact(
        reset,
        MUST_CHANGE,
        'PasswordResetRequired = true',
        `PasswordResetRequired = ${reset}`,
        'PasswordResetRequired is false. You chose the password, so you know it: Samy should replace it with one only Samy knows the first time she signs in.',
        `Set the flag on the existing login profile: aws iam update-login-profile --user-name ${SAMY} --password-reset-required`,
      ),
    ];
  },
  async solve(ctx) {
    await createLoginProfile(ctx, SAMY, SAMY_PASSWORD, true);
  },
  mistakes: [
    {
      name: 'the password given to samy (step 1 made in the wrong case)',
      element: 'samy',
      apply: async (ctx) => {
        await remakeSamyAsLowercase(ctx);
        await createLoginProfile(ctx, 'samy', SAMY_PASSWORD, true);
      },
      expectFeedback: /user samy \(different case\)/,
    },
    { name: 'no login profile', element: 'login profile', apply: async () => {}, expectFeedback: /no login profile/ },
    { name: 'reset not required', element: 'PasswordResetRequired', apply: async (ctx) => createLoginProfile(ctx, SAMY, SAMY_PASSWORD, false), expectFeedback: /PasswordResetRequired = false/ },
    {
      name: 'an access key instead of a console password',
      element: 'login profile',
      apply: async (ctx) => void (await ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName: SAMY }))),
      expectFeedback: /Access keys are for the CLI and SDKs, not the console/,
    },
    {
      name: 'an account password policy instead of a password for Samy',
      element: 'login profile',
      apply: async (ctx) => void (await ctx.clients.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, HardExpiry: false }))),
      expectFeedback: /password policy only sets rules for passwords; it gives nobody a password/,
    },
  ],
});

/** What still hangs on temp-contractor (each one blocks DeleteUser with DeleteConflict). */
async function contractorLeftovers(ctx: LabContext): Promise<string[]> {
  const iam = ctx.clients.iam;
  const out: string[] = [];
  const keys = await listKeys(ctx, CONTRACTOR);
  if (keys.length) out.push(`${keys.length === 1 ? 'an access key' : `${keys.length} access keys`} (${keys.map((k) => k.status).join(', ')})`);
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: CONTRACTOR }));
    out.push('a login profile');
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const inline = await listUserInline(iam, CONTRACTOR);
  if (inline.length) out.push(`inline policy ${inline.join(', ')}`);
  const attached = await listAttachedUser(iam, CONTRACTOR);
  if (attached.length) out.push(`attached policy ${attached.map((a) => a.PolicyName).join(', ')}`);
  const groups = await listGroupsOfUser(iam, CONTRACTOR);
  if (groups.length) out.push(`membership in group ${groups.join(', ')}`);
  return out;
}

export const deleteUser = defineStep({
  id: 'users/delete-user',
  async check(ctx) {
    let exists = true;
    try {
      await ctx.clients.iam.send(new GetUserCommand({ UserName: CONTRACTOR }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
      exists = false;
    }
    const out: Condition[] = [];
    if (exists) {
      const left = await contractorLeftovers(ctx);
      const disabled = left.some((l) => l.includes('Inactive')) || !left.includes('a login profile');
      // With the API, a user is deleted only after its keys, login profile, policies and group
      // memberships (and MFA devices, certificates…) are gone: DeleteConflict otherwise.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html#id_users_deleting_cli
      out.push(
        failed(
          'user temp-contractor is gone',
          'no user temp-contractor',
          'user temp-contractor still exists',
          left.length
            ? `User temp-contractor still exists and still has ${left.join(', ')}.${disabled ? ' Disabling a user is not offboarding: the user and everything on it can be switched back on.' : ''} IAM refuses to delete a user that still has any of these (DeleteConflict), so remove them, then the user.`
            : 'User temp-contractor has nothing attached any more; only the user itself is left.',
          `Run aws iam delete-user --user-name ${CONTRACTOR}: its error names what is still in the way.`,
        ),
      );
    } else {
      out.push(passed('user temp-contractor is gone', 'no user temp-contractor', 'deleted'));
    }
    const group = await findGroup(ctx, CONTRACTORS);
    out.push(
      fact(
        group.kind === 'exact',
        'group contractors still exists',
        'group contractors',
        group.kind === 'exact' ? 'group contractors' : 'no group contractors',
        'Group contractors is gone. Offboarding one person must not remove the group: other contractors (and their permissions) depend on it.',
        `Recreate it: aws iam create-group --group-name ${CONTRACTORS}`,
      ),
    );
    return out;
  },
  async solve(ctx) {
    await deleteUserCompletely(ctx, CONTRACTOR);
    ctx.profiles.remove(CONTRACTOR);
  },
  mistakes: [
    { name: 'nothing done', element: 'temp-contractor', apply: async () => {}, expectFeedback: /still has an access key \(Active\), a login profile/ },
    {
      name: 'group deleted too',
      element: 'contractors',
      apply: async (ctx) => {
        await deleteUserCompletely(ctx, CONTRACTOR);
        await deleteGroupCompletely(ctx, CONTRACTORS);
      },
      expectFeedback: /no group contractors[\s\S]*must not remove the group/,
    },
    {
      name: 'disabled instead of deleted (key deactivated, password removed)',
      element: 'Inactive',
      apply: async (ctx) => {
        for (const k of await listKeys(ctx, CONTRACTOR)) await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: CONTRACTOR, AccessKeyId: k.id, Status: 'Inactive' }));
        await ctx.clients.iam.send(new DeleteLoginProfileCommand({ UserName: CONTRACTOR }));
      },
      expectFeedback: /still has an access key \(Inactive\), inline policy ContractorTimesheets/,
    },
    {
      name: 'stopped at DeleteConflict (policies still on the user)',
      element: 'ContractorTimesheets',
      apply: async (ctx) => {
        for (const k of await listKeys(ctx, CONTRACTOR)) await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: CONTRACTOR, AccessKeyId: k.id, Status: 'Inactive' }));
        await ctx.clients.iam.send(new RemoveUserFromGroupCommand({ UserName: CONTRACTOR, GroupName: CONTRACTORS }));
      },
      expectFeedback: /inline policy ContractorTimesheets, attached policy AmazonS3ReadOnlyAccess/,
    },
  ],
});
