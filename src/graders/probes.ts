/**
 * Permission probes: "can principal P do action A on resource R with context C?".
 * The probe gathers P's policies from the backend through the SDK (user inline + attached, group
 * inline + attached, permissions boundary; role policies; the bucket policy or the role's trust
 * policy as the resource policy) and asks the policy engine. Graders therefore grade EFFECTIVE
 * permissions: managed or inline, user or group, string or list — any equivalent solution passes.
 * Gathered documents are cached for one Probes instance (one check run).
 */
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { policyEngine } from '../policy/index.js';
import type { EvaluationRequest, EvaluationResult, PolicyEngine, PolicyInput, PrincipalType } from '../policy/types.js';
import {
  accountInfo,
  decodePolicyDocument,
  isNotFound,
  listAttachedGroup,
  listAttachedRole,
  listAttachedUser,
  listGroupInline,
  listGroupsOfUser,
  listRoleInline,
  listUserInline,
} from './aws.js';
import type { LabContext } from './types.js';

export type PrincipalRef =
  | { kind: 'user'; name: string }
  | { kind: 'role'; name: string }
  /** a hypothetical new member of the group: only the group's policies apply */
  | { kind: 'group-member'; group: string }
  /** an AWS service principal such as ec2.amazonaws.com (trust policies) */
  | { kind: 'service'; service: string }
  /** any principal given by ARN, with the identity policies its own account grants it */
  | { kind: 'arn'; arn: string; type: PrincipalType; accountId?: string; identityPolicies?: PolicyInput[]; label?: string };

export interface ProbeRequest {
  principal: PrincipalRef;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** 'auto': the bucket policy for S3 ARNs, the trust policy for sts:AssumeRole on a role ARN */
  resourcePolicy?: 'auto' | 'none';
  /** 'none' ignores the principal's identity policies ("through the bucket policy alone") */
  identity?: 'all' | 'none';
}

export interface ProbeOutcome {
  request: EvaluationRequest;
  result: EvaluationResult;
  /** "user analyst", "role EC2AccessRole", "ec2.amazonaws.com" */
  principalLabel: string;
  /** every policy considered, parsed, for explanations and `why` */
  policies: GatheredPolicy[];
  /** the probe left the principal's identity policies out on purpose (identity: 'none') */
  identityIgnored?: boolean;
}

export interface GatheredPolicy extends PolicyInput {
  document: string;
  kind: 'identity' | 'boundary' | 'resource';
}

/** The principal (user, role, group) a probe names does not exist. */
export class MissingPrincipal extends Error {
  constructor(
    readonly what: string,
    message: string,
  ) {
    super(message);
    this.name = 'MissingPrincipal';
  }
}

/** The project's policy engine (src/policy/index.ts). */
export function defaultEngine(): PolicyEngine {
  return policyEngine;
}

export class Probes {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    readonly ctx: LabContext,
    private readonly engine?: PolicyEngine,
  ) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.cache.set(key, p);
    }
    return p;
  }

  /** Forget gathered policies (after a solve or mistake changed the account). */
  clear(): void {
    this.cache.clear();
  }

  /** A managed policy's default version, by ARN. */
  managedPolicy(arn: string, source: string): Promise<GatheredPolicy> {
    return this.cached(`managed:${arn}`, async () => {
      const iam = this.ctx.clients.iam;
      const p = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.Policy?.DefaultVersionId }));
      return { name: p.Policy?.PolicyName ?? arn.split('/').pop() ?? arn, arn, document: decodePolicyDocument(v.PolicyVersion?.Document), kind: 'identity' as const, source };
    }).then((g) => ({ ...g, source }));
  }

  groupPolicies(group: string, via?: string): Promise<GatheredPolicy[]> {
    return this.cached(`group:${group}:${via ?? ''}`, async () => {
      const iam = this.ctx.clients.iam;
      const out: GatheredPolicy[] = [];
      const suffix = via ? ` (${via} is a member)` : '';
      let inline: string[];
      try {
        inline = await listGroupInline(iam, group);
      } catch (e) {
        if (isNotFound(e)) throw new MissingPrincipal(`group ${group}`, `group ${group} does not exist`);
        throw e;
      }
      for (const name of inline) {
        const r = await iam.send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: name }));
        out.push({ name, document: decodePolicyDocument(r.PolicyDocument), source: `inline on group ${group}${suffix}`, kind: 'identity' });
      }
      for (const a of await listAttachedGroup(iam, group)) {
        out.push(await this.managedPolicy(a.PolicyArn ?? '', `attached to group ${group}${suffix}`));
      }
      return out;
    });
  }

  /** A user's identity policies (inline, attached, through groups) and permissions boundary. */
  userPolicies(user: string): Promise<{ arn: string; userId?: string; identity: GatheredPolicy[]; boundary?: GatheredPolicy }> {
    return this.cached(`user:${user}`, async () => {
      const iam = this.ctx.clients.iam;
      let got;
      try {
        got = await iam.send(new GetUserCommand({ UserName: user }));
      } catch (e) {
        if (isNotFound(e)) throw new MissingPrincipal(`user ${user}`, `user ${user} does not exist`);
        throw e;
      }
      const identity: GatheredPolicy[] = [];
      for (const name of await listUserInline(iam, user)) {
        const r = await iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: name }));
        identity.push({ name, document: decodePolicyDocument(r.PolicyDocument), source: `inline on user ${user}`, kind: 'identity' });
      }
      for (const a of await listAttachedUser(iam, user)) {
        identity.push(await this.managedPolicy(a.PolicyArn ?? '', `attached to user ${user}`));
      }
      for (const g of await listGroupsOfUser(iam, user)) identity.push(...(await this.groupPolicies(g, user)));
      const bArn = got.User?.PermissionsBoundary?.PermissionsBoundaryArn;
      const boundary = bArn ? { ...(await this.managedPolicy(bArn, `permissions boundary of user ${user}`)), kind: 'boundary' as const } : undefined;
      return { arn: got.User?.Arn ?? '', userId: got.User?.UserId, identity, boundary };
    });
  }

  rolePolicies(role: string): Promise<{ arn: string; identity: GatheredPolicy[]; boundary?: GatheredPolicy; trust: GatheredPolicy }> {
    return this.cached(`role:${role}`, async () => {
      const iam = this.ctx.clients.iam;
      let got;
      try {
        got = await iam.send(new GetRoleCommand({ RoleName: role }));
      } catch (e) {
        if (isNotFound(e)) throw new MissingPrincipal(`role ${role}`, `role ${role} does not exist`);
        throw e;
      }
      const identity: GatheredPolicy[] = [];
      for (const name of await listRoleInline(iam, role)) {
        const r = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
        identity.push({ name, document: decodePolicyDocument(r.PolicyDocument), source: `inline on role ${role}`, kind: 'identity' });
      }
      for (const a of await listAttachedRole(iam, role)) identity.push(await this.managedPolicy(a.PolicyArn ?? '', `attached to role ${role}`));
      const bArn = got.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
      const boundary = bArn ? { ...(await this.managedPolicy(bArn, `permissions boundary of role ${role}`)), kind: 'boundary' as const } : undefined;
      const trust: GatheredPolicy = {
        name: `trust policy of role ${role}`,
        document: decodePolicyDocument(got.Role?.AssumeRolePolicyDocument),
        source: `trust policy of role ${role}`,
        kind: 'resource',
      };
      return { arn: got.Role?.Arn ?? '', identity, boundary, trust };
    });
  }

  bucketPolicy(bucket: string): Promise<GatheredPolicy | undefined> {
    return this.cached(`bucket:${bucket}`, async () => {
      try {
        const r = await this.ctx.clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
        if (!r.Policy) return undefined;
        return { name: `bucket policy of ${bucket}`, document: r.Policy, source: `bucket policy of ${bucket}`, kind: 'resource' as const };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    });
  }

  /** Build the evaluation request for a probe (exported for `why`, which shows the same policies). */
  async gather(req: ProbeRequest): Promise<{ request: EvaluationRequest; principalLabel: string; policies: GatheredPolicy[] }> {
    const { accountId } = await accountInfo(this.ctx);
    const p = req.principal;
    let principal: EvaluationRequest['principal'];
    let identity: GatheredPolicy[] = [];
    let boundary: GatheredPolicy | undefined;
    let label: string;
    let context: Record<string, string | string[]> = {};
    switch (p.kind) {
      case 'user': {
        const u = await this.userPolicies(p.name);
        principal = { arn: u.arn, type: 'user', accountId };
        identity = u.identity;
        boundary = u.boundary;
        label = `user ${p.name}`;
        context = { 'aws:username': p.name, ...(u.userId ? { 'aws:userid': u.userId } : {}) };
        break;
      }
      case 'role': {
        const r = await this.rolePolicies(p.name);
        principal = { arn: r.arn, type: 'role', accountId };
        identity = r.identity;
        boundary = r.boundary;
        label = `role ${p.name}`;
        break;
      }
      case 'group-member': {
        identity = await this.groupPolicies(p.group);
        const { partition } = await accountInfo(this.ctx);
        principal = { arn: `arn:${partition}:iam::${accountId}:user/new-member-of-${p.group}`, type: 'user', accountId };
        label = `a member of group ${p.group}`;
        break;
      }
      case 'service':
        principal = { arn: p.service, type: 'service' };
        label = p.service;
        break;
      case 'arn':
        principal = { arn: p.arn, type: p.type, accountId: p.accountId };
        identity = (p.identityPolicies ?? []).map((x) => ({ ...x, document: typeof x.document === 'string' ? x.document : JSON.stringify(x.document), kind: 'identity' as const }));
        label = p.label ?? p.arn;
        break;
    }
    if (req.identity === 'none') identity = [];

    let resourcePolicy: GatheredPolicy | undefined;
    if ((req.resourcePolicy ?? 'auto') === 'auto') {
      const bucket = /^arn:[\w-]+:s3:::([^/]+)/.exec(req.resource)?.[1];
      const role = /^arn:[\w-]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(req.resource)?.[1];
      if (bucket && req.action.toLowerCase().startsWith('s3:')) resourcePolicy = await this.bucketPolicy(bucket);
      else if (role && /^sts:AssumeRole/i.test(req.action)) resourcePolicy = (await this.rolePolicies(role)).trust;
    }
    const request: EvaluationRequest = {
      principal,
      action: req.action,
      resource: req.resource,
      // every resource a probe names lives in the lab's account
      resourceAccount: accountId,
      context: { ...context, ...req.context },
      identityPolicies: identity,
      permissionsBoundary: boundary,
      resourcePolicy,
    };
    const policies = [...identity, ...(boundary ? [boundary] : []), ...(resourcePolicy ? [resourcePolicy] : [])];
    return { request, principalLabel: label, policies };
  }

  async run(req: ProbeRequest): Promise<ProbeOutcome> {
    const { request, principalLabel, policies } = await this.gather(req);
    const engine = this.engine ?? policyEngine;
    const result = await engine.evaluate(request);
    return { request, result, principalLabel, policies, ...(req.identity === 'none' ? { identityIgnored: true } : {}) };
  }
}
