/**
 * Values on the wire of AWS's JSON protocols (JSON 1.0/1.1 and REST-JSON): timestamps are epoch
 * seconds unless a service's model says ISO 8601 (Access Analyzer), blobs are base64, absent
 * optional members are omitted. Handlers return plain data with Date and Buffer values; this is
 * the one place that turns them into JSON.
 */
export type TimestampFormat = 'epoch-seconds' | 'iso8601';

export function toWire(value: unknown, timestamps: TimestampFormat): unknown {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return timestamps === 'iso8601' ? value.toISOString() : value.getTime() / 1000;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => toWire(v, timestamps) ?? null);
  if (value instanceof Map) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of value) out[String(k)] = toWire(v, timestamps);
    return out;
  }
  if (typeof value === 'object') {
    // keys can come from callers (tags, variables): a prototype-free object takes any of them
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(value)) {
      const w = toWire(v, timestamps);
      if (w !== undefined) out[k] = w;
    }
    return out;
  }
  return value;
}

export function wireJson(value: unknown, timestamps: TimestampFormat): string {
  return JSON.stringify(toWire(value ?? {}, timestamps) ?? {});
}

/** A JSON request body as an object; `undefined` when the body is not a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8').trim();
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Timestamps in JSON requests arrive as epoch seconds (number) or, from some clients, strings. */
export function readTimestamp(v: unknown): Date | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return new Date(v * 1000);
  if (typeof v === 'string') {
    const n = Number(v);
    const d = Number.isFinite(n) && /^\d+(\.\d+)?$/.test(v) ? new Date(n * 1000) : new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
