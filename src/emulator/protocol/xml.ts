/** Minimal XML writer for AWS responses: escaping, and value → element conversion. */

const XML_SPECIAL = /[&<>"']/;

export function escapeXml(s: string): string {
  // most values (names, ids, ARNs, dates) have nothing to escape: skip the five passes
  if (!XML_SPECIAL.test(s)) return s;
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** AWS Query and REST-XML both format timestamps as ISO-8601 with milliseconds, UTC. */
export function xmlDate(d: Date): string {
  return d.toISOString();
}

/** Any JSON-like value: objects become elements, arrays lists, Dates ISO timestamps. */
export type XmlValue = unknown;

export interface XmlOptions {
  /** How list items are wrapped: Query protocol uses <member>; S3 flattens lists. */
  listItem: 'member' | 'flat';
}

/**
 * Serialize `value` as the content of element `name`. Objects become child elements (in key
 * order), arrays become repeated <member> (Query) or repeated <name> (flat) elements.
 * undefined/null values are omitted, as AWS omits absent optional fields.
 */
export function toXml(name: string, value: XmlValue, opts: XmlOptions = { listItem: 'member' }): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    if (opts.listItem === 'flat') return value.map((v) => toXml(name, v, opts)).join('');
    return `<${name}>${value.map((v) => toXml('member', v, opts)).join('')}</${name}>`;
  }
  return `<${name}>${content(value, opts)}</${name}>`;
}

export function content(value: XmlValue, opts: XmlOptions = { listItem: 'member' }): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return xmlDate(value);
  // A JS Map is a Query-protocol map (e.g. GetAccountSummary's SummaryMap): <entry><key/><value/></entry>.
  if (value instanceof Map) {
    return [...value].map(([k, v]) => `<entry>${toXml('key', k, opts)}${toXml('value', v, opts)}</entry>`).join('');
  }
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => toXml('member', v, opts)).join('');
  let out = '';
  for (const k in value as Record<string, unknown>) {
    if (Object.hasOwn(value as object, k)) out += toXml(k, (value as Record<string, unknown>)[k], opts);
  }
  return out;
}
