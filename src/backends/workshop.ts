/**
 * A workshop server an instructor runs (`iam-labs workshop serve`), joined with `iam-labs
 * workshop join`: the learner's own account on the instructor's embedded emulator. It is the
 * instructor's server, so this session never resets the whole account or stops the server: the
 * runner removes only what a lab made (teardown), and `stop` leaves.
 */
import type { Credentials } from '../core/aws-types.js';
import { EMBEDDED_CAPABILITIES } from './embedded.js';
import { reachablePresence } from './presence.js';
import type { BackendHandle, BackendInfo } from './types.js';

export interface JoinedWorkshop {
  /** the server's base URL, which is also the AWS endpoint */
  base: string;
  credentials: Credentials;
  accountId: string;
  region: string;
  /** the name the learner joined with */
  name: string;
  /** the learner's token for the server's own routes */
  token: string;
}

export function workshopBackendInfo(w: JoinedWorkshop): BackendInfo {
  return {
    backend: 'workshop',
    endpoint: w.base,
    credentials: w.credentials,
    accountId: w.accountId,
    region: w.region,
    // The workshop server is the embedded emulator: it can show what the embedded backend can, except
    // function code (a shared server runs none). Instance metadata services are loopback listeners
    // on the instructor's machine; the learner's runner reaches them through the server's route for
    // the learner's own instances, with the learner's token (instance-metadata-proxy.ts).
    capabilities: { ...EMBEDDED_CAPABILITIES, instanceMetadata: true, lambdaInvoke: false },
    workshopToken: w.token,
    instanceId: `workshop:${w.base}`,
    // the learner's one account on the instructor's server: it keeps what the learner did
    storeId: `workshop:${w.base}:${w.accountId}`,
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
    presence: () => reachablePresence(info.endpoint, '/_workshop/'),
    // a shared server keeps no decision log for learners (its control routes are off)
    extras: { keepsState: false, makesAccounts: false, stopsServer: false },
  };
}
