/**
 * The instance metadata service of emulated EC2 instances. The runner asks for an instance's
 * address in-process (instanceMetadataEndpoint) or, for an emulator in another process, with
 * GET /_iam-labs/imds/<instance-id> on the emulator's port (imdsControl).
 */
import { onInstanceTerminated } from '../ec2/hooks.js';
import type { Emulator } from '../types.js';
import { onEmulatorClose } from '../workload-hooks.js';
import { closeAllListeners, closeInstanceListener, instanceMetadataEndpoint, UnknownInstanceError } from './manager.js';

export {
  closeAllListeners,
  hostAllowed,
  instanceMetadataEndpoint,
  instanceMetadataInfo,
  serveInstanceMetadata,
  UnknownInstanceError,
  type InstanceMetadataEndpoint,
  type InstanceMetadataInfo,
} from './manager.js';
export type { ImdsRequest, ImdsResponse } from './responder.js';

onInstanceTerminated(closeInstanceListener);
// (the session facts of calls made with an instance's credentials are registered by service-modules.ts)
onEmulatorClose(closeAllListeners);

/** The control API's answer for `imds/<instance-id>[?account=<id>]`. */
export async function imdsControl(emulator: Emulator, instanceId: string, accountId?: string): Promise<{ status: number; body: object }> {
  if (!/^i-[0-9a-f]{8,17}$/.test(instanceId)) return { status: 400, body: { error: `'${instanceId}' is not an instance id (i-…)` } };
  try {
    return { status: 200, body: await instanceMetadataEndpoint(emulator, instanceId, accountId) };
  } catch (e) {
    if (e instanceof UnknownInstanceError) return { status: 404, body: { error: e.message } };
    throw e;
  }
}
