/**
 * A LabContext built from an endpoint and root credentials, with in-memory facts and profiles
 * unless the caller supplies stores. Used by tests and `dev check`; the runner may pass its own
 * stores (progress facts on disk, the lab's AWS config files).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { Capabilities, Credentials, LabClients, LabContext } from './types.js';

export const EMBEDDED_CAPABILITIES: Capabilities = {
  enforcesIam: true,
  recordsAccessKeyLastUsed: true,
  recordsRoleLastUsed: true,
  bucketPolicies: true,
};

export function makeClients(endpoint: string, credentials: Credentials, region: string): LabClients {
  const common = { endpoint, region, credentials, maxAttempts: 1 };
  return { iam: new IAMClient(common), sts: new STSClient(common), s3: new S3Client({ ...common, forcePathStyle: true }) };
}

export function memoryStore<T>(): { get(k: string): T | undefined; set(k: string, v: T): void; remove(k: string): void; all(): Map<string, T> } {
  const m = new Map<string, T>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v), remove: (k) => void m.delete(k), all: () => m };
}

export interface LabContextOptions {
  endpoint: string;
  credentials: Credentials;
  region?: string;
  /** known in advance or read later with sts get-caller-identity (graders use accountInfo()) */
  accountId?: string;
  capabilities?: Capabilities;
  facts?: LabContext['facts'];
  profiles?: LabContext['profiles'];
}

export function createLabContext(o: LabContextOptions): LabContext {
  const region = o.region ?? 'us-east-1';
  return {
    clients: makeClients(o.endpoint, o.credentials, region),
    clientsFor: (creds) => makeClients(o.endpoint, creds, region),
    accountId: o.accountId ?? '',
    region,
    endpoint: o.endpoint,
    capabilities: o.capabilities ?? EMBEDDED_CAPABILITIES,
    facts: o.facts ?? memoryStore<string>(),
    profiles: o.profiles ?? memoryStore<Credentials>(),
  };
}
