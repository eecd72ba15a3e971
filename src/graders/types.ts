/**
 * What a lab step is made of: setup (what the lab seeds), check (named conditions) and solve
 * (the reference solution the chapter teaches). Graders reach AWS only through the SDK clients
 * in LabContext and the policy-evaluation interface, so a verdict is the same on every backend.
 */
import type { Capabilities, Credentials, LabClients } from '../core/aws-types.js';
import type { SdkClientConfig } from '../core/sdk-clients.js';

// The AWS types are core's (every layer uses them); graders keep naming them from here.
export type { Capabilities, Credentials, LabClients };

export interface LabContext {
  /** clients signed as the account root, pointed at the lab's backend and nothing else */
  clients: LabClients;
  /** clients for other credentials (act as a seeded user), same backend */
  clientsFor(creds: Credentials): LabClients;
  /**
   * A client of any other AWS service (EC2, Lambda, ECR, CloudTrail…) on the lab's backend, built
   * like `clients` (root credentials unless others are given); one per service and credentials,
   * released with the context. Graders import the service's SDK package lazily, so labs that do
   * not need it never load it.
   */
  serviceClient<C extends { destroy(): void }>(Client: new (config: SdkClientConfig) => C, creds?: Credentials, opts?: { userAgent?: string }): C;
  /**
   * Where the backend runs instance metadata services (capabilities.instanceMetadata): the role
   * credentials an instance's metadata service hands out, i.e. what the AWS CLI or an SDK on that
   * instance signs with. Absent on other backends.
   */
  instanceCredentials?(instanceId: string): Promise<Credentials>;
  accountId: string;
  region: string;
  endpoint: string;
  capabilities: Capabilities;
  /**
   * The ids of the lab's steps that have passed before this step is checked: in an earlier
   * grading (progress keeps them forever), or earlier in this grading (steps are checked in the
   * lab's order). A step that builds on another asks `ctx.passed.has('groups/add-members')`.
   */
  passed: ReadonlySet<string>;
  /** facts kept between steps (e.g. the access key seen when users/access-key passed) */
  facts: {
    get(key: string): string | undefined;
    set(key: string, value: string): void;
  };
  /** lab profiles in the lab's own AWS config (never ~/.aws): profile name → credentials */
  profiles: {
    get(name: string): Credentials | undefined;
    set(name: string, creds: Credentials): void;
    remove(name: string): void;
    /** every profile name, as written (profile names are case-sensitive) */
    names(): string[];
  };
}

export type ConditionStatus = 'passed' | 'failed' | 'unverifiable';

export interface Condition {
  /** short name, e.g. "user Samy exists" */
  name: string;
  status: ConditionStatus;
  expected: string;
  found: string;
  /** why it failed (or why it cannot be verified): learner language, naming policy/statement/element */
  why?: string;
  /** state-aware hint, shown before the tiered hints */
  hint?: string;
  /**
   * For a failed permission probe: the policy that decided (or nearly matched) as readable JSON,
   * its name and source on the first line and the statement marked with "▶" in the margin.
   */
  policy?: string;
}

/**
 * A scripted wrong attempt: COURSE.md's "must fail on" column and what learners really do (wrong
 * case, bucket vs object, too broad, wrong place, wrong principal or operator, an identity policy
 * that hides the lesson, nothing at all). Only states AWS accepts: what AWS refuses, the learner
 * hears from AWS itself. `iam-labs dev check` proves each one fails with feedback that names
 * `element` in a failed condition's `why` and gives every failed condition an actionable `hint`
 * (src/graders/feedback.ts).
 */
export interface Mistake {
  name: string;
  /** bring the account into the mistaken state (after earlier steps are solved) */
  apply(ctx: LabContext): Promise<void>;
  /**
   * What is wrong, exactly as the feedback must name it: a policy element ("Resource",
   * "Principal", "Condition", "Action", "NotResource", "IpAddress"…) or the thing in the account
   * ("samy", "profile Samy", "PasswordResetRequired", "AmazonS3FullAccess"). Required by dev check.
   */
  element?: string;
  /** text the failing check's output must contain (proves the feedback names the problem) */
  expectFeedback?: RegExp;
}

/**
 * A correct solution other than the reference one, which must pass: managed vs inline, via a
 * group, Statement as an object, Action as a string or a list, an equivalent Condition, an
 * account-id principal. Applied after the earlier steps' solutions, like a mistake.
 */
export interface Variant {
  name: string;
  apply(ctx: LabContext): Promise<void>;
}

export interface StepGrader {
  /** stable id, e.g. "users/create-user" — matches the step's Markdown front matter */
  id: string;
  check(ctx: LabContext): Promise<Condition[]>;
  solve(ctx: LabContext): Promise<void>;
  /** called when the step passes: remember facts later steps need */
  onPass?(ctx: LabContext): Promise<void>;
  mistakes?: Mistake[];
  /** other correct solutions (dev check: each must pass) */
  variants?: Variant[];
}

export interface LabGrader {
  /** e.g. "01-users" */
  id: string;
  /** seed the account for this lab (idempotent over a clean account) */
  setup(ctx: LabContext): Promise<void>;
  /** remove what this lab created or seeded (endpoint backends reset this way) */
  teardown?(ctx: LabContext): Promise<void>;
  steps: StepGrader[];
}

export function defineLab(lab: LabGrader): LabGrader {
  return lab;
}

export function defineStep(step: StepGrader): StepGrader {
  return step;
}
