/**
 * One interface for every place a lab can run: the embedded emulator, moto_server, LocalStack in
 * a container, or an endpoint the user names. The runner knows nothing of XML or HTTP beyond it.
 */
import type { Capabilities, Credentials } from '../core/aws-types.js';
import type { DecisionRecord } from '../emulator/authz/decision-log.js';

/** Backends a learner can ask for (`--backend`, IAM_LABS_BACKEND). */
export type BackendName = 'embedded' | 'moto' | 'localstack' | 'endpoint';
export const BACKEND_NAMES: BackendName[] = ['embedded', 'moto', 'localstack', 'endpoint'];
/** Every kind a session can be on: also a workshop server joined with `iam-labs workshop join`. */
export type BackendKind = BackendName | 'workshop';

/** What a started backend is; saved as backend.json so later commands reach the same one. */
export interface BackendInfo {
  backend: BackendKind;
  endpoint: string;
  credentials: Credentials;
  accountId: string;
  region: string;
  capabilities: Capabilities;
  /** process serving it (detached emulator, moto_server, or the foreground `start`) */
  pid?: number;
  containerId?: string;
  /** real AWS: the account the user confirmed with --real-aws */
  realAwsAccount?: string;
  /** one line: what it is and why it was chosen */
  reason: string;
  /** what this backend cannot show (printed by start and doctor) */
  limits?: string;
  /** the Unix socket of the grading service next to a detached embedded emulator */
  gradingSocket?: string;
  /** embedded emulator: the token its control API (reset, decision log) requires (see control-api.ts) */
  controlToken?: string;
  /**
   * workshop server: the learner's token for the server's own routes, here the metadata services
   * of the learner's instances (core/workshop-imds-route.ts)
   */
  workshopToken?: string;
  /**
   * What tells this running backend from any other that might answer on the same address: the
   * embedded emulator's random instance id (it reports it on GET /_iam-labs/health), moto's pid
   * and start time, LocalStack's container id, an endpoint's URL.
   */
  instanceId?: string;
  /**
   * Where accounts live: the same store id means an account seeded earlier may still be there
   * (the embedded emulator's state file outlives the process; a moto_server's accounts do not).
   */
  storeId?: string;
}

/** Whether the backend a session recorded is the one that answers now. */
export type BackendPresence =
  | { state: 'same' }
  /** nothing answers, or the process serving it has exited */
  | { state: 'gone'; detail: string }
  /** something answers, but it is another backend (another emulator took the port) */
  | { state: 'changed'; detail: string };

/** What a long poll for an account's changes learned (embedded: the control API's change feed). */
export interface AccountChanges {
  /** the newest change number; the next poll asks for changes after it */
  seq: number;
  /** the account changed (a write, a key's last use) since the number asked about */
  changed: boolean;
  /** the backend's instance id, to notice a restart */
  instanceId?: string;
}

/**
 * What a backend offers beyond AWS's API. Commands ask these, never the backend's name, so a new
 * backend (or a workshop server) gets each feature by saying it has it.
 */
export interface BackendExtras {
  /**
   * A grading service next to the backend (a Unix socket in the learner's state directory): the
   * detached embedded emulator keeps the graders and the AWS SDK loaded there, so `check` need not.
   */
  remoteGrader?: { socket: string };
  /** The backend's memory of its authorization decisions (`iam-labs why --last`). */
  decisionLog?: { lastDenial(accountId?: string): Promise<DecisionRecord | undefined> };
  /** The account outlives `stop` (a state file): starting the same lab again continues it. */
  keepsState: boolean;
  /** Any 12-digit access key id is the root of its own account, so a lab can use several accounts. */
  makesAccounts: boolean;
  /** `stop` stops a server this session started (else it only leaves one that keeps running). */
  stopsServer: boolean;
  /**
   * Wait (up to waitMs) until an account changes after change number `after` (-1: answer at
   * once with the current number), or until `signal` aborts it (it then rejects). Backends
   * without it are polled by grading.
   */
  changeFeed?: { wait(accountId: string, after: number, waitMs: number, signal?: AbortSignal): Promise<AccountChanges> };
}

export interface BackendHandle {
  info: BackendInfo;
  /** back to an empty account (or, on an endpoint, remove what the lab made: done by the runner) */
  reset(): Promise<void>;
  stop(): Promise<void>;
  describe(): string;
  /** the in-process emulator's change events, when there is one (live checklist) */
  onChange?(listener: (event: { operation: string }) => void): () => void;
  /** whether reset() empties the whole account (else the runner tears the lab down itself) */
  resetsAccount: boolean;
  /**
   * Backends that make accounts: empty one account (a lab's old one, when it is seeded anew) and
   * say whether an account exists here (undefined: the backend cannot tell).
   */
  resetAccount?(accountId: string): Promise<void>;
  accountExists?(accountId: string): Promise<boolean | undefined>;
  /** Is the backend this handle describes the one that answers now? */
  presence(): Promise<BackendPresence>;
  extras: BackendExtras;
}

export interface StartOptions {
  home: string;
  /** keep running after this process exits */
  detach: boolean;
  endpoint?: string;
  allowRemote?: boolean;
  realAws?: string;
  image?: string;
  /**
   * A private, throwaway backend (dev check): any free port, nothing kept on disk, no grading
   * service. Only embedded and moto offer it.
   */
  ephemeral?: boolean;
  env: Record<string, string | undefined>;
  /** progress lines ("starting moto_server on port 51234…") */
  log(line: string): void;
  /**
   * Called in the same tick a server process is spawned (before it is ready), so the runner can
   * record it at once: a Ctrl-C while it starts then leaves nothing `stop` cannot find.
   */
  onSpawn?(p: { pid: number; controlToken?: string }): void;
}

export const REGION = 'us-east-1';
export const ROOT_CREDENTIALS: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * What any AWS-compatible server can be relied on for: bucket policies, and nothing else. A
 * backend starts from this and claims only what it was shown to do, so a condition that needs
 * more says "not verifiable" instead of passing or failing on a guess.
 */
export const BASELINE_CAPABILITIES: Capabilities = {
  enforcesIam: false,
  recordsAccessKeyLastUsed: false,
  recordsRoleLastUsed: false,
  bucketPolicies: true,
  cloudTrail: false,
  accessAnalyzer: false,
  backdatedHistory: false,
  userPermissionsBoundaries: false,
  ec2Instances: false,
  instanceMetadata: false,
  lambda: false,
  lambdaInvoke: false,
  ecr: false,
};

/**
 * The root of an account on a backend that makes accounts: a 12-digit access key id is that
 * account's root (LocalStack's convention, which the embedded emulator follows), secret `test`.
 */
export function accountRootCredentials(accountId: string): Credentials {
  return { accessKeyId: accountId, secretAccessKey: 'test' };
}
