/**
 * A workshop server an instructor runs (`iam-labs workshop serve`), joined with `iam-labs
 * workshop join`: the learner's own account on the instructor's embedded emulator. It is the
 * instructor's server, so this session never resets the whole account or stops the server: the
 * runner removes only what a lab made (teardown), and `stop` leaves.
 */
import type { Credentials } from '../core/aws-types.js';
import { EMBEDDED_CAPABILITIES } from './embedded.js';
import type { BackendHandle, BackendInfo } from './types.js';

export interface JoinedWorkshop {
  /** the server's base URL, which is also the AWS endpoint */
  base: string;
  credentials: Credentials;
  accountId: string;
  region: string;
  /** the name the learner joined with */
  name: string;
}

export function workshopBackendInfo(w: JoinedWorkshop): BackendInfo {
  return {
    backend: 'workshop',
    endpoint: w.base,
    credentials: w.credentials,
    accountId: w.accountId,
    region: w.region,
    // The workshop server is the embedded emulator: it can show what the embedded backend can, except
    // what runs on the instructor's machine for the learner: instance metadata services (loopback
    // listeners there, and its control API is off) and function code (a shared server runs none).
    capabilities: { ...EMBEDDED_CAPABILITIES, instanceMetadata: false, lambdaInvoke: false },
    reason: `workshop server ${w.base} (joined as ${w.name}, account ${w.accountId})`,
  };
}

export function attachWorkshop(info: BackendInfo): BackendHandle {
  return {
    info,
    resetsAccount: false,
    reset: async () => {},
    stop: async () => {},
    describe: () => `workshop at ${info.endpoint}`,
    // a shared server keeps no decision log for learners (its control routes are off)
    extras: { keepsState: false, makesAccounts: false, stopsServer: false },
  };
}
