/**
 * hygiene/access-analyzer: analyzer org-analyzer (zone of trust: the account) exists, and what it
 * reported is fixed: acme-public-share is not readable from outside the account any more (its
 * finding no longer active), while the account's own role ShareReader still reads it through the
 * narrowed bucket policy.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
 */
import {
  CreateAnalyzerCommand,
  ListFindingsCommand,
  UpdateFindingsCommand,
  paginateListAnalyzers,
  type AnalyzerSummary,
  type FindingSummary,
} from '@aws-sdk/client-accessanalyzer';
import { DeleteBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { accountInfo, accountRootArn, matchName, s3Arn } from '../aws.js';
import { failed, passed, probeCondition, unverifiable } from '../conditions.js';
import { HYPOTHETICAL_SOURCE } from '../explain.js';
import { Probes, type PrincipalRef } from '../probes.js';
import { defineStep, type Condition, type LabContext } from '../types.js';
import { withAuditClients, type AuditClients } from './clients.js';
import { ANALYZER, SHARE_BUCKET, SHARE_OBJECT, SHARE_READER } from './names.js';
import { sharePolicy } from './setup.js';

const CREATE = `aws accessanalyzer create-analyzer --analyzer-name ${ANALYZER} --type ACCOUNT`;
const OTHER_ACCOUNT = '111122223333';

async function analyzers(c: AuditClients): Promise<AnalyzerSummary[]> {
  const out: AnalyzerSummary[] = [];
  for await (const page of paginateListAnalyzers({ client: c.accessanalyzer }, {})) out.push(...(page.analyzers ?? []));
  return out;
}

async function findingsFor(c: AuditClients, analyzerArn: string, bucketArn: string): Promise<FindingSummary[]> {
  const r = await c.accessanalyzer.send(new ListFindingsCommand({ analyzerArn, filter: { resource: { eq: [bucketArn] } } }));
  return r.findings ?? [];
}

const describeFinding = (f: FindingSummary) =>
  `finding ${f.id} (${f.status}): ${JSON.stringify(f.principal ?? {})} may ${(f.action ?? []).join(', ')}${f.condition && Object.keys(f.condition).length ? ` when ${JSON.stringify(f.condition)}` : ''}`;

/** The analyzer and finding conditions, from Access Analyzer itself. */
async function analyzerConditions(ctx: LabContext, bucketArn: string): Promise<Condition[]> {
  const existsName = `analyzer ${ANALYZER} exists (type ACCOUNT)`;
  const findingName = `Access Analyzer reports no active finding for ${SHARE_BUCKET}`;
  if (!ctx.capabilities.accessAnalyzer) {
    return [unverifiable(existsName, ANALYZER, 'This backend has no IAM Access Analyzer.'), unverifiable(findingName, 'no ACTIVE finding', 'This backend has no IAM Access Analyzer.')];
  }
  return withAuditClients(ctx, async (c) => {
    const all = await analyzers(c);
    const m = matchName(all.map((a) => a.name ?? ''), ANALYZER);
    const found = m.kind === 'missing' ? undefined : all.find((a) => a.name === m.name);
    if (!found || m.kind !== 'exact') {
      const others = all.map((a) => a.name).join(', ');
      // AWS allows one analyzer with the account as zone of trust per account and Region, so a
      // second one is refused until the first is gone:
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-quotas.html
      const inTheWay = all.filter((a) => a.type === 'ACCOUNT').map((a) => a.name ?? '');
      const create = inTheWay.length
        ? `An account has one analyzer of type ACCOUNT per Region: delete ${inTheWay.join(', ')} first (${inTheWay.map((n) => `aws accessanalyzer delete-analyzer --analyzer-name ${n}`).join('; ')}), then ${CREATE}`
        : CREATE;
      return [
        failed(
          existsName,
          `an analyzer named exactly ${ANALYZER}, type ACCOUNT`,
          m.kind === 'case' ? `analyzer ${m.name} (different case)` : `no analyzer named ${ANALYZER}${others ? ` (analyzers: ${others})` : ''}`,
          m.kind === 'case' ? `Analyzer names keep their case: ${m.name} is not ${ANALYZER}.` : 'An analyzer watches the resource policies of its zone of trust (here: the account) and reports every one that lets someone outside in. Without it, nobody is told about the public bucket.',
          create,
        ),
        failed(findingName, 'no ACTIVE finding', `no analyzer ${ANALYZER} to report findings`, `Create ${ANALYZER} first; its findings tell you what to fix.`, create),
      ];
    }
    const out: Condition[] = [
      found.type === 'ACCOUNT'
        ? passed(existsName, `${ANALYZER}, type ACCOUNT`, `${ANALYZER}, type ${found.type}`)
        : failed(existsName, `${ANALYZER}, type ACCOUNT`, `${ANALYZER}, type ${found.type}`, 'This account belongs to no organization: its analyzer has the account as its zone of trust (type ACCOUNT).', CREATE),
    ];
    const findings = await findingsFor(c, found.arn ?? '', bucketArn);
    const active = findings.filter((f) => f.status === 'ACTIVE');
    out.push(
      active.length
        ? failed(
            findingName,
            'no ACTIVE finding',
            active.map(describeFinding).join('; '),
            `Access Analyzer still sees a way into ${SHARE_BUCKET} from outside the account. A finding is resolved by changing the policy so the access is gone; archiving it only hides it.`,
            `Run aws accessanalyzer list-findings --analyzer-arn ${found.arn} to see the Principal and Condition of the access it found, and remove that statement from the bucket policy (aws s3api put-bucket-policy): a Condition such as aws:SourceIp only narrows who outside the account gets in.`,
          )
        : passed(findingName, 'no ACTIVE finding', findings.length ? findings.map((f) => `${f.id} ${f.status}`).join(', ') : 'no finding'),
    );
    return out;
  });
}

export const accessAnalyzer = defineStep({
  id: 'hygiene/access-analyzer',
  async check(ctx) {
    const { partition, accountId } = await accountInfo(ctx);
    const bucketArn = s3Arn(partition, SHARE_BUCKET);
    const object = s3Arn(partition, `${SHARE_BUCKET}/${SHARE_OBJECT}`);
    const out = await analyzerConditions(ctx, bucketArn);
    if (!ctx.capabilities.bucketPolicies) {
      out.push(unverifiable(`${SHARE_READER} can still read ${SHARE_BUCKET}`, 'allowed', 'This backend does not support bucket policies.'));
      return out;
    }
    const probes = new Probes(ctx);
    const hasPolicy = !!(await probes.bucketPolicy(SHARE_BUCKET));
    const anyone: PrincipalRef = { kind: 'arn', arn: '*', type: 'anonymous', label: 'anyone on the internet (an unsigned request)' };
    const outsider: PrincipalRef = {
      kind: 'arn',
      arn: `arn:${partition}:iam::${OTHER_ACCOUNT}:user/outsider`,
      type: 'user',
      accountId: OTHER_ACCOUNT,
      identityPolicies: [{ name: 'their own account allows all of S3', source: HYPOTHETICAL_SOURCE, document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
      label: `a user of another account (${OTHER_ACCOUNT})`,
    };
    const publicHint = async () =>
      `Remove the statement whose Principal reaches outside the account ("*", or another account) from the bucket policy and keep the one for ${SHARE_READER}: aws s3api get-bucket-policy --bucket ${SHARE_BUCKET}, edit, aws s3api put-bucket-policy. Archiving the finding does not change who can read.`;
    out.push(await probeCondition(probes, `anyone on the internet cannot read ${SHARE_BUCKET}`, { principal: anyone, action: 's3:GetObject', resource: object, context: { 'aws:SourceIp': '198.51.100.23' } }, 'deny', publicHint));
    out.push(await probeCondition(probes, `users of other accounts cannot read ${SHARE_BUCKET}`, { principal: outsider, action: 's3:GetObject', resource: object }, 'deny', publicHint));
    out.push(
      await probeCondition(
        probes,
        `${SHARE_READER} (the account's own role, no policy of its own) can still read ${SHARE_BUCKET}`,
        { principal: { kind: 'role', name: SHARE_READER }, action: 's3:GetObject', resource: object, identity: 'none' },
        'allow',
        async () =>
          hasPolicy
            ? `Keep a statement that allows "Principal": {"AWS": "arn:aws:iam::${accountId}:role/${SHARE_READER}"} s3:GetObject on ${s3Arn(partition, `${SHARE_BUCKET}/*`)}.`
            : `The bucket policy was deleted, and with it ${SHARE_READER}'s access. Narrow the policy instead: put back only the ShareReaderRead statement (aws s3api put-bucket-policy).`,
      ),
    );
    return out;
  },
  async solve(ctx) {
    const { partition, accountId } = await accountInfo(ctx);
    if (ctx.capabilities.accessAnalyzer) {
      await withAuditClients(
        ctx,
        async (c) => {
          const made = await c.accessanalyzer.send(new CreateAnalyzerCommand({ analyzerName: ANALYZER, type: 'ACCOUNT' }));
          await findingsFor(c, made.arn ?? '', s3Arn(partition, SHARE_BUCKET));
        },
        { as: 'learner' },
      );
    }
    await putSharePolicy(ctx, sharePolicy(partition, accountId, false));
  },
  mistakes: [
    {
      name: 'bucket fixed, analyzer never created',
      element: 'org-analyzer',
      apply: async (ctx) => {
        const { partition, accountId } = await accountInfo(ctx);
        await putSharePolicy(ctx, sharePolicy(partition, accountId, false));
      },
      expectFeedback: /analyzer org-analyzer exists \(type ACCOUNT\)[\s\S]*no analyzer named org-analyzer[\s\S]*create-analyzer --analyzer-name org-analyzer --type ACCOUNT/,
    },
    {
      name: 'bucket policy deleted instead of narrowed',
      element: 'bucket policy',
      apply: async (ctx) => {
        await createAnalyzer(ctx, ANALYZER);
        await ctx.clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: SHARE_BUCKET }));
      },
      expectFeedback: /ShareReader \(the account's own role, no policy of its own\) can still read acme-public-share[\s\S]*bucket policy was deleted, and with it ShareReader's access/,
    },
    {
      name: 'finding archived, bucket still public',
      element: 'Principal',
      apply: async (ctx) => {
        const arn = await createAnalyzer(ctx, ANALYZER);
        if (!arn) return;
        const { partition } = await accountInfo(ctx);
        await withAuditClients(ctx, async (c) => {
          const ids = (await findingsFor(c, arn, s3Arn(partition, SHARE_BUCKET))).map((f) => f.id ?? '');
          if (ids.length) await c.accessanalyzer.send(new UpdateFindingsCommand({ analyzerArn: arn, ids, status: 'ARCHIVED' }));
        });
      },
      expectFeedback: /anyone on the internet cannot read acme-public-share[\s\S]*Allowed when it should not be[\s\S]*Archiving the finding does not change who can read/,
    },
    {
      name: 'analyzer under another name',
      element: 'my-analyzer',
      apply: async (ctx) => {
        const { partition, accountId } = await accountInfo(ctx);
        await createAnalyzer(ctx, 'my-analyzer');
        await putSharePolicy(ctx, sharePolicy(partition, accountId, false));
      },
      expectFeedback: /no analyzer named org-analyzer \(analyzers: my-analyzer\)[\s\S]*one analyzer of type ACCOUNT per Region: delete my-analyzer first \(aws accessanalyzer delete-analyzer --analyzer-name my-analyzer\)/,
    },
    {
      name: 'public read replaced by another account',
      element: 'Principal',
      apply: async (ctx) => {
        const { partition, accountId } = await accountInfo(ctx);
        await createAnalyzer(ctx, ANALYZER);
        const doc = sharePolicy(partition, accountId, true);
        doc.Statement[0] = { ...doc.Statement[0], Principal: { AWS: accountRootArn(partition, OTHER_ACCOUNT) } };
        await putSharePolicy(ctx, doc);
      },
      expectFeedback: /users of other accounts cannot read acme-public-share[\s\S]*a user of another account \(111122223333\)[\s\S]*Allowed when it should not be: bucket policy of acme-public-share/,
    },
    {
      name: 'public read only narrowed by an IP condition',
      element: 'Condition',
      apply: async (ctx) => {
        const { partition, accountId } = await accountInfo(ctx);
        await createAnalyzer(ctx, ANALYZER);
        const doc = sharePolicy(partition, accountId, true);
        doc.Statement[0] = { ...doc.Statement[0], Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
        await putSharePolicy(ctx, doc);
      },
      expectFeedback: /reports no active finding for acme-public-share[\s\S]*ACTIVE\): \{"AWS":"\*"\} may s3:GetObject when \{"aws:SourceIp":"203\.0\.113\.0\/24"\}[\s\S]*archiving it only hides it/,
    },
  ],
});

async function putSharePolicy(ctx: LabContext, doc: object): Promise<void> {
  await ctx.clients.s3.send(new PutBucketPolicyCommand({ Bucket: SHARE_BUCKET, Policy: JSON.stringify(doc) }));
}

/** An analyzer where the backend has Access Analyzer (its ARN), as a learner makes it. */
async function createAnalyzer(ctx: LabContext, name: string): Promise<string | undefined> {
  if (!ctx.capabilities.accessAnalyzer) return undefined;
  return withAuditClients(ctx, async (c) => (await c.accessanalyzer.send(new CreateAnalyzerCommand({ analyzerName: name, type: 'ACCOUNT' }))).arn, { as: 'learner' });
}
