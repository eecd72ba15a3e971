/**
 * One-time codes as AWS virtual MFA devices make them: RFC 6238 TOTP with HMAC-SHA1, 30-second
 * steps and 6 digits, through the otpauth library. The emulator checks codes with it, and
 * `iam-labs totp` and the graders' reference solutions make them with it, so they always agree.
 */
import * as OTPAuth from 'otpauth';

export const TOTP_PARAMS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
export const TOTP_STEP_MS = TOTP_PARAMS.period * 1000;

/** A TOTP generator for a Base32 seed (already normalized: see parseBase32Seed). */
export function totpFor(seedBase32: string, labels: { issuer?: string; label?: string } = {}): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ ...TOTP_PARAMS, ...labels, secret: OTPAuth.Secret.fromBase32(seedBase32) });
}

/** The code an authenticator app shows at `atMs` (default now). */
export function totpCode(seedBase32: string, atMs: number = Date.now()): string {
  return totpFor(seedBase32).generate({ timestamp: atMs });
}

/** The current code, the one after it, and how long the current one has left. */
export function totpWindow(seedBase32: string, atMs: number = Date.now()): { current: string; next: string; secondsLeft: number } {
  const totp = totpFor(seedBase32);
  return {
    current: totp.generate({ timestamp: atMs }),
    next: totp.generate({ timestamp: atMs + TOTP_STEP_MS }),
    secondsLeft: Math.ceil((TOTP_STEP_MS - (atMs % TOTP_STEP_MS)) / 1000),
  };
}

/** Shortest seed worth calling one: RFC 4226 asks for at least 128 bits (26 Base32 characters). */
const MIN_SEED_CHARS = 26;

/**
 * The seed in a file that `aws iam create-virtual-mfa-device --bootstrap-method Base32StringSeed
 * --outfile …` wrote (or one pasted by hand: spaces, line breaks, lower case and `=` padding are
 * forgiven). A problem is described in words, never thrown.
 */
export function parseBase32Seed(text: string): { seed: string } | { problem: string } {
  const seed = text.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  if (!seed) return { problem: 'it is empty' };
  const bad = /[^A-Z2-7]/.exec(seed);
  if (bad) {
    const shown = /[\x20-\x7e]/.test(bad[0]) ? `'${bad[0]}'` : `byte 0x${bad[0].charCodeAt(0).toString(16).padStart(2, '0')}`;
    return { problem: `it is not a Base32 seed (${shown} at position ${bad.index + 1}; Base32 uses only A-Z and 2-7)` };
  }
  if (seed.length < MIN_SEED_CHARS) return { problem: `it holds only ${seed.length} Base32 characters, too short for an MFA seed` };
  return { seed };
}
