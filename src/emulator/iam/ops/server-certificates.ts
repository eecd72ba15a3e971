/**
 * Server certificates (TLS certificates IAM stores for load balancers and CloudFront):
 * Upload/Get/List/Update/Delete and tags. The certificate and its private key are checked with
 * node:crypto; the private key is never stored.
 */
import { AwsError, EntityAlreadyExists, LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations, checkPaging } from '../constraints.js';
import { keyMatchesCertificate, parseCertificate } from '../key-material.js';
import { nameKey, type ServerCertificate } from '../models.js';
import { mergeTags, removeTags, validateTags } from '../tags.js';
import { iam, iamArn, newId, nowIso, paginate, tagsFrom } from '../util.js';
import { entityContext, requestTagContext } from './roles.js';

export const SERVER_CERTIFICATES_PER_ACCOUNT = 20;

const malformed = (message: string) => new AwsError('MalformedCertificate', message, 400);
const NAME_RULES = { min: 1, max: 128, pattern: PATTERNS.name };

export function getServerCertificate(ctx: RequestContext, name: string): ServerCertificate {
  const cert = iam(ctx).serverCertificates[nameKey(name)];
  if (!cert) throw new NoSuchEntity(`The Server Certificate with name ${name} cannot be found.`);
  return cert;
}

const metadata = (c: ServerCertificate) => ({
  Path: c.path,
  ServerCertificateName: c.name,
  ServerCertificateId: c.id,
  Arn: c.arn,
  UploadDate: new Date(c.uploadDate),
  Expiration: new Date(c.expiration),
});

function certResource(ctx: RequestContext, p: QueryParams): string {
  const name = p.str('ServerCertificateName') ?? '';
  return iam(ctx).serverCertificates[nameKey(name)]?.arn ?? iamArn(ctx.account.accountId, 'server-certificate', p.str('Path') ?? '/', name);
}

const certTags = (ctx: RequestContext, p: QueryParams) => entityContext(iam(ctx).serverCertificates[nameKey(p.str('ServerCertificateName') ?? '')]);

function checkName(p: QueryParams, v: Violations = new Violations()): string {
  const name = p.required('ServerCertificateName');
  v.string(name, 'serverCertificateName', NAME_RULES).done();
  return name;
}

export const serverCertificateOperations: QueryOperationTable = {
  UploadServerCertificate: {
    resource: certResource,
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      const body = p.required('CertificateBody');
      const privateKey = p.required('PrivateKey');
      const chain = p.str('CertificateChain');
      const path = p.str('Path') ?? '/';
      const name = checkName(
        p,
        new Violations()
          .string(p.str('Path'), 'path', { min: 1, max: 512, pattern: PATTERNS.path })
          .string(body, 'certificateBody', { min: 1, max: 16384, pattern: PATTERNS.document })
          .string(privateKey, 'privateKey', { min: 1, max: 16384, pattern: PATTERNS.document })
          .string(chain, 'certificateChain', { min: 1, max: 2_097_152, pattern: PATTERNS.document }),
      );
      const tags = tagsFrom(p);
      validateTags(tags);
      const parsed = parseCertificate(body);
      if (!parsed) throw malformed('Unable to parse certificate. Please ensure the certificate is in PEM format.');
      if (chain !== undefined && !parseCertificate(chain)) throw malformed('Unable to parse certificate chain. Please ensure the certificate chain is in PEM format.');
      const matches = keyMatchesCertificate(parsed.cert, privateKey);
      if (matches === undefined) throw malformed('Unable to parse private key. Please ensure the private key is in PEM format.');
      if (!matches) {
        throw new AwsError('KeyPairMismatch', 'The private key did not match the public key provided. Please verify the key material and try again.', 400);
      }
      const state = iam(ctx);
      if (state.serverCertificates[nameKey(name)]) throw new EntityAlreadyExists(`The Server Certificate with name ${name} already exists.`);
      if (Object.keys(state.serverCertificates).length >= SERVER_CERTIFICATES_PER_ACCOUNT) {
        throw new LimitExceeded(`Cannot exceed quota for ServerCertificatesPerAccount: ${SERVER_CERTIFICATES_PER_ACCOUNT}`);
      }
      const cert: ServerCertificate = {
        name,
        id: newId('ASCA'),
        arn: iamArn(ctx.account.accountId, 'server-certificate', path, name),
        path,
        body,
        ...(chain !== undefined ? { chain } : {}),
        uploadDate: nowIso(),
        expiration: parsed.validTo.toISOString(),
        tags,
      };
      state.serverCertificates[nameKey(name)] = cert;
      return { ServerCertificateMetadata: metadata(cert), Tags: tags.length ? tags : undefined };
    },
  },
  GetServerCertificate: {
    readOnly: true,
    resource: certResource,
    context: certTags,
    handler: (ctx, p) => {
      const cert = getServerCertificate(ctx, checkName(p));
      return {
        ServerCertificate: {
          ServerCertificateMetadata: metadata(cert),
          CertificateBody: cert.body,
          CertificateChain: cert.chain,
          Tags: cert.tags,
        },
      };
    },
  },
  ListServerCertificates: {
    readOnly: true,
    handler: (ctx, p) => {
      const prefix = p.str('PathPrefix');
      checkPaging(p, new Violations().string(prefix, 'pathPrefix', { min: 1, max: 512, pattern: PATTERNS.pathPrefix })).done();
      const certs = Object.values(iam(ctx).serverCertificates)
        .filter((c) => c.path.startsWith(prefix ?? '/'))
        .sort((a, b) => a.name.localeCompare(b.name));
      const { page, ...more } = paginate(certs, p);
      return { ServerCertificateMetadataList: page.map(metadata), ...more };
    },
  },
  UpdateServerCertificate: {
    resource: certResource,
    context: certTags,
    handler: (ctx, p) => {
      const newName = p.str('NewServerCertificateName');
      const newPath = p.str('NewPath');
      const name = checkName(
        p,
        new Violations().string(newPath, 'newPath', { min: 1, max: 512, pattern: PATTERNS.path }).string(newName, 'newServerCertificateName', NAME_RULES),
      );
      const state = iam(ctx);
      const cert = getServerCertificate(ctx, name);
      if (newName !== undefined && nameKey(newName) !== nameKey(cert.name) && state.serverCertificates[nameKey(newName)]) {
        throw new EntityAlreadyExists(`The Server Certificate with name ${newName} already exists.`);
      }
      delete state.serverCertificates[nameKey(cert.name)];
      if (newName !== undefined) cert.name = newName;
      if (newPath !== undefined) cert.path = newPath;
      cert.arn = iamArn(ctx.account.accountId, 'server-certificate', cert.path, cert.name);
      state.serverCertificates[nameKey(cert.name)] = cert;
      return undefined;
    },
  },
  DeleteServerCertificate: {
    resource: certResource,
    context: certTags,
    handler: (ctx, p) => {
      const cert = getServerCertificate(ctx, checkName(p));
      delete iam(ctx).serverCertificates[nameKey(cert.name)];
      return undefined;
    },
  },
  TagServerCertificate: {
    resource: certResource,
    context: (ctx, p) => ({ ...certTags(ctx, p), ...requestTagContext(p) }),
    handler: (ctx, p) => {
      const cert = getServerCertificate(ctx, checkName(p));
      cert.tags = mergeTags(cert.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagServerCertificate: {
    resource: certResource,
    context: (ctx, p) => ({ ...certTags(ctx, p), 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      const cert = getServerCertificate(ctx, checkName(p));
      cert.tags = removeTags(cert.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListServerCertificateTags: {
    readOnly: true,
    resource: certResource,
    context: certTags,
    handler: (ctx, p) => {
      const { page, ...more } = paginate(getServerCertificate(ctx, checkName(p)).tags, p);
      return { Tags: page, ...more };
    },
  },
};
