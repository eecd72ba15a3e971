/**
 * Normalization of SDK results for comparison across backends: volatile values (ids, dates,
 * request ids, access keys, secrets, markers) are masked, URL-encoded policy documents are
 * decoded and parsed, arrays whose order AWS does not define are sorted, and errors become
 * {error, status, message}.
 */

export type Normalized = { ok: true; output: unknown } | { ok: false; error: string; status?: number; message: string };

/** IAM unique-id prefixes (AIDA user, AROA role, AGPA group, ANPA policy, AIPA profile, ASIA/AKIA keys). */
const UNIQUE_ID = /\b(A[A-Z]{3})[A-Z0-9]{12,}\b/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/;
const DATE_IN_TEXT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?/g;

const SECRET_KEYS = new Set(['SecretAccessKey', 'SessionToken', 'Base32StringSeed', 'QRCodePNG', 'Password']);
const MARKER_KEYS = new Set(['Marker', 'NextToken', 'NextContinuationToken', 'ContinuationToken']);
const POLICY_DOC_KEYS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'Document']);
const ID_KEYS = new Set(['UserId', 'GroupId', 'RoleId', 'PolicyId', 'InstanceProfileId', 'AssumedRoleId']);
/** AWS unique ids: a 4-letter type prefix then upper-case letters and digits (16+ in all). */
const AWS_ID = /^(A[A-Z0-9]{3})[A-Z0-9]{12,}(:.*)?$/;
/** The mask for an id that does not have AWS's shape (moto's are lower-case random strings). */
export const NON_AWS_ID = '<id:not-aws-format>';

export function normalizeError(e: unknown): Normalized {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; Code?: string };
  return {
    ok: false,
    error: err.Code ?? err.name ?? 'Error',
    status: err.$metadata?.httpStatusCode,
    message: maskText(String(err.message ?? '')),
  };
}

export function normalizeOutput(out: unknown): Normalized {
  return { ok: true, output: normalizeValue(stripMetadata(out), '') };
}

function stripMetadata(out: unknown): unknown {
  if (out && typeof out === 'object' && !Array.isArray(out)) {
    const { $metadata: _m, ...rest } = out as Record<string, unknown>;
    return rest;
  }
  return out;
}

export function normalizeValue(v: unknown, key: string): unknown {
  if (v === undefined || v === null) return v;
  if (v instanceof Date) return '<date>';
  if (SECRET_KEYS.has(key)) return `<${key}>`;
  if (MARKER_KEYS.has(key)) return '<marker>';
  if (v instanceof Uint8Array) return maskText(Buffer.from(v).toString('utf8'));
  if (typeof v === 'string') {
    if (POLICY_DOC_KEYS.has(key)) return parsePolicy(v);
    if (ID_KEYS.has(key) && !/^\d{12}$/.test(v)) {
      const m = AWS_ID.exec(v);
      return m ? `<id:${m[1]}>${m[2] ?? ''}` : v.includes(':') ? `${NON_AWS_ID}:${v.split(':').slice(1).join(':')}` : NON_AWS_ID;
    }
    if (ISO_DATE.test(v)) return '<date>';
    return maskText(v);
  }
  if (Array.isArray(v)) {
    const items = v.map((x) => normalizeValue(x, key));
    // IAM does not document list order: compare as sets.
    return items.sort((a, b) => cmp(JSON.stringify(a) ?? '', JSON.stringify(b) ?? ''));
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      out[k] = normalizeValue(x, k);
    }
    return out;
  }
  return v;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** IAM returns policy documents URL-encoded (RFC 3986); compare them as parsed JSON. */
export function parsePolicy(text: string): unknown {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, '%20'));
  } catch {
    // not URL-encoded
  }
  try {
    return normalizeValue(JSON.parse(decoded), 'PolicyDocumentJson');
  } catch {
    return { unparsable: decoded };
  }
}

/** Mask ids, keys and dates inside free text (error messages, CSV reports). */
export function maskText(s: string): string {
  return s.replace(UNIQUE_ID, (_m, prefix: string) => `<id:${prefix}>`).replace(DATE_IN_TEXT, '<date>');
}

/** Paths where two normalized values differ ('' = the root). */
export function diffPaths(a: unknown, b: unknown, path = ''): Array<{ path: string; a: unknown; b: unknown }> {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) return [{ path, a, b }];
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return [{ path, a, b }];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  const out: Array<{ path: string; a: unknown; b: unknown }> = [];
  for (const k of [...keys].sort()) {
    out.push(...diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return out;
}
