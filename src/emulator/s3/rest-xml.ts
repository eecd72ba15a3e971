/**
 * S3's REST-XML wire format: response documents in S3's namespace, the <Error> shape with its
 * extra fields, and the reader for the XML request bodies S3 accepts (CreateBucketConfiguration,
 * Delete, CompleteMultipartUpload).
 */
import crypto from 'node:crypto';
import { fastXmlParser, lazyParser } from '../protocol/xml-parser.js';
import { type AwsError, MalformedXML } from '../errors.js';
import { escapeXml, toXml, type XmlValue } from '../protocol/xml.js';
import type { OutgoingResponse } from '../types.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** A response document: <Root xmlns="…">…</Root>, lists flattened as S3 does. */
export function s3Document(root: string, value: XmlValue): string {
  const inner = toXml(root, value, { listItem: 'flat' });
  // toXml gives <Root>…</Root> (or '' for an empty value); add the namespace to the root element.
  const body = inner ? inner.replace(`<${root}>`, `<${root} xmlns="${S3_NAMESPACE}">`) : `<${root} xmlns="${S3_NAMESPACE}"/>`;
  return XML_DECL + body;
}

/** x-amz-id-2: an opaque host id; AWS sends base64 of random bytes. */
export function hostId(): string {
  return crypto.randomBytes(48).toString('base64');
}

export function commonHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId(), server: 'AmazonS3' };
}

export function xmlResponse(requestId: string, root: string, value: XmlValue, status = 200, extra: Record<string, string> = {}): OutgoingResponse {
  return {
    status,
    headers: { ...commonHeaders(requestId), 'content-type': 'application/xml', ...extra },
    body: s3Document(root, value),
  };
}

export function serializeS3Error(err: AwsError, requestId: string, method: string): OutgoingResponse {
  const headers: Record<string, string> = { ...commonHeaders(requestId), 'content-type': 'application/xml' };
  // HEAD responses carry no body; S3 signals the error by status alone (the SDKs map 404 → NotFound).
  if (method === 'HEAD' || err.status === 304) return { status: err.status, headers, body: '' };
  const extras = Object.entries(err.extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  const body =
    `${XML_DECL}<Error><Code>${escapeXml(err.code)}</Code>${err.message ? `<Message>${escapeXml(err.message)}</Message>` : ''}` +
    `${extras}<RequestId>${escapeXml(requestId)}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
  return { status: err.status, headers, body };
}

/** A parsed XML element: name without namespace prefix, children in order, text content. */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const MALFORMED = 'The XML you provided was not well-formed or did not validate against our published schema';
const TEXT = '#text';
const CDATA = '#cdata';

export function malformedXml(): AwsError {
  return new MalformedXML(MALFORMED);
}

/**
 * The parser for request bodies: fast-xml-parser, configured for hostile input. Well-formedness
 * is checked first (XMLValidator: unclosed tags, trailing text), a DOCTYPE is refused outright
 * (so no entity is ever defined, let alone expanded), nesting is capped far above any S3 document,
 * and character references are decoded here with their range checked, so `&#x110000;` is
 * MalformedXML rather than a RangeError.
 */
const parser = lazyParser({
  preserveOrder: true,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: CDATA,
  commentPropName: false,
  maxNestedTags: 32,
});

/** One element as fast-xml-parser gives it with preserveOrder: `{ Name: [children…] }`. */
type OrderedNode = Record<string, unknown>;

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the five XML entities and character references; anything else is not XML. */
function decodeText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw malformedXml();
    if (Object.hasOwn(XML_ENTITIES, ref)) return XML_ENTITIES[ref];
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (!m) throw malformedXml();
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    const allowed = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!allowed) throw malformedXml();
    return String.fromCodePoint(cp);
  });
}

function toNode(entry: OrderedNode): XmlNode | undefined {
  const name = Object.keys(entry).find((k) => k !== ':@' && k !== TEXT && k !== CDATA);
  if (name === undefined) return undefined;
  const node: XmlNode = { name: localName(name), children: [], text: '' };
  for (const item of (entry[name] as OrderedNode[]) ?? []) {
    if (TEXT in item) node.text += decodeText(String(item[TEXT]));
    else if (CDATA in item) node.text += ((item[CDATA] as OrderedNode[]) ?? []).map((c) => String(c[TEXT] ?? '')).join('');
    else {
      const child = toNode(item);
      if (child) node.children.push(child);
    }
  }
  return node;
}

/** Parse a request body; anything that is not one well-formed element is MalformedXML, as in S3. */
export function parseXml(text: string): XmlNode {
  if (/<!DOCTYPE/i.test(text) || fastXmlParser().XMLValidator.validate(text) !== true) throw malformedXml();
  let parsed: OrderedNode[];
  try {
    parsed = parser().parse(text) as OrderedNode[];
  } catch {
    throw malformedXml();
  }
  const roots = parsed.filter((e) => !(TEXT in e));
  if (roots.length !== 1) throw malformedXml();
  const root = toNode(roots[0]);
  if (!root) throw malformedXml();
  return root;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

export function childText(node: XmlNode, name: string): string | undefined {
  return child(node, name)?.text;
}
