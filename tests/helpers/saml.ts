/**
 * SAML documents for tests: an identity provider's metadata and a SAML 2.0 response, shaped as
 * real IdPs write them (the signing certificate is the fixture certificate).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'key-material');
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const certBase64 = () => fixture('server-cert.pem').replace(/-----[A-Z ]+-----|\s/g, '');

export function samlMetadata(entityId: string, validUntil?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}"${validUntil ? ` validUntil="${validUntil}"` : ''}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>${certBase64()}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

export interface AssertionOptions {
  issuer: string;
  roles: string[];
  sessionName?: string;
  subject?: string;
  audience?: string;
  notOnOrAfter?: Date;
  attributes?: Record<string, string[]>;
}

/** A base64 SAML response, as an IdP posts it to AWS sign-in. */
export function samlResponse(o: AssertionOptions): string {
  const until = (o.notOnOrAfter ?? new Date(Date.now() + 300_000)).toISOString();
  const attr = (name: string, values: string[]) =>
    `<saml:Attribute Name="${name}">${values.map((v) => `<saml:AttributeValue>${v}</saml:AttributeValue>`).join('')}</saml:Attribute>`;
  const attributes = [
    attr('https://aws.amazon.com/SAML/Attributes/Role', o.roles),
    ...(o.sessionName ? [attr('https://aws.amazon.com/SAML/Attributes/RoleSessionName', [o.sessionName])] : []),
    ...Object.entries(o.attributes ?? {}).map(([k, v]) => attr(k, v)),
  ].join('');
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="https://signin.aws.amazon.com/saml">
  <saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${o.issuer}</saml:Issuer>
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
  <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a1" Version="2.0" IssueInstant="${new Date().toISOString()}">
    <saml:Issuer>${o.issuer}</saml:Issuer>
    <saml:Subject>
      <saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${o.subject ?? 'alice@example.com'}</saml:NameID>
      <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="https://signin.aws.amazon.com/saml"/>
      </saml:SubjectConfirmation>
    </saml:Subject>
    <saml:Conditions NotBefore="${new Date(Date.now() - 60_000).toISOString()}" NotOnOrAfter="${until}">
      <saml:AudienceRestriction><saml:Audience>${o.audience ?? 'https://signin.aws.amazon.com/saml'}</saml:Audience></saml:AudienceRestriction>
    </saml:Conditions>
    <saml:AttributeStatement>${attributes}</saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>`;
  return Buffer.from(xml).toString('base64');
}

/** An unsigned-looking JWT (header.payload.signature) with these claims. */
export function jwt(claims: Record<string, unknown>): string {
  return [{ alg: 'RS256', typ: 'JWT', kid: 'test' }, claims].map((x) => Buffer.from(JSON.stringify(x)).toString('base64url')).join('.') + '.c2lnbmF0dXJl';
}
