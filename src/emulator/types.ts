/** Types shared by the emulator's pipeline stages and service modules. */
import type { AccountState } from './state/account.js';
import type { EmulatorState } from './state/emulator-state.js';
import type { Principal } from './auth/principal.js';
import type { SigV4Auth } from './auth/sigv4.js';
import type { DecisionLog } from './authz/decision-log.js';
import type { MatchBudget } from '../policy/wildcard.js';
import type { ChangeFeed } from './change-feed.js';

export interface EmulatorConfig {
  defaultAccountId: string;
  /** Enforce IAM on requests signed by IAM users and role sessions (root is never restricted). */
  enforce: boolean;
  stateFile?: string;
  /** Largest request body accepted, bytes. */
  maxBodyBytes: number;
  /** Keep each account in its own file in this directory (workshop server: writes touch one learner only). */
  stateDir?: string;
  /** Print one line per denial to this sink (stderr in the CLI), if set. */
  logDenial?: (line: string) => void;
  /**
   * Shared-server mode (workshop): account roots must sign with their own secret. When set, the
   * LocalStack-style `test` key is refused and a 12-digit key is accepted only with the secret
   * this returns for that account.
   */
  rootSecret?: (accountId: string) => string | undefined;
  /** The control API's token (see control-api.ts); a new random one when not given. */
  controlToken?: string;
  /** A request body that stops arriving for this long is abandoned (default 20 s). */
  bodyIdleTimeoutMs?: number;
}

export interface Emulator {
  state: EmulatorState;
  config: EmulatorConfig;
  decisions: DecisionLog;
  /** the control API's token for this emulator's lifetime */
  controlToken: string;
  /**
   * Random per emulator process: a runner compares it with the one it recorded, so it never
   * mistakes another emulator that answers on the same port for its own.
   */
  instanceId: string;
  /** numbered account changes, for runners in other processes (control-api.ts) */
  changes: ChangeFeed;
}

/** A request as the gateway sees it, independent of node:http (so tests can feed it directly). */
export interface IncomingRequest {
  method: string;
  /** path as sent, percent-encoded, without query */
  rawPath: string;
  /** query string without '?' */
  rawQuery: string;
  /** lower-cased header names */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  remoteAddress: string;
  /** true when the client connected over TLS */
  secure: boolean;
  /**
   * A request of the course's own grading (only the in-process handler can set it; no request
   * from the network can): answered as any other, but it is nobody's act in the account, so it
   * is neither recorded in CloudTrail nor counted as a key's or role's last use.
   */
  observer?: boolean;
}

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** What a request's action is allowed to do, as decided by the authorizer. */
export interface AuthorizationSpec {
  /** e.g. "iam:CreateUser", "s3:GetObject" */
  action: string;
  /** ARN the action acts on ("*" for actions without a resource type) */
  resource: string;
  /** account that owns the resource (for same-/cross-account rules); defaults to the caller's */
  resourceAccount?: string;
  /** resource policy to consider (bucket policy, trust policy), JSON text */
  resourcePolicy?: string;
  /** request-specific context keys (s3:prefix, sts:ExternalId, …) */
  context?: Record<string, string | string[]>;
  /**
   * What AWS names in the AccessDenied message of an action without a resource type (authorized
   * on "*"): ListUsers names `arn:aws:iam::ACCOUNT:user/`.
   */
  deniedResource?: string;
}

export interface RequestContext {
  emulator: Emulator;
  /** the account the caller belongs to */
  account: AccountState;
  principal: Principal;
  auth?: SigV4Auth;
  region: string;
  service: string;
  requestId: string;
  sourceIp: string;
  secureTransport: boolean;
  request: IncomingRequest;
  /** Throws AccessDenied (in the caller's protocol) unless the principal may do this. */
  authorize(spec: AuthorizationSpec): Promise<void>;
  /** what this request may still spend on matching policy patterns (policy/wildcard.ts); the gateway always sets it */
  budget?: MatchBudget;
}

/** A service module: turns an authenticated request into a response in its own protocol. */
export interface ServiceModule {
  /** Handle one request. Errors thrown are AwsError and are serialized by `serializeError`. */
  handle(ctx: RequestContext): Promise<OutgoingResponse>;
  serializeError(err: import('./errors.js').AwsError, ctx: Pick<RequestContext, 'requestId' | 'request'>): OutgoingResponse;
}
