/**
 * Lab 06 — Workloads get roles, not keys: an instance role read through the metadata service, an
 * instance profile for the legacy server, a Lambda execution role whose trust names the wrong
 * service, ECR access for CI, and retiring the access key a server carried in its user data.
 */
import { defineLab } from '../types.js';
import { ecrPowerUser } from './ecr-power-user.js';
import { fixMissingProfile } from './fix-missing-profile.js';
import { instanceRole } from './instance-role.js';
import { metadataCredentials } from './metadata-credentials.js';
import { lambdaTrust } from './lambda-trust.js';
import { retireEmbeddedKeys } from './retire-embedded-keys.js';
import { setupLab06, teardownLab06 } from './seed.js';

export const lab06 = defineLab({
  id: '06-workloads',
  setup: setupLab06,
  teardown: teardownLab06,
  steps: [instanceRole, metadataCredentials, fixMissingProfile, lambdaTrust, ecrPowerUser, retireEmbeddedKeys],
});
