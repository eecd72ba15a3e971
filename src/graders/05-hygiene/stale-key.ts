/**
 * hygiene/stale-key: the credential report is generated, old-ci's key unused for more than 90
 * days is deactivated (or deleted), and the key CI uses every day stays untouched and active.
 * Which key is which comes from the backend's last-used records, never from facts kept by setup.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html
 */
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, GenerateCredentialReportCommand, GetCredentialReportCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { errorName } from '../aws.js';
import { fact, failed, passed, unverifiable } from '../conditions.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { describeKey, isStale, keysOf, type KeyInfo } from './keys.js';
import { OLD_CI, STALE_DAYS } from './names.js';

const GENERATE = 'aws iam generate-credential-report, then aws iam get-credential-report --query Content --output text | base64 --decode';

/** Whether this backend can tell the stale key from the one in use. */
const knowsLastUse = (ctx: LabContext) => ctx.capabilities.recordsAccessKeyLastUsed && ctx.capabilities.backdatedHistory;

async function reportCondition(ctx: LabContext): Promise<Condition> {
  const name = 'a credential report has been generated';
  try {
    await ctx.clients.iam.send(new GetCredentialReportCommand({}));
    return passed(name, 'a credential report', 'a credential report');
  } catch (e) {
    const code = `${errorName(e)} ${(e as { Code?: string }).Code ?? ''}`;
    // still being generated: the learner did generate it
    if (/ReportInProgress|NotReady/.test(code)) return passed(name, 'a credential report', 'a credential report (being generated)');
    if (/ReportNotPresent|NotPresent|ReportExpired|Expired/.test(code)) {
      return failed(
        name,
        'a credential report',
        /Expired/.test(code) ? 'the last report has expired' : 'no credential report',
        'The audit starts from the credential report: one CSV line per user with when each password and access key was last used. Nobody has generated one for this account yet.',
        GENERATE,
      );
    }
    throw e;
  }
}

/** The key to retire: the stale one by its last use, or where the backend keeps no last use, the older key. */
async function staleKeyOf(ctx: LabContext): Promise<KeyInfo | undefined> {
  const keys = (await keysOf(ctx, OLD_CI, knowsLastUse(ctx))) ?? [];
  if (knowsLastUse(ctx)) return keys.find((k) => isStale(k));
  return [...keys].sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0))[0];
}

export const staleKey = defineStep({
  id: 'hygiene/stale-key',
  async check(ctx) {
    const out: Condition[] = [await reportCondition(ctx)];
    const keys = await keysOf(ctx, OLD_CI, knowsLastUse(ctx));
    if (!keys) return [...out, failed(`${OLD_CI} exists`, `user ${OLD_CI}`, `no user ${OLD_CI}`, `User ${OLD_CI} is gone: deleting the CI user breaks the pipeline that uses its current key.`, 'iam-labs reset brings the lab back to its start.')];
    const active = keys.filter((k) => k.status === 'Active');
    const unusedName = `${OLD_CI}'s key unused for more than ${STALE_DAYS} days is inactive or deleted`;
    const inUseName = `${OLD_CI}'s key in use (last used in the last ${STALE_DAYS} days) is untouched and active`;
    if (!knowsLastUse(ctx)) {
      out.push(unverifiable(unusedName, 'no active stale key', 'This backend does not record when an access key was last used (or a history in the past), so it cannot tell the stale key from the one in use.'));
      out.push(unverifiable(inUseName, 'the recently used key, Active', 'This backend does not record when an access key was last used.'));
    } else {
      const staleActive = active.filter((k) => isStale(k));
      out.push(
        fact(
          staleActive.length === 0,
          unusedName,
          `no Active key of ${OLD_CI} unused for more than ${STALE_DAYS} days`,
          staleActive.length ? `${staleActive.map((k) => describeKey(k)).join('; ')} is still Active` : 'none Active',
          'A key nobody has used for months is a secret that can only leak: whoever finds it in an old script or laptop gets in. Deactivate it first (reversible), delete it once nothing complains.',
          `aws iam update-access-key --user-name ${OLD_CI} --access-key-id ${staleActive[0]?.id ?? '<the old key>'} --status Inactive`,
        ),
      );
      const recent = keys.filter((k) => !isStale(k) && k.lastUsed);
      const recentActive = recent.filter((k) => k.status === 'Active');
      out.push(
        fact(
          recentActive.length > 0,
          inUseName,
          'the key used in the last days, still Active',
          recent.length ? recent.map((k) => describeKey(k)).join('; ') : `no key of ${OLD_CI} has been used in the last ${STALE_DAYS} days`,
          recent.length
            ? `${recent[0].id} is the key the CI pipeline used yesterday: switching it off stops the builds. The stale key is the other one.`
            : `The key in use, the one CI used yesterday, is gone: a deleted access key cannot be restored, and a new key would have to be put into the CI system first. This step only retires the unused one.`,
          recent.length ? `Turn it back on: aws iam update-access-key --user-name ${OLD_CI} --access-key-id ${recent[0].id} --status Active` : 'iam-labs reset brings the lab back to its start.',
        ),
      );
    }
    out.push(
      fact(
        active.length === 1,
        `${OLD_CI} has exactly one active key`,
        'one Active key',
        keys.length ? keys.map((k) => `${k.id} ${k.status}`).join(', ') : 'no keys',
        active.length > 1 ? 'Both keys are still Active: the audit found one unused for months and it is still switched on.' : `${OLD_CI} has no active key left, so CI cannot sign in.`,
        active.length > 1 ? 'Find the unused one in the credential report (access_key_N_last_used_date) or with aws iam get-access-key-last-used, and deactivate it.' : `Reactivate the key in use: aws iam update-access-key --user-name ${OLD_CI} --access-key-id <id> --status Active`,
      ),
    );
    return out;
  },
  async solve(ctx) {
    await ctx.clients.iam.send(new GenerateCredentialReportCommand({}));
    const stale = await staleKeyOf(ctx);
    if (stale) await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: OLD_CI, AccessKeyId: stale.id, Status: 'Inactive' }));
  },
  mistakes: [
    {
      name: 'report generated, nothing changed',
      element: 'Active',
      apply: async (ctx) => void (await ctx.clients.iam.send(new GenerateCredentialReportCommand({}))),
      // the stale key is named where the backend records last use (embedded); everywhere, both keys are still active
      expectFeedback: /old-ci has exactly one active key[\s\S]*Both keys are still Active[\s\S]*get-access-key-last-used, and deactivate it/,
    },
    {
      name: 'the key in use deactivated instead',
      element: 'Inactive',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new GenerateCredentialReportCommand({}));
        const inUse = ((await keysOf(ctx, OLD_CI, true)) ?? []).find((k) => !isStale(k))!;
        await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: OLD_CI, AccessKeyId: inUse.id, Status: 'Inactive' }));
      },
      expectFeedback: /key in use[\s\S]*\(Inactive, last used \d{4}-\d\d-\d\d, 1 day ago\)[\s\S]*switching it off stops the builds[\s\S]*--status Active/,
    },
    {
      name: 'both keys deactivated',
      element: 'Inactive',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new GenerateCredentialReportCommand({}));
        for (const k of (await keysOf(ctx, OLD_CI)) ?? []) await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: OLD_CI, AccessKeyId: k.id, Status: 'Inactive' }));
      },
      expectFeedback: /old-ci has exactly one active key[\s\S]*has no active key left, so CI cannot sign in/,
    },
    {
      name: 'both keys deleted and a new one made',
      element: 'key in use',
      apply: async (ctx) => {
        await ctx.clients.iam.send(new GenerateCredentialReportCommand({}));
        for (const k of (await keysOf(ctx, OLD_CI)) ?? []) await ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: OLD_CI, AccessKeyId: k.id }));
        await ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName: OLD_CI }));
      },
      expectFeedback: /no key of old-ci has been used in the last 90 days[\s\S]*The key in use, the one CI used yesterday, is gone/,
    },
    {
      name: 'the right key deactivated without generating the report',
      element: 'credential report',
      apply: async (ctx) => {
        const stale = await staleKeyOf(ctx);
        await ctx.clients.iam.send(new UpdateAccessKeyCommand({ UserName: OLD_CI, AccessKeyId: stale!.id, Status: 'Inactive' }));
      },
      expectFeedback: /a credential report has been generated[\s\S]*no credential report[\s\S]*aws iam generate-credential-report/,
    },
  ],
});
