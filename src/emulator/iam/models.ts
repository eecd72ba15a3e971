/**
 * IAM entities as the emulator stores them. Plain JSON-friendly shapes (dates as ISO strings,
 * records keyed by lower-cased name) so an account's state persists with JSON.stringify and
 * names stay unique case-insensitively while keeping the case the caller gave.
 */
import { recordOf } from '../state/records.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** Inline policies: name → JSON document text (exactly as the caller sent it). */
export type InlinePolicies = Record<string, { name: string; document: string }>;

export interface User {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: string;
  tags: Tag[];
  permissionsBoundary?: string;
  inlinePolicies: InlinePolicies;
  /** ARNs of attached managed policies (AWS or customer managed), in attach order. */
  attachedPolicies: string[];
  passwordLastUsed?: string;
}

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  userName: string;
  status: 'Active' | 'Inactive';
  createDate: string;
  lastUsed?: { date: string; serviceName: string; region: string };
}

export interface LoginProfile {
  userName: string;
  createDate: string;
  passwordResetRequired: boolean;
  /** scrypt hash, never the password itself. */
  passwordHash: string;
  /** when the password was last set (CreateLoginProfile or UpdateLoginProfile with a Password) */
  passwordLastChanged?: string;
}

export interface Group {
  groupName: string;
  groupId: string;
  arn: string;
  path: string;
  createDate: string;
  /** lower-cased user names of the members */
  members: string[];
  inlinePolicies: InlinePolicies;
  attachedPolicies: string[];
}

export interface Role {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: string;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  permissionsBoundary?: string;
  inlinePolicies: InlinePolicies;
  attachedPolicies: string[];
  roleLastUsed?: { date: string; region: string };
}

export interface InstanceProfile {
  instanceProfileName: string;
  instanceProfileId: string;
  arn: string;
  path: string;
  createDate: string;
  /** lower-cased role names */
  roles: string[];
  tags: Tag[];
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefaultVersion: boolean;
  createDate: string;
}

export interface ManagedPolicy {
  policyName: string;
  policyId: string;
  arn: string;
  path: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  versions: PolicyVersion[];
  /** next number for "vN" ids: AWS never reuses a deleted version id */
  nextVersion: number;
  tags: Tag[];
}

export interface VirtualMfaDevice {
  serialNumber: string;
  /** base32 TOTP seed */
  seed: string;
  createDate: string;
  userName?: string;
  enableDate?: string;
  tags: Tag[];
}

export interface PasswordPolicy {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  ExpirePasswords: boolean;
  MaxPasswordAge?: number;
  PasswordReusePrevention?: number;
  HardExpiry?: boolean;
}

/** An OpenID Connect identity provider; `url` is kept as given, without its scheme (AWS's ARN suffix). */
export interface OidcProvider {
  arn: string;
  url: string;
  clientIds: string[];
  thumbprints: string[];
  createDate: string;
  tags: Tag[];
}

export interface SamlProvider {
  arn: string;
  name: string;
  metadata: string;
  /** SAMLProviderUUID */
  uuid: string;
  createDate: string;
  validUntil: string;
  tags: Tag[];
  assertionEncryptionMode?: 'Required' | 'Allowed';
  /** decryption keys added with AddPrivateKey: only their ids and dates are ever shown */
  privateKeys: Array<{ keyId: string; timestamp: string }>;
}

export type CredentialStatus = 'Active' | 'Inactive' | 'Expired';

export interface SshPublicKey {
  id: string;
  userName: string;
  body: string;
  fingerprint: string;
  status: CredentialStatus;
  uploadDate: string;
}

export interface ServerCertificate {
  name: string;
  id: string;
  arn: string;
  path: string;
  body: string;
  chain?: string;
  uploadDate: string;
  expiration: string;
  tags: Tag[];
}

export interface SigningCertificate {
  id: string;
  userName: string;
  body: string;
  status: CredentialStatus;
  uploadDate: string;
}

export interface ServiceSpecificCredential {
  id: string;
  userName: string;
  serviceName: string;
  /** CodeCommit and Keyspaces: user name and password */
  serviceUserName?: string;
  /** Bedrock API keys: alias and secret, with an expiry */
  serviceCredentialAlias?: string;
  expirationDate?: string;
  status: CredentialStatus;
  createDate: string;
}

/** DeleteServiceLinkedRole's deletion task (the role is gone once it succeeds). */
export interface ServiceLinkedRoleDeletionTask {
  id: string;
  roleName: string;
  status: 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED' | 'NOT_STARTED';
  createDate: string;
}

/** What an IAM entity last did with one service (for service last accessed reports). */
export interface ServiceAccessRecord {
  date: string;
  region: string;
  /** tracked actions (action-level reports): action name → last use */
  actions: Record<string, { date: string; region: string }>;
}

/** A GenerateServiceLastAccessedDetails / GenerateOrganizationsAccessReport job, computed when generated. */
export interface AccessReportJob {
  jobId: string;
  kind: 'service-last-accessed' | 'organizations';
  arn: string;
  granularity: 'SERVICE_LEVEL' | 'ACTION_LEVEL';
  createDate: string;
  completionDate: string;
  /** report rows, frozen at generation time */
  services: Array<{
    serviceName: string;
    serviceNamespace: string;
    lastAuthenticated?: string;
    lastAuthenticatedEntity?: string;
    lastAuthenticatedRegion?: string;
    totalAuthenticatedEntities: number;
    trackedActions?: Array<{ actionName: string; lastAccessedEntity?: string; lastAccessedTime?: string; lastAccessedRegion?: string }>;
    entities: Array<{ arn: string; name: string; type: 'USER' | 'ROLE' | 'GROUP'; id: string; path: string; lastAuthenticated?: string }>;
  }>;
  error?: { code: string; message: string };
}

export interface DelegationRequest {
  id: string;
  /** the partner account that created it */
  requestorId: string;
  requestorName?: string;
  ownerAccountId?: string;
  ownerId?: string;
  approverId?: string;
  description: string;
  requestMessage?: string;
  permissions: { policyTemplateArn?: string; parameters: Array<{ name?: string; values: string[]; type?: string }> };
  requestorWorkflowId: string;
  redirectUrl?: string;
  notificationChannel: string;
  sessionDuration: number;
  onlySendByOwner: boolean;
  state: 'UNASSIGNED' | 'ASSIGNED' | 'PENDING_APPROVAL' | 'FINALIZED' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED';
  notes?: string;
  rejectionReason?: string;
  createDate: string;
  updatedTime: string;
  expirationTime: string;
  /** the trade-in token sent by SendDelegationToken (GetDelegatedAccessToken redeems it once) */
  tradeInToken?: string;
  tokenRedeemed?: boolean;
}

export interface IamState {
  users: Record<string, User>;
  accessKeys: Record<string, AccessKey>; // keyed by access key id
  loginProfiles: Record<string, LoginProfile>; // keyed by lower-cased user name
  groups: Record<string, Group>;
  roles: Record<string, Role>;
  instanceProfiles: Record<string, InstanceProfile>;
  /** customer managed policies, keyed by ARN */
  policies: Record<string, ManagedPolicy>;
  mfaDevices: Record<string, VirtualMfaDevice>; // keyed by serial number
  passwordPolicy?: PasswordPolicy;
  credentialReport?: { generatedAt: string; csv: string };
  /** keyed by ARN */
  oidcProviders: Record<string, OidcProvider>;
  /** keyed by ARN */
  samlProviders: Record<string, SamlProvider>;
  /** keyed by key id */
  sshPublicKeys: Record<string, SshPublicKey>;
  /** keyed by lower-cased name */
  serverCertificates: Record<string, ServerCertificate>;
  /** keyed by certificate id */
  signingCertificates: Record<string, SigningCertificate>;
  /** keyed by credential id */
  serviceSpecificCredentials: Record<string, ServiceSpecificCredential>;
  /** keyed by task id */
  slrDeletionTasks: Record<string, ServiceLinkedRoleDeletionTask>;
  /** the account alias (AWS allows one) */
  accountAliases: string[];
  /** entity ARN → service namespace → last access */
  serviceAccess: Record<string, Record<string, ServiceAccessRecord>>;
  /** keyed by job id */
  accessReports: Record<string, AccessReportJob>;
  /** keyed by request id */
  delegationRequests: Record<string, DelegationRequest>;
  /** PutAccountProperties: `Namespace/PropertyName` → value */
  accountProperties?: Record<string, string>;
  /** SetSecurityTokenServicePreferences (v1Token unless changed) */
  globalEndpointTokenVersion?: 'v1Token' | 'v2Token';
  /** EnableOutboundWebIdentityFederation: the account's issuer URL, and whether tokens may be vended */
  outboundWebIdentity?: {
    issuer: string;
    enabled: boolean;
    /** GetWebIdentityToken's signing keys (PKCS#8 PEM), made on first use, by algorithm */
    signingKeys?: { RS256?: string; ES384?: string };
  };
}

/** Maps keyed by user input: null-prototype objects, so a name like `__proto__` is just a name. */

const MAP_FIELDS = [
  'users',
  'accessKeys',
  'loginProfiles',
  'groups',
  'roles',
  'instanceProfiles',
  'policies',
  'mfaDevices',
  'oidcProviders',
  'samlProviders',
  'sshPublicKeys',
  'serverCertificates',
  'signingCertificates',
  'serviceSpecificCredentials',
  'slrDeletionTasks',
  'serviceAccess',
  'accessReports',
  'delegationRequests',
] as const;

export function emptyIamState(): IamState {
  return reviveIamState({} as IamState);
}

/**
 * Bring state read from JSON (or written by an older version) to the current shape: every map
 * present and null-prototype (JSON.parse makes ordinary objects). Returns the same object.
 */
export function reviveIamState(state: IamState): IamState {
  const s = state as unknown as Record<string, unknown>;
  for (const field of MAP_FIELDS) s[field] = recordOf((s[field] ?? {}) as Record<string, unknown>);
  for (const [arn, perService] of Object.entries(state.serviceAccess)) {
    state.serviceAccess[arn] = recordOf(perService);
    for (const rec of Object.values(state.serviceAccess[arn])) rec.actions = recordOf(rec.actions);
  }
  state.accountAliases ??= [];
  if (state.accountProperties) state.accountProperties = recordOf(state.accountProperties);
  return state;
}

/** Case-insensitive key for entity records. */
export const nameKey = (name: string): string => name.toLowerCase();
