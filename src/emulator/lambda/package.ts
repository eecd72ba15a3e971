/**
 * Deployment packages: a .zip given as bytes (ZipFile). Lambda's limits and errors apply (50 MB
 * zipped through the API, 250 MB unzipped); entries may not escape the task directory.
 */
import crypto from 'node:crypto';
import { unzipSync } from 'fflate';
import { InvalidParameterValue, RequestTooLarge } from './errors.js';

export const MAX_ZIPPED = 50 * 1024 * 1024;
export const MAX_UNZIPPED = 262144000;

export interface CodePackage {
  zip: Buffer;
  sha256: string;
  size: number;
}

/** Validate a ZipFile (base64 in the JSON request) and describe it as Lambda does (CodeSha256 is base64). */
export function readZip(zipFile: unknown, operation: string): CodePackage {
  if (typeof zipFile !== 'string' || !zipFile) throw InvalidParameterValue('Please provide a source for function code.');
  const zip = Buffer.from(zipFile, 'base64');
  if (zip.length > MAX_ZIPPED) throw RequestTooLarge(`Request must be smaller than 70167211 bytes for the ${operation} operation`);
  unzipEntries(zip);
  return { zip, sha256: crypto.createHash('sha256').update(zip).digest('base64'), size: zip.length };
}

/** The files of a package, keyed by their path inside it (prototype-free). */
export function unzipEntries(zip: Buffer): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(zip));
  } catch {
    throw InvalidParameterValue('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  let total = 0;
  const out = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(files)) {
    const clean = name.replace(/\\/g, '/');
    if (clean.startsWith('/') || clean.split('/').includes('..')) {
      throw InvalidParameterValue('Could not unzip uploaded file. Please check your file, then try to upload again.');
    }
    total += data.length;
    if (total > MAX_UNZIPPED) throw InvalidParameterValue(`Unzipped size must be smaller than ${MAX_UNZIPPED} bytes`);
    if (!clean.endsWith('/')) out.set(clean, data);
  }
  return out;
}
