/** X.509 signing certificates: Upload/List/Update/Delete, at most 2 per user, each once per account. */
import { AwsError, LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations, checkPaging } from '../constraints.js';
import { parseCertificate } from '../key-material.js';
import type { CredentialStatus, SigningCertificate } from '../models.js';
import { getUser, iam, newId, nowIso, paginate } from '../util.js';
import { requiredTargetUserName, targetUserName } from './caller.js';
import { STATUSES, checkUserName, sameUser, userResource } from './credential-common.js';

export const SIGNING_CERTIFICATES_PER_USER = 2;
const err = (code: string, message: string, status = 400) => new AwsError(code, message, status);

const certShape = (c: SigningCertificate) => ({
  UserName: c.userName,
  CertificateId: c.id,
  CertificateBody: c.body,
  Status: c.status,
  UploadDate: new Date(c.uploadDate),
});

function findSigningCertificate(ctx: RequestContext, userName: string, id: string): SigningCertificate {
  const cert = iam(ctx).signingCertificates[id];
  if (!cert || !sameUser(cert.userName, userName)) throw new NoSuchEntity(`The Certificate with id ${id} cannot be found.`);
  return cert;
}

function certIdParams(ctx: RequestContext, p: QueryParams): { userName: string; id: string } {
  const id = p.required('CertificateId');
  checkUserName(p, new Violations(), 128).string(id, 'certificateId', { min: 24, max: 128, pattern: PATTERNS.word }).done();
  return { userName: getUser(ctx, requiredTargetUserName(ctx, p)).userName, id };
}

export const signingCertificateOperations: QueryOperationTable = {
  UploadSigningCertificate: {
    resource: userResource,
    handler: (ctx, p) => {
      const body = p.required('CertificateBody');
      checkUserName(p, new Violations(), 128).string(body, 'certificateBody', { min: 1, max: 16384, pattern: PATTERNS.document }).done();
      const user = getUser(ctx, requiredTargetUserName(ctx, p));
      const parsed = parseCertificate(body);
      if (!parsed) throw err('MalformedCertificate', 'Unable to parse certificate. Please ensure the certificate is in PEM format.');
      if (parsed.validTo.getTime() <= Date.now()) throw err('MalformedCertificate', 'The certificate is expired.');
      const state = iam(ctx);
      const all = Object.values(state.signingCertificates);
      if (all.some((c) => parseCertificate(c.body)?.fingerprint === parsed.fingerprint)) {
        throw err('DuplicateCertificate', 'The same certificate is already associated with an IAM user in the account.', 409);
      }
      if (all.filter((c) => sameUser(c.userName, user.userName)).length >= SIGNING_CERTIFICATES_PER_USER) {
        throw new LimitExceeded(`Cannot exceed quota for SigningCertificatesPerUser: ${SIGNING_CERTIFICATES_PER_USER}`);
      }
      const cert: SigningCertificate = { id: newId('', 32), userName: user.userName, body, status: 'Active', uploadDate: nowIso() };
      state.signingCertificates[cert.id] = cert;
      return { Certificate: certShape(cert) };
    },
  },
  ListSigningCertificates: {
    readOnly: true,
    resource: userResource,
    handler: (ctx, p) => {
      checkPaging(p, checkUserName(p, new Violations(), 128)).done();
      const name = targetUserName(ctx, p);
      const certs = name ? Object.values(iam(ctx).signingCertificates).filter((c) => sameUser(c.userName, getUser(ctx, name).userName)) : [];
      const { page, ...more } = paginate(certs.sort((a, b) => a.uploadDate.localeCompare(b.uploadDate)), p);
      return { Certificates: page.map(certShape), ...more };
    },
  },
  UpdateSigningCertificate: {
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = certIdParams(ctx, p);
      const status = p.required('Status');
      new Violations().oneOf(status, 'status', STATUSES).done();
      findSigningCertificate(ctx, userName, id).status = status as CredentialStatus;
      return undefined;
    },
  },
  DeleteSigningCertificate: {
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = certIdParams(ctx, p);
      findSigningCertificate(ctx, userName, id);
      delete iam(ctx).signingCertificates[id];
      return undefined;
    },
  },
};
