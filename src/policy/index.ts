/** The policy-evaluation interface (see types.ts): the only door to the policy engine. */
import type { PolicyEngine } from './types.js';
import { validatePolicyDocument } from './validate.js';

// iam-simulate is ~100 modules: load it on the first evaluation, not at start-up, so the
// emulator is ready (and `iam-labs --help` answers) without paying for it.
let loading: Promise<typeof import('./engine.js')> | undefined;
const loadEngine = () => (loading ??= import('./engine.js'));

export const policyEngine: PolicyEngine = {
  evaluate: async (req) => (await loadEngine()).engine.evaluate(req),
  validate: (document, kind, opts) => validatePolicyDocument(document, kind, opts),
};

/** Start loading the engine in the background (e.g. right after a server is listening). */
export function preloadPolicyEngine(): void {
  void loadEngine();
}
export { bucketPolicyBindsRoot } from './root-bucket-policy.js';
export { buildContext, roleArnOfSession, accountOfArn } from './context.js';
export { accessDeniedMessage, describeStatement } from './explain.js';
export { validatePolicyDocument, parsePolicyText, SYNTAX_ERRORS, resourceProblem } from './validate.js';
export { isKnownServicePrincipal } from './service-principals.js';
export { wildcardMatch, MatchBudget, MatchBudgetExceeded } from './wildcard.js';
export type * from './types.js';
