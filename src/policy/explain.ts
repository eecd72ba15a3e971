/**
 * Policy decisions in learner language, the one place near misses are put into words: which
 * statement decided, which statements came close and which element failed (from iam-simulate's
 * explains), and AWS's AccessDenied message. The graders' explanations are built on these
 * near misses too, so the emulator, `check` and `why` say the same thing.
 */
import type { StatementExplain, ConditionExplain, ResourceExplain } from '@cloud-copilot/iam-simulate';
import { resourceMatches } from './statements.js';
import type { NearMiss, StatementRef } from './types.js';

type Kind = StatementRef['kind'];
type DeniedBy = 'identity' | 'boundary' | 'session' | 'resource';

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** "statement "ReadReports" (#2) of policy ReportsReader" */
export function describeStatement(s: StatementRef): string {
  const which = s.sid ? `statement "${s.sid}" (#${s.index})` : `statement #${s.index}`;
  const where = s.kind === 'resource' ? s.policy : `policy ${s.policy}`;
  return `${which} of ${where}${s.source ? ` (${s.source})` : ''}`;
}

/** "the bucket arn:aws:s3:::b" / "the object arn:aws:s3:::b/k" / the ARN itself. */
export function describeResource(resource: string): string {
  const m = /^arn:[\w-]+:s3:::([^/]+)(\/.*)?$/.exec(resource);
  if (!m) return resource;
  return m[2] ? `the object ${resource}` : `the bucket ${resource}`;
}

/**
 * Why a Resource list misses the requested resource: "lists X, which …". The S3 bucket/object
 * confusion, the most common mistake in IAM, is named precisely: a bucket asked for while the
 * list names that bucket's objects, or an object asked for while the list names its bucket.
 */
export function resourceMissClause(listed: string[], requested: string): string {
  const shown = listed.join(', ');
  const s3 = /^(arn:[\w-]+:s3:::[^/]+)(\/.*)?$/.exec(requested);
  if (s3) {
    const bucket = s3[1];
    // the part of a listed pattern before its first "/", matched like a Resource (wildcards too)
    const bucketPart = (r: string) => (r.includes('/') ? r.slice(0, r.indexOf('/')) : r);
    if (!s3[2] && listed.some((r) => r.includes('/') && resourceMatches(bucketPart(r), bucket))) return `lists ${shown}, which names objects, not the bucket`;
    if (s3[2] && listed.some((r) => !r.includes('/') && resourceMatches(r, bucket))) return `lists ${shown}, which names the bucket itself, not the objects in it (add /*)`;
  }
  return `lists ${shown}, which does not match ${requested}`;
}

/** Context keys whose values are IP addresses, compared with IpAddress / NotIpAddress only. */
const IP_KEYS = new Set(['aws:sourceip', 'aws:vpcsourceip']);

/** "Condition IpAddress on aws:SourceIp wants 203.0.113.0/24, but the request had 198.51.100.7" */
function conditionDetail(c: ConditionExplain): string {
  const wanted = asArray(c.values).map((v) => v.value);
  const wantText = wanted.length === 1 ? wanted[0] : `one of [${wanted.join(', ')}]`;
  const had =
    c.failedBecauseMissing || c.resolvedConditionKeyValue === undefined ? 'the request has no value for it (the key is absent)' : `the request had ${c.resolvedConditionKeyValue}`;
  // A CIDR range compared as text never matches an address: the operator is the mistake.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
  const base = c.operator.replace(/^(ForAllValues|ForAnyValue):/i, '').replace(/IfExists$/i, '');
  const ipNote =
    IP_KEYS.has(c.conditionKeyValue.toLowerCase()) && !/^(Not)?IpAddress$/i.test(base)
      ? ` (${c.operator} compares text, so a range such as ${wanted[0]} never equals an address: IP ranges need the IpAddress operator)`
      : '';
  // a Not… operator matches what it does not list
  const wants = /^(String|Arn|Numeric|Date)?Not|^NotIpAddress/.test(base) ? `wants anything but ${wantText}` : `wants ${wantText}`;
  return `Condition ${c.operator} on ${c.conditionKeyValue} ${wants}, but ${had}${ipNote}`;
}

/**
 * A resource policy statement that lets the caller's whole account in (Principal
 * "arn:aws:iam::ACCOUNT:root" or the bare account id) grants nothing by itself: the account then
 * decides with its identity-based policies, and here none of them allowed the request.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 */
export function accountPrincipalMiss(ref: StatementRef, e: StatementExplain, request: { action: string; resource: string }): NearMiss | undefined {
  if (e.principalMatch !== 'AccountLevelMatch') return undefined;
  const accounts = asArray(e.principals)
    .filter((p) => p.matches === 'AccountLevelMatch')
    .map((p) => p.principal);
  return {
    ...ref,
    element: 'Principal',
    handsOverToAccount: true,
    detail: `Principal names the whole account (${accounts.join(', ') || 'the caller\'s account'}), which leaves the decision to the caller's own identity-based policies, and none of them allows ${request.action} on ${request.resource}`,
  };
}

/** Levenshtein distance ≤ 2, to spot typos like s3:GetObjects. */
function closeTo(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] <= 2;
}

/**
 * Why one statement did not apply, or undefined when it is unrelated to the request (an action it
 * does not mention is not a near miss, except an apparent typo of the requested action).
 */
export function nearMissOf(
  ref: StatementRef,
  e: StatementExplain,
  request: { action: string; resource: string; principal: string },
): NearMiss | undefined {
  const action = request.action.toLowerCase();
  if (!e.actionMatch) {
    if (e.notActions) {
      return { ...ref, element: 'NotAction', detail: `NotAction lists ${request.action}, so this statement leaves it out` };
    }
    // A typo keeps the verb (s3:GetObjects for s3:GetObject); s3:PutObject is another action, not a typo.
    const verb = (a: string) => a.slice(a.indexOf(':') + 1, a.indexOf(':') + 4);
    const typo = asArray(e.actions).find(
      (a) => !a.action.includes('*') && verb(a.action.toLowerCase()) === verb(action) && closeTo(a.action.toLowerCase(), action),
    );
    if (typo) {
      return { ...ref, element: 'Action', detail: `Action lists ${typo.action}, which is not ${request.action} (check the spelling)` };
    }
    return undefined;
  }
  if (e.principalMatch === 'NoMatch' && (e.principals || e.notPrincipals)) {
    const listed = asArray(e.principals ?? e.notPrincipals).map((p) => p.principal).join(', ');
    const element = e.principals ? 'Principal' : 'NotPrincipal';
    const detail = e.principals
      ? `Principal names ${listed}, which does not include the caller ${request.principal}`
      : `NotPrincipal lists ${listed}, which excludes the caller ${request.principal}`;
    return { ...ref, element, detail };
  }
  if (!e.resourceMatch) {
    if (e.notResources) {
      return { ...ref, element: 'NotResource', detail: `NotResource excludes ${request.resource}` };
    }
    const listed = asArray<ResourceExplain>(e.resources).map((r) => r.resource);
    return { ...ref, element: 'Resource', detail: `Resource ${resourceMissClause(listed, request.resource)}` };
  }
  if (!e.conditionMatch) {
    const failed = (e.conditions ?? []).filter((c) => !c.matches);
    const detail = failed.length ? failed.map(conditionDetail).join('; ') : 'its Condition is not met by this request';
    return { ...ref, element: 'Condition', detail };
  }
  return undefined;
}

const DENY_PLACE: Record<DeniedBy, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
};
const NO_ALLOW: Record<DeniedBy, string> = {
  identity: 'no identity-based policy',
  resource: 'no resource-based policy',
  boundary: 'no permissions boundary',
  session: 'no session policy',
};

/**
 * AWS's AccessDenied wording ("User: … is not authorized to perform: … on resource: … because no
 * identity-based policy allows the … action"). S3 quotes the resource ARN.
 */
export function accessDeniedMessage(opts: {
  principalArn: string;
  action: string;
  resource: string;
  explicit: boolean;
  deniedBy: DeniedBy;
  quoteResource?: boolean;
  /** the managed policy whose Deny decided: AWS appends its ARN to explicit-deny messages */
  policyArn?: string;
}): string {
  const who = opts.principalArn === '*' ? 'anonymous' : opts.principalArn;
  const on = opts.resource === '*' ? '' : ` on resource: ${opts.quoteResource ? `"${opts.resource}"` : opts.resource}`;
  // STS's AssumeRole family still answers with the short form (no policy type, no reason).
  if (/^sts:assumerole/i.test(opts.action)) return `User: ${who} is not authorized to perform: ${opts.action}${on}`;
  const why = opts.explicit
    ? `with an explicit deny in ${DENY_PLACE[opts.deniedBy]}${opts.policyArn ? `: ${opts.policyArn}` : ''}`
    : `because ${NO_ALLOW[opts.deniedBy]} allows the ${opts.action} action`;
  return `User: ${who} is not authorized to perform: ${opts.action}${on} ${why}`;
}

export function reasonText(opts: {
  decision: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
  deciding: StatementRef[];
  deniedBy?: DeniedBy;
  nearMisses: NearMiss[];
  action: string;
  resource: string;
  crossAccount: boolean;
  anonymous?: boolean;
  hasResourcePolicy?: boolean;
  kindNames: Partial<Record<Kind, string>>;
}): string {
  const first = opts.deciding[0];
  if (opts.decision === 'Allowed') {
    return first ? `Allowed by ${describeStatement(first)}.` : `Allowed.`;
  }
  if (opts.decision === 'ExplicitlyDenied') {
    return first
      ? `Explicitly denied by ${describeStatement(first)}: an explicit Deny always wins over any Allow.`
      : 'Explicitly denied: an explicit Deny always wins over any Allow.';
  }
  const miss = opts.nearMisses[0];
  const hint = miss ? ` Closest: ${describeStatement(miss)} — ${miss.detail}.` : '';
  switch (opts.deniedBy) {
    case 'boundary':
      return `An identity-based policy allows ${opts.action}, but the permissions boundary${opts.kindNames.boundary ? ` ${opts.kindNames.boundary}` : ''} does not: a boundary caps what identity policies can grant.${hint}`;
    case 'session':
      return `The role's policies allow ${opts.action}, but the session policy passed to AssumeRole does not: a session gets at most the intersection of both.${hint}`;
    case 'resource':
      if (opts.action.toLowerCase() === 'sts:assumerole') {
        return `The role's trust policy does not allow this caller to assume it.${hint}`;
      }
      if (opts.anonymous) {
        return opts.hasResourcePolicy
          ? `Unsigned (anonymous) requests are allowed only by a resource-based policy, and no statement of ${opts.kindNames.resource ?? 'it'} allows this one.${hint}`
          : `Unsigned (anonymous) requests are allowed only by a resource-based policy, and ${opts.resource} has none.${hint}`;
      }
      if (opts.crossAccount) {
        return opts.hasResourcePolicy
          ? `Cross-account access needs an Allow in the caller's identity-based policy and an Allow in the resource's policy; ${opts.kindNames.resource ?? 'the resource policy'} does not allow this caller.${hint}`
          : `Cross-account access needs an Allow in the caller's identity-based policy and an Allow in the resource's policy; ${opts.resource} has no resource-based policy that lets this account in.${hint}`;
      }
      return `No policy allows ${opts.action} on ${opts.resource}.${hint}`;
    default:
      return `No identity-based policy allows ${opts.action} on ${opts.resource}; anything not explicitly allowed is denied by default (implicit deny).${hint}`;
  }
}
