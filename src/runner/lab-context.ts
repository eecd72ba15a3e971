/**
 * The one way a LabContext is made (check, start, solve, why, dev check, the grading host and the
 * tests): root clients for the backend (and nothing else), clients for other credentials on the
 * same backend, facts and the lab's AWS profiles.
 */
import { instanceRoleCredentials } from '../backends/instance-metadata.js';
import type { BackendInfo } from '../backends/types.js';
import { destroyClients, makeClients, observing, sdkClientConfig, type SdkClientConfig } from '../core/sdk-clients.js';
import type { Credentials, LabClients } from '../core/aws-types.js';
import type { LabContext } from '../graders/types.js';
import { memoizeReads } from './read-memo.js';

export interface ProfileStore {
  get(name: string): Credentials | undefined;
  set(name: string, creds: Credentials): void;
  remove(name: string): void;
  names(): string[];
}

/** Facts in memory; `changed` is what to persist after a run. */
export class FactMap {
  readonly changed: Record<string, string> = {};
  constructor(private readonly values: Record<string, string> = {}) {}
  get(key: string): string | undefined {
    return this.values[key];
  }
  set(key: string, value: string): void {
    this.values[key] = value;
    this.changed[key] = value;
  }
}

/** Profiles kept in memory only (dev check must not touch the learner's files). */
export class MemoryProfiles implements ProfileStore {
  private readonly map = new Map<string, Credentials>();
  get(name: string) {
    return this.map.get(name);
  }
  set(name: string, creds: Credentials) {
    this.map.set(name, creds);
  }
  remove(name: string) {
    this.map.delete(name);
  }
  names(): string[] {
    return [...this.map.keys()];
  }
  entries(): Array<[string, Credentials]> {
    return [...this.map];
  }
}

/** Where a context points: a backend's endpoint, root credentials, account and capabilities. */
export type ContextTarget = Pick<BackendInfo, 'endpoint' | 'credentials' | 'accountId' | 'region' | 'capabilities' | 'controlToken'> & Partial<Pick<BackendInfo, 'backend' | 'workshopToken'>>;

export interface CreatedContext {
  ctx: LabContext;
  facts: FactMap;
  /** release sockets so the process can exit */
  destroy(): void;
}

/**
 * `rootClients`: clients for the root credentials to reuse (a long-lived grading host keeps
 * them warm across checks); they are not destroyed with the context. `passed`: the steps passed
 * so far (the caller adds to it as steps pass in order, so graders see it grow).
 */
export function createLabContext(
  info: ContextTarget,
  facts: FactMap = new FactMap(),
  profiles: ProfileStore = new MemoryProfiles(),
  rootClients?: LabClients,
  passed: ReadonlySet<string> = new Set(),
  /** `observe`: a grading, which looks at the account without acting in it (sdk-clients.ts) */
  opts: { memoizeReads?: boolean; observe?: boolean } = {},
): CreatedContext {
  const made: LabClients[] = [];
  const build = (creds: Credentials) => {
    const c = makeClients(info.endpoint, creds, info.region, { observe: opts.observe, controlToken: info.controlToken });
    made.push(c);
    return c;
  };
  // other services' clients, one per client class and credentials
  const services = new Map<unknown, Map<string, { destroy(): void }>>();
  const serviceClient = <C extends { destroy(): void }>(Client: new (config: SdkClientConfig) => C, creds: Credentials = info.credentials, use: { userAgent?: string } = {}): C => {
    const byCreds = services.get(Client) ?? new Map<string, { destroy(): void }>();
    services.set(Client, byCreds);
    const key = `${creds.accessKeyId}\0${creds.sessionToken ?? ''}\0${use.userAgent ?? ''}`;
    let c = byCreds.get(key) as C | undefined;
    if (!c) {
      const clientUse = { observe: opts.observe, controlToken: info.controlToken, userAgent: use.userAgent };
      c = observing(new Client(sdkClientConfig(info.endpoint, creds, info.region, clientUse)), info.endpoint, clientUse);
      // a grading's EC2, CloudTrail or audit reads repeat across steps as the IAM ones do
      if (opts.memoizeReads) c = memoizeReads(c as C & { send(command: unknown, ...rest: unknown[]): Promise<unknown> });
      byCreds.set(key, c);
    }
    return c;
  };
  const ctx: LabContext = {
    clients: opts.memoizeReads ? memoizedClients(rootClients ?? build(info.credentials)) : (rootClients ?? build(info.credentials)),
    clientsFor: build,
    serviceClient,
    ...(info.capabilities.instanceMetadata ? { instanceCredentials: (instanceId: string) => instanceRoleCredentials(info, instanceId) } : {}),
    accountId: info.accountId,
    region: info.region,
    endpoint: info.endpoint,
    capabilities: info.capabilities,
    passed,
    facts,
    profiles,
  };
  return {
    ctx,
    facts,
    destroy: () => {
      for (const c of made) destroyClients(c);
      for (const byCreds of services.values()) for (const c of byCreds.values()) c.destroy();
    },
  };
}

/** The root clients of one grading, repeated reads answered once (read-memo.ts). */
function memoizedClients(c: LabClients): LabClients {
  return { iam: memoizeReads(c.iam), sts: memoizeReads(c.sts), s3: memoizeReads(c.s3) };
}
