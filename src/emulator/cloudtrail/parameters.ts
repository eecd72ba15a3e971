/**
 * Request parameters and response elements as CloudTrail writes them: member names with a
 * lower-case first letter, Query lists as arrays, secrets left out (CloudTrail never records a
 * password, a secret access key or an MFA code), and IAM's dates in CloudTrail's IAM style.
 */
import { lowerFirst } from '../protocol/service-operation.js';

/** Members CloudTrail never records. */
const SECRET_MEMBERS = new Set([
  'password',
  'oldPassword',
  'newPassword',
  'secretAccessKey',
  'authenticationCode1',
  'authenticationCode2',
  'tokenCode',
  'base32StringSeed',
  'qRCodePNG',
  'privateKey',
  'sAMLAssertion',
  'webIdentityToken',
]);

/** Query members whose values are numbers or booleans in CloudTrail's JSON. */
const NUMERIC = /(?:Seconds|Length|Age|Prevention|MaxItems|MaxSessionDuration|Duration)$/;
const BOOLEAN = /^(?:Require|Allow|Expire|Hard|PasswordResetRequired$|SetAsDefault$|OnlyAttached$|IncludeManagedResources$)/;

function typed(name: string, value: string): unknown {
  if (NUMERIC.test(name) && /^\d+$/.test(value)) return Number(value);
  if (BOOLEAN.test(name) && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

/**
 * Query form parameters (IAM, STS) → CloudTrail's requestParameters: `Tags.member.1.Key` becomes
 * `tags: [{key}]`, `PolicyArns.member.1.arn` becomes `policyArns: [{arn}]`.
 */
export function queryParameters(raw: Record<string, string>): Record<string, unknown> | null {
  const out: Record<string, unknown> = Object.create(null);
  const lists = new Map<string, Map<number, unknown>>();
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'Action' || k === 'Version') continue;
    const m = k.includes('.') ? /^(\w+)\.member\.(\d+)(?:\.(\w+))?$/.exec(k) : null;
    if (m) {
      const list = lists.get(m[1]) ?? new Map<number, unknown>();
      lists.set(m[1], list);
      const idx = Number(m[2]);
      if (m[3]) {
        const item = (list.get(idx) as Record<string, unknown> | undefined) ?? Object.create(null);
        item[lowerFirst(m[3])] = v;
        list.set(idx, item);
      } else list.set(idx, v);
      continue;
    }
    if (k.includes('.')) continue;
    const name = lowerFirst(k);
    if (SECRET_MEMBERS.has(name)) continue;
    out[name] = typed(k, v);
  }
  for (const [name, items] of lists) out[lowerFirst(name)] = [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  return Object.keys(out).length ? out : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IAM's response dates in CloudTrail: "Oct 6, 2023, 1:54:17 PM" (UTC). */
export function cloudTrailIamDate(d: Date): string {
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** A handler's result → responseElements: lower-cased member names, no secrets, dates formatted by `date`. */
export function responseElements(result: unknown, date: (d: Date) => string = cloudTrailIamDate): unknown {
  if (result === undefined || result === null) return null;
  if (result instanceof Date) return date(result);
  if (Array.isArray(result)) return result.map((r) => responseElements(r, date));
  if (Buffer.isBuffer(result) || result instanceof Uint8Array) return undefined;
  if (typeof result === 'object') {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(result)) {
      const name = lowerFirst(k);
      if (SECRET_MEMBERS.has(name) || v === undefined) continue;
      const w = responseElements(v, date);
      if (w !== undefined) out[name] = w;
    }
    return out;
  }
  return result;
}

/** CloudTrail's eventTime: ISO-8601 to the second. */
export function eventTimeString(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
