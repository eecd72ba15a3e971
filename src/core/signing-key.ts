/**
 * An Ed25519 private key kept in a PEM file (PKCS#8, mode 0600, its folder 0700): the learner's
 * installation key (runner/completion-record.ts) and a workshop server's countersigning key
 * (workshop/countersign.ts). Made on first use and kept; a file that exists but does not hold an
 * Ed25519 private key is kept aside under a dated name and reported (the caller says so), and a
 * new key is made: a record signed before stays checkable with the public key handed out then.
 * A file that cannot be read at all (permissions) is an error: nothing is replaced.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { keepAside } from './json-file.js';

export interface LoadedKey {
  key: crypto.KeyObject;
  /** the key was made now (no file, or a damaged one) */
  created: boolean;
  /** the file was there but unusable: why, and where it was kept */
  damaged?: { reason: string; keptAs: string };
}

function parse(pem: string): crypto.KeyObject | string {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch {
    return 'it holds no private key in PEM form';
  }
  return key.asymmetricKeyType === 'ed25519' ? key : `it holds a ${key.asymmetricKeyType ?? 'non-Ed25519'} key, not Ed25519`;
}

export function loadOrCreateKey(file: string): LoadedKey {
  let damaged: LoadedKey['damaged'];
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text !== undefined) {
    const parsed = parse(text);
    if (typeof parsed !== 'string') {
      // a copy or an archive tool may have widened it: a private key is for its owner only
      if (process.platform !== 'win32' && fs.statSync(file).mode & 0o077) fs.chmodSync(file, 0o600);
      return { key: parsed, created: false };
    }
    damaged = { reason: parsed, keptAs: keepAside(file) };
  }
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // 'wx': never overwrite a key another process made a moment ago (two servers, one folder)
  try {
    fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return loadOrCreateKey(file);
  }
  return { key: privateKey, created: true, ...(damaged ? { damaged } : {}) };
}

/** The public half as PEM (SubjectPublicKeyInfo): the file handed to whoever verifies. */
export function publicKeyPem(key: crypto.KeyObject): string {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}
