/** The policy-evaluation interface (see types.ts): the only door to the policy engine. */
import { engine } from './engine.js';
import type { PolicyEngine } from './types.js';

export const policyEngine: PolicyEngine = engine;
export { buildContext, roleArnOfSession, accountOfArn } from './context.js';
export { accessDeniedMessage, describeStatement } from './explain.js';
export { validatePolicyDocument, parsePolicyText, SYNTAX_ERRORS } from './validate.js';
export type * from './types.js';
