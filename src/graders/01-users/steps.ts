/** Lab 01 steps: users, managed policies, access keys, console passwords, rotation, offboarding. */
import {
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  UpdateAccessKeyCommand,
  DeleteAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  accountInfo,
  attachToUser,
  awsManagedArn,
  createKeyAsProfile,
  createLoginProfile,
  deleteGroupCompletely,
  deleteUserCompletely,
  ensureUser,
  findGroup,
  findUser,
  isNotFound,
  listAttachedUser,
  listGroupsOfUser,
  listKeys,
  listUserInline,
  s3Arn,
} from '../aws.js';
import { fact, failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { existsCondition } from '../names.js';
import { Probes } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { CONTRACTOR, CONTRACTORS, FIRST_KEY_FACT, SAMY } from './setup.js';

const SAMY_PASSWORD = 'Change-Me-On-1st-Login!';

async function samyExists(ctx: LabContext): Promise<Condition> {
  return existsCondition('user', SAMY, await findUser(ctx, SAMY), `Create it: aws iam create-user --user-name ${SAMY}`);
}

/** Samy's access keys, or (when Samy does not exist) the condition that says so. */
async function samyKeys(ctx: LabContext): Promise<Awaited<ReturnType<typeof listKeys>> | Condition> {
  try {
    return await listKeys(ctx, SAMY);
  } catch (e) {
    if (isNotFound(e)) return samyExists(ctx);
    throw e;
  }
}

export const createUser = defineStep({
  id: 'users/create-user',
  async check(ctx) {
    return [await samyExists(ctx)];
  },
  async solve(ctx) {
    await ensureUser(ctx, SAMY);
  },
  mistakes: [
    { name: 'no user', apply: async () => {}, expectFeedback: /no user named Samy/ },
    {
      name: 'samy (wrong case)',
      apply: async (ctx) => void (await ctx.clients.iam.send(new CreateUserCommand({ UserName: 'samy' }))),
      expectFeedback: /user samy \(different case\)[\s\S]*asks for Samy/,
    },
  ],
});

async function samyPolicyHint(ctx: LabContext): Promise<string | undefined> {
  try {
    const attached = (await listAttachedUser(ctx.clients.iam, SAMY)).map((a) => a.PolicyName ?? '');
    if (attached.includes('AmazonS3FullAccess')) {
      return 'AmazonS3FullAccess is attached to user Samy: it also lets Samy write and delete. Detach it and attach AmazonS3ReadOnlyAccess instead.';
    }
    if (attached.length === 0 && (await listUserInline(ctx.clients.iam, SAMY)).length === 0) {
      return 'Samy has no policies yet. Attach the AWS managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess.';
    }
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return undefined;
}

export const attachManagedPolicy = defineStep({
  id: 'users/attach-managed-policy',
  async check(ctx) {
    const probes = new Probes(ctx);
    const { partition } = await accountInfo(ctx);
    const anyBucket = s3Arn(partition, 'any-bucket');
    const anyObject = s3Arn(partition, 'any-bucket/any-file.txt');
    const who = { kind: 'user' as const, name: SAMY };
    const hint = () => samyPolicyHint(ctx);
    return [
      await probeCondition(probes, 'Samy can read objects (s3:GetObject)', { principal: who, action: 's3:GetObject', resource: anyObject }, 'allow', hint),
      await probeCondition(probes, 'Samy can list buckets (s3:ListBucket)', { principal: who, action: 's3:ListBucket', resource: anyBucket }, 'allow', hint),
      await probeCondition(probes, 'Samy cannot write objects (s3:PutObject)', { principal: who, action: 's3:PutObject', resource: anyObject }, 'deny', hint),
      await probeCondition(probes, 'Samy cannot delete objects (s3:DeleteObject)', { principal: who, action: 's3:DeleteObject', resource: anyObject }, 'deny', hint),
    ];
  },
  async solve(ctx) {
    await attachToUser(ctx, SAMY, await awsManagedArn(ctx, 'AmazonS3ReadOnlyAccess'));
  },
  mistakes: [
    { name: 'nothing attached', apply: async () => {}, expectFeedback: /Implicitly denied: no policy of user Samy allows s3:GetObject[\s\S]*Samy has no policies yet/ },
    {
      name: 'AmazonS3FullAccess attached (too broad)',
      apply: async (ctx) => attachToUser(ctx, SAMY, await awsManagedArn(ctx, 'AmazonS3FullAccess')),
      expectFeedback: /Allowed when it should not be: AmazonS3FullAccess[\s\S]*allows s3:PutObject/,
    },
  ],
});

export const accessKey = defineStep({
  id: 'users/access-key',
  async check(ctx) {
    const keys = await samyKeys(ctx);
    if (!Array.isArray(keys)) return [keys];
    const out: Condition[] = [
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
          : `Keep the key saved in profile samy and delete the other: aws iam delete-access-key --user-name ${SAMY} --access-key-id <the other id>`,
      ),
    ];
    const active = keys.filter((k) => k.status === 'Active');
    if (keys.length >= 1) {
      out.push(fact(active.length >= 1, 'the key is Active', 'Active', keys.map((k) => k.status).join(', '), 'An Inactive key is refused by AWS.', `aws iam update-access-key --user-name ${SAMY} --access-key-id ${keys[0].id} --status Active`));
    }
    if (active.length === 1) {
      const name = 'the key has been used (aws sts get-caller-identity --profile samy)';
      if (!ctx.capabilities.recordsAccessKeyLastUsed) {
        out.push(unverifiable(name, 'a last-used date', 'This backend does not record when an access key was last used.'));
      } else {
        const r = await ctx.clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: active[0].id }));
        const used = r.AccessKeyLastUsed?.LastUsedDate;
        out.push(
          fact(
            !!used,
            name,
            'a last-used date',
            used ? `last used ${used.toISOString()} (${r.AccessKeyLastUsed?.ServiceName ?? '?'})` : 'never used',
            `AWS has never seen a request signed with ${active[0].id}, so the profile has not been tried yet.`,
            'Save the key with aws configure --profile samy, then run aws sts get-caller-identity --profile samy: it should print the ARN of user Samy.',
          ),
        );
      }
    }
    return out;
  },
  async onPass(ctx) {
    // Kept once: after rotation this step still passes, and the first key must stay the reference.
    if (ctx.facts.get(FIRST_KEY_FACT)) return;
    const keys = await listKeys(ctx, SAMY);
    if (keys.length === 1) ctx.facts.set(FIRST_KEY_FACT, keys[0].id);
  },
  async solve(ctx) {
    const creds = await createKeyAsProfile(ctx, SAMY, 'samy');
    await ctx.clientsFor(creds).sts.send(new GetCallerIdentityCommand({}));
  },
  mistakes: [
    { name: 'no key', apply: async () => {}, expectFeedback: /Samy has no access key yet/ },
    {
      name: 'two keys',
      apply: async (ctx) => {
        await createKeyAsProfile(ctx, SAMY, 'samy');
        await createKeyAsProfile(ctx, SAMY, 'samy-second');
      },
      expectFeedback: /Samy has 2 access keys/,
    },
  ],
});

export const consolePassword = defineStep({
  id: 'users/console-password',
  async check(ctx) {
    let lp;
    try {
      lp = await ctx.clients.iam.send(new GetLoginProfileCommand({ UserName: SAMY }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!lp?.LoginProfile) {
      const user = await samyExists(ctx);
      if (user.status !== 'passed') return [user];
      return [
        failed(
          'Samy has a console password (login profile)',
          'a login profile',
          'no login profile',
          'Without a login profile Samy can only use access keys, not the AWS console.',
          `aws iam create-login-profile --user-name ${SAMY} --password '<a strong password>' --password-reset-required`,
        ),
      ];
    }
    const reset = lp.LoginProfile.PasswordResetRequired === true;
    if (ctx.capabilities.recordsPasswordResetRequired === false) {
      return [
        passed('Samy has a console password (login profile)', 'a login profile', 'login profile present'),
        unverifiable('Samy must change the password at first sign-in', 'PasswordResetRequired = true', 'This backend does not keep the "password reset required" flag of a login profile.'),
      ];
    }
    return [
      passed('Samy has a console password (login profile)', 'a login profile', 'login profile present'),
      fact(
        reset,
        'Samy must change the password at first sign-in',
        'PasswordResetRequired = true',
        `PasswordResetRequired = ${reset}`,
        'You chose the password, so you know it: Samy should replace it with one only Samy knows the first time they sign in.',
        `aws iam update-login-profile --user-name ${SAMY} --password-reset-required`,
      ),
    ];
  },
  async solve(ctx) {
    await createLoginProfile(ctx, SAMY, SAMY_PASSWORD, true);
  },
  mistakes: [
    { name: 'no login profile', apply: async () => {}, expectFeedback: /no login profile/ },
    {
      name: 'reset not required',
      apply: async (ctx) => createLoginProfile(ctx, SAMY, SAMY_PASSWORD, false),
      expectFeedback: /PasswordResetRequired = false/,
    },
  ],
});

export const rotateKey = defineStep({
  id: 'users/rotate-key',
  async check(ctx) {
    const keys = await samyKeys(ctx);
    if (!Array.isArray(keys)) return [keys];
    const first = ctx.facts.get(FIRST_KEY_FACT);
    const oldStill = first ? keys.find((k) => k.id === first) : undefined;
    const out: Condition[] = [
      fact(
        keys.length === 1,
        'Samy has exactly one access key',
        '1 access key',
        `${keys.length} access keys (${keys.map((k) => `${k.id} ${k.status}`).join(', ') || 'none'})`,
        keys.length > 1
          ? `The old key${oldStill ? ` ${oldStill.id} (${oldStill.status})` : ''} is still there. A deactivated key can be switched back on, and it still counts against the limit of two keys: delete it once the new one works.`
          : 'Samy has no access key at all: the rotation should leave exactly one, the new one.',
        keys.length > 1 ? `aws iam delete-access-key --user-name ${SAMY} --access-key-id ${oldStill?.id ?? '<old key id>'}` : `aws iam create-access-key --user-name ${SAMY}`,
      ),
    ];
    if (keys.length === 1) {
      out.push(fact(keys[0].status === 'Active', 'the remaining key is Active', 'Active', keys[0].status, 'Deactivating the only key locks Samy out: rotation means a new Active key first, then the old one goes.', `aws iam create-access-key --user-name ${SAMY}`));
    }
    if (!first) {
      out.push(
        failed(
          'the key is not the one from users/access-key',
          'a key created after users/access-key passed',
          'no record of the earlier key',
          'iam-labs did not see users/access-key pass in this lab session, so it cannot tell an old key from a new one.',
          'Run iam-labs check after the users/access-key step, then rotate.',
        ),
      );
    } else {
      out.push(
        fact(
          keys.length === 1 && keys[0].id !== first,
          'the key is not the one from users/access-key',
          `a key other than ${first}`,
          oldStill ? `${first} is still present (${oldStill.status})` : keys.map((k) => k.id).join(', ') || 'no key',
          `${first} is the key that existed when users/access-key passed; rotating means replacing it.`,
          `aws iam create-access-key --user-name ${SAMY}, switch profile samy to it, then delete ${first}`,
        ),
      );
    }
    return out;
  },
  async solve(ctx) {
    const keys = await listKeys(ctx, SAMY);
    const old = keys[0]?.id;
    if (old && !ctx.facts.get(FIRST_KEY_FACT)) ctx.facts.set(FIRST_KEY_FACT, old);
    const fresh = await createKeyAsProfile(ctx, SAMY, 'samy');
    for (const k of keys) await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: SAMY, AccessKeyId: k.id, Status: 'Inactive' }));
    await ctx.clientsFor(fresh).sts.send(new GetCallerIdentityCommand({}));
    for (const k of keys) await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: SAMY, AccessKeyId: k.id }));
  },
  mistakes: [
    {
      name: 'old key still present (active)',
      apply: async (ctx) => void (await createKeyAsProfile(ctx, SAMY, 'samy')),
      expectFeedback: /The old key \S+ \(Active\) is still there/,
    },
    {
      name: 'old key still present (inactive)',
      apply: async (ctx) => {
        const [old] = await listKeys(ctx, SAMY);
        await createKeyAsProfile(ctx, SAMY, 'samy');
        await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: SAMY, AccessKeyId: old.id, Status: 'Inactive' }));
      },
      expectFeedback: /The old key \S+ \(Inactive\) is still there/,
    },
    {
      name: 'only key deactivated',
      apply: async (ctx) => {
        const [old] = await listKeys(ctx, SAMY);
        await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: SAMY, AccessKeyId: old.id, Status: 'Inactive' }));
      },
      expectFeedback: /Deactivating the only key locks Samy out/,
    },
  ],
});

async function contractorLeftovers(ctx: LabContext): Promise<string[]> {
  const iam = ctx.clients.iam;
  const out: string[] = [];
  const keys = await listKeys(ctx, CONTRACTOR);
  if (keys.length) out.push(`${keys.length} access key(s)`);
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
      out.push(
        failed(
          'user temp-contractor is gone',
          'no user temp-contractor',
          'user temp-contractor still exists',
          left.length
            ? `temp-contractor still has ${left.join(', ')}. IAM refuses to delete a user that still has any of these (DeleteConflict), so remove them first.`
            : 'temp-contractor has nothing attached any more; only the user itself is left.',
          `aws iam delete-user --user-name ${CONTRACTOR} tells you what is still in the way`,
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
        'Offboarding one person must not remove the group: other contractors (and their permissions) depend on it.',
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
    { name: 'user still there', apply: async () => {}, expectFeedback: /temp-contractor still has 1 access key\(s\), a login profile/ },
    {
      name: 'group deleted too',
      apply: async (ctx) => {
        await deleteUserCompletely(ctx, CONTRACTOR);
        await deleteGroupCompletely(ctx, CONTRACTORS);
      },
      expectFeedback: /no group contractors[\s\S]*must not remove the group/,
    },
  ],
});

export const lab01Steps = [createUser, attachManagedPolicy, accessKey, consolePassword, rotateKey, deleteUser];
