/**
 * What a lab step is made of: setup (what the lab seeds), check (named conditions) and solve
 * (the reference solution the chapter teaches). Graders reach AWS only through the SDK clients
 * in LabContext and the policy-evaluation interface, so a verdict is the same on every backend.
 */
import type { Capabilities, Credentials, LabClients } from '../core/aws-types.js';

// The AWS types are core's (every layer uses them); graders keep naming them from here.
export type { Capabilities, Credentials, LabClients };

export interface LabContext {
  /** clients signed as the account root, pointed at the lab's backend and nothing else */
  clients: LabClients;
  /** clients for other credentials (act as a seeded user), same backend */
  clientsFor(creds: Credentials): LabClients;
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

/** A scripted wrong attempt from COURSE.md's "must fail on" column. */
export interface Mistake {
  name: string;
  /** bring the account into the mistaken state (after earlier steps are solved) */
  apply(ctx: LabContext): Promise<void>;
  /** text the failing check's output must contain (proves the feedback names the problem) */
  expectFeedback?: RegExp;
}

export interface StepGrader {
  /** stable id, e.g. "users/create-user" — matches the step's Markdown front matter */
  id: string;
  check(ctx: LabContext): Promise<Condition[]>;
  solve(ctx: LabContext): Promise<void>;
  /** called when the step passes: remember facts later steps need */
  onPass?(ctx: LabContext): Promise<void>;
  mistakes?: Mistake[];
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
