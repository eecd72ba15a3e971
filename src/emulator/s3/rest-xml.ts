/**
 * S3's REST-XML wire format: response documents in S3's namespace, the <Error> shape with its
 * extra fields, and a small reader for the XML request bodies S3 accepts (CreateBucketConfiguration,
 * Delete, CompleteMultipartUpload).
 */
import crypto from 'node:crypto';
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

export function malformedXml(): AwsError {
  return new MalformedXML(MALFORMED);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e];
  });
}

/**
 * Parse a request body. Enough XML for S3's request documents: elements, attributes (ignored),
 * text, CDATA, comments and the declaration. Anything else is MalformedXML, as in S3.
 */
export function parseXml(text: string): XmlNode {
  let i = 0;
  const skipMisc = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) throw malformedXml();
        i = end + 2;
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) throw malformedXml();
        i = end + 3;
      } else return;
    }
  };
  const parseElement = (): XmlNode => {
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(text.slice(i, i + 4096));
    if (!open) throw malformedXml();
    i += open[0].length;
    const node: XmlNode = { name: localName(open[1]), children: [], text: '' };
    if (open[3] === '/') return node;
    for (;;) {
      if (i >= text.length) throw malformedXml();
      if (text.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(text.slice(i, i + 512));
        if (!close || localName(close[1]) !== node.name) throw malformedXml();
        i += close[0].length;
        return node;
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i);
        if (end < 0) throw malformedXml();
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) throw malformedXml();
        node.text += text.slice(i + 9, end);
        i = end + 3;
      } else if (text[i] === '<') {
        node.children.push(parseElement());
      } else {
        const next = text.indexOf('<', i);
        if (next < 0) throw malformedXml();
        node.text += decodeEntities(text.slice(i, next));
        i = next;
      }
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (i !== text.length) throw malformedXml();
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
