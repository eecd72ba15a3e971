/** CreateAnalyzer, GetAnalyzer, ListAnalyzers, DeleteAnalyzer (external access analyzers with the account as zone of trust). */
import { RestResult, type RestInput } from '../protocol/rest-json-service.js';
import { emptyRecord, getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { reanalyze } from './analysis.js';
import { conflict, notFound, quotaExceeded, validationError } from './errors.js';
import { accessAnalyzerState, type Analyzer, type AnalyzerType } from './models.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TYPES: AnalyzerType[] = ['ACCOUNT', 'ORGANIZATION', 'ACCOUNT_UNUSED_ACCESS', 'ORGANIZATION_UNUSED_ACCESS', 'ACCOUNT_INTERNAL_ACCESS', 'ORGANIZATION_INTERNAL_ACCESS'];

export const analyzerArn = (ctx: RequestContext, name: string) => `arn:aws:access-analyzer:${ctx.region}:${ctx.account.accountId}:analyzer/${name}`;

export function checkAnalyzerName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 255 || !NAME.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${String(name)}' at 'analyzerName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z_][A-Za-z0-9_.-]*`,
      'analyzerName',
    );
  }
  return name;
}

export function requireAnalyzerByName(ctx: RequestContext, name: string): Analyzer {
  const a = getRecord(accessAnalyzerState(ctx.account).analyzers, analyzerArn(ctx, name));
  if (!a) throw notFound(`Analyzer ${name} does not exist.`, name, 'AWS::AccessAnalyzer::Analyzer');
  return a;
}

export function requireAnalyzerByArn(ctx: RequestContext, arn: unknown): Analyzer {
  const a = typeof arn === 'string' ? getRecord(accessAnalyzerState(ctx.account).analyzers, arn) : undefined;
  if (!a) throw notFound(`Analyzer ${String(arn)} does not exist.`, String(arn), 'AWS::AccessAnalyzer::Analyzer');
  return a;
}

export function analyzerShape(a: Analyzer) {
  return {
    arn: a.arn,
    name: a.name,
    type: a.type,
    createdAt: new Date(a.createdAt),
    ...(a.lastResourceAnalyzed ? { lastResourceAnalyzed: a.lastResourceAnalyzed, lastResourceAnalyzedAt: new Date(a.lastResourceAnalyzedAt!) } : {}),
    tags: { ...a.tags },
    status: a.status,
  };
}

/** Bring an analyzer's findings up to date, persisting (without a change event) when they moved. */
export async function refresh(ctx: RequestContext, a: Analyzer): Promise<void> {
  if (await reanalyze(ctx.account, a)) void ctx.emulator.state.persist(ctx.account.accountId);
}

export async function createAnalyzer(ctx: RequestContext, input: RestInput) {
  const name = checkAnalyzerName(input.body.analyzerName);
  const type = input.body.type as AnalyzerType;
  if (!TYPES.includes(type)) {
    throw validationError(`1 validation error detected: Value '${String(type)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [${TYPES.join(', ')}]`, 'type');
  }
  // The emulated accounts are not members of an AWS Organization.
  if (type.startsWith('ORGANIZATION')) throw validationError('Service not enabled for AWS Organizations');
  if (type !== 'ACCOUNT') throw validationError(`Analyzers of type ${type} are not emulated by iam-labs; create an ACCOUNT analyzer (external access).`, 'type');
  const state = accessAnalyzerState(ctx.account);
  const arn = analyzerArn(ctx, name);
  if (getRecord(state.analyzers, arn)) throw conflict(`Analyzer ${name} already exists.`, name, 'AWS::AccessAnalyzer::Analyzer');
  // One account-level analyzer per type per account per Region (IAM User Guide, "IAM Access Analyzer
  // quotas"; not adjustable). The message is ours: no recorded AWS answer to copy was found.
  const existing = Object.values(state.analyzers).find((a) => a.region === ctx.region && a.type === type);
  if (existing) {
    throw quotaExceeded(
      `An account can have only one analyzer of type ${type} per Region, and ${existing.name} is already that analyzer in ${ctx.region}.`,
      name,
      'AWS::AccessAnalyzer::Analyzer',
    );
  }
  const tags = emptyRecord<string>();
  for (const [k, v] of Object.entries((input.body.tags as Record<string, unknown>) ?? {})) tags[k] = String(v);
  const a: Analyzer = { arn, name, type, region: ctx.region, createdAt: new Date().toISOString(), status: 'ACTIVE', tags };
  state.analyzers[arn] = a;
  await reanalyze(ctx.account, a);
  return { arn };
}

export async function getAnalyzer(ctx: RequestContext, input: RestInput) {
  const a = requireAnalyzerByName(ctx, input.labels.analyzerName);
  await refresh(ctx, a);
  return { analyzer: analyzerShape(a) };
}

export function listAnalyzers(ctx: RequestContext, input: RestInput) {
  const type = input.query.get('type');
  const all = Object.values(accessAnalyzerState(ctx.account).analyzers)
    .filter((a) => a.region === ctx.region && (!type || a.type === type))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { analyzers: all.map(analyzerShape) };
}

export function deleteAnalyzer(ctx: RequestContext, input: RestInput) {
  const a = requireAnalyzerByName(ctx, input.labels.analyzerName);
  const state = accessAnalyzerState(ctx.account);
  delete state.analyzers[a.arn];
  for (const [id, f] of Object.entries(state.findings)) if (f.analyzerArn === a.arn) delete state.findings[id];
  return new RestResult(200, undefined);
}
