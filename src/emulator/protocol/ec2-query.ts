/**
 * The EC2 Query protocol: a form-encoded request like IAM's, but lists are flattened (`InstanceId.1`,
 * `Filter.1.Value.2`, no `.member.`), responses are `<OpResponse xmlns=…><requestId>` with lists as
 * `<item>` elements and lowerCamel element names, and errors are `<Response><Errors><Error>`.
 */
import { AwsError } from '../errors.js';
import type { OutgoingResponse } from '../types.js';
import { escapeXml, xmlDate } from './xml.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export interface Ec2Filter {
  name: string;
  values: string[];
}

/** Decoded parameters of one EC2 request, with typed accessors. */
export class Ec2Params {
  constructor(readonly raw: Record<string, string>) {}

  static parse(body: string, query: string): Ec2Params {
    const raw: Record<string, string> = Object.create(null);
    for (const [k, v] of new URLSearchParams(query)) raw[k] = v;
    for (const [k, v] of new URLSearchParams(body)) raw[k] = v;
    return new Ec2Params(raw);
  }

  get action(): string | undefined {
    return this.raw.Action;
  }

  str(name: string): string | undefined {
    return this.raw[name];
  }

  required(name: string): string {
    const v = this.raw[name];
    if (v === undefined || v === '') throw new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400);
    return v;
  }

  int(name: string): number | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw new AwsError('InvalidParameterValue', `Invalid value '${v}' for ${name}. It should be an integer.`, 400);
    return Number(v);
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === '') return undefined;
    return v.toLowerCase() === 'true';
  }

  /** `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    const out: Array<[number, string]> = [];
    const prefix = `${name}.`;
    for (const [k, v] of Object.entries(this.raw)) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      if (/^\d+$/.test(rest)) out.push([Number(rest), v]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** `Name.N.Field` (and deeper `Name.N.Sub.M.Field`) → one sub-params object per index. */
  structs(name: string): Ec2Params[] {
    const items = new Map<number, Record<string, string>>();
    const prefix = `${name}.`;
    for (const [k, v] of Object.entries(this.raw)) {
      if (!k.startsWith(prefix)) continue;
      const m = /^(\d+)\.(.+)$/.exec(k.slice(prefix.length));
      if (!m) continue;
      const idx = Number(m[1]);
      const item = items.get(idx) ?? Object.create(null);
      item[m[2]] = v;
      items.set(idx, item);
    }
    return [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => new Ec2Params(v));
  }

  /** `Name.Field` → sub-params, or undefined when no field of `Name` was sent. */
  struct(name: string): Ec2Params | undefined {
    const prefix = `${name}.`;
    const sub: Record<string, string> = Object.create(null);
    let any = false;
    for (const [k, v] of Object.entries(this.raw)) {
      if (k.startsWith(prefix)) {
        sub[k.slice(prefix.length)] = v;
        any = true;
      }
    }
    return any ? new Ec2Params(sub) : undefined;
  }

  /** `Filter.N.Name` / `Filter.N.Value.M` */
  filters(): Ec2Filter[] {
    return this.structs('Filter').map((f) => ({ name: f.str('Name') ?? '', values: f.list('Value') }));
  }

  /** `TagSpecification.N.Tag.M.Key/Value` or `Tag.N.Key/Value` → [{Key, Value}] */
  tags(name = 'Tag'): Array<{ Key: string; Value: string }> {
    return this.structs(name).map((t) => ({ Key: t.str('Key') ?? '', Value: t.str('Value') ?? '' }));
  }
}

/**
 * EC2 XML: object keys are element names (already lowerCamel), arrays are `<name><item>…</item></name>`,
 * Dates ISO-8601, booleans `true`/`false`; undefined members are omitted.
 */
export function ec2Xml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => ec2Xml('item', v)).join('')}</${name}>`;
  return `<${name}>${ec2Content(value)}</${name}>`;
}

function ec2Content(value: unknown): string {
  if (value instanceof Date) return xmlDate(value);
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => ec2Xml(k, v))
    .join('');
}

const XML_HEADERS = { 'content-type': 'text/xml;charset=UTF-8' };

export function ec2Response(operation: string, result: Record<string, unknown>, requestId: string): OutgoingResponse {
  return {
    status: 200,
    headers: { ...XML_HEADERS, 'x-amzn-requestid': requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${EC2_NAMESPACE}">` +
      `<requestId>${requestId}</requestId>${ec2Content(result)}</${operation}Response>`,
  };
}

export function ec2Error(err: AwsError, requestId: string): OutgoingResponse {
  return {
    status: err.status,
    headers: { ...XML_HEADERS, 'x-amzn-requestid': requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(err.code)}</Code>` +
      `<Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
  };
}
