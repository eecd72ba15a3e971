/**
 * Virtual MFA devices' one-time codes: RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits),
 * what AWS virtual MFA devices and authenticator apps use, made by core/totp.ts (the same code
 * `iam-labs totp` uses); and the QR code (a PNG of the otpauth:// URI) that
 * CreateVirtualMFADevice hands back for apps to scan.
 */
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { TOTP_STEP_MS, totpCode, totpFor } from '../../core/totp.js';

const STEP_MS = TOTP_STEP_MS;
/** The issuer authenticator apps show for AWS devices. */
const ISSUER = 'Amazon Web Services';

const totpOf = (seedBase32: string, label?: string) => totpFor(seedBase32, { issuer: ISSUER, ...(label ? { label } : {}) });

export function base32Encode(bytes: Uint8Array): string {
  return new OTPAuth.Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

/** A new seed as AWS issues them: 40 random bytes, base32 → 64 characters. */
export function newTotpSeed(): string {
  return new OTPAuth.Secret({ size: 40 }).base32;
}

/** The code an authenticator app shows at `atMs` (default now). */
export const currentTotp = totpCode;

/**
 * Is `code` valid at `atMs`? One step of clock drift either way is tolerated, as AWS and
 * authenticator apps expect (a code typed as it rolls over must still work).
 */
export function verifyTotp(seedBase32: string, code: string, atMs: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totpOf(seedBase32).validate({ token: code, timestamp: atMs, window: 1 }) !== null;
}

/**
 * EnableMFADevice / ResyncMFADevice: two *consecutive* codes prove the device's clock. AWS
 * accepts a pair from the last few minutes (a learner reads one code, waits, reads the next),
 * so pairs starting up to 10 steps back and one step ahead are accepted.
 */
export function verifyConsecutiveTotp(seedBase32: string, code1: string, code2: string, atMs: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code1) || !/^\d{6}$/.test(code2)) return false;
  const totp = totpOf(seedBase32);
  for (let step = -10; step <= 1; step++) {
    const at = atMs + step * STEP_MS;
    if (totp.generate({ timestamp: at }) === code1 && totp.generate({ timestamp: at + STEP_MS }) === code2) return true;
  }
  return false;
}

/** The otpauth:// URI of a device, labelled as AWS labels it: `<device name>@<account alias or id>`. */
export function otpauthUri(seedBase32: string, label: string): string {
  return totpOf(seedBase32, label).toString();
}

/** The QR code of `text` as PNG bytes (error correction level M, as authenticator apps expect). */
export function qrCodePng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 });
}
