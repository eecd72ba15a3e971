/** Lab 05 — Account hygiene and audit. */
import { defineLab } from '../types.js';
import { accessAnalyzer } from './access-analyzer.js';
import { permissionsBoundary } from './boundary.js';
import { mfaAdmin } from './mfa-admin.js';
import { passwordPolicy } from './password-policy.js';
import { requireMfa } from './require-mfa.js';
import { setupLab05, teardownLab05 } from './setup.js';
import { staleKey } from './stale-key.js';
import { whoDidIt } from './who-did-it.js';

export const lab05 = defineLab({
  id: '05-hygiene',
  setup: setupLab05,
  teardown: teardownLab05,
  steps: [passwordPolicy, mfaAdmin, requireMfa, permissionsBoundary, staleKey, whoDidIt, accessAnalyzer],
});
