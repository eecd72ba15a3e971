/**
 * IAM entities as the emulator stores them. Plain JSON-friendly shapes (dates as ISO strings,
 * records keyed by lower-cased name) so an account's state persists with JSON.stringify and
 * names stay unique case-insensitively while keeping the case the caller gave.
 */
import { dict } from '../state/dict.js';

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
}

export function emptyIamState(): IamState {
  return {
    users: dict(),
    accessKeys: dict(),
    loginProfiles: dict(),
    groups: dict(),
    roles: dict(),
    instanceProfiles: dict(),
    policies: dict(),
    mfaDevices: dict(),
  };
}

/** Case-insensitive key for entity records. */
export const nameKey = (name: string): string => name.toLowerCase();
