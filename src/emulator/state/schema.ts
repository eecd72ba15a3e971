/**
 * The shape of an account as a state file holds it, checked when the file is loaded. A file that
 * is valid JSON but not this shape (edited by hand, written by another tool, cut short by a disk
 * that lied about fsync) would otherwise load silently and make later requests fail with 500; it
 * is reported and kept aside instead, like a file that is not JSON at all. Objects are open: a
 * field this schema does not name is left alone, so state written by a newer version still loads.
 */
import type { AccountState } from './account.js';

/** Returns what is wrong at `path`, or undefined. */
type Check = (v: unknown, path: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const str: Check = (v, p) => (typeof v === 'string' ? undefined : `${p} is not a string`);
const num: Check = (v, p) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${p} is not a number`);
const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} is not true or false`);
const oneOf =
  (...values: string[]): Check =>
  (v, p) =>
    values.includes(v as string) ? undefined : `${p} is not one of ${values.join(', ')}`;
const opt =
  (c: Check): Check =>
  (v, p) =>
    v === undefined ? undefined : c(v, p);
const list =
  (c: Check): Check =>
  (v, p) => {
    if (!Array.isArray(v)) return `${p} is not a list`;
    for (let i = 0; i < v.length; i++) {
      const e = c(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  };
const record =
  (c: Check): Check =>
  (v, p) => {
    if (!isObject(v)) return `${p} is not an object`;
    for (const [k, e] of Object.entries(v)) {
      const problem = c(e, `${p}.${JSON.stringify(k)}`);
      if (problem) return problem;
    }
    return undefined;
  };
const shape =
  (fields: Record<string, Check>): Check =>
  (v, p) => {
    if (!isObject(v)) return `${p} is not an object`;
    for (const [k, c] of Object.entries(fields)) {
      const problem = c(v[k], `${p}.${k}`);
      if (problem) return problem;
    }
    return undefined;
  };

/** A service's top-level map: absent in files written before it existed (loading fills it in). */
const topLevel = (c: Check): Check => opt(record(c));

const tag = shape({ Key: str, Value: str });
const inline = record(shape({ name: str, document: str }));
const checksum = opt(shape({ algorithm: str, value: str }));
const storedHeaders = {
  contentType: str,
  metadata: record(str),
  contentEncoding: opt(str),
  contentDisposition: opt(str),
  contentLanguage: opt(str),
  cacheControl: opt(str),
  expires: opt(str),
};

const iam = shape({
  users: topLevel(
    shape({
      userName: str, userId: str, arn: str, path: str, createDate: str, tags: list(tag), permissionsBoundary: opt(str),
      inlinePolicies: inline, attachedPolicies: list(str), passwordLastUsed: opt(str),
    }),
  ),
  accessKeys: topLevel(
    shape({
      accessKeyId: str, secretAccessKey: str, userName: str, status: oneOf('Active', 'Inactive'), createDate: str,
      lastUsed: opt(shape({ date: str, serviceName: str, region: str })),
    }),
  ),
  loginProfiles: topLevel(shape({ userName: str, createDate: str, passwordResetRequired: bool, passwordHash: str, passwordLastChanged: opt(str) })),
  groups: topLevel(
    shape({ groupName: str, groupId: str, arn: str, path: str, createDate: str, members: list(str), inlinePolicies: inline, attachedPolicies: list(str) }),
  ),
  roles: topLevel(
    shape({
      roleName: str, roleId: str, arn: str, path: str, createDate: str, assumeRolePolicyDocument: str, description: opt(str),
      maxSessionDuration: num, tags: list(tag), permissionsBoundary: opt(str), inlinePolicies: inline, attachedPolicies: list(str),
      roleLastUsed: opt(shape({ date: str, region: str })),
    }),
  ),
  instanceProfiles: topLevel(
    shape({ instanceProfileName: str, instanceProfileId: str, arn: str, path: str, createDate: str, roles: list(str), tags: list(tag) }),
  ),
  policies: topLevel(
    shape({
      policyName: str, policyId: str, arn: str, path: str, description: opt(str), createDate: str, updateDate: str, defaultVersionId: str,
      versions: list(shape({ versionId: str, document: str, isDefaultVersion: bool, createDate: str })), nextVersion: num, tags: list(tag),
    }),
  ),
  mfaDevices: topLevel(shape({ serialNumber: str, seed: str, createDate: str, userName: opt(str), enableDate: opt(str), tags: list(tag) })),
  passwordPolicy: opt(shape({ MinimumPasswordLength: num })),
  credentialReport: opt(shape({ generatedAt: str, csv: str })),
});

const s3 = shape({
  buckets: topLevel(
    shape({
      name: str, creationDate: str, region: str, policy: opt(str),
      objects: record(shape({ key: str, body: str, size: num, etag: str, lastModified: str, ...storedHeaders, checksum, partsCount: opt(num) })),
      uploads: opt(
        record(
          shape({
            uploadId: str, key: str, initiated: str, ...storedHeaders, checksumAlgorithm: opt(str),
            parts: record(shape({ partNumber: num, body: str, size: num, etag: str, lastModified: str, checksum })),
          }),
        ),
      ),
    }),
  ),
});

const sts = shape({
  sessions: topLevel(
    shape({
      // kind is open: STS adds session kinds (federated users, web identity) over time.
      accessKeyId: str, secretAccessKey: str, sessionToken: str, expiration: str, kind: str,
      roleName: opt(str), roleSessionName: opt(str), sourceIdentity: opt(str), sessionPolicy: opt(str), userName: opt(str),
      mfaAuthenticatedAt: opt(str), issuedTo: opt(str),
    }),
  ),
});

const account = shape({ accountId: (v, p) => (typeof v === 'string' && /^\d{12}$/.test(v) ? undefined : `${p} is not a 12-digit account id`), iam, s3, sts });

/** What is wrong with an account read from a state file, or undefined when it is sound. */
export function accountProblem(v: unknown, path = 'account'): string | undefined {
  return account(v, path);
}

/** Narrowing form, for readers that want a type guard. */
export function isAccountState(v: unknown): v is AccountState {
  return accountProblem(v) === undefined;
}
