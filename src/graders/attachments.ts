/**
 * Where a managed policy is attached (ListEntitiesForPolicy), and the sentences state-aware hints
 * build from it: "AmazonS3ReadOnlyAccess is attached to group readers, but Samy is not a member".
 * A learner who put the right policy in the wrong place is told where it is, not only that the
 * permission is missing.
 */
import { paginateListEntitiesForPolicy } from '@aws-sdk/client-iam';
import { isNotFound, listGroupsOfUser } from './aws.js';
import type { LabContext } from './types.js';

export interface Holders {
  users: string[];
  groups: string[];
  roles: string[];
}

/** Who has the managed policy attached (every page), or undefined when the policy does not exist. */
export async function policyHolders(ctx: LabContext, PolicyArn: string): Promise<Holders | undefined> {
  const out: Holders = { users: [], groups: [], roles: [] };
  try {
    for await (const page of paginateListEntitiesForPolicy({ client: ctx.clients.iam, stopOnSameToken: true }, { PolicyArn })) {
      out.users.push(...(page.PolicyUsers ?? []).map((u) => u.UserName ?? ''));
      out.groups.push(...(page.PolicyGroups ?? []).map((g) => g.GroupName ?? ''));
      out.roles.push(...(page.PolicyRoles ?? []).map((r) => r.RoleName ?? ''));
    }
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  return out;
}

/** "user alice and group readers" — where the policy is, or undefined when it is attached nowhere. */
export function describeHolders(h: Holders, except?: { users?: string[]; groups?: string[]; roles?: string[] }): string | undefined {
  const keep = (list: string[], skip: string[] = []) => list.filter((x) => x && !skip.includes(x));
  const parts = [
    ...keep(h.users, except?.users).map((u) => `user ${u}`),
    ...keep(h.groups, except?.groups).map((g) => `group ${g}`),
    ...keep(h.roles, except?.roles).map((r) => `role ${r}`),
  ];
  return parts.length ? parts.join(' and ') : undefined;
}

/**
 * For a user or role that should have the policy `policyArn` (AWS managed or customer managed):
 * a sentence saying where the policy is instead, when it is somewhere the principal does not get
 * it from. Undefined when the principal has it (a user directly or through a group), or it is
 * attached nowhere but where the lab seeded it.
 */
export async function misplacedFor(ctx: LabContext, who: { kind: 'user' | 'role'; name: string }, policyArn: string, seeded?: Partial<Holders>): Promise<string | undefined> {
  const h = await policyHolders(ctx, policyArn);
  if (!h) return undefined;
  let memberOf: string[] = [];
  if (who.kind === 'user') {
    try {
      memberOf = await listGroupsOfUser(ctx.clients.iam, who.name);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  const has = who.kind === 'user' ? h.users.includes(who.name) || h.groups.some((g) => memberOf.includes(g)) : h.roles.includes(who.name);
  if (has) return undefined;
  // holders the lab seeded (temp-contractor's own copy) are not where the learner put it
  const elsewhere = describeHolders(h, seeded);
  if (!elsewhere) return undefined;
  const name = policyArn.split('/').pop();
  const groups = who.kind === 'user' ? h.groups.filter((g) => !seeded?.groups?.includes(g)) : [];
  const groupNote = groups.length ? ` (${who.name} is not a member of ${groups.length === 1 ? 'it' : 'them'})` : '';
  return `${name} is attached to ${elsewhere}${groupNote}, not to ${who.kind} ${who.name}.`;
}
