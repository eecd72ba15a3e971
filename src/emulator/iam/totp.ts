/**
 * RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) — what AWS virtual MFA devices and
 * authenticator apps use. Small enough to own rather than depend on a package.
 */
import crypto from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character '${ch}'`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new seed as AWS issues them: 40 bytes, base32 → 64 characters. */
export function newTotpSeed(): string {
  return base32Encode(crypto.randomBytes(40));
}

/** RFC 4226 HOTP value for one counter. */
function hotp(key: Buffer, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(code).padStart(DIGITS, '0');
}

const stepAt = (atMs: number): number => Math.floor(atMs / 1000 / STEP_SECONDS);

/** The code an authenticator app shows at `atMs` (default now). */
export function currentTotp(seedBase32: string, atMs: number = Date.now()): string {
  return hotp(base32Decode(seedBase32), stepAt(atMs));
}

/**
 * Is `code` valid at `atMs`? One step of clock drift either way is tolerated, as AWS and
 * authenticator apps expect (a code typed as it rolls over must still work).
 */
export function verifyTotp(seedBase32: string, code: string, atMs: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const key = base32Decode(seedBase32);
  const now = stepAt(atMs);
  for (let s = now - 1; s <= now + 1; s++) if (safeEqual(hotp(key, s), code)) return true;
  return false;
}

/**
 * EnableMFADevice / ResyncMFADevice: two *consecutive* codes prove the device's clock. AWS
 * accepts a pair from the last few minutes (a learner reads one code, waits, reads the next),
 * so pairs starting up to 10 steps back and one step ahead are accepted.
 */
export function verifyConsecutiveTotp(seedBase32: string, code1: string, code2: string, atMs: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code1) || !/^\d{6}$/.test(code2)) return false;
  const key = base32Decode(seedBase32);
  const now = stepAt(atMs);
  for (let s = now - 10; s <= now + 1; s++) {
    if (safeEqual(hotp(key, s), code1) && safeEqual(hotp(key, s + 1), code2)) return true;
  }
  return false;
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
