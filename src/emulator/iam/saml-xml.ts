/**
 * Reading the SAML documents IAM and STS take: an identity provider's metadata (CreateSAMLProvider)
 * and a base64 SAML response (AssumeRoleWithSAML). Namespaces are dropped: element names are read
 * by their local name, as the SAML 2.0 schema defines them.
 */
import { lazyParser } from '../protocol/xml-parser.js';

type Node = Record<string, unknown>;

const parser = lazyParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Entities are never expanded: a document cannot make the parser fetch or grow anything.
  processEntities: false,
});

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const child = (n: unknown, name: string): Node | undefined => {
  const v = n && typeof n === 'object' ? (n as Node)[name] : undefined;
  return (Array.isArray(v) ? v[0] : v) as Node | undefined;
};
const text = (n: unknown): string | undefined => {
  if (typeof n === 'string') return n;
  if (n && typeof n === 'object' && typeof (n as Node)['#text'] === 'string') return (n as Node)['#text'] as string;
  return undefined;
};
const attr = (n: Node | undefined, name: string): string | undefined => {
  const v = n?.[`@${name}`];
  return typeof v === 'string' ? v : undefined;
};

function parse(xml: string): Node | undefined {
  try {
    const doc = parser().parse(xml, true) as Node;
    return doc && typeof doc === 'object' ? doc : undefined;
  } catch {
    return undefined;
  }
}

export interface SamlMetadata {
  entityId: string;
  validUntil?: string;
  /** base64 DER of the IdP's signing certificates */
  signingCertificates: string[];
}

/** An IdP's metadata (an EntityDescriptor with an IDPSSODescriptor), or undefined when it is not one. */
export function parseSamlMetadata(xml: string): SamlMetadata | undefined {
  const doc = parse(xml);
  const entity = child(doc, 'EntityDescriptor') ?? child(child(doc, 'EntitiesDescriptor'), 'EntityDescriptor');
  const entityId = attr(entity, 'entityID');
  const idp = child(entity, 'IDPSSODescriptor');
  if (!entity || !entityId || !idp) return undefined;
  const certs: string[] = [];
  for (const kd of asArray(idp.KeyDescriptor as Node | Node[] | undefined)) {
    const use = attr(kd, 'use');
    if (use && use !== 'signing') continue;
    const cert = text(child(child(child(kd, 'KeyInfo'), 'X509Data'), 'X509Certificate'));
    if (cert) certs.push(cert.replace(/\s+/g, ''));
  }
  return { entityId, validUntil: attr(entity, 'validUntil'), signingCertificates: certs };
}

export interface SamlAssertion {
  issuer?: string;
  subject?: string;
  subjectType?: string;
  nameQualifier?: string;
  notBefore?: string;
  notOnOrAfter?: string;
  audiences: string[];
  recipient?: string;
  signed: boolean;
  /** attribute name → values */
  attributes: Map<string, string[]>;
}

/** The first assertion of a SAML 2.0 Response, or undefined when the text is not one. */
export function parseSamlResponse(xml: string): SamlAssertion | undefined {
  const doc = parse(xml);
  const response = child(doc, 'Response');
  const assertion = child(response, 'Assertion');
  if (!response || !assertion) return undefined;
  const subject = child(assertion, 'Subject');
  const nameId = child(subject, 'NameID');
  const conditions = child(assertion, 'Conditions');
  const confirmationData = child(child(subject, 'SubjectConfirmation'), 'SubjectConfirmationData');
  const audiences = asArray(child(conditions, 'AudienceRestriction')?.Audience as unknown)
    .map((a) => text(a))
    .filter((a): a is string => !!a);
  const attributes = new Map<string, string[]>();
  for (const statement of asArray(assertion.AttributeStatement as Node | Node[] | undefined)) {
    for (const a of asArray(statement.Attribute as Node | Node[] | undefined)) {
      const name = attr(a, 'Name');
      if (!name) continue;
      const values = asArray(a.AttributeValue as unknown)
        .map((v) => text(v))
        .filter((v): v is string => v !== undefined);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }
  return {
    issuer: text(child(assertion, 'Issuer')) ?? text(child(response, 'Issuer')),
    subject: text(nameId),
    subjectType: attr(nameId, 'Format'),
    nameQualifier: attr(nameId, 'NameQualifier'),
    notBefore: attr(conditions, 'NotBefore'),
    notOnOrAfter: attr(conditions, 'NotOnOrAfter') ?? attr(confirmationData, 'NotOnOrAfter'),
    audiences,
    recipient: attr(confirmationData, 'Recipient'),
    signed: Boolean(child(assertion, 'Signature') ?? child(response, 'Signature')),
    attributes,
  };
}
