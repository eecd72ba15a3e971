/**
 * The explanation behind `iam-labs why`: resolve who is asking (user name, role/X, an ARN, a
 * service principal, or a lab profile), run the permission probe on the current account, and
 * describe the decision with every policy considered, the deciding statements marked.
 * Kept here (not in the runner) so graders, the runner and tests share one implementation.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { accountOfArn, bucketPolicyBindsRoot, roleArnOfSession } from '../policy/index.js';
import type { Decision, EvaluationResult } from '../policy/types.js';
import { parsePolicy, statementCoversAction, statementCoversResource, statementsOf } from '../policy/statements.js';
import { actionNameProblem } from '../policy/lint.js';
import { accountInfo, accountRootArn, findUser } from './aws.js';
import { explainOutcome, policyLabel, probeSubject, renderPolicyMarked } from './explain.js';
import { Probes, type PrincipalRef, type ProbeOutcome } from './probes.js';
import type { LabContext } from './types.js';

export interface WhyQuery {
  /** "analyst", "user/analyst", "role/ReportsAuditor", an IAM/STS ARN, "ec2.amazonaws.com", or a lab profile name */
  principal: string;
  action: string;
  resource: string;
  /** "key=value" pairs; a key given twice becomes a list */
  context?: string[];
}

export interface WhyPolicy {
  name: string;
  source?: string;
  kind: string;
  document: unknown;
  /** 1-based statements that decided */
  deciding: number[];
  /** 1-based statements that mention the action but did not apply */
  nearMisses: number[];
}

export interface WhyReport {
  principal: string;
  principalLabel: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
  decision: Decision | 'AllowedAsRoot';
  /** for a denial: which kind of policy said no (a boundary can deny what identity policies allow) */
  deniedBy?: EvaluationResult['deniedBy'];
  explanation: string;
  awsMessage: string;
  policies: WhyPolicy[];
  /** the action names no AWS action (a typo): the decision is about a request that cannot happen */
  actionNote?: string;
}

export class WhyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WhyInputError';
  }
}

export function parseContext(pairs: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new WhyInputError(`--context ${p}: expected key=value, e.g. aws:SourceIp=10.1.2.3`);
    const k = p.slice(0, i).trim();
    const v = p.slice(i + 1).trim();
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Who the query names, as a probe principal; `root` when it is the account root (always allowed). */
export async function resolvePrincipal(ctx: LabContext, who: string): Promise<PrincipalRef | 'root'> {
  const { accountId } = await accountInfo(ctx);
  const fromArn = (arn: string): PrincipalRef | 'root' => {
    const iamArn = roleArnOfSession(arn);
    const acct = accountOfArn(iamArn);
    if (/:root$/.test(iamArn) && acct === accountId) return 'root';
    const m = /^arn:[\w-]+:iam::\d{12}:(user|role)\/(?:.*\/)?([^/]+)$/.exec(iamArn);
    if (m && acct === accountId) return m[1] === 'user' ? { kind: 'user', name: m[2] } : { kind: 'role', name: m[2] };
    // Another account's principal: its own account is assumed to allow it, so only our side decides.
    return { kind: 'arn', arn: iamArn, type: /:role\//.test(iamArn) ? 'role' : /:root$/.test(iamArn) ? 'root' : 'user', accountId: acct, label: iamArn };
  };
  if (who.startsWith('arn:')) return fromArn(who);
  if (/\.amazonaws\.com(\.cn)?$/.test(who)) return { kind: 'service', service: who };
  const slash = /^(user|role)\/(.+)$/.exec(who);
  if (slash) return slash[1] === 'user' ? { kind: 'user', name: slash[2] } : { kind: 'role', name: slash[2] };
  const user = await findUser(ctx, who);
  if (user.kind !== 'missing') return { kind: 'user', name: user.name };
  const creds = ctx.profiles.get(who);
  if (creds) {
    const id = await ctx.clientsFor(creds).sts.send(new GetCallerIdentityCommand({}));
    if (id.Arn) return fromArn(id.Arn);
  }
  throw new WhyInputError(`${who} is neither a user of this account nor a lab profile. Use a user name, role/NAME, an ARN, or a service such as ec2.amazonaws.com.`);
}

function markedStatements(outcome: ProbeOutcome): Map<string, { deciding: number[]; near: number[] }> {
  const marks = new Map<string, { deciding: number[]; near: number[] }>();
  const get = (name: string) => {
    let m = marks.get(name);
    if (!m) marks.set(name, (m = { deciding: [], near: [] }));
    return m;
  };
  for (const d of outcome.result.deciding) get(d.policy).deciding.push(d.index);
  // A statement trusting a whole account did apply: it hands the decision to that account's own
  // policies (the Why line says so), so it is not marked as one that did not apply.
  for (const n of outcome.result.nearMisses) if (!n.handsOverToAccount) get(n.policy).near.push(n.index);
  // Our own reading of the documents, so marks appear even when the engine names none.
  const { action, resource } = outcome.request;
  for (const p of outcome.policies) {
    statementsOf(parsePolicy(p.document)).forEach((st, i) => {
      // Whether a Condition matched only the engine knows (it lists the statements it missed)
      if (!statementCoversAction(st, action) || st.Condition) return;
      const m = get(p.name);
      const n = i + 1;
      const applies = statementCoversResource(st, resource);
      const decidingEffect = outcome.result.decision === 'ExplicitlyDenied' ? 'Deny' : 'Allow';
      const decides = applies && st.Effect === decidingEffect && outcome.result.decision !== 'ImplicitlyDenied';
      if (decides && !m.deciding.includes(n)) m.deciding.push(n);
      // An Allow that applies but lost to an explicit Deny is neither: it is left unmarked.
      else if (!applies && !m.deciding.includes(n) && !m.near.includes(n)) m.near.push(n);
    });
  }
  return marks;
}

function neutralExplanation(outcome: ProbeOutcome): string {
  if (outcome.result.decision !== 'Allowed') return explainOutcome(outcome, 'allow');
  const by = outcome.result.deciding.filter((d) => d.effect === 'Allow');
  if (!by.length) return outcome.result.reason || 'Allowed.';
  return `Allowed by ${by.map((d) => policyLabel(d.policy, d.source, d.index, d.sid)).join('; ')}.`;
}

/**
 * The account root on an S3 resource of its own account: no identity policy limits it, but the
 * bucket policy's explicit Deny does (as the emulator enforces). The probe gives root an identity
 * policy that allows everything, so only such a Deny can make the outcome anything but allowed.
 */
async function rootOnBucket(ctx: LabContext, q: WhyQuery, context: Record<string, string | string[]>): Promise<ProbeOutcome | undefined> {
  if (!bucketPolicyBindsRoot(q.action)) return undefined;
  const { partition, accountId } = await accountInfo(ctx);
  const allowsAll = { name: 'account root user', source: 'the account root user (no IAM policy limits it)', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
  const principal: PrincipalRef = { kind: 'arn', arn: accountRootArn(partition, accountId), type: 'root', accountId, identityPolicies: [allowsAll], label: 'the account root' };
  const outcome = await new Probes(ctx).run({ principal, action: q.action, resource: q.resource, context });
  return outcome.result.decision === 'ExplicitlyDenied' ? outcome : undefined;
}

export async function explainWhy(ctx: LabContext, q: WhyQuery): Promise<WhyReport> {
  const context = parseContext(q.context);
  const resolved = await resolvePrincipal(ctx, q.principal);
  const actionNote = await actionNameProblem(q.action);
  const noted = actionNote ? { actionNote } : {};
  const rootDenied = resolved === 'root' ? await rootOnBucket(ctx, q, context) : undefined;
  if (resolved === 'root' && !rootDenied) {
    return {
      ...noted,
      principal: q.principal,
      principalLabel: 'the account root',
      action: q.action,
      resource: q.resource,
      context,
      decision: 'AllowedAsRoot',
      explanation:
        'The account root user is not limited by IAM policies in its own account: no identity policy applies to it, so it may do everything (which is why day-to-day work uses IAM users and roles). Only an explicit Deny in a bucket policy can refuse it, and even then it may still read, replace or delete that bucket policy.',
      awsMessage: '',
      policies: [],
    };
  }
  const outcome = rootDenied ?? (await new Probes(ctx).run({ principal: resolved as PrincipalRef, action: q.action, resource: q.resource, context }));
  const marks = markedStatements(outcome);
  return {
    ...noted,
    principal: q.principal,
    principalLabel: outcome.principalLabel,
    action: q.action,
    resource: q.resource,
    context,
    decision: outcome.result.decision,
    ...(outcome.result.deniedBy ? { deniedBy: outcome.result.deniedBy } : {}),
    explanation: `${probeSubject(outcome)}: ${neutralExplanation(outcome)}`,
    awsMessage: outcome.result.awsMessage,
    policies: outcome.policies.map((p) => ({
      name: p.name,
      source: p.source,
      kind: p.kind,
      document: parsePolicy(p.document) ?? p.document,
      deciding: marks.get(p.name)?.deciding ?? [],
      nearMisses: marks.get(p.name)?.near ?? [],
    })),
  };
}

export interface RenderStyle {
  bold(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  /** linear text without symbols carrying meaning */
  plain: boolean;
}

const DECISION_WORDS: Record<WhyReport['decision'], string> = {
  Allowed: 'ALLOWED',
  AllowedAsRoot: 'ALLOWED (account root)',
  ExplicitlyDenied: 'DENIED (explicit deny)',
  ImplicitlyDenied: 'DENIED (implicit deny: nothing allows it)',
};

/** The report as terminal text: decision, reason, AWS's message, then each policy with marks. */
export function renderWhy(r: WhyReport, s: RenderStyle): string {
  const colour = r.decision.startsWith('Allowed') ? s.green : s.red;
  const lines: string[] = [];
  // "nothing allows it" would contradict the AdministratorAccess listed below when a boundary said no
  const words = r.decision === 'ImplicitlyDenied' && r.deniedBy === 'boundary' ? 'DENIED (implicit deny: the permissions boundary does not allow it)' : DECISION_WORDS[r.decision];
  lines.push(`${s.bold('Decision:')} ${colour(words)}`);
  if (r.actionNote) {
    const sentence = /[.?]$/.test(r.actionNote) ? r.actionNote : `${r.actionNote}.`;
    lines.push(`${s.bold('Note:')} ${s.yellow(`${sentence} AWS has no such action, so this decision is about a request that cannot happen.`)}`);
  }
  lines.push(`${s.bold('Why:')} ${r.explanation}`);
  if (r.awsMessage) lines.push(`${s.bold('AWS would answer:')} ${r.awsMessage}`);
  if (!r.policies.length) {
    if (r.decision !== 'AllowedAsRoot') lines.push('', `${r.principalLabel} has no policies that apply here.`);
    return lines.join('\n');
  }
  const decide = s.plain ? 'DECIDES' : '▶';
  const near = s.plain ? 'NEAR' : '·';
  // The legend explains only the markers that appear below (a legend for an absent marker confuses).
  const legend = [
    ...(r.policies.some((p) => p.deciding.length) ? [`${decide} = the statement that decided`] : []),
    ...(r.policies.some((p) => p.nearMisses.length) ? [`${near} = mentions ${r.action} but did not apply`] : []),
  ];
  lines.push('', s.dim(legend.length ? `Policies considered (${legend.join(', ')}):` : 'Policies considered:'));
  for (const p of r.policies) {
    lines.push('', s.bold(`${p.name}${p.source && !p.source.endsWith(p.name) ? ` — ${p.source}` : ''}`));
    const text = typeof p.document === 'string' ? p.document : JSON.stringify(p.document);
    const decided = renderPolicyMarked(text, p.deciding, decide);
    // Near misses get their own marker where no deciding marker is set.
    const width = decide.length + 1;
    const nearLines = renderPolicyMarked(text, p.nearMisses, near).split('\n');
    const merged = decided.split('\n').map((l, i) => {
      if (l.startsWith(decide)) return colour(l);
      const n = nearLines[i];
      return n && n.startsWith(near) ? s.yellow(`${near}${' '.repeat(Math.max(1, width - near.length))}${l.slice(width)}`) : l;
    });
    lines.push(...merged);
  }
  return lines.join('\n');
}
