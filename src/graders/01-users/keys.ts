/**
 * Lab 01, steps 3 and 5: Samy's access key saved as CLI profile `samy` and used, then rotated.
 * Facts: access-key's onPass records the key Samy had then, which rotate-key must see replaced.
 */
import { DeleteAccessKeyCommand, GetAccessKeyLastUsedCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createKeyAsProfile, listKeys } from '../aws.js';
import { fact, failed, unverifiable } from '../conditions.js';
import { forgetPass, passRecord, rememberPass } from '../facts.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { ACCESS_KEY_STEP, remakeSamyAsLowercase, SAMY, SAMY_PROFILE, samyKeys } from './setup.js';

type Key = Awaited<ReturnType<typeof listKeys>>[number];

const CONFIGURE = `aws configure --profile ${SAMY_PROFILE}`;

/**
 * Profile `samy` in the lab's own AWS files holds one of Samy's keys. CLI profile names are
 * case-sensitive (`--profile samy` does not find [Samy]; checked with AWS CLI v1 and v2):
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */
function profileCondition(ctx: LabContext, keys: Key[], name: string): Condition {
  const expected = `profile ${SAMY_PROFILE} holding Samy's ${keys.length === 1 ? 'key' : 'new key'}`;
  const creds = ctx.profiles.get(SAMY_PROFILE);
  if (!creds) {
    const other = ctx.profiles.names().find((n) => n !== SAMY_PROFILE && n.toLowerCase() === SAMY_PROFILE);
    if (other) {
      return failed(
        name,
        expected,
        `profile ${other} (different case)`,
        `The lab's AWS files have a profile ${other}, but the step asks for ${SAMY_PROFILE}. Unlike IAM user names, CLI profile names are case-sensitive: --profile ${SAMY_PROFILE} does not find profile ${other}.`,
        `Save the key again under the exact name: ${CONFIGURE}`,
      );
    }
    return failed(
      name,
      expected,
      `no profile ${SAMY_PROFILE}`,
      `The lab's AWS files have no profile ${SAMY_PROFILE}, so --profile ${SAMY_PROFILE} cannot sign requests as Samy.`,
      `Run ${CONFIGURE} and paste the AccessKeyId and SecretAccessKey that create-access-key printed (a lost secret cannot be shown again: create a new key and delete the old one).`,
    );
  }
  const holds = keys.find((k) => k.id === creds.accessKeyId);
  return fact(
    !!holds && holds.status === 'Active',
    name,
    expected,
    holds ? `profile ${SAMY_PROFILE} holds ${holds.id} (${holds.status})` : `profile ${SAMY_PROFILE} holds ${creds.accessKeyId}, which is not one of Samy's keys`,
    holds
      ? `Profile ${SAMY_PROFILE} holds ${holds.id}, which is ${holds.status}: AWS refuses requests signed with an inactive key.`
      : `Profile ${SAMY_PROFILE} holds ${creds.accessKeyId}, which is not a key of Samy's (Samy has ${keys.map((k) => k.id).join(', ') || 'none'}), so requests with --profile ${SAMY_PROFILE} do not sign as Samy.`,
    `Run ${CONFIGURE} again with the key id and secret of Samy's ${keys.length > 1 ? 'new ' : ''}key.`,
  );
}

export const accessKey = defineStep({
  id: ACCESS_KEY_STEP,
  async check(ctx) {
    const keys = await samyKeys(ctx);
    if (!Array.isArray(keys)) return [keys];
    const out: Condition[] = [
      // At most two access keys per user; one is the norm, two only while rotating.
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
      fact(
        keys.length === 1,
        'Samy has exactly one access key',
        '1 access key',
        `${keys.length} access key${keys.length === 1 ? '' : 's'}`,
        keys.length === 0
          ? 'Samy has no access key yet, so nothing can sign requests as Samy.'
          : `Samy has ${keys.length} access keys (${keys.map((k) => `${k.id} ${k.status}`).join(', ')}). Every extra key is one more secret that can leak.`,
        keys.length === 0
          ? `Create one: aws iam create-access-key --user-name ${SAMY}`
          : `Keep the key saved in profile ${SAMY_PROFILE} and delete the other: aws iam delete-access-key --user-name ${SAMY} --access-key-id <the other id>`,
      ),
    ];
    if (keys.length === 0) return out;
    const active = keys.filter((k) => k.status === 'Active');
    out.push(
      fact(active.length >= 1, 'the key is Active', 'Active', keys.map((k) => k.status).join(', '), 'An Inactive key is refused by AWS.', `aws iam update-access-key --user-name ${SAMY} --access-key-id ${keys[0].id} --status Active`),
    );
    out.push(profileCondition(ctx, keys, `profile ${SAMY_PROFILE} holds Samy's key`));
    const inProfile = keys.find((k) => k.id === ctx.profiles.get(SAMY_PROFILE)?.accessKeyId && k.status === 'Active');
    if (inProfile) out.push(await usedCondition(ctx, inProfile));
    return out;
  },
  async onPass(ctx) {
    // Kept once: rotate-key compares against the key Samy had when this step first passed.
    if (passRecord(ctx, ACCESS_KEY_STEP)?.key) return;
    const keys = await listKeys(ctx, SAMY);
    if (keys.length === 1) rememberPass(ctx, ACCESS_KEY_STEP, { key: keys[0].id });
  },
  async solve(ctx) {
    const creds = await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE);
    await ctx.clientsFor(creds).sts.send(new GetCallerIdentityCommand({}));
  },
  mistakes: [
    {
      name: 'the key made for samy (step 1 made in the wrong case)',
      element: 'samy',
      apply: async (ctx) => {
        await remakeSamyAsLowercase(ctx);
        await signedWith(ctx, await createKeyAsProfile(ctx, 'samy', SAMY_PROFILE));
      },
      expectFeedback: /user samy \(different case\)/,
    },
    { name: 'no key', element: 'access key', apply: async () => {}, expectFeedback: /Samy has no access key yet/ },
    {
      name: 'two keys',
      element: 'access keys',
      apply: async (ctx) => {
        await signedWith(ctx, await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE));
        await createKeyAsProfile(ctx, SAMY, 'samy-second');
      },
      expectFeedback: /Samy has 2 access keys/,
    },
    {
      name: 'saved as profile Samy (profile names are case-sensitive)',
      element: 'profile Samy',
      apply: async (ctx) => signedWith(ctx, await createKeyAsProfile(ctx, SAMY, 'Samy')),
      expectFeedback: /profile Samy \(different case\)[\s\S]*CLI profile names are case-sensitive/,
    },
    {
      name: 'key created but never saved as a profile',
      element: 'profile samy',
      apply: async (ctx) => void (await createKeyAsProfile(ctx, SAMY, 'scratch')),
      expectFeedback: /no profile samy/,
    },
    {
      name: 'profile samy holds a key that was deleted',
      element: 'profile samy',
      apply: async (ctx) => {
        const first = await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE);
        await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: SAMY, AccessKeyId: first.accessKeyId }));
        await createKeyAsProfile(ctx, SAMY, 'scratch');
      },
      expectFeedback: /which is not a key of Samy's/,
    },
    {
      name: 'saved but never used (no request signed with it)',
      element: 'last use',
      apply: async (ctx) => void (await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE)),
      expectFeedback: /never seen a request signed with/,
    },
  ],
});

const signedWith = async (ctx: LabContext, creds: { accessKeyId: string; secretAccessKey: string }) =>
  void (await ctx.clientsFor(creds).sts.send(new GetCallerIdentityCommand({})));

/**
 * The key signed at least one request (GetAccessKeyLastUsed), where the backend records it.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccessKeyLastUsed.html
 */
async function usedCondition(ctx: LabContext, key: Key): Promise<Condition> {
  const name = `Samy's key has signed a request (aws sts get-caller-identity --profile ${SAMY_PROFILE})`;
  if (!ctx.capabilities.recordsAccessKeyLastUsed) return unverifiable(name, 'a last-used date', 'This backend does not record when an access key was last used.');
  const r = await ctx.clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }));
  const used = r.AccessKeyLastUsed?.LastUsedDate;
  return fact(
    !!used,
    name,
    'a last-used date',
    used ? `last used ${used.toISOString()} (${r.AccessKeyLastUsed?.ServiceName ?? 'a service'})` : 'never used',
    `The key's last use is empty: AWS has never seen a request signed with ${key.id}, so profile ${SAMY_PROFILE} has not been tried yet.`,
    `Run aws sts get-caller-identity --profile ${SAMY_PROFILE}: it should print the ARN of user Samy.`,
  );
}

/** Profile samy still holds the key from users/access-key: the rotation has not reached step 2 yet. */
function profileOnOldKey(first: string, newKeyMade: boolean): Condition {
  return failed(
    `profile ${SAMY_PROFILE} uses the new key`,
    `profile ${SAMY_PROFILE} holding Samy's new key`,
    `profile ${SAMY_PROFILE} holds ${first}, the old key`,
    `Profile ${SAMY_PROFILE} still holds ${first}, the key from users/access-key: once that key is deleted, --profile ${SAMY_PROFILE} stops working.`,
    newKeyMade
      ? `Run ${CONFIGURE} and paste the new key's AccessKeyId and SecretAccessKey (create-access-key printed them).`
      : `Create the new key first: aws iam create-access-key --user-name ${SAMY}, then save it with ${CONFIGURE}.`,
  );
}

export const rotateKey = defineStep({
  id: 'users/rotate-key',
  async check(ctx) {
    const keys = await samyKeys(ctx);
    if (!Array.isArray(keys)) return [keys];
    const first = passRecord(ctx, ACCESS_KEY_STEP)?.key;
    const oldStill = first ? keys.find((k) => k.id === first) : undefined;
    // Midway through a rotation profile samy may still hold the old key: deleting that key
    // before the profile is switched would break the profile, so the hints say "switch first".
    const profileOnOld = !!oldStill && ctx.profiles.get(SAMY_PROFILE)?.accessKeyId === oldStill.id;
    const newKeyMade = keys.some((k) => k.id !== first);
    // Rotation: create the new key, switch to it, deactivate the old one, check, delete it.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_cli
    const out: Condition[] = [
      fact(
        keys.length === 1,
        'Samy has exactly one access key',
        '1 access key',
        `${keys.length} access keys (${keys.map((k) => `${k.id} ${k.status}`).join(', ') || 'none'})`,
        keys.length > 1
          ? `The old key${oldStill ? ` ${oldStill.id} (${oldStill.status})` : ''} is still there. A deactivated key can be switched back on, and it still counts against the limit of two keys: delete it once the new one works.`
          : 'Samy has no access key at all: the rotation should leave exactly one, the new one.',
        keys.length > 1
          ? profileOnOld
            ? `Switch profile ${SAMY_PROFILE} to the new key first (${CONFIGURE}), then delete the old one: aws iam delete-access-key --user-name ${SAMY} --access-key-id ${first}`
            : `Delete it: aws iam delete-access-key --user-name ${SAMY} --access-key-id ${oldStill?.id ?? '<old key id>'}`
          : `Create one: aws iam create-access-key --user-name ${SAMY}`,
      ),
    ];
    if (keys.length === 1) {
      out.push(
        fact(keys[0].status === 'Active', 'the remaining key is Active', 'Active', keys[0].status, 'Deactivating the only key locks Samy out: rotation means a new Active key first, then the old one goes.', `Create the new key first: aws iam create-access-key --user-name ${SAMY}`),
      );
    }
    if (!first) {
      out.push(
        failed(
          'the key is not the one from users/access-key',
          'a key created after users/access-key passed',
          'no record of the earlier key',
          'iam-labs did not see users/access-key pass in this lab, so it cannot tell an old key from a new one.',
          'Run iam-labs check: once users/access-key passes it records the key Samy has now, and rotating that one completes this step.',
        ),
      );
    } else {
      out.push(
        fact(
          keys.length >= 1 && !oldStill,
          'the key is not the one from users/access-key',
          `a key other than ${first}`,
          oldStill ? `${first} is still present (${oldStill.status})` : keys.map((k) => k.id).join(', ') || 'no key',
          keys.length === 1 && oldStill
            ? `Samy's only key is still ${first}, the one from users/access-key: rotating means replacing it with a new key.`
            : `${first} is the key that existed when users/access-key passed; rotating means replacing it.`,
          newKeyMade
            ? `${profileOnOld ? `Switch profile ${SAMY_PROFILE} to the new key (${CONFIGURE}), then d` : 'D'}elete ${first}: aws iam delete-access-key --user-name ${SAMY} --access-key-id ${first}`
            : `Run aws iam create-access-key --user-name ${SAMY}, switch profile ${SAMY_PROFILE} to it, then delete ${first}.`,
        ),
      );
    }
    if (keys.length >= 1) out.push(profileOnOld && first ? profileOnOldKey(first, newKeyMade) : profileCondition(ctx, keys, `profile ${SAMY_PROFILE} uses the new key`));
    return out;
  },
  async solve(ctx) {
    const keys = await listKeys(ctx, SAMY);
    const fresh = await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE);
    for (const k of keys) await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: SAMY, AccessKeyId: k.id, Status: 'Inactive' }));
    await ctx.clientsFor(fresh).sts.send(new GetCallerIdentityCommand({}));
    for (const k of keys) await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: SAMY, AccessKeyId: k.id }));
  },
  mistakes: [
    {
      name: 'old key still present (active)',
      element: 'old key',
      apply: async (ctx) => void (await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE)),
      expectFeedback: /The old key \S+ \(Active\) is still there/,
    },
    {
      name: 'old key still present (inactive)',
      element: 'old key',
      apply: async (ctx) => {
        const [old] = await listKeys(ctx, SAMY);
        await createKeyAsProfile(ctx, SAMY, SAMY_PROFILE);
        await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: SAMY, AccessKeyId: old.id, Status: 'Inactive' }));
      },
      expectFeedback: /The old key \S+ \(Inactive\) is still there/,
    },
    {
      name: 'new key made, profile samy still on the old key',
      element: 'profile samy',
      apply: async (ctx) => void (await createKeyAsProfile(ctx, SAMY, 'scratch')),
      expectFeedback: /profile samy holds \S+, the old key[\s\S]*Run aws configure --profile samy and paste the new key's/,
    },
    {
      name: 'only key deactivated',
      element: 'Inactive',
      apply: async (ctx) => {
        const [old] = await listKeys(ctx, SAMY);
        await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: SAMY, AccessKeyId: old.id, Status: 'Inactive' }));
      },
      expectFeedback: /Deactivating the only key locks Samy out/,
    },
    {
      name: 'new key made and old one deleted, but profile samy not switched',
      element: 'profile samy',
      apply: async (ctx) => {
        const [old] = await listKeys(ctx, SAMY);
        await createKeyAsProfile(ctx, SAMY, 'scratch');
        await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: SAMY, AccessKeyId: old.id }));
      },
      expectFeedback: /Profile samy holds \S+, which is not a key of Samy's/,
    },
    {
      name: 'nothing done',
      element: 'users/access-key',
      apply: async () => {},
      expectFeedback: /Samy's only key is still \S+, the one from users\/access-key/,
    },
    {
      name: 'rotated, but users/access-key never passed here (no record of the old key)',
      element: 'users/access-key',
      apply: async (ctx) => {
        forgetPass(ctx, ACCESS_KEY_STEP);
        await rotateKey.solve(ctx);
      },
      expectFeedback: /did not see users\/access-key pass/,
    },
  ],
});
