/**
 * AssumeRole: the caller's identity policy and the role's trust policy, evaluated together with
 * AWS's rules (same account: a trust policy naming the caller's ARN suffices, `:root`/account-id
 * forms delegate to the caller's identity policy; cross-account: both must allow).
 */
import { policyEngine } from '../../policy/index.js';
import { AccessDenied, AwsError, MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError } from '../errors.js';
import { nameKey, type Role } from '../iam/models.js';
import { resolvePolicyDocument } from '../iam/policy-documents.js';
import { statementList } from '../../policy/statements.js';
import type { QueryParams } from '../protocol/query.js';
import type { RequestContext } from '../types.js';
import { authorizeRequest } from '../authz/index.js';
import { credentialsShape, issueSession } from './credentials.js';
import { verifyCallerMfa } from './mfa.js';
import { checkSessionTags, requestedSessionTags, sessionTagsFor, tagRequestContext } from './session-tags.js';
import { checkMfaParams, STS_RULES, stsViolations } from './validation.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;
/** Session policy limit: AWS packs it; 2,048 characters of plain text is the documented ceiling. */
const SESSION_POLICY_MAX = 2048;

/** PackedPolicySize: the percentage of the packed space a session policy uses. */
/**
 * PackedPolicySize: the percentage of STS's packed allowance the session policy and session tags
 * use. STS's packing is not published; this counts their plain characters against 2,048.
 */
export function packedPolicySize(policy: string | undefined, tags: Array<{ Key: string; Value: string }> = []): number {
  const chars = (policy?.length ?? 0) + tags.reduce((n, t) => n + t.Key.length + t.Value.length, 0);
  return Math.max(1, Math.min(100, Math.ceil((chars / SESSION_POLICY_MAX) * 100)));
}

function notAuthorized(ctx: RequestContext, roleArn: string): AwsError {
  return new AccessDenied(`User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

/** The role named by RoleArn, in whichever emulated account owns it (AWS answers AccessDenied when it does not exist). */
export function findRole(ctx: RequestContext, roleArn: string): Role | undefined {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return undefined;
  const role = ctx.emulator.state.account(m[1]).iam.roles[nameKey(m[2])];
  return role && role.arn === roleArn ? role : undefined;
}

/**
 * Session policy: the inline Policy plus any PolicyArns, as one document (their union is the session
 * policy). The caller has checked Policy's model constraints with the request's other members.
 */
export function sessionPolicyText(ctx: RequestContext, p: QueryParams): string | undefined {
  const inline = p.str('Policy');
  const arns = p.structList('PolicyArns').map((x) => x.arn ?? '').filter(Boolean);
  if (inline === undefined && arns.length === 0) return undefined;
  const statements: unknown[] = [];
  if (inline !== undefined) {
    const problems = policyEngine.validate(inline, 'identity');
    if (problems.length) throw new MalformedPolicyDocument(problems[0].message);
    if (JSON.stringify(JSON.parse(inline)).length > SESSION_POLICY_MAX) {
      throw new PackedPolicyTooLarge('Packed policy consumes more than 100% of allotted space');
    }
    statements.push(...statementList(JSON.parse(inline)));
  }
  for (const arn of arns) {
    const doc = resolvePolicyDocument(ctx.account, arn);
    if (!doc) throw new ValidationError(`Policy ${arn} does not exist or is not attachable.`);
    statements.push(...statementList(JSON.parse(doc.document)));
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export async function assumeRole(ctx: RequestContext, p: QueryParams) {
  const roleArn = p.required('RoleArn');
  const sessionName = p.required('RoleSessionName');
  const externalId = p.str('ExternalId');
  const serial = p.str('SerialNumber');
  const tokenCode = p.str('TokenCode');
  const requested = p.int('DurationSeconds');
  // Every member's constraints at once, in the model's order (RoleArn … TokenCode).
  const v = stsViolations()
    .string(roleArn, 'roleArn', STS_RULES.roleArn)
    .string(sessionName, 'roleSessionName', STS_RULES.roleSessionName)
    .string(p.str('Policy'), 'policy', STS_RULES.assumeRolePolicy)
    .int(requested, 'durationSeconds', 900, 43200);
  checkSessionTags(v, p, { transitive: true }).string(externalId, 'externalId', STS_RULES.externalId);
  checkMfaParams(v, serial, tokenCode).done();
  // An ARN needs its six parts with partition, service and resource filled in; STS says which one it cannot read.
  const arnParts = roleArn.split(':');
  if (arnParts.length < 6 || arnParts[0] !== 'arn' || !arnParts[1] || !arnParts[2] || !arnParts.slice(5).join(':')) {
    throw new ValidationError(`${roleArn} is invalid`);
  }
  const sessionPolicy = sessionPolicyText(ctx, p);
  const requestedTags = requestedSessionTags(ctx, p);

  const caller = ctx.principal;
  if (caller.kind === 'root') throw new AccessDenied('Roles may not be assumed by root accounts.');
  if (caller.kind === 'anonymous') throw notAuthorized(ctx, roleArn);
  const role = findRole(ctx, roleArn);
  if (!role) throw notAuthorized(ctx, roleArn);
  const roleAccount = ROLE_ARN.exec(roleArn)![1];

  const mfaAt = verifyCallerMfa(ctx, serial, tokenCode);
  const context: Record<string, string> = {};
  if (externalId !== undefined) context['sts:ExternalId'] = externalId;
  context['sts:RoleSessionName'] = sessionName;
  if (mfaAt) {
    context['aws:MultiFactorAuthPresent'] = 'true';
    context['aws:MultiFactorAuthAge'] = '0';
  }
  await authorizeRequest(ctx, {
    action: 'sts:AssumeRole',
    resource: role.arn,
    resourceAccount: roleAccount,
    resourcePolicy: role.assumeRolePolicyDocument,
    context,
  });
  // Passing session tags is its own permission, granted by the trust policy (and, across
  // accounts, the caller's identity policy) like sts:AssumeRole.
  if (requestedTags.tags.length) {
    await authorizeRequest(ctx, {
      action: 'sts:TagSession',
      resource: role.arn,
      resourceAccount: roleAccount,
      resourcePolicy: role.assumeRolePolicyDocument,
      context: { ...context, ...tagRequestContext(requestedTags) },
    });
  }

  // Role chaining (a role session assuming a role) is capped at one hour, whatever the role allows.
  const chained = caller.kind === 'assumed-role';
  if (requested !== undefined && chained && requested > 3600) {
    throw new ValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (requested !== undefined && requested > role.maxSessionDuration) {
    throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  const duration = requested ?? 3600;
  const session = issueSession(ctx.emulator.state.account(roleAccount), duration, {
    kind: 'assumed-role',
    roleName: role.roleName,
    roleSessionName: sessionName,
    ...(sessionPolicy ? { sessionPolicy } : {}),
    ...(mfaAt ? { mfaAuthenticatedAt: mfaAt } : {}),
    ...sessionTagsFor(ctx, requestedTags),
    issuedTo: caller.arn,
  });
  if (roleAccount !== ctx.account.accountId) void ctx.emulator.state.persist(roleAccount);
  return {
    Credentials: credentialsShape(session),
    AssumedRoleUser: {
      AssumedRoleId: `${role.roleId}:${sessionName}`,
      Arn: `arn:aws:sts::${roleAccount}:assumed-role/${role.roleName}/${sessionName}`,
    },
    ...(sessionPolicy || requestedTags.tags.length ? { PackedPolicySize: packedPolicySize(sessionPolicy, requestedTags.tags) } : {}),
  };
}

