/**
 * hygiene/password-policy: the account password policy asks for 14+ characters, all four
 * character types, expiry within 90 days and the last 24 passwords remembered.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
 */
import { GetAccountPasswordPolicyCommand, UpdateAccountPasswordPolicyCommand, type PasswordPolicy, type UpdateAccountPasswordPolicyCommandInput } from '@aws-sdk/client-iam';
import { isNotFound } from '../aws.js';
import { fact, failed } from '../conditions.js';
import { defineStep, type Condition, type LabContext } from '../types.js';

export const STRONG_POLICY = {
  MinimumPasswordLength: 14,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
  MaxPasswordAge: 90,
  PasswordReusePrevention: 24,
  AllowUsersToChangePassword: true,
} satisfies UpdateAccountPasswordPolicyCommandInput;

const FULL_COMMAND =
  'aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --max-password-age 90 --password-reuse-prevention 24 --allow-users-to-change-password';

// UpdateAccountPasswordPolicy "does not support partial updates": a parameter left out goes back
// to its default. https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
const WHOLE_POLICY_HINT = `update-account-password-policy sets the whole policy at once: every option you leave out goes back to its default. Run it once with every option: ${FULL_COMMAND}`;

async function readPolicy(ctx: LabContext): Promise<PasswordPolicy | undefined> {
  try {
    return (await ctx.clients.iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

const CHARACTER_RULES: Array<[keyof PasswordPolicy, string, string]> = [
  ['RequireUppercaseCharacters', 'upper case', '--require-uppercase-characters'],
  ['RequireLowercaseCharacters', 'lower case', '--require-lowercase-characters'],
  ['RequireNumbers', 'numbers', '--require-numbers'],
  ['RequireSymbols', 'symbols', '--require-symbols'],
];

export const passwordPolicy = defineStep({
  id: 'hygiene/password-policy',
  async check(ctx) {
    const p = await readPolicy(ctx);
    if (!p) {
      return [
        failed(
          'the account has a password policy',
          'a custom password policy',
          'none: the default rules apply',
          // Default policy: 8+ characters, three of four character types, never expires.
          // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html#default-policy-details
          'Without a custom password policy, IAM applies AWS\'s default rules: at least 8 characters, three of the four character types, and passwords that never expire.',
          FULL_COMMAND,
        ),
      ];
    }
    const missingTypes = CHARACTER_RULES.filter(([k]) => !p[k]);
    const length = p.MinimumPasswordLength ?? 0;
    const age = p.ExpirePasswords && p.MaxPasswordAge ? p.MaxPasswordAge : undefined;
    const reuse = p.PasswordReusePrevention ?? 0;
    // The whole command once (on the first rule not met); the other rules name only their option.
    let told = false;
    const hint = (ok: boolean, flag: string) => {
      if (ok) return undefined;
      if (told) return `Add ${flag}, in the same single command.`;
      told = true;
      return `Add ${flag}. ${WHOLE_POLICY_HINT}`;
    };
    // 14 characters and 24 remembered passwords are the CIS AWS Foundations Benchmark's values,
    // which Security Hub checks as IAM.15 and IAM.16: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html
    const out: Condition[] = [
      fact(
        length >= 14,
        'passwords are at least 14 characters long',
        'MinimumPasswordLength 14 or more',
        `MinimumPasswordLength ${length}`,
        `A minimum of ${length} characters is weaker than this lab's rule of 14 (the length the CIS AWS Foundations Benchmark asks for).`,
        hint(length >= 14, '--minimum-password-length 14'),
      ),
      fact(
        missingTypes.length === 0,
        'passwords must mix upper and lower case, numbers and symbols',
        'RequireUppercaseCharacters, RequireLowercaseCharacters, RequireNumbers and RequireSymbols all true',
        missingTypes.length ? `not required: ${missingTypes.map(([, words]) => words).join(', ')}` : 'all four required',
        `The policy does not require ${missingTypes.map(([, words]) => words).join(' or ')} (${listWords(missingTypes.map(([k]) => k))} ${missingTypes.length > 1 ? 'are' : 'is'} false), so a password without them is accepted.`,
        hint(missingTypes.length === 0, missingTypes.map(([, , flag]) => flag).join(' ')),
      ),
      fact(
        age !== undefined && age <= 90,
        'passwords expire within 90 days',
        'MaxPasswordAge between 1 and 90',
        age === undefined ? 'passwords never expire (no MaxPasswordAge)' : `MaxPasswordAge ${age}`,
        age === undefined ? 'Without MaxPasswordAge a password stays valid forever.' : `Passwords stay valid for ${age} days, longer than this lab's 90.`,
        hint(age !== undefined && age <= 90, '--max-password-age 90'),
      ),
      fact(
        reuse >= 24,
        'the last 24 passwords cannot be used again',
        'PasswordReusePrevention 24 (IAM allows 1 to 24)',
        reuse ? `PasswordReusePrevention ${reuse}` : 'no reuse prevention: an old password may be set again',
        reuse ? `Only the last ${reuse} passwords are remembered; this lab asks for the most IAM allows, 24.` : 'Without PasswordReusePrevention a user may set a previous password again.',
        hint(reuse >= 24, '--password-reuse-prevention 24'),
      ),
    ];
    return out;
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new UpdateAccountPasswordPolicyCommand(STRONG_POLICY));
  },
  mistakes: [
    { name: 'no password policy', element: 'password policy', apply: async () => {}, expectFeedback: /the account has a password policy[\s\S]*default rules apply[\s\S]*update-account-password-policy --minimum-password-length 14/ },
    {
      name: 'length 12',
      element: 'MinimumPasswordLength',
      apply: (ctx) => setPolicy(ctx, { MinimumPasswordLength: 12 }),
      expectFeedback: /passwords are at least 14 characters long[\s\S]*MinimumPasswordLength 12[\s\S]*update-account-password-policy sets the whole policy at once/,
    },
    {
      name: 'symbols not required',
      element: 'RequireSymbols',
      apply: (ctx) => setPolicy(ctx, { RequireSymbols: undefined }),
      expectFeedback: /not required: symbols[\s\S]*does not require symbols/,
    },
    {
      name: 'passwords never expire',
      element: 'MaxPasswordAge',
      apply: (ctx) => setPolicy(ctx, { MaxPasswordAge: undefined }),
      expectFeedback: /passwords never expire \(no MaxPasswordAge\)[\s\S]*stays valid forever/,
    },
    {
      name: 'only 5 passwords remembered',
      element: 'PasswordReusePrevention',
      apply: (ctx) => setPolicy(ctx, { PasswordReusePrevention: 5 }),
      expectFeedback: /PasswordReusePrevention 5[\s\S]*Only the last 5 passwords are remembered/,
    },
    {
      name: 'set in two commands (the second resets the first)',
      element: 'MinimumPasswordLength',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true }));
        await ctx.clients.iam.send(new UpdateAccountPasswordPolicyCommand({ MaxPasswordAge: 90, PasswordReusePrevention: 24 }));
      },
      expectFeedback: /MinimumPasswordLength 6[\s\S]*every option you leave out goes back to its default/,
    },
  ],
});

/** "A", "A and B", "A, B and C". */
const listWords = (words: string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : (words[0] ?? ''));

async function setPolicy(ctx: LabContext, change: Partial<UpdateAccountPasswordPolicyCommandInput>): Promise<void> {
  await ctx.clients.iam.send(new UpdateAccountPasswordPolicyCommand({ ...STRONG_POLICY, ...change }));
}
