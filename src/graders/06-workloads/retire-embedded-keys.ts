/**
 * Lab 06, workloads/retire-embedded-keys: once i-legacy gets its credentials from its role,
 * app-user's key (the one in i-legacy's user data) is deactivated and deleted. The order is part
 * of the lesson: a key retired while i-legacy had no instance profile left its application with
 * no credentials at all. CloudTrail says when the key was retired; the association says since
 * when i-legacy has its profile. Without CloudTrail, what workloads/fix-missing-profile saw when
 * it passed (the association, and the key still active) is the evidence.
 */
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, DeleteRolePolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { isNotFound, listKeys } from '../aws.js';
import { failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { Probes } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { bucketArns, embeddedKeyId, instancesOr, roleOfProfile, when } from './common.js';
import { associate } from './instance-actions.js';
import { APP_PROFILE, APP_ROLE, APP_USER, BUCKET, LEGACY, LEGACY_FIX_FACT } from './names.js';
import { describeInstance, ec2Client, ec2Sdk, isRunning, labInstances, legacyInstance, profileName, trailEvents, type LabInstance } from './services.js';

type Keys = Awaited<ReturnType<typeof listKeys>>;

async function appUserKeys(ctx: LabContext): Promise<{ keys: Keys; userGone: boolean }> {
  try {
    return { keys: await listKeys(ctx, APP_USER), userGone: false };
  } catch (e) {
    if (isNotFound(e)) return { keys: [], userGone: true };
    throw e;
  }
}

function keyCondition(keys: Keys, userGone: boolean, embedded: string | undefined, legacy: LabInstance | undefined): Condition {
  const name = `${APP_USER} has no active access key`;
  const active = keys.filter((k) => k.status === 'Active');
  if (!active.length) {
    return passed(name, 'no Active key', userGone ? `${APP_USER} deleted` : keys.length ? keys.map((k) => `${k.id} ${k.status}`).join(', ') : 'no access keys');
  }
  const k = active.find((x) => x.id === embedded) ?? active[0];
  const first = legacy && !legacy.profileArn ? ` First give ${LEGACY} its role (workloads/fix-missing-profile): retiring the key before that breaks its application.` : '';
  return failed(
    name,
    'no Active key',
    active.map((x) => `${x.id} Active`).join(', '),
    k.id === embedded
      ? `${APP_USER}'s key ${k.id} — the one written in ${LEGACY}'s user data — is still Active: anyone who can read the instance's user data can sign requests with it, and it never expires.`
      : `${APP_USER} has an active access key ${k.id} (created ${when(k.created)}): a workload that has a role needs no access key at all.`,
    `aws iam update-access-key --user-name ${APP_USER} --access-key-id ${k.id} --status Inactive, then aws iam delete-access-key --user-name ${APP_USER} --access-key-id ${k.id}.${first}`,
  );
}

async function legacyReadsCondition(ctx: LabContext, legacy: LabInstance | undefined, keyActive: boolean): Promise<Condition> {
  const name = `${LEGACY} reads ${BUCKET} through its role`;
  const expected = `${LEGACY} running, with an instance profile whose role can s3:GetObject in ${BUCKET}`;
  if (!legacy || !isRunning(legacy)) {
    return failed(name, expected, legacy ? `${describeInstance(legacy)} is ${legacy.state}` : `no instance named ${LEGACY}`, `${LEGACY} no longer runs, so nothing here shows its application working without the key.`, `iam-labs reset seeds the lab again, with ${LEGACY}.`);
  }
  const profile = profileName(legacy.profileArn);
  if (!profile) {
    return failed(
      name,
      expected,
      `${describeInstance(legacy)} has no instance profile`,
      keyActive
        ? `${describeInstance(legacy)} has no instance profile yet: once the key is gone, its application would have no credentials at all.`
        : `${describeInstance(legacy)} has no instance profile: without the key and without a role, its application has no credentials at all.`,
      `aws ec2 associate-iam-instance-profile --instance-id ${legacy.id} --iam-instance-profile Name=${APP_PROFILE}`,
    );
  }
  const role = await roleOfProfile(ctx, profile);
  if (!role) {
    return failed(name, expected, `${profile} holds no role`, `${LEGACY}'s instance profile ${profile} holds no role, so its metadata service hands out no credentials.`, `aws iam add-role-to-instance-profile --instance-profile-name ${profile} --role-name ${APP_ROLE}`);
  }
  const a = await bucketArns(ctx);
  return probeCondition(
    new Probes(ctx),
    `${LEGACY}'s role ${role} can read ${BUCKET} objects`,
    { principal: { kind: 'role', name: role }, action: 's3:GetObject', resource: a.object },
    'allow',
    `${role} must keep its read access to ${BUCKET}: ${LEGACY}'s application now depends on it. Give it back with the policy of step 1: aws iam put-role-policy --role-name ${role} --policy-name ReadAppData --policy-document file://read-app-data.json`,
  );
}

/** When `key` was first deactivated or deleted, from CloudTrail. */
async function firstRetirement(ctx: LabContext, key: string): Promise<{ at: string; how: 'deactivated' | 'deleted' } | undefined> {
  const found: Array<{ at: string; how: 'deactivated' | 'deleted' }> = [];
  for (const [eventName, how] of [['UpdateAccessKey', 'deactivated'], ['DeleteAccessKey', 'deleted']] as const) {
    for (const e of await trailEvents(ctx, { key: 'EventName', value: eventName })) {
      const p = e.requestParameters ?? {};
      if (e.errorCode || p.accessKeyId !== key) continue;
      if (eventName === 'UpdateAccessKey' && p.status !== 'Inactive') continue;
      found.push({ at: e.eventTime, how });
    }
  }
  return found.sort((x, y) => x.at.localeCompare(y.at))[0];
}

const seconds = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

async function orderCondition(ctx: LabContext, key: string, legacy: LabInstance | undefined): Promise<Condition | undefined> {
  const name = `the embedded key was retired only after ${LEGACY} had its role`;
  const expected = `${key} deactivated or deleted after ${LEGACY}'s instance profile was associated`;
  if (ctx.capabilities.cloudTrail) {
    const retired = await firstRetirement(ctx, key);
    if (!retired) return unverifiable(name, expected, `No CloudTrail event records when ${key} was deactivated or deleted (events older than 90 days are gone).`);
    const since = legacy?.associatedAt;
    // no profile now: "i-legacy reads acme-app-data through its role" says so; the order needs one
    if (!since) return undefined;
    if (seconds(retired.at) < seconds(since)) {
      return failed(
        name,
        expected,
        `${key} ${retired.how} at ${retired.at}; ${LEGACY}'s instance profile since ${when(since)}`,
        `${APP_USER}'s key ${key} was ${retired.how} at ${retired.at}, but ${LEGACY} got its instance profile only at ${when(since)}: in between, the application on ${LEGACY} had no credentials at all (on a real system, an outage). The safe order: give the workload its role, check that it works, then retire the key.`,
        `${retired.how === 'deleted' ? 'A deleted key cannot be restored' : 'Reactivating the key now does not undo the time the application had none'}: iam-labs reset seeds the lab again (a new key in a new ${LEGACY}), so you can retire it in the right order.`,
      );
    }
    return passed(name, expected, `${key} ${retired.how} at ${retired.at}, after ${LEGACY}'s profile (since ${when(since)})`);
  }
  let seen: { associationId?: string; keyActive?: boolean } = {};
  try {
    seen = JSON.parse(ctx.facts.get(LEGACY_FIX_FACT) || '{}') as typeof seen;
  } catch {
    /* unreadable fact: no evidence */
  }
  const proven = !!seen.keyActive && !!seen.associationId && seen.associationId === legacy?.associationId;
  if (proven) return passed(name, expected, `${LEGACY} had its profile while ${key} was still active (seen when workloads/fix-missing-profile passed)`);
  return unverifiable(name, expected, `This backend keeps no CloudTrail history, and ${LEGACY}'s current profile was not seen while the key was still active, so the order cannot be shown.`);
}

// Deactivate a key first and delete it once nothing needs it; an inactive key can be reactivated,
// a deleted one cannot: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
// Workloads should use roles, not long-term keys:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles
export const retireEmbeddedKeys = defineStep({
  id: 'workloads/retire-embedded-keys',
  async check(ctx) {
    const { keys, userGone } = await appUserKeys(ctx);
    const inst = await instancesOr(ctx, `${LEGACY} reads ${BUCKET} through its role`, `${LEGACY} with an instance profile whose role reads ${BUCKET}`);
    if ('status' in inst) return [keyCondition(keys, userGone, undefined, undefined), inst];
    const embedded = await embeddedKeyId(ctx, inst.legacy);
    const embeddedRetired = !!embedded && !keys.some((k) => k.id === embedded && k.status === 'Active');
    const out = [keyCondition(keys, userGone, embedded, inst.legacy), await legacyReadsCondition(ctx, inst.legacy, !embeddedRetired)];
    const order = embeddedRetired ? await orderCondition(ctx, embedded, inst.legacy) : undefined;
    if (order) out.push(order);
    return out;
  },
  async solve(ctx) {
    const list = ctx.capabilities.ec2Instances ? await labInstances(ctx) : [];
    const embedded = await embeddedKeyId(ctx, legacyInstance(list, LEGACY));
    for (const k of (await appUserKeys(ctx)).keys) {
      if (embedded && k.id !== embedded && k.status !== 'Active') continue;
      await retire(ctx, k.id, 'delete');
    }
  },
  mistakes: [
    { name: 'the key left active', element: 'Active', apply: async () => {}, expectFeedback: /app-user's key AKIA[A-Z0-9]+ — the one written in i-legacy's user data — is still Active/ },
    {
      name: "key deleted before i-legacy had a profile", element: 'deleted',
      apply: (ctx) => retireBeforeProfile(ctx, 'delete-at-once'),
      expectFeedback: /app-user's key AKIA[A-Z0-9]+ was deleted at \S+, but i-legacy got its instance profile only at \S+: in between, the application on i-legacy had no credentials at all/,
    },
    {
      name: 'key deactivated before i-legacy had a profile', element: 'deactivated',
      apply: (ctx) => retireBeforeProfile(ctx, 'deactivate'),
      expectFeedback: /app-user's key AKIA[A-Z0-9]+ was deactivated at \S+, but i-legacy got its instance profile only at/,
    },
    {
      name: 'a new key made for app-user (rotated, not retired)', element: 'active access key',
      apply: async (ctx) => {
        await retireEmbedded(ctx, 'delete');
        await ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName: APP_USER }));
      },
      expectFeedback: /app-user has an active access key AKIA[A-Z0-9]+ \(created \S+\): a workload that has a role needs no access key at all/,
    },
    {
      name: "i-legacy's profile removed after the key was retired", element: 'instance profile',
      apply: async (ctx) => {
        await retireEmbedded(ctx, 'delete');
        await disassociateLegacy(ctx);
      },
      expectFeedback: /i-[0-9a-f]+ \(i-legacy\) has no instance profile: without the key and without a role, its application has no credentials at all/,
    },
    {
      name: "AppServerRole's read access removed", element: 'AppServerRole',
      apply: async (ctx) => {
        await retireEmbedded(ctx, 'delete');
        await ctx.clients.iam.send(new DeleteRolePolicyCommand({ RoleName: APP_ROLE, PolicyName: 'ReadAppData' }));
      },
      expectFeedback: /i-legacy's role AppServerRole can read acme-app-data objects[\s\S]*Implicitly denied[\s\S]*must keep its read access/,
    },
  ],
});

/** deactivate; delete (deactivated first, as the chapter does); or delete straight away */
type Retirement = 'deactivate' | 'delete' | 'delete-at-once';

async function retire(ctx: LabContext, keyId: string, how: Retirement): Promise<void> {
  if (how !== 'delete-at-once') await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: APP_USER, AccessKeyId: keyId, Status: 'Inactive' }));
  if (how !== 'deactivate') await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: APP_USER, AccessKeyId: keyId }));
}

async function retireEmbedded(ctx: LabContext, how: Retirement): Promise<void> {
  const key = await embeddedKeyId(ctx, legacyInstance(await labInstances(ctx), LEGACY));
  if (!key) throw new Error(`${LEGACY}'s user data names no key`);
  await retire(ctx, key, how);
}

async function disassociateLegacy(ctx: LabContext): Promise<void> {
  const legacy = legacyInstance(await labInstances(ctx), LEGACY);
  if (!legacy?.associationId) throw new Error(`${LEGACY} has no instance profile to remove`);
  const { DisassociateIamInstanceProfileCommand } = await ec2Sdk();
  await (await ec2Client(ctx)).send(new DisassociateIamInstanceProfileCommand({ AssociationId: legacy.associationId }));
}

/**
 * The earlier steps gave i-legacy its profile; replay the mistaken order: profile off, key
 * retired, and (more than a second later, as a person would) the profile back on.
 */
async function retireBeforeProfile(ctx: LabContext, how: Retirement): Promise<void> {
  await disassociateLegacy(ctx);
  await retireEmbedded(ctx, how);
  await new Promise((r) => setTimeout(r, 1100));
  const legacy = legacyInstance(await labInstances(ctx), LEGACY);
  if (!legacy) throw new Error(`the seeded instance ${LEGACY} is missing`);
  await associate(ctx, legacy.id, APP_PROFILE);
}
