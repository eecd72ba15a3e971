/** Lab 03 — Roles and trust policies. */
import { defineLab } from '../types.js';
import { assumeRole, mfaCrossAccount } from './people-roles.js';
import { ec2TrustRole, fixTrustPrincipal, instanceProfile, rolePermissions } from './service-roles.js';
import { setupLab03, teardownLab03 } from './setup.js';

export const lab03 = defineLab({ id: '03-roles', setup: setupLab03, teardown: teardownLab03, steps: [ec2TrustRole, rolePermissions, instanceProfile, fixTrustPrincipal, assumeRole, mfaCrossAccount] });
