/**
 * The control API's names and token (control-api.ts describes the API). Kept apart from the API
 * itself so the runner, and the emulator before it has loaded its services, can name them
 * without loading what answers them.
 */
import crypto from 'node:crypto';

export const CONTROL_PREFIX = '/_iam-labs/';
/** The header the runner sends the control token in. */
export const CONTROL_TOKEN_HEADER = 'x-iam-labs-control-token';

/** The environment variable a spawned emulator finds its control token in. */
export const CONTROL_TOKEN_ENV = 'IAM_LABS_CONTROL_TOKEN';

export function newControlToken(): string {
  return crypto.randomBytes(32).toString('hex');
}
