/** ListFindings(V2), GetFinding(V2) and UpdateFindings, on findings kept up to date by analysis.ts. */
import type { RestInput } from '../protocol/rest-json-service.js';
import { getRecord } from '../state/records.js';
import type { RequestContext } from '../types.js';
import { refresh, requireAnalyzerByArn } from './analyzers.js';
import { notFound, validationError } from './errors.js';
import { accessAnalyzerState, type Finding } from './models.js';

interface Criterion {
  eq?: string[];
  neq?: string[];
  contains?: string[];
  exists?: boolean;
}

/** A finding's values for a filter key: "status", "isPublic", "principal.AWS", "condition.aws:SourceIp", "action", … */
function valuesFor(f: Finding, key: string): string[] | undefined {
  if (key.startsWith('principal.')) return Object.hasOwn(f.principal, key.slice(10)) ? [f.principal[key.slice(10)]] : undefined;
  if (key.startsWith('condition.')) return Object.hasOwn(f.condition, key.slice(10)) ? [f.condition[key.slice(10)]] : undefined;
  switch (key) {
    case 'action':
      return f.action;
    case 'isPublic':
      return [String(f.isPublic)];
    case 'status':
    case 'resourceType':
    case 'resource':
    case 'id':
    case 'resourceOwnerAccount':
      return [String(f[key])];
    case 'findingType':
      return ['ExternalAccess'];
    default:
      throw validationError(`Invalid filter key: ${key}`, 'filter');
  }
}

function matches(f: Finding, filter: Record<string, Criterion>): boolean {
  return Object.entries(filter).every(([key, c]) => {
    const vals = valuesFor(f, key);
    if (c.exists !== undefined && (vals !== undefined) !== c.exists) return false;
    if (c.eq && !(vals ?? []).some((v) => c.eq!.includes(v))) return false;
    if (c.neq && (vals ?? []).some((v) => c.neq!.includes(v))) return false;
    if (c.contains && !(vals ?? []).some((v) => c.contains!.some((x) => v.includes(x)))) return false;
    return true;
  });
}

async function selected(ctx: RequestContext, input: RestInput): Promise<{ page: Finding[]; nextToken?: string }> {
  const analyzer = requireAnalyzerByArn(ctx, input.body.analyzerArn);
  await refresh(ctx, analyzer);
  const filter = (input.body.filter as Record<string, Criterion> | undefined) ?? {};
  let list = Object.values(accessAnalyzerState(ctx.account).findings).filter((f) => f.analyzerArn === analyzer.arn && matches(f, filter));
  const sort = input.body.sort as { attributeName?: string; orderBy?: string } | undefined;
  const attr = sort?.attributeName ?? 'updatedAt';
  const dir = sort?.orderBy === 'ASC' ? 1 : -1;
  list = list.sort((a, b) => dir * String((a as unknown as Record<string, unknown>)[attr] ?? '').localeCompare(String((b as unknown as Record<string, unknown>)[attr] ?? '')) || a.id.localeCompare(b.id));
  const max = typeof input.body.maxResults === 'number' ? input.body.maxResults : 100;
  const start = typeof input.body.nextToken === 'string' ? Number(Buffer.from(input.body.nextToken, 'base64').toString('utf8')) || 0 : 0;
  const page = list.slice(start, start + max);
  return { page, ...(start + max < list.length ? { nextToken: Buffer.from(String(start + max)).toString('base64') } : {}) };
}

export function findingShape(f: Finding) {
  return {
    id: f.id,
    principal: { ...f.principal },
    action: f.action,
    resource: f.resource,
    isPublic: f.isPublic,
    resourceType: f.resourceType,
    condition: { ...f.condition },
    createdAt: new Date(f.createdAt),
    analyzedAt: new Date(f.analyzedAt),
    updatedAt: new Date(f.updatedAt),
    status: f.status,
    resourceOwnerAccount: f.resourceOwnerAccount,
    ...(f.sources ? { sources: f.sources } : {}),
  };
}

function summaryV2(f: Finding) {
  return {
    analyzedAt: new Date(f.analyzedAt),
    createdAt: new Date(f.createdAt),
    id: f.id,
    resource: f.resource,
    resourceType: f.resourceType,
    resourceOwnerAccount: f.resourceOwnerAccount,
    status: f.status,
    updatedAt: new Date(f.updatedAt),
    findingType: 'ExternalAccess',
  };
}

export async function listFindings(ctx: RequestContext, input: RestInput) {
  const { page, nextToken } = await selected(ctx, input);
  return { findings: page.map(findingShape), ...(nextToken ? { nextToken } : {}) };
}

export async function listFindingsV2(ctx: RequestContext, input: RestInput) {
  const { page, nextToken } = await selected(ctx, input);
  return { findings: page.map(summaryV2), ...(nextToken ? { nextToken } : {}) };
}

async function requireFinding(ctx: RequestContext, input: RestInput): Promise<Finding> {
  const analyzer = requireAnalyzerByArn(ctx, input.query.get('analyzerArn'));
  await refresh(ctx, analyzer);
  const f = getRecord(accessAnalyzerState(ctx.account).findings, input.labels.id);
  if (!f || f.analyzerArn !== analyzer.arn) throw notFound(`Finding ${input.labels.id} does not exist.`, input.labels.id, 'AWS::AccessAnalyzer::Finding');
  return f;
}

export async function getFinding(ctx: RequestContext, input: RestInput) {
  return { finding: findingShape(await requireFinding(ctx, input)) };
}

export async function getFindingV2(ctx: RequestContext, input: RestInput) {
  const f = await requireFinding(ctx, input);
  return {
    ...summaryV2(f),
    findingDetails: [
      { externalAccessDetails: { action: f.action, condition: { ...f.condition }, isPublic: f.isPublic, principal: { ...f.principal }, ...(f.sources ? { sources: f.sources } : {}) } },
    ],
  };
}

export async function updateFindings(ctx: RequestContext, input: RestInput) {
  const analyzer = requireAnalyzerByArn(ctx, input.body.analyzerArn);
  await refresh(ctx, analyzer);
  const status = input.body.status;
  if (status !== 'ACTIVE' && status !== 'ARCHIVED') {
    throw validationError(`1 validation error detected: Value '${String(status)}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, ARCHIVED]`, 'status');
  }
  const ids = Array.isArray(input.body.ids) ? (input.body.ids as unknown[]).map(String) : undefined;
  const resourceArn = typeof input.body.resourceArn === 'string' ? input.body.resourceArn : undefined;
  if (!ids && !resourceArn) throw validationError('Either ids or resourceArn must be provided.', 'ids');
  const all = Object.values(accessAnalyzerState(ctx.account).findings).filter((f) => f.analyzerArn === analyzer.arn);
  const targets = ids ? ids.map((id) => all.find((f) => f.id === id) ?? id) : all.filter((f) => f.resource === resourceArn);
  const now = new Date().toISOString();
  for (const t of targets) {
    if (typeof t === 'string') throw notFound(`Finding ${t} does not exist.`, t, 'AWS::AccessAnalyzer::Finding');
    if (t.status === 'RESOLVED') throw validationError(`Finding ${t.id} is resolved; only active or archived findings can be updated.`, 'ids');
  }
  for (const t of targets as Finding[]) {
    if (t.status !== status) Object.assign(t, { status, updatedAt: now });
  }
  return {};
}
