/** Temporary credentials issued by STS and recognized by the emulator until they expire. */
import { dict } from '../state/dict.js';

export interface StsSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  kind: 'assumed-role' | 'session-token';
  /** assumed-role sessions */
  roleName?: string;
  roleSessionName?: string;
  sourceIdentity?: string;
  /** session policy (AssumeRole Policy parameter), JSON text */
  sessionPolicy?: string;
  /** session-token sessions: the user (lower-cased name) or undefined for root */
  userName?: string;
  /** MFA: set when the session was issued with a valid MFA code */
  mfaAuthenticatedAt?: string;
  /** the caller who asked for this session (ARN), for CloudTrail-like explanations */
  issuedTo: string;
}

export interface StsState {
  sessions: Record<string, StsSession>;
}

export function emptyStsState(): StsState {
  return { sessions: dict() };
}
