/** Temporary credentials issued by STS and recognized by the emulator until they expire. */
import { recordOf } from '../state/records.js';

export interface StsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  kind: 'assumed-role' | 'session-token' | 'federated-user';
  /** assumed-role sessions */
  roleName?: string;
  roleSessionName?: string;
  sourceIdentity?: string;
  /** session policy (AssumeRole Policy parameter), JSON text */
  sessionPolicy?: string;
  /** session tags (AssumeRole Tags, plus transitive tags inherited from the calling session) */
  sessionTags?: Array<{ Key: string; Value: string }>;
  /** keys of sessionTags that pass on to sessions this one assumes (role chaining) */
  transitiveTagKeys?: string[];
  /** session-token sessions: the user (lower-cased name) or undefined for root */
  userName?: string;
  /** MFA: set when the session was issued with a valid MFA code */
  mfaAuthenticatedAt?: string;
  /** the caller who asked for this session (ARN), for CloudTrail-like explanations */
  issuedTo: string;
  /** federated-user sessions (GetFederationToken): the name given (userName is the IAM user who asked; none for root) */
  federatedName?: string;
  /** AssumeRoleWithWebIdentity / AssumeRoleWithSAML: the identity provider and the subject it vouched for */
  federation?: { provider: string; subject: string; kind: 'web-identity' | 'saml' };
}

export interface StsState {
  sessions: Record<string, StsSession>;
}

export function emptyStsState(): StsState {
  return reviveStsState({} as StsState);
}

/** State read from JSON: the session map null-prototype (keys are caller-visible key ids). */
export function reviveStsState(state: StsState): StsState {
  state.sessions = recordOf(state.sessions ?? {});
  return state;
}
