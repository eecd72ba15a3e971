/** MFA codes passed to AssumeRole / GetSessionToken, checked against the caller's enabled device. */
import { AccessDenied } from '../errors.js';
import { verifyTotp } from '../iam/totp.js';
import { nameKey } from '../iam/models.js';
import type { RequestContext } from '../types.js';

const MFA_FAILED = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

/**
 * Verify SerialNumber + TokenCode for the caller. Returns the authentication time, or undefined
 * when no MFA was offered. A device that is not the caller's (or not enabled) fails like a bad code.
 */
export function verifyCallerMfa(ctx: RequestContext, serial: string | undefined, code: string | undefined): string | undefined {
  if (serial === undefined && code === undefined) return undefined;
  if (serial === undefined || code === undefined) throw new AccessDenied(MFA_FAILED);
  const device = ctx.account.iam.mfaDevices[serial];
  const p = ctx.principal;
  const owner = p.kind === 'user' ? nameKey(p.userName) : undefined;
  const ownedByCaller = device?.enableDate && device.userName !== undefined && owner !== undefined && nameKey(device.userName) === owner;
  if (!device || !ownedByCaller || !verifyTotp(device.seed, code)) throw new AccessDenied(MFA_FAILED);
  return new Date().toISOString();
}
