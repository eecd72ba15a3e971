/**
 * Request context keys the engine derives from the principal and the clock, so callers (the
 * emulator's authorizer, the graders' probes) only pass what is specific to their request.
 * iam-simulate evaluates only the keys it is given; AWS fills these for every request.
 */
import type { EvaluationRequest, PrincipalType } from './types.js';

/** aws:PrincipalType as AWS reports it. */
const PRINCIPAL_TYPE: Record<PrincipalType, string | undefined> = {
  root: 'Account',
  user: 'User',
  role: 'AssumedRole',
  'assumed-role': 'AssumedRole',
  federated: 'FederatedUser',
  anonymous: 'Anonymous',
  service: undefined,
};

/** arn:aws:sts::A:assumed-role/R/S → arn:aws:iam::A:role/R (AWS puts the role's ARN in aws:PrincipalArn). */
export function roleArnOfSession(sessionArn: string): string {
  const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(sessionArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : sessionArn;
}

/** The account of an ARN like arn:aws:iam::111122223333:user/x, if it has one. */
export function accountOfArn(arn: string): string | undefined {
  const m = /^arn:[\w-]+:[\w-]+:[\w-]*:(\d{12}):/.exec(arn);
  return m?.[1];
}

/**
 * The full request context: derived keys first, then the caller's (which win).
 * MFA keys are never invented: AWS omits them for long-term access keys, and policies with
 * "BoolIfExists" rely on that absence.
 */
export function buildContext(req: EvaluationRequest, now: Date = new Date()): Record<string, string | string[]> {
  const { principal } = req;
  const out: Record<string, string | string[]> = {};
  const account = principal.accountId ?? accountOfArn(principal.arn);
  if (principal.type !== 'anonymous' && principal.type !== 'service') {
    out['aws:PrincipalArn'] = principal.type === 'assumed-role' ? roleArnOfSession(principal.arn) : principal.arn;
    if (account) out['aws:PrincipalAccount'] = account;
  }
  const ptype = PRINCIPAL_TYPE[principal.type];
  if (ptype) out['aws:PrincipalType'] = ptype;
  if (principal.type === 'user') {
    const name = principal.arn.split('/').pop();
    if (name) out['aws:username'] = name;
  }
  if (principal.type === 'root' && account) out['aws:userid'] = account;
  if (principal.type === 'service') out['aws:PrincipalServiceName'] = principal.arn;
  out['aws:CurrentTime'] = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  out['aws:EpochTime'] = String(Math.floor(now.getTime() / 1000));
  out['aws:SecureTransport'] = 'true';
  out['aws:RequestedRegion'] = 'us-east-1';
  for (const [k, v] of Object.entries(req.context ?? {})) {
    // Context keys are case-insensitive in AWS: drop a derived key the caller overrides in other case.
    for (const existing of Object.keys(out)) if (existing.toLowerCase() === k.toLowerCase()) delete out[existing];
    out[k] = v;
  }
  return out;
}
