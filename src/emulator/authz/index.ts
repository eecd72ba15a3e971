/**
 * Authorization stage of the pipeline. Root is never restricted; IAM users and role sessions
 * are evaluated by the policy engine when enforcement is on.
 * (Placeholder until enforcement lands: allows everything.)
 */
import type { AuthorizationSpec, RequestContext } from '../types.js';

export async function authorizeRequest(ctx: RequestContext, spec: AuthorizationSpec): Promise<void> {
  void ctx;
  void spec;
}
