/**
 * The services beyond IAM, STS and S3, keyed by the signing name a client puts in its SigV4
 * credential scope (Access Analyzer signs as `access-analyzer`; ECR as `ecr`, though its host is
 * `api.ecr`). The gateway serves them next to the Query and S3 services.
 */
import { accessAnalyzerService } from './accessanalyzer/service.js';
import { cloudTrailService } from './cloudtrail/service.js';
import { ec2Service } from './ec2/service.js';
import { ecrService } from './ecr/service.js';
import { lambdaService } from './lambda/service.js';
import type { ServiceModule } from './types.js';

export const workloadServices: Record<string, ServiceModule> = {
  cloudtrail: cloudTrailService,
  'access-analyzer': accessAnalyzerService,
  ec2: ec2Service,
  lambda: lambdaService,
  ecr: ecrService,
};

export { recordCall } from './cloudtrail/record.js';
export { withCallNotes } from './cloudtrail/query-notes.js';

import { flushTrail } from './cloudtrail/record.js';
import { closeAllListeners } from './imds/index.js';
import { killRunningFunctions } from './lambda/invoke.js';
import { removeSandboxes } from './lambda/sandbox.js';
import type { Emulator } from './types.js';

/** What the workload services hold outside the state (pending CloudTrail writes, metadata listeners, running functions), released on close. */
export async function stopWorkloadServices(emulator: Emulator): Promise<void> {
  flushTrail(emulator);
  killRunningFunctions(emulator);
  removeSandboxes();
  await closeAllListeners(emulator);
}
