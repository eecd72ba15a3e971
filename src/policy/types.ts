/**
 * The policy-evaluation interface: the only door to the policy engine (iam-simulate) for the
 * emulator (enforcement, STS trust checks, SimulatePrincipalPolicy, MalformedPolicyDocument)
 * and for the graders' permission probes. Implemented in src/policy/engine.ts.
 */
import type { MatchBudget } from './wildcard.js';

/** A policy as input to an evaluation, with where it came from (for explanations). */
export interface PolicyInput {
  /** e.g. "ReportsReader", "TempFullAccess", "AmazonS3FullAccess", "bucket policy of acme-reports" */
  name: string;
  /** JSON text or parsed object */
  document: string | object;
  /** how the principal has it, in plain words: "attached to user analyst", "inline on group developers", "via group developers" */
  source?: string;
  /** policy ARN for managed policies */
  arn?: string;
}

export type PrincipalType = 'root' | 'user' | 'role' | 'assumed-role' | 'service' | 'anonymous' | 'federated';

export interface EvaluationRequest {
  principal: {
    /** user ARN, role ARN, assumed-role session ARN, account root ARN, or a service principal ("ec2.amazonaws.com") */
    arn: string;
    type: PrincipalType;
    /** the principal's account (omit for service principals) */
    accountId?: string;
  };
  /** "s3:GetObject" */
  action: string;
  /** resource ARN, or "*" */
  resource: string;
  /** the account that owns the resource (same-account vs cross-account rules); defaults to the principal's */
  resourceAccount?: string;
  /**
   * Request context keys. The engine fills the principal keys it can derive (aws:PrincipalArn,
   * aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:userid when given, aws:CurrentTime,
   * aws:EpochTime, aws:SecureTransport default, aws:RequestedRegion default); values here win.
   */
  context?: Record<string, string | string[]>;
  /** identity-based policies (inline, attached, via groups); empty for service principals */
  identityPolicies: PolicyInput[];
  permissionsBoundary?: PolicyInput;
  /** session policy of an assumed-role session */
  sessionPolicy?: PolicyInput;
  /** resource-based policy: bucket policy, or a role's trust policy for sts:AssumeRole */
  resourcePolicy?: PolicyInput;
  /**
   * The request's match budget, shared by all the evaluations one request causes (a fresh one
   * when absent); see wildcard.ts.
   */
  budget?: MatchBudget;
  /**
   * For trust policies: whether the role's account must also grant the caller in an identity
   * policy (AWS's cross-account rule). Defaults to AWS's rules for the action.
   */
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One statement the decision hinged on, or one that came close. */
export interface StatementRef {
  policy: string;
  source?: string;
  /** 1-based position in the Statement array */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** kind of policy: identity, boundary, session, resource */
  kind: 'identity' | 'boundary' | 'session' | 'resource';
  /** ARN of the policy when it is a managed policy (AWS names it in explicit-deny messages) */
  arn?: string;
}

/** Why a statement did not apply: the first element that did not match, in plain words. */
export interface NearMiss extends StatementRef {
  element: 'Action' | 'NotAction' | 'Resource' | 'NotResource' | 'Principal' | 'NotPrincipal' | 'Condition';
  /**
   * learner-language explanation that starts with the element's name, e.g. "Resource lists
   * arn:aws:s3:::acme-reports/*, which names objects, not the bucket"
   */
  detail: string;
  /**
   * The statement's Principal names the caller's whole account: it applies, but it hands the
   * decision to that account's own identity-based policies (none of which allowed the request).
   * Not a miss of the statement's: the fix is in the caller's account, or a narrower Principal.
   */
  handsOverToAccount?: true;
}

export interface EvaluationResult {
  decision: Decision;
  /** statements that decided: the explicit Deny(s), or the Allow(s) that granted */
  deciding: StatementRef[];
  /** statements that mention the action but did not apply, each with the element that failed */
  nearMisses: NearMiss[];
  /** which policy type caused a denial, when one did */
  deniedBy?: 'identity' | 'boundary' | 'session' | 'resource' | 'no-allow';
  /** one or two sentences in learner language */
  reason: string;
  /**
   * AccessDenied message in AWS's current wording, e.g. "User: arn:… is not authorized to perform:
   * s3:ListBucket on resource: "arn:aws:s3:::acme-reports" because no identity-based policy allows
   * the s3:ListBucket action" (S3 quotes the resource; IAM and STS do not). Empty when allowed.
   */
  awsMessage: string;
}

export type PolicyKind = 'identity' | 'trust' | 'resource';

export interface PolicyProblem {
  /** AWS's MalformedPolicyDocument message for this problem */
  message: string;
  /** JSON path to the element, e.g. "Statement[0].Principal" */
  path?: string;
}

export interface ValidateOptions {
  /** Managed policies (CreatePolicy, CreatePolicyVersion) must be Version 2012-10-17. */
  managed?: boolean;
}

export interface PolicyEngine {
  evaluate(req: EvaluationRequest): Promise<EvaluationResult>;
  /** Grammar problems AWS rejects with MalformedPolicyDocument (empty list = valid), AWS's first one first. */
  validate(document: string, kind: PolicyKind, opts?: ValidateOptions): PolicyProblem[];
}
