/**
 * hygiene/who-did-it: CloudTrail's event history says mallory attached AdministratorAccess to
 * helper-bot. Passes when helper-bot lost that grant (and only that), mallory's keys are
 * inactive, nobody else's keys changed, and the learner did look the history up.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-cli.html
 */
import { LookupEventsCommand, paginateLookupEvents, type Event } from '@aws-sdk/client-cloudtrail';
import { DeleteUserPolicyCommand, DetachUserPolicyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { awsManagedArn, deleteUserCompletely, isNotFound, listAttachedUser } from '../aws.js';
import { fact, failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { Probes } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { withAuditClients } from './clients.js';
import { describeKey, isStale, keysOf } from './keys.js';
import { ALAN, GRADER_AGENT, HELPER, JOHN, MALLORY, OLD_CI } from './names.js';

const DETACH = `aws iam detach-user-policy --user-name ${HELPER} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess`;
const LOOKUP = `aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=AttachUserPolicy`;

/**
 * Who attached AdministratorAccess to helper-bot, according to the event history, looked up as
 * the learner would (so the lookup counts); undefined where the backend keeps no history.
 */
export async function culpritFromTrail(ctx: LabContext): Promise<string | undefined> {
  if (!ctx.capabilities.cloudTrail) return undefined;
  const events: Event[] = await withAuditClients(
    ctx,
    async (c) => (await c.cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AttachUserPolicy' }] }))).Events ?? [],
    { as: 'learner' },
  );
  const hit = events.find((e) => {
    const params = (JSON.parse(e.CloudTrailEvent ?? '{}') as { requestParameters?: { userName?: string; policyArn?: string } }).requestParameters;
    return params?.userName === HELPER && params.policyArn?.endsWith(':policy/AdministratorAccess');
  });
  return hit?.Username;
}

/** Set the first time a check sees the learner's lookup (events are dropped over time; the lookup happened). */
export const LOOKED_UP_FACT = 'hygiene/cloudtrail-looked-up';
/** How far back to search: the graders' own lookups (one per check) come first, newest first. */
const MAX_PAGES = 10;

/**
 * Whether someone other than the graders looked the event history up: LookupEvents is itself a
 * recorded call, and the graders' own lookups carry their User-Agent. Remembered as a fact.
 */
async function lookedUp(ctx: LabContext): Promise<boolean> {
  if (ctx.facts.get(LOOKED_UP_FACT)) return true;
  const found = await withAuditClients(ctx, async (c) => {
    let pages = 0;
    const pager = paginateLookupEvents({ client: c.cloudtrail, stopOnSameToken: true }, { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'LookupEvents' }], MaxResults: 50 });
    for await (const page of pager) {
      const mine = (page.Events ?? []).find((e) => !((JSON.parse(e.CloudTrailEvent ?? '{}') as { userAgent?: string }).userAgent ?? '').includes(GRADER_AGENT));
      if (mine) return mine.EventTime?.toISOString() ?? new Date().toISOString();
      if (++pages >= MAX_PAGES) break;
    }
    return undefined;
  });
  if (found) ctx.facts.set(LOOKED_UP_FACT, found);
  return !!found;
}

/** Users whose keys must be as the seed left them: every key Active (old-ci: its key in use). */
async function othersKeys(ctx: LabContext): Promise<Condition> {
  const name = 'nobody else’s access keys changed';
  const changed: string[] = [];
  // the commands that turn a switched-off key back on, when that is the whole fix
  const turnOn: string[] = [];
  for (const user of [ALAN, JOHN, HELPER]) {
    const keys = await keysOf(ctx, user);
    if (!keys) changed.push(`user ${user} is gone`);
    else if (!keys.length) changed.push(`${user} has no key any more`);
    else {
      for (const k of keys.filter((x) => x.status !== 'Active')) {
        changed.push(`${user}'s key ${k.id} is ${k.status}`);
        turnOn.push(`aws iam update-access-key --user-name ${user} --access-key-id ${k.id} --status Active`);
      }
    }
  }
  const lastUse = ctx.capabilities.recordsAccessKeyLastUsed && ctx.capabilities.backdatedHistory;
  const ci = (await keysOf(ctx, OLD_CI, lastUse)) ?? [];
  if (!ci.some((k) => k.status === 'Active' && (!lastUse || !isStale(k)))) changed.push(`${OLD_CI}'s key in use is not Active (${ci.map((k) => describeKey(k)).join('; ') || 'no keys'})`);
  return fact(
    changed.length === 0,
    name,
    `the keys of ${ALAN}, ${JOHN}, ${HELPER} and ${OLD_CI} as they were`,
    changed.join('; ') || 'unchanged',
    'Only the culprit’s keys should be switched off. CloudTrail names who made each call: userIdentity.userName (Username in the list). The others did nothing wrong, and their keys may be in use.',
    `Check again who made the AttachUserPolicy call on ${HELPER} with AdministratorAccess, and turn the other keys back on: ${turnOn.length ? turnOn.join('; ') : 'aws iam update-access-key --user-name <user> --access-key-id <id> --status Active'}`,
  );
}

export const whoDidIt = defineStep({
  id: 'hygiene/who-did-it',
  async check(ctx) {
    const out: Condition[] = [];
    let attached: string[] | undefined;
    try {
      attached = (await listAttachedUser(ctx.clients.iam, HELPER)).map((a) => a.PolicyName ?? '');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!attached) {
      out.push(
        failed(
          `${HELPER} still exists`,
          `user ${HELPER}, without AdministratorAccess`,
          `no user ${HELPER}`,
          `${HELPER} was deleted. The bot's other access (ReadOnlyAccess from ${ALAN}) was legitimate; the fix is to take away only what ${MALLORY} granted.`,
          'iam-labs reset brings the lab back to its start; then detach just AdministratorAccess.',
        ),
      );
    } else {
      out.push(
        fact(
          !attached.includes('AdministratorAccess'),
          `AdministratorAccess is no longer attached to ${HELPER}`,
          'AdministratorAccess not attached',
          attached.join(', ') || 'no attached policies',
          `${MALLORY}'s grant is still in place: ${HELPER} (and whoever holds its key) is an administrator.`,
          DETACH,
        ),
      );
      out.push(await probeCondition(new Probes(ctx), `${HELPER} cannot manage IAM any more (iam:CreateUser)`, { principal: { kind: 'user', name: HELPER }, action: 'iam:CreateUser', resource: '*' }, 'deny', async () => DETACH));
      out.push(
        fact(
          attached.includes('ReadOnlyAccess'),
          `${HELPER} keeps ReadOnlyAccess (attached by ${ALAN})`,
          'ReadOnlyAccess attached',
          attached.join(', ') || 'no attached policies',
          `ReadOnlyAccess was ${ALAN}'s legitimate grant (see the AttachUserPolicy event he made). Remove only what ${MALLORY} added.`,
          `aws iam attach-user-policy --user-name ${HELPER} --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess`,
        ),
      );
    }
    const mallory = await keysOf(ctx, MALLORY);
    if (!mallory) {
      out.push(failed(`${MALLORY}'s access keys are inactive`, `user ${MALLORY} with only Inactive keys`, `no user ${MALLORY}`, `${MALLORY} was deleted. During an investigation, deactivate: the user, her keys and their history stay for the investigators, and nothing can be done with them.`, 'iam-labs reset brings the lab back to its start.'));
    } else {
      const active = mallory.filter((k) => k.status === 'Active');
      out.push(
        fact(
          active.length === 0,
          `${MALLORY}'s access keys are inactive`,
          'every key of mallory Inactive',
          mallory.length ? mallory.map((k) => `${k.id} ${k.status}`).join(', ') : 'no keys',
          `${MALLORY} can still sign requests with ${active.map((k) => k.id).join(', ')}: she made ${HELPER} an administrator and could do it again.`,
          `aws iam update-access-key --user-name ${MALLORY} --access-key-id ${active[0]?.id ?? '<id>'} --status Inactive`,
        ),
      );
    }
    out.push(await othersKeys(ctx));
    const lookupName = 'you looked the culprit up in CloudTrail’s event history';
    if (!ctx.capabilities.cloudTrail) out.push(unverifiable(lookupName, 'a LookupEvents call', 'This backend keeps no CloudTrail event history.'));
    else out.push((await lookedUp(ctx)) ? passed(lookupName, 'a LookupEvents call', 'looked up') : failed(lookupName, 'a LookupEvents call', 'no lookup-events yet', 'This step is about finding out from the record, not guessing: CloudTrail keeps who called which API, when, and with what.', LOOKUP));
    return out;
  },
  async solve(ctx) {
    const culprit = (await culpritFromTrail(ctx)) ?? MALLORY;
    await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
    await deactivateKeys(ctx, culprit);
  },
  mistakes: [
    {
      name: 'only the policy detached',
      element: 'mallory',
      apply: async (ctx) => {
        await culpritFromTrail(ctx);
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
      },
      expectFeedback: /mallory's access keys are inactive[\s\S]*AKIA\w+ Active[\s\S]*could do it again[\s\S]*update-access-key --user-name mallory/,
    },
    {
      name: "admin-alan's keys deactivated instead (he attached ReadOnlyAccess)",
      element: 'admin-alan',
      apply: async (ctx) => {
        await culpritFromTrail(ctx);
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
        await deactivateKeys(ctx, ALAN);
      },
      expectFeedback: /mallory's access keys are inactive[\s\S]*nobody else’s access keys changed[\s\S]*admin-alan's key AKIA\w+ is Inactive/,
    },
    {
      name: "helper-bot's key deactivated instead of mallory's",
      element: 'helper-bot',
      apply: async (ctx) => {
        await culpritFromTrail(ctx);
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
        await deactivateKeys(ctx, HELPER);
      },
      expectFeedback: /helper-bot's key AKIA\w+ is Inactive[\s\S]*Only the culprit’s keys/,
    },
    {
      name: "mallory's keys deactivated, AdministratorAccess left on helper-bot",
      element: 'AdministratorAccess',
      apply: async (ctx) => {
        await culpritFromTrail(ctx);
        await deactivateKeys(ctx, MALLORY);
      },
      expectFeedback: /AdministratorAccess is no longer attached to helper-bot[\s\S]*found:\s+(AdministratorAccess, ReadOnlyAccess|ReadOnlyAccess, AdministratorAccess)[\s\S]*detach-user-policy/,
    },
    {
      name: 'helper-bot deleted',
      element: 'helper-bot',
      apply: async (ctx) => {
        await culpritFromTrail(ctx);
        await deactivateKeys(ctx, MALLORY);
        await deleteUserCompletely(ctx, HELPER);
      },
      expectFeedback: /helper-bot still exists[\s\S]*was deleted[\s\S]*take away only what mallory granted/,
    },
    {
      name: 'mallory deleted instead of deactivated',
      element: 'mallory',
      apply: async (ctx) => {
        await culpritFromTrail(ctx);
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
        await ctx.clients.iam.send(new DeleteUserPolicyCommand({ UserName: MALLORY, PolicyName: 'HelpdeskAccess' }));
        await deleteUserCompletely(ctx, MALLORY);
      },
      expectFeedback: /no user mallory[\s\S]*During an investigation, deactivate/,
    },
    {
      name: 'fixed without looking at CloudTrail',
      element: 'CloudTrail',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new DetachUserPolicyCommand({ UserName: HELPER, PolicyArn: await awsManagedArn(ctx, 'AdministratorAccess') }));
        await deactivateKeys(ctx, MALLORY);
      },
      expectFeedback: /looked the culprit up in CloudTrail’s event history[\s\S]*no lookup-events yet[\s\S]*aws cloudtrail lookup-events/,
    },
  ],
});

async function deactivateKeys(ctx: LabContext, user: string): Promise<void> {
  for (const k of (await keysOf(ctx, user)) ?? []) {
    await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: k.id, Status: 'Inactive' }));
  }
}
