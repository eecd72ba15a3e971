/**
 * Credentials IAM keeps for other services: SSH public keys (CodeCommit), X.509 signing
 * certificates, and service-specific credentials (CodeCommit and Keyspaces passwords, Bedrock API
 * keys). Each belongs to a user; UserName defaults to the caller where the API allows it.
 */
import crypto from 'node:crypto';
import { AwsError, InvalidInput, LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { PATTERNS, Violations, checkPaging } from '../constraints.js';
import { parseCertificate, parseSshPublicKey, sshFingerprint, sshKeyEncoded } from '../key-material.js';
import { nameKey, type CredentialStatus, type ServiceSpecificCredential, type SigningCertificate, type SshPublicKey } from '../models.js';
import { getUser, iam, newId, newSecret, nowIso, paginate } from '../util.js';
import { requiredTargetUserName, targetUserName, userArnOf } from './caller.js';

export const SSH_KEYS_PER_USER = 5;
export const SIGNING_CERTIFICATES_PER_USER = 2;
export const SERVICE_CREDENTIALS_PER_USER_PER_SERVICE = 2;
/** Services that issue service-specific credentials: user name + password, or (Bedrock) an API key. */
const SERVICE_CREDENTIAL_SERVICES = ['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com'];
const STATUSES: readonly CredentialStatus[] = ['Active', 'Inactive', 'Expired'];

const err = (code: string, message: string, status = 400) => new AwsError(code, message, status);
const userResource = (ctx: RequestContext, p: QueryParams) => userArnOf(ctx, targetUserName(ctx, p));
const sameUser = (a: string, b: string) => nameKey(a) === nameKey(b);

function checkUserName(p: QueryParams, v: Violations, max = 64): Violations {
  return v.string(p.str('UserName'), 'userName', { min: 1, max, pattern: PATTERNS.name });
}

// ---------------------------------------------------------------- SSH public keys

const sshShape = (k: SshPublicKey, body: string) => ({
  UserName: k.userName,
  SSHPublicKeyId: k.id,
  Fingerprint: k.fingerprint,
  SSHPublicKeyBody: body,
  Status: k.status,
  UploadDate: new Date(k.uploadDate),
});

function findSshKey(ctx: RequestContext, userName: string, id: string): SshPublicKey {
  const key = iam(ctx).sshPublicKeys[id];
  if (!key || !sameUser(key.userName, userName)) throw new NoSuchEntity(`The Public Key with id ${id} cannot be found.`);
  return key;
}

function checkSshIdParams(ctx: RequestContext, p: QueryParams): { userName: string; id: string } {
  const userName = p.required('UserName');
  const id = p.required('SSHPublicKeyId');
  checkUserName(p, new Violations()).string(id, 'sSHPublicKeyId', { min: 20, max: 128, pattern: PATTERNS.word }).done();
  return { userName: getUser(ctx, userName).userName, id };
}

const sshKeyOperations: QueryOperationTable = {
  UploadSSHPublicKey: {
    resource: userResource,
    handler: (ctx, p) => {
      const userName = p.required('UserName');
      const body = p.required('SSHPublicKeyBody');
      checkUserName(p, new Violations()).string(body, 'sSHPublicKeyBody', { min: 1, max: 16384, pattern: PATTERNS.document }).done();
      const user = getUser(ctx, userName);
      const parsed = parseSshPublicKey(body);
      if (!parsed) throw err('UnrecognizedPublicKeyEncoding', 'The encoding of the public key is not recognized. Provide the key in ssh-rsa or PEM format.');
      if (parsed.bits < 2048 || parsed.bits > 16384) throw err('InvalidPublicKey', 'The public key must be an RSA key between 2048 and 16384 bits long.');
      const state = iam(ctx);
      const mine = Object.values(state.sshPublicKeys).filter((k) => sameUser(k.userName, user.userName));
      const fingerprint = sshFingerprint(parsed.blob);
      if (mine.some((k) => k.fingerprint === fingerprint)) throw err('DuplicateSSHPublicKey', 'The SSH public key is already associated with the specified IAM user.');
      if (mine.length >= SSH_KEYS_PER_USER) throw new LimitExceeded(`Cannot exceed quota for PublicKeysPerUser: ${SSH_KEYS_PER_USER}`);
      const key: SshPublicKey = { id: newId('APKA'), userName: user.userName, body: body.trim(), fingerprint, status: 'Active', uploadDate: nowIso() };
      state.sshPublicKeys[key.id] = key;
      return { SSHPublicKey: sshShape(key, key.body) };
    },
  },
  GetSSHPublicKey: {
    readOnly: true,
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = checkSshIdParams(ctx, p);
      const encoding = p.required('Encoding');
      new Violations().oneOf(encoding, 'encoding', ['SSH', 'PEM']).done();
      const key = findSshKey(ctx, userName, id);
      const parsed = parseSshPublicKey(key.body);
      return { SSHPublicKey: sshShape(key, parsed ? sshKeyEncoded(parsed, encoding as 'SSH' | 'PEM') : key.body) };
    },
  },
  ListSSHPublicKeys: {
    readOnly: true,
    resource: userResource,
    handler: (ctx, p) => {
      checkPaging(p, checkUserName(p, new Violations())).done();
      const name = targetUserName(ctx, p);
      const keys = name ? Object.values(iam(ctx).sshPublicKeys).filter((k) => sameUser(k.userName, getUser(ctx, name).userName)) : [];
      const { page, ...more } = paginate(keys.sort((a, b) => a.uploadDate.localeCompare(b.uploadDate)), p);
      return {
        SSHPublicKeys: page.map((k) => ({ UserName: k.userName, SSHPublicKeyId: k.id, Status: k.status, UploadDate: new Date(k.uploadDate) })),
        ...more,
      };
    },
  },
  UpdateSSHPublicKey: {
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = checkSshIdParams(ctx, p);
      const status = p.required('Status');
      new Violations().oneOf(status, 'status', STATUSES).done();
      findSshKey(ctx, userName, id).status = status as CredentialStatus;
      return undefined;
    },
  },
  DeleteSSHPublicKey: {
    resource: userResource,
    handler: (ctx, p) => {
      const { userName, id } = checkSshIdParams(ctx, p);
      findSshKey(ctx, userName, id);
      delete iam(ctx).sshPublicKeys[id];
      return undefined;
    },
  },
};

// ---------------------------------------------------------------- signing certificates

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

const signingCertificateOperations: QueryOperationTable = {
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

// ---------------------------------------------------------------- service-specific credentials

const CREDENTIAL_ID = { re: /^\w+$/, text: '[\\w]+' };

function checkService(service: string): void {
  if (!SERVICE_CREDENTIAL_SERVICES.includes(service)) {
    throw new NoSuchEntity(`No such service ${service} is supported for Service Specific Credentials`);
  }
}

const credentialMetadata = (c: ServiceSpecificCredential) => ({
  UserName: c.userName,
  Status: c.status,
  ServiceUserName: c.serviceUserName,
  ServiceCredentialAlias: c.serviceCredentialAlias,
  CreateDate: new Date(c.createDate),
  ExpirationDate: c.expirationDate ? new Date(c.expirationDate) : undefined,
  ServiceSpecificCredentialId: c.id,
  ServiceName: c.serviceName,
});

/** The full credential, secret included: only Create and Reset show it, once. */
function credentialWithSecret(c: ServiceSpecificCredential) {
  const bedrock = c.serviceName === 'bedrock.amazonaws.com';
  return {
    CreateDate: new Date(c.createDate),
    ExpirationDate: c.expirationDate ? new Date(c.expirationDate) : undefined,
    ServiceName: c.serviceName,
    ServiceUserName: c.serviceUserName,
    ServicePassword: bedrock ? undefined : `${newSecret()}${crypto.randomBytes(3).toString('base64')}`,
    ServiceCredentialAlias: c.serviceCredentialAlias,
    ServiceCredentialSecret: bedrock ? `ABSK${crypto.randomBytes(96).toString('base64')}` : undefined,
    ServiceSpecificCredentialId: c.id,
    UserName: c.userName,
    Status: c.status,
  };
}

function credentialIdParams(ctx: RequestContext, p: QueryParams, extra?: (v: Violations) => Violations): ServiceSpecificCredential {
  const id = p.required('ServiceSpecificCredentialId');
  let v = checkUserName(p, new Violations()).string(id, 'serviceSpecificCredentialId', { min: 20, max: 128, pattern: CREDENTIAL_ID });
  if (extra) v = extra(v);
  v.done();
  // The user is looked up first: a wrong user name is reported as such, whatever the id.
  const user = getUser(ctx, requiredTargetUserName(ctx, p));
  const cred = iam(ctx).serviceSpecificCredentials[id];
  if (!cred || !sameUser(cred.userName, user.userName)) throw new NoSuchEntity(`No such credential ${id} exists`);
  return cred;
}

const serviceSpecificCredentialOperations: QueryOperationTable = {
  CreateServiceSpecificCredential: {
    resource: userResource,
    context: (_ctx, p) => ({
      'iam:ServiceSpecificCredentialServiceName': p.str('ServiceName') ?? '',
      ...(p.str('CredentialAgeDays') ? { 'iam:ServiceSpecificCredentialAgeDays': p.str('CredentialAgeDays') ?? '' } : {}),
    }),
    handler: (ctx, p) => {
      const userName = p.required('UserName');
      const service = p.required('ServiceName');
      const ageDays = p.int('CredentialAgeDays');
      checkUserName(p, new Violations()).int(ageDays, 'credentialAgeDays', 1, 36600).done();
      const user = getUser(ctx, userName);
      checkService(service);
      const state = iam(ctx);
      const existing = Object.values(state.serviceSpecificCredentials).filter((c) => sameUser(c.userName, user.userName) && c.serviceName === service);
      if (existing.length >= SERVICE_CREDENTIALS_PER_USER_PER_SERVICE) {
        throw new LimitExceeded(`Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: ${SERVICE_CREDENTIALS_PER_USER_PER_SERVICE}`);
      }
      if (ageDays !== undefined && service !== 'bedrock.amazonaws.com') {
        throw new InvalidInput('CredentialAgeDays is only supported for bedrock.amazonaws.com.');
      }
      const now = new Date();
      const bedrock = service === 'bedrock.amazonaws.com';
      const cred: ServiceSpecificCredential = {
        id: newId('ACCA'),
        userName: user.userName,
        serviceName: service,
        ...(bedrock
          ? { serviceCredentialAlias: `BedrockAPIKey-${crypto.randomBytes(2).toString('hex')}-at-${ctx.account.accountId}` }
          : { serviceUserName: `${user.userName}-at-${ctx.account.accountId}` }),
        ...(ageDays !== undefined ? { expirationDate: new Date(now.getTime() + ageDays * 86_400_000).toISOString() } : {}),
        status: 'Active',
        createDate: now.toISOString(),
      };
      state.serviceSpecificCredentials[cred.id] = cred;
      return { ServiceSpecificCredential: credentialWithSecret(cred) };
    },
  },
  ListServiceSpecificCredentials: {
    readOnly: true,
    resource: userResource,
    handler: (ctx, p) => {
      checkPaging(p, checkUserName(p, new Violations())).done();
      const service = p.str('ServiceName');
      const all = p.bool('AllUsers') === true;
      const name = all ? undefined : targetUserName(ctx, p);
      const user = name ? getUser(ctx, name) : undefined;
      if (service !== undefined) checkService(service);
      const creds = Object.values(iam(ctx).serviceSpecificCredentials)
        .filter((c) => (all || (user && sameUser(c.userName, user.userName))) && (service === undefined || c.serviceName === service))
        .sort((a, b) => a.createDate.localeCompare(b.createDate));
      const { page, IsTruncated, Marker } = paginate(creds, p);
      return { ServiceSpecificCredentials: page.map(credentialMetadata), ...(IsTruncated ? { Marker, IsTruncated } : {}) };
    },
  },
  UpdateServiceSpecificCredential: {
    resource: userResource,
    handler: (ctx, p) => {
      const cred = credentialIdParams(ctx, p, (v) => v.oneOf(p.required('Status'), 'status', STATUSES));
      cred.status = p.required('Status') as CredentialStatus;
      return undefined;
    },
  },
  ResetServiceSpecificCredential: {
    resource: userResource,
    handler: (ctx, p) => ({ ServiceSpecificCredential: credentialWithSecret(credentialIdParams(ctx, p)) }),
  },
  DeleteServiceSpecificCredential: {
    resource: userResource,
    handler: (ctx, p) => {
      const cred = credentialIdParams(ctx, p);
      delete iam(ctx).serviceSpecificCredentials[cred.id];
      return undefined;
    },
  },
};

export const serviceCredentialOperations: QueryOperationTable = {
  ...sshKeyOperations,
  ...signingCertificateOperations,
  ...serviceSpecificCredentialOperations,
};
