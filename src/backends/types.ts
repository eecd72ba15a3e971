/**
 * One interface for every place a lab can run: the embedded emulator, moto_server, LocalStack in
 * a container, or an endpoint the user names. The runner knows nothing of XML or HTTP beyond it.
 */
import type { Capabilities, Credentials } from '../graders/types.js';

export type BackendName = 'embedded' | 'moto' | 'localstack' | 'endpoint';
export const BACKEND_NAMES: BackendName[] = ['embedded', 'moto', 'localstack', 'endpoint'];

/** What a started backend is; saved as session.json so later commands reach the same one. */
export interface BackendInfo {
  backend: BackendName;
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
  /** embedded emulator: the token its control API (reset, decision log) requires */
  controlToken?: string;
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
}

export interface StartOptions {
  home: string;
  /** keep running after this process exits */
  detach: boolean;
  endpoint?: string;
  allowRemote?: boolean;
  realAws?: string;
  image?: string;
  env: Record<string, string | undefined>;
  /** progress lines ("starting moto_server on port 51234…") */
  log(line: string): void;
}

export const REGION = 'us-east-1';
export const ROOT_CREDENTIALS: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
