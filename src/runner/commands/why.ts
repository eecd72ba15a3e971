/**
 * `iam-labs why <user|role/X|profile|ARN> <action> <resource> [--context key=value …]`: explains a
 * decision on the running lab's account with the same probes the graders use, showing each policy
 * with the deciding statement marked. `iam-labs why --last` (a backend with a decision log: the
 * embedded emulator): the last AccessDenied it returned, explained against the account as it is now.
 */
import type { DecisionRecord } from '../../emulator/authz/decision-log.js';
import type { LabContext } from '../../graders/types.js';
import { explainWhy, renderWhy, WhyInputError, type RenderStyle, type WhyReport } from '../../graders/why.js';
import { UsageError } from '../../core/errors.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { createLabContext, FactMap } from '../lab-context.js';
import { ensurePresent, openSession } from '../runtime.js';
import { passedSteps } from '../progress.js';
import { waitForStartElsewhere } from '../start-in-progress.js';

export interface WhyCommandOptions {
  principal?: string;
  action?: string;
  resource?: string;
  context?: string[];
  last?: boolean;
  json?: boolean;
  plain?: boolean;
}

export interface WhyDeps {
  io?: CommandIO;
  /** a context on the lab's backend; by default the running session's */
  ctx?: LabContext;
  /** the newest AccessDenied the backend recorded (for --last); absent where it keeps no decision log */
  lastDenial?: () => Promise<DecisionRecord | undefined>;
}

function style(io: CommandIO, plain: boolean): RenderStyle {
  const c = io.c;
  return { bold: c.bold, green: c.green, red: c.red, yellow: c.yellow, dim: c.dim, plain };
}

/** Explain one recorded decision (what `--last` shows), re-evaluated on the current account. */
export async function explainDecisionRecord(ctx: LabContext, record: DecisionRecord): Promise<{ record: DecisionRecord; report: WhyReport }> {
  const report = await explainWhy(ctx, { principal: record.principal, action: record.action, resource: record.resource });
  return { record, report };
}

export function renderDecisionRecord(r: { record: DecisionRecord; report: WhyReport }, s: RenderStyle): string {
  const { record } = r;
  const head = [
    `${s.bold('Last denial:')} ${record.at} — ${record.principal} → ${record.action} on ${record.resource}`,
    record.message ? `${s.bold('AWS answered:')} ${record.message}` : '',
    record.reason ? `${s.bold('At the time:')} ${record.reason}` : '',
    '',
    s.dim('The same request against the account as it is now:'),
  ].filter((l, i) => l || i === 3);
  return `${head.join('\n')}\n${renderWhy(r.report, s)}`;
}

export async function whyCommand(opts: WhyCommandOptions, deps: WhyDeps = {}): Promise<number> {
  const io = deps.io ?? defaultIO({ plain: opts.plain });
  const s = style(io, !!opts.plain || io.plain);
  let destroy = () => {};
  let ctx = deps.ctx;
  let lastDenial = deps.lastDenial;
  if (!ctx) {
    await waitForStartElsewhere(io);
    const open = openSession(io, undefined, 'why');
    await ensurePresent(open);
    const p = open.progress.read();
    const made = createLabContext(open.session, new FactMap({ ...p.facts }), open.files, undefined, passedSteps(p, Object.keys(p.steps)));
    ctx = made.ctx;
    destroy = made.destroy;
    const log = open.handle.extras.decisionLog;
    if (!lastDenial && log) lastDenial = () => log.lastDenial(open.session.accountId);
  }
  try {
    if (opts.last) {
      if (!lastDenial) {
        throw new UsageError(
          '`iam-labs why --last` needs a backend that keeps a decision log: the embedded emulator does, this one does not.',
          2,
          'Name the request instead: iam-labs why <user> <action> <resource>.',
        );
      }
      const record = await lastDenial();
      if (!record) {
        writeln(io, 'The emulator has not denied any request yet in this lab session.');
        return 0;
      }
      const r = await explainDecisionRecord(ctx, record);
      writeln(io, opts.json ? JSON.stringify(r, null, 2) : renderDecisionRecord(r, s));
      return 0;
    }
    if (!opts.principal || !opts.action || !opts.resource) {
      throw new UsageError('iam-labs why needs a principal, an action and a resource.', 2, 'Example: iam-labs why analyst s3:ListBucket arn:aws:s3:::acme-reports');
    }
    const report = await explainWhy(ctx, { principal: opts.principal, action: opts.action, resource: opts.resource, context: opts.context });
    writeln(io, opts.json ? JSON.stringify(report, null, 2) : renderWhy(report, s));
    return 0;
  } catch (e) {
    if (e instanceof WhyInputError) throw new UsageError(e.message, 2);
    throw e;
  } finally {
    destroy();
  }
}
