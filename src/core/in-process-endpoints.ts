/**
 * Endpoints this very process serves. The grading service runs inside the detached emulator, so
 * the SDK clients it builds (sdk-clients.ts) hand each signed request to the emulator's gateway
 * instead of a loopback socket: the requests are the SDK's real ones (signed, serialized) and go
 * through the same pipeline (authentication, authorization, CloudTrail); only node:http is
 * skipped on both ends. A leaf module with no SDK import, so registering costs the emulator's
 * start-up nothing.
 */
const servedHere = new Map<string, unknown>();

/** From now on, clients for `endpoint` built in this process use `requestHandler`. */
export function serveEndpointInProcess(endpoint: string, requestHandler: unknown): void {
  servedHere.set(endpoint, requestHandler);
}

/** The in-process request handler for `endpoint`, if this process serves it. */
export function inProcessHandlerFor(endpoint: string): unknown {
  return servedHere.get(endpoint);
}
