/**
 * Service-specific credentials: CodeCommit and Keyspaces user names with passwords, Bedrock API
 * keys. At most 2 per user and service; the secret is shown only by Create and Reset.
 */
import crypto from 'node:crypto';
import { InvalidInput, LimitExceeded, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { Violations, checkPaging } from '../constraints.js';
import type { CredentialStatus, ServiceSpecificCredential } from '../models.js';
import { getUser, iam, newId, newSecret, paginate } from '../util.js';
import { requiredTargetUserName, targetUserName } from './caller.js';
import { STATUSES, checkUserName, sameUser, userResource } from './credential-common.js';

export const SERVICE_CREDENTIALS_PER_USER_PER_SERVICE = 2;
/** Services that issue service-specific credentials: user name + password, or (Bedrock) an API key. */
const SERVICE_CREDENTIAL_SERVICES = ['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com'];

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

export const serviceSpecificCredentialOperations: QueryOperationTable = {
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
