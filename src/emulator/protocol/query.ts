/**
 * AWS Query protocol (IAM 2010-05-08, STS 2011-06-15): form-encoded requests, XML responses
 * wrapped as {Op}Response/{Op}Result/ResponseMetadata, errors as <ErrorResponse>.
 */
import { AwsError, MissingParameter, ValidationError } from '../errors.js';
import { content, escapeXml, type XmlValue } from './xml.js';
import { emptyRecord } from '../state/records.js';

export const NAMESPACES: Record<string, string> = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

const parsedRequests = new WeakMap<object, QueryParams>();

/**
 * Decoded form parameters of one Query request, with typed accessors. Keyed without a prototype:
 * a parameter named `__proto__` or `constructor` is just a parameter. When a name repeats, the
 * first value counts (as in AWS: `Action=GetCallerIdentity&Action=Nope` runs GetCallerIdentity).
 */
export class QueryParams {
  constructor(readonly raw: Record<string, string>) {}

  static parse(body: string, query: URLSearchParams | null = null): QueryParams {
    const raw = emptyRecord<string>();
    const add = (params: URLSearchParams) => {
      for (const [k, v] of params) if (!(k in raw)) raw[k] = v;
    };
    if (query) add(query);
    add(new URLSearchParams(body));
    return new QueryParams(raw);
  }

  /**
   * The parameters of `req` (its form body, after the query string's), parsed once per request:
   * the service module and the CloudTrail recorder both read them, and neither changes them.
   */
  static of(req: { body: Buffer; rawQuery: string }): QueryParams {
    let p = parsedRequests.get(req);
    if (!p) {
      p = QueryParams.parse(req.body.toString('utf8'), req.rawQuery ? new URLSearchParams(req.rawQuery) : null);
      parsedRequests.set(req, p);
    }
    return p;
  }

  get action(): string | undefined {
    return this.raw.Action;
  }

  get version(): string | undefined {
    return this.raw.Version;
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  str(name: string): string | undefined {
    return this.raw[name];
  }

  required(name: string): string {
    const v = this.raw[name];
    if (v === undefined || v === '') {
      // IAM reports missing members as a ValidationError with this wording.
      throw new ValidationError(
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return v;
  }

  int(name: string): number | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new ValidationError(`Invalid value '${v}' for ${name}: must be an integer`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    return v.toLowerCase() === 'true';
  }

  /** `Name.member.1`, `Name.member.2`, … → string[] (also accepts `Name.1` as some SDKs send). */
  list(name: string): string[] {
    const out: Array<[number, string]> = [];
    const re = new RegExp(`^${escapeRe(name)}\\.(?:member\\.)?(\\d+)$`);
    for (const [k, v] of Object.entries(this.raw)) {
      const m = re.exec(k);
      if (m) out.push([Number(m[1]), v]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** `Tags.member.1.Key` / `Tags.member.1.Value` → [{Key, Value}] */
  structList(name: string): Array<Record<string, string>> {
    const items = new Map<number, Record<string, string>>();
    const re = new RegExp(`^${escapeRe(name)}\\.(?:member\\.)?(\\d+)\\.(.+)$`);
    for (const [k, v] of Object.entries(this.raw)) {
      const m = re.exec(k);
      if (!m) continue;
      const idx = Number(m[1]);
      const item = items.get(idx) ?? emptyRecord<string>();
      item[m[2]] = v;
      items.set(idx, item);
    }
    return [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
}

export function requireParam(value: string | undefined, name: string): string {
  if (value === undefined) throw new MissingParameter(`The request must contain the parameter ${name}`);
  return value;
}

export function serializeQueryResponse(service: string, op: string, result: XmlValue, requestId: string): string {
  const ns = NAMESPACES[service] ?? NAMESPACES.iam;
  const body =
    result === undefined || result === null ? '' : `<${op}Result>${content(result)}</${op}Result>`;
  return (
    `<${op}Response xmlns="${ns}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`
  );
}

export function serializeQueryError(service: string, err: AwsError, requestId: string): string {
  const ns = NAMESPACES[service] ?? NAMESPACES.iam;
  return (
    `<ErrorResponse xmlns="${ns}"><Error><Type>${err.type}</Type><Code>${escapeXml(err.code)}</Code>` +
    `${err.message ? `<Message>${escapeXml(err.message)}</Message>` : ''}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
