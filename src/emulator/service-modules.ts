/**
 * The services beyond IAM, STS and S3, keyed by the signing name a client puts in its SigV4
 * credential scope (Access Analyzer signs as `access-analyzer`; ECR as `ecr`, though its host is
 * `api.ecr`). The gateway serves them next to the Query and S3 services.
 *
 * Their code loads on the first request for each (a few labs use them, every start would parse
 * them): the gateway awaits `loadWorkloadService` once, then holds the module.
 */
import { addSessionFactsProvider, flushTrail } from './cloudtrail/record.js';
import { instanceSessionFacts } from './imds/credentials.js';
import type { Emulator, ServiceModule } from './types.js';
import { releaseWorkloads } from './workload-hooks.js';

const workloadLoaders = new Map<string, () => Promise<ServiceModule>>([
  ['cloudtrail', () => import('./cloudtrail/service.js').then((m) => m.cloudTrailService)],
  ['access-analyzer', () => import('./accessanalyzer/service.js').then((m) => m.accessAnalyzerService)],
  ['ec2', () => import('./ec2/service.js').then((m) => m.ec2Service)],
  ['lambda', () => import('./lambda/service.js').then((m) => m.lambdaService)],
  ['ecr', () => import('./ecr/service.js').then((m) => m.ecrService)],
]);

/**
 * The largest body a workload service takes, read before its code has loaded. Lambda: a .zip
 * sent inline (base64 in JSON); Lambda takes requests up to 70,167,211 bytes and answers larger
 * ones itself (package.ts); the gateway refuses only what is beyond even that.
 */
const workloadBodyLimits = new Map<string, number>([['lambda', 72 * 1024 * 1024]]);

export function isWorkloadService(service: string): boolean {
  return workloadLoaders.has(service);
}

export function workloadBodyLimit(service: string): number | undefined {
  return workloadBodyLimits.get(service);
}

const loading = new Map<string, Promise<ServiceModule>>();

/** The service's module, loaded on first call (undefined for a name that is not a workload service). */
export function loadWorkloadService(service: string): Promise<ServiceModule> | undefined {
  const load = workloadLoaders.get(service);
  if (!load) return undefined;
  let module = loading.get(service);
  if (!module) {
    module = load();
    // a failed load (a chunk gone from disk) is tried again by the next request
    module.catch(() => loading.delete(service));
    loading.set(service, module);
  }
  return module;
}

export { recordCall } from './cloudtrail/record.js';
export { withCallNotes } from './cloudtrail/query-notes.js';

// Calls made with an instance's role credentials are recorded with their delivery facts even
// when the credentials were issued by an earlier run (state file) and EC2 has not loaded yet.
addSessionFactsProvider(instanceSessionFacts);

/** What the workload services hold outside the state (pending CloudTrail writes, metadata listeners, running functions), released on close. */
export async function stopWorkloadServices(emulator: Emulator): Promise<void> {
  flushTrail(emulator);
  await releaseWorkloads(emulator);
}
