/**
 * Endpoints this very process serves. The grading service runs inside the detached emulator, so
 * the SDK clients it builds (sdk-clients.ts) hand each signed request to the emulator's gateway
 * instead of a loopback socket: the requests are the SDK's real ones (signed, serialized) and go
 * through the same pipeline (authentication, authorization, CloudTrail); only node:http is
 * skipped on both ends. A leaf module with no SDK import, so registering costs the emulator's
 * start-up nothing.
 */
const servedHere = new Map<string, { acting: unknown; observing: unknown }>();

/**
 * From now on, clients for `endpoint` built in this process use `acting` (seeding: calls that
 * are acts in the account, recorded as such), or `observing` when they only look at the account
 * to grade it (not recorded in its CloudTrail, not a key's last use).
 */
export function serveEndpointInProcess(endpoint: string, acting: unknown, observing: unknown = acting): void {
  servedHere.set(endpoint, { acting, observing });
}

/** The in-process request handler for `endpoint`, if this process serves it. */
export function inProcessHandlerFor(endpoint: string, observe = false): unknown {
  const h = servedHere.get(endpoint);
  return h && (observe ? h.observing : h.acting);
}
