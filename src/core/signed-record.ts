/**
 * Records signed with Ed25519 (node:crypto, no dependency): a canonical JSON form (keys sorted at
 * every level, no whitespace) so a record signs the same however it is pretty-printed, and keys
 * named by a fingerprint people can compare (SHA256 of the public key's DER, base64). Used by the
 * course completion record (completion-format.ts), which a workshop server countersigns.
 */
import crypto from 'node:crypto';

/** JSON with the keys of every object sorted: the bytes a signature covers. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The public key as base64 DER (SubjectPublicKeyInfo): what a record carries. */
export function publicKeyBase64(key: crypto.KeyObject): string {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** "SHA256:…" of a public key (base64 DER): short enough to read out and compare. */
export function keyFingerprint(publicKeyB64: string): string {
  return `SHA256:${crypto.createHash('sha256').update(Buffer.from(publicKeyB64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

export function signCanonical(value: unknown, privateKey: crypto.KeyObject): string {
  return crypto.sign(null, Buffer.from(canonicalJson(value)), privateKey).toString('base64');
}

/** Whether `signature` is `publicKeyB64`'s Ed25519 signature of `value`'s canonical form. */
export function verifyCanonical(value: unknown, signature: string, publicKeyB64: string): boolean {
  try {
    const key = crypto.createPublicKey({ key: Buffer.from(publicKeyB64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return crypto.verify(null, Buffer.from(canonicalJson(value)), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The Ed25519 public key in a key file's text, as base64 DER, or undefined: a PEM public key
 * (what `iam-labs workshop public-key` writes), or the bare base64 DER a record or the workshop's
 * /_workshop/api/public-key carries.
 */
export function publicKeyFromText(text: string): string | undefined {
  const trimmed = text.trim();
  try {
    const key = trimmed.startsWith('-----BEGIN')
      ? crypto.createPublicKey(trimmed)
      : /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)
        ? crypto.createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' })
        : undefined;
    return key?.asymmetricKeyType === 'ed25519' ? publicKeyBase64(key) : undefined;
  } catch {
    return undefined;
  }
}
