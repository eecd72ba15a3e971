/**
 * Reading the key material users upload: X.509 certificates (server and signing certificates),
 * private keys, and SSH public keys (OpenSSH `ssh-rsa …` or PEM), with node:crypto.
 */
import crypto from 'node:crypto';

export interface ParsedCertificate {
  cert: crypto.X509Certificate;
  validTo: Date;
  /** SHA-256 of the DER, to spot the same certificate uploaded twice */
  fingerprint: string;
}

/** A PEM certificate, or undefined when the text is not one. */
export function parseCertificate(pem: string): ParsedCertificate | undefined {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) return undefined;
  try {
    const cert = new crypto.X509Certificate(pem);
    return { cert, validTo: new Date(cert.validTo), fingerprint: cert.fingerprint256 };
  } catch {
    return undefined;
  }
}

/** Does `privateKeyPem` belong to the certificate's public key? */
export function keyMatchesCertificate(cert: crypto.X509Certificate, privateKeyPem: string): boolean | undefined {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(privateKeyPem);
  } catch {
    return undefined;
  }
  return cert.checkPrivateKey(key);
}

export interface ParsedSshKey {
  key: crypto.KeyObject;
  bits: number;
  /** the OpenSSH wire-format blob (what fingerprints hash) */
  blob: Buffer;
}

function readString(buf: Buffer, at: number): [Buffer, number] {
  if (at + 4 > buf.length) throw new Error('truncated');
  const len = buf.readUInt32BE(at);
  if (at + 4 + len > buf.length) throw new Error('truncated');
  return [buf.subarray(at + 4, at + 4 + len), at + 4 + len];
}

const b64url = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++; // mpints carry a sign byte
  return b.subarray(i).toString('base64url');
};

/** An RSA public key in OpenSSH (`ssh-rsa AAAA… comment`) or PEM form; undefined when it is neither. */
export function parseSshPublicKey(text: string): ParsedSshKey | undefined {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('ssh-rsa ')) {
      const blob = Buffer.from(trimmed.split(/\s+/)[1] ?? '', 'base64');
      const [type, a] = readString(blob, 0);
      if (type.toString() !== 'ssh-rsa') return undefined;
      const [e, b] = readString(blob, a);
      const [n] = readString(blob, b);
      const key = crypto.createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
      return { key, bits: key.asymmetricKeyDetails?.modulusLength ?? 0, blob };
    }
    if (trimmed.startsWith('-----BEGIN')) {
      const key = crypto.createPublicKey(trimmed);
      if (key.asymmetricKeyType !== 'rsa') return undefined;
      const jwk = key.export({ format: 'jwk' }) as { n: string; e: string };
      const mpint = (b64: string) => {
        let b = Buffer.from(b64, 'base64url');
        if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
        return b;
      };
      const parts = [Buffer.from('ssh-rsa'), mpint(jwk.e), mpint(jwk.n)];
      const blob = Buffer.concat(
        parts.map((p) => {
          const len = Buffer.alloc(4);
          len.writeUInt32BE(p.length);
          return Buffer.concat([len, p]);
        }),
      );
      return { key, bits: key.asymmetricKeyDetails?.modulusLength ?? 0, blob };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The MD5 fingerprint IAM shows for SSH keys: colon-separated hex pairs. */
export function sshFingerprint(blob: Buffer): string {
  return crypto.createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
}

/** The key in the encoding GetSSHPublicKey asks for. */
export function sshKeyEncoded(parsed: ParsedSshKey, encoding: 'SSH' | 'PEM'): string {
  if (encoding === 'SSH') return `ssh-rsa ${parsed.blob.toString('base64')}`;
  return parsed.key.export({ format: 'pem', type: 'spki' }).toString();
}
