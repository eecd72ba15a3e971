/**
 * The conformance script: one ordered sequence of SDK v3 calls covering every IAM and STS
 * operation of issue 2 with their error cases. Each backend (embedded emulator, moto_server)
 * runs it from an empty account; results are normalized and compared step by step.
 *
 * A step names its operation; its input may depend on values saved by earlier steps on the
 * same backend (access keys, session credentials, MFA seeds), kept in `vars`.
 */
import * as IAM from '@aws-sdk/client-iam';
import * as S3 from '@aws-sdk/client-s3';
import * as STS from '@aws-sdk/client-sts';
import * as OTPAuth from 'otpauth';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type Vars = Record<string, any>;
export type Service = 'iam' | 'sts' | 's3';

export interface Step {
  id: string;
  service: Service;
  op: string;
  input: (v: Vars) => Record<string, unknown>;
  /** call as this principal (default: the account root, key `test`) */
  as?: (v: Vars) => Creds;
  /** keep values from a successful output for later steps */
  save?: (out: any, v: Vars) => void;
  /** compare only this projection of a successful output (may read a streamed body) */
  pick?: (out: any) => unknown | Promise<unknown>;
}

export const ACCOUNT = '000000000000';
const arn = (type: string, name: string) => `arn:aws:iam::${ACCOUNT}:${type}/${name}`;
const awsPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
/** a customer managed policy under /course/ */
const P = (name: string) => arn('policy/course', name);
const keyOf = (v: Vars, name: string): Creds => v[name];

const doc = (statement: object | object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statement });
const REPORTS_READER = doc([
  { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-reports/*' },
]);
const version = (n: number) => doc({ Sid: `V${n}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${n}/*` });
const DENY_PAYROLL = doc({ Effect: 'Deny', Action: 's3:*', Resource: ['arn:aws:s3:::acme-payroll', 'arn:aws:s3:::acme-payroll/*'] });
const EC2_TRUST = doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' });
const LAMBDA_TRUST = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
const ALICE_TRUST = doc({ Effect: 'Allow', Principal: { AWS: arn('user', 'staff/alice') }, Action: 'sts:AssumeRole' });

/** Two consecutive TOTP codes for a virtual MFA seed (EnableMFADevice wants both). */
export function totpCodes(seed: Uint8Array | string, at = Date.now()): [string, string] {
  const base32 = typeof seed === 'string' ? seed : Buffer.from(seed).toString('utf8');
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32), digits: 6, period: 30, algorithm: 'SHA1' });
  // Use the previous and current windows so the second code is not "from the future".
  return [totp.generate({ timestamp: at - 30_000 }), totp.generate({ timestamp: at })];
}

const s = (id: string, service: Service, op: string, input: Step['input'] | Record<string, unknown> = {}, extra: Partial<Step> = {}): Step => ({
  id,
  service,
  op,
  input: typeof input === 'function' ? input : () => input,
  ...extra,
});
const iam = (id: string, op: string, input: Step['input'] | Record<string, unknown> = {}, extra: Partial<Step> = {}) => s(id, 'iam', op, input, extra);
const sts = (id: string, op: string, input: Step['input'] | Record<string, unknown> = {}, extra: Partial<Step> = {}) => s(id, 'sts', op, input, extra);
/** Keep only the script's own entities in a list (moto keeps the invalid ones it accepted). */
const only = (listKey: string, nameKey: string, names: string[]) => (o: any) => ({
  ...o,
  [listKey]: (o[listKey] ?? []).filter((x: any) => names.includes(x[nameKey])),
});
const saveKey = (name: string) => (out: any, v: Vars) => {
  v[name] = { accessKeyId: out.AccessKey.AccessKeyId, secretAccessKey: out.AccessKey.SecretAccessKey };
};
const saveCreds = (name: string) => (out: any, v: Vars) => {
  v[name] = { accessKeyId: out.Credentials.AccessKeyId, secretAccessKey: out.Credentials.SecretAccessKey, sessionToken: out.Credentials.SessionToken };
};

export const STEPS: Step[] = [
  // ── users ────────────────────────────────────────────────────────────────
  iam('users/create-alice', 'CreateUser', { UserName: 'alice', Path: '/staff/', Tags: [{ Key: 'team', Value: 'blue' }] }),
  iam('users/create-bob', 'CreateUser', { UserName: 'bob' }),
  iam('users/list', 'ListUsers'),
  iam('users/list-path-prefix', 'ListUsers', { PathPrefix: '/staff/' }),
  iam('users/list-page-1', 'ListUsers', { MaxItems: 1 }, { save: (o, v) => (v.userMarker = o.Marker) }),
  iam('users/list-page-2', 'ListUsers', (v) => ({ MaxItems: 1, Marker: v.userMarker })),
  iam('users/create-duplicate', 'CreateUser', { UserName: 'alice' }),
  iam('users/create-duplicate-other-case', 'CreateUser', { UserName: 'ALICE' }),
  iam('users/create-bad-name', 'CreateUser', { UserName: 'bad name!' }),
  iam('users/create-name-too-long', 'CreateUser', { UserName: 'u'.repeat(65) }),
  iam('users/create-bad-path', 'CreateUser', { UserName: 'pathless', Path: 'staff' }),
  iam('users/get-alice', 'GetUser', { UserName: 'alice' }),
  iam('users/get-missing', 'GetUser', { UserName: 'nobody' }),
  iam('users/update-path', 'UpdateUser', { UserName: 'bob', NewPath: '/ops/' }),
  iam('users/update-missing', 'UpdateUser', { UserName: 'nobody', NewPath: '/ops/' }),
  iam('users/get-bob-after-update', 'GetUser', { UserName: 'bob' }),
  iam('users/tag', 'TagUser', { UserName: 'alice', Tags: [{ Key: 'env', Value: 'dev' }] }),
  iam('users/list-tags', 'ListUserTags', { UserName: 'alice' }),
  iam('users/untag', 'UntagUser', { UserName: 'alice', TagKeys: ['team'] }),
  iam('users/list-tags-after-untag', 'ListUserTags', { UserName: 'alice' }),

  // ── access keys ──────────────────────────────────────────────────────────
  iam('keys/create-1', 'CreateAccessKey', { UserName: 'alice' }, { save: saveKey('aliceKey') }),
  iam('keys/create-2', 'CreateAccessKey', { UserName: 'alice' }, { save: saveKey('aliceKey2') }),
  iam('keys/create-3-over-limit', 'CreateAccessKey', { UserName: 'alice' }),
  iam('keys/create-missing-user', 'CreateAccessKey', { UserName: 'nobody' }),
  iam('keys/list', 'ListAccessKeys', { UserName: 'alice' }),
  iam('keys/deactivate-2', 'UpdateAccessKey', (v) => ({ UserName: 'alice', AccessKeyId: v.aliceKey2.accessKeyId, Status: 'Inactive' })),
  iam('keys/list-after-deactivate', 'ListAccessKeys', { UserName: 'alice' }),
  sts('keys/caller-identity-key-1', 'GetCallerIdentity', {}, { as: (v) => keyOf(v, 'aliceKey') }),
  iam('keys/last-used-1', 'GetAccessKeyLastUsed', (v) => ({ AccessKeyId: v.aliceKey.accessKeyId })),
  iam('keys/last-used-2-never', 'GetAccessKeyLastUsed', (v) => ({ AccessKeyId: v.aliceKey2.accessKeyId })),
  sts('keys/caller-identity-inactive-key', 'GetCallerIdentity', {}, { as: (v) => keyOf(v, 'aliceKey2') }),
  iam('keys/delete-2', 'DeleteAccessKey', (v) => ({ UserName: 'alice', AccessKeyId: v.aliceKey2.accessKeyId })),
  iam('keys/delete-2-again', 'DeleteAccessKey', (v) => ({ UserName: 'alice', AccessKeyId: v.aliceKey2.accessKeyId })),
  sts('keys/caller-identity-deleted-key', 'GetCallerIdentity', {}, { as: (v) => keyOf(v, 'aliceKey2') }),
  iam('keys/update-unknown', 'UpdateAccessKey', { UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Inactive' }),
  sts('sts/caller-identity-root', 'GetCallerIdentity'),

  // ── login profiles and the password policy ───────────────────────────────
  iam('login/create', 'CreateLoginProfile', { UserName: 'alice', Password: 'Correct-Horse-9', PasswordResetRequired: true }),
  iam('login/create-again', 'CreateLoginProfile', { UserName: 'alice', Password: 'Correct-Horse-9' }),
  iam('login/get', 'GetLoginProfile', { UserName: 'alice' }),
  iam('login/update', 'UpdateLoginProfile', { UserName: 'alice', PasswordResetRequired: false }),
  iam('login/get-after-update', 'GetLoginProfile', { UserName: 'alice' }),
  iam('login/get-missing', 'GetLoginProfile', { UserName: 'bob' }),
  iam('password-policy/get-none', 'GetAccountPasswordPolicy'),
  iam('password-policy/update', 'UpdateAccountPasswordPolicy', {
    MinimumPasswordLength: 14,
    RequireSymbols: true,
    RequireNumbers: true,
    RequireUppercaseCharacters: true,
    RequireLowercaseCharacters: true,
    MaxPasswordAge: 90,
    PasswordReusePrevention: 24,
  }),
  iam('password-policy/get', 'GetAccountPasswordPolicy'),
  iam('password-policy/violation-on-create', 'CreateLoginProfile', { UserName: 'bob', Password: 'short' }),
  iam('password-policy/violation-on-update', 'UpdateLoginProfile', { UserName: 'alice', Password: 'alllowercase-long' }),
  iam('password-policy/delete', 'DeleteAccountPasswordPolicy'),
  iam('password-policy/delete-again', 'DeleteAccountPasswordPolicy'),

  // ── groups ───────────────────────────────────────────────────────────────
  iam('groups/create', 'CreateGroup', { GroupName: 'developers' }),
  iam('groups/create-duplicate', 'CreateGroup', { GroupName: 'Developers' }),
  iam('groups/add-alice', 'AddUserToGroup', { GroupName: 'developers', UserName: 'alice' }),
  iam('groups/add-missing-user', 'AddUserToGroup', { GroupName: 'developers', UserName: 'nobody' }),
  iam('groups/add-to-missing-group', 'AddUserToGroup', { GroupName: 'nogroup', UserName: 'alice' }),
  iam('groups/get', 'GetGroup', { GroupName: 'developers' }),
  iam('groups/get-missing', 'GetGroup', { GroupName: 'nogroup' }),
  iam('groups/list', 'ListGroups', {}, { pick: only('Groups', 'GroupName', ['developers', 'reviewers']) }),
  iam('groups/list-for-user', 'ListGroupsForUser', { UserName: 'alice' }),
  // moto deletes a group that has members: use a throwaway group so the rest of the script is unaffected.
  iam('groups/create-reviewers', 'CreateGroup', { GroupName: 'reviewers' }),
  iam('groups/add-bob-to-reviewers', 'AddUserToGroup', { GroupName: 'reviewers', UserName: 'bob' }),
  iam('groups/delete-with-member', 'DeleteGroup', { GroupName: 'reviewers' }),
  iam('groups/create-temp', 'CreateGroup', { GroupName: 'temp', Path: '/tmp/' }),
  iam('groups/delete-temp', 'DeleteGroup', { GroupName: 'temp' }),
  iam('groups/delete-temp-again', 'DeleteGroup', { GroupName: 'temp' }),

  // ── managed policies and versions ────────────────────────────────────────
  iam('policies/create', 'CreatePolicy', { PolicyName: 'ReportsReader', Path: '/course/', PolicyDocument: REPORTS_READER, Description: 'Read the reports' }),
  iam('policies/create-duplicate', 'CreatePolicy', { PolicyName: 'ReportsReader', PolicyDocument: REPORTS_READER }),
  iam('policies/create-bad-json', 'CreatePolicy', { PolicyName: 'Broken', PolicyDocument: '{"Version": "2012-10-17", "Statement": [' }),
  iam('policies/create-principal-in-identity-policy', 'CreatePolicy', {
    PolicyName: 'WithPrincipal',
    PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }),
  }),
  iam('policies/create-action-without-prefix', 'CreatePolicy', { PolicyName: 'NoPrefix', PolicyDocument: doc({ Effect: 'Allow', Action: 'GetObject', Resource: '*' }) }),
  iam('policies/create-bad-effect', 'CreatePolicy', { PolicyName: 'BadEffect', PolicyDocument: doc({ Effect: 'Permit', Action: 's3:GetObject', Resource: '*' }) }),
  iam('policies/create-bad-version', 'CreatePolicy', {
    PolicyName: 'BadVersion',
    PolicyDocument: JSON.stringify({ Version: '2020-01-01', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }),
  }),
  iam('policies/create-unknown-action-accepted', 'CreatePolicy', { PolicyName: 'Typo', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }) }),
  iam('policies/create-old-version', 'CreatePolicy', {
    PolicyName: 'OldVersion',
    PolicyDocument: JSON.stringify({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }),
  }),
  iam('policies/create-iam-arn-with-region', 'CreatePolicy', { PolicyName: 'IamRegion', PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam:us-east-1:000000000000:user/alice' }) }),
  iam('policies/create-s3-arn-with-region', 'CreatePolicy', { PolicyName: 'S3Region', PolicyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:us-east-1::acme-reports/*' }) }),
  iam('policies/create-unknown-condition-operator', 'CreatePolicy', {
    PolicyName: 'BadOperator',
    PolicyDocument: doc({ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'intern' } } }),
  }),
  iam('policies/delete-aws-managed', 'DeletePolicy', { PolicyArn: awsPolicy('AmazonGlacierReadOnlyAccess') }),
  iam('policies/get-not-a-policy-arn', 'GetPolicy', { PolicyArn: arn('role', 'app-role') }),
  iam('policies/get', 'GetPolicy', { PolicyArn: P('ReportsReader') }),
  iam('policies/get-missing', 'GetPolicy', { PolicyArn: arn('policy', 'Nope') }),
  iam('policies/get-aws-managed', 'GetPolicy', { PolicyArn: awsPolicy('AmazonS3ReadOnlyAccess') }, {
    pick: (o) => ({ PolicyName: o.Policy.PolicyName, Arn: o.Policy.Arn, Path: o.Policy.Path, IsAttachable: o.Policy.IsAttachable, AttachmentCount: o.Policy.AttachmentCount }),
  }),
  iam('policies/get-aws-managed-version', 'GetPolicyVersion', { PolicyArn: awsPolicy('AdministratorAccess'), VersionId: 'v1' }),
  iam('policies/list-local', 'ListPolicies', { Scope: 'Local', PathPrefix: '/course/' }),
  iam('policies/list-aws-page', 'ListPolicies', { Scope: 'AWS', MaxItems: 5 }, {
    pick: (o) => ({ count: o.Policies.length, IsTruncated: o.IsTruncated, hasMarker: Boolean(o.Marker), allAws: o.Policies.every((p: any) => p.Arn.startsWith('arn:aws:iam::aws:policy/')) }),
  }),
  iam('policies/version-2', 'CreatePolicyVersion', { PolicyArn: P('ReportsReader'), PolicyDocument: version(2), SetAsDefault: true }),
  iam('policies/version-3', 'CreatePolicyVersion', { PolicyArn: P('ReportsReader'), PolicyDocument: version(3) }),
  iam('policies/version-4', 'CreatePolicyVersion', { PolicyArn: P('ReportsReader'), PolicyDocument: version(4) }),
  iam('policies/version-5', 'CreatePolicyVersion', { PolicyArn: P('ReportsReader'), PolicyDocument: version(5) }),
  iam('policies/version-6-over-limit', 'CreatePolicyVersion', { PolicyArn: P('ReportsReader'), PolicyDocument: version(6) }),
  iam('policies/list-versions', 'ListPolicyVersions', { PolicyArn: P('ReportsReader') }),
  iam('policies/get-version-2', 'GetPolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v2' }),
  iam('policies/set-default-3', 'SetDefaultPolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v3' }),
  iam('policies/get-after-set-default', 'GetPolicy', { PolicyArn: P('ReportsReader') }),
  iam('policies/delete-default-version', 'DeletePolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v3' }),
  iam('policies/delete-version-5', 'DeletePolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v5' }),
  iam('policies/get-deleted-version', 'GetPolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v5' }),
  iam('policies/set-default-missing-version', 'SetDefaultPolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v9' }),

  // ── attachments ──────────────────────────────────────────────────────────
  iam('attach/user-customer', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: P('ReportsReader') }),
  iam('attach/user-aws', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: awsPolicy('AmazonS3ReadOnlyAccess') }),
  iam('attach/user-missing-policy', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: arn('policy', 'Nope') }),
  iam('attach/user-missing-user', 'AttachUserPolicy', { UserName: 'nobody', PolicyArn: P('ReportsReader') }),
  iam('attach/list-user', 'ListAttachedUserPolicies', { UserName: 'alice' }),
  iam('attach/group', 'AttachGroupPolicy', { GroupName: 'developers', PolicyArn: P('ReportsReader') }),
  iam('attach/group-aws', 'AttachGroupPolicy', { GroupName: 'developers', PolicyArn: awsPolicy('AmazonS3FullAccess') }),
  iam('attach/list-group', 'ListAttachedGroupPolicies', { GroupName: 'developers' }),
  iam('attach/list-local-only-attached', 'ListPolicies', { Scope: 'Local', OnlyAttached: true }),
  iam('attach/entities-for-policy', 'ListEntitiesForPolicy', { PolicyArn: P('ReportsReader') }),
  // moto deletes an attached policy: check DeleteConflict on a throwaway policy.
  iam('attach/create-throwaway', 'CreatePolicy', { PolicyName: 'Throwaway', PolicyDocument: version(9) }),
  iam('attach/attach-throwaway', 'AttachUserPolicy', { UserName: 'bob', PolicyArn: arn('policy', 'Throwaway') }),
  iam('attach/delete-attached-policy', 'DeletePolicy', { PolicyArn: arn('policy', 'Throwaway') }),
  iam('attach/detach-throwaway', 'DetachUserPolicy', { UserName: 'bob', PolicyArn: arn('policy', 'Throwaway') }),
  iam('attach/delete-throwaway', 'DeletePolicy', { PolicyArn: arn('policy', 'Throwaway') }),
  iam('attach/delete-unattached-policy', 'DeletePolicy', { PolicyArn: arn('policy', 'Typo') }),
  iam('attach/get-deleted-policy', 'GetPolicy', { PolicyArn: arn('policy', 'Typo') }),

  // ── inline policies: users and groups ────────────────────────────────────
  iam('inline/put-user', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'deny-payroll', PolicyDocument: DENY_PAYROLL }),
  iam('inline/get-user', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'deny-payroll' }),
  iam('inline/list-user', 'ListUserPolicies', { UserName: 'alice' }),
  iam('inline/get-user-missing', 'GetUserPolicy', { UserName: 'alice', PolicyName: 'nope' }),
  iam('inline/put-user-malformed', 'PutUserPolicy', { UserName: 'alice', PolicyName: 'broken', PolicyDocument: '{"Statement": "nope"}' }),
  iam('inline/put-group', 'PutGroupPolicy', { GroupName: 'developers', PolicyName: 'deny-payroll', PolicyDocument: DENY_PAYROLL }),
  iam('inline/get-group', 'GetGroupPolicy', { GroupName: 'developers', PolicyName: 'deny-payroll' }),
  iam('inline/list-group', 'ListGroupPolicies', { GroupName: 'developers' }),

  // ── roles ────────────────────────────────────────────────────────────────
  iam('roles/create-ec2', 'CreateRole', {
    RoleName: 'app-role',
    AssumeRolePolicyDocument: EC2_TRUST,
    Description: 'EC2 app',
    Tags: [{ Key: 'team', Value: 'blue' }],
  }),
  iam('roles/create-duplicate', 'CreateRole', { RoleName: 'APP-ROLE', AssumeRolePolicyDocument: EC2_TRUST }),
  iam('roles/create-trust-without-principal', 'CreateRole', {
    RoleName: 'no-principal',
    AssumeRolePolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
  }),
  iam('roles/create-trust-bad-json', 'CreateRole', { RoleName: 'bad-json', AssumeRolePolicyDocument: '{nope' }),
  iam('roles/create-trust-wrong-action', 'CreateRole', {
    RoleName: 'wrong-action',
    AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:GetCallerIdentity' }),
  }),
  iam('roles/create-trust-unknown-service', 'CreateRole', {
    RoleName: 'typo-service',
    AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'lamda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
  }),
  iam('roles/create-alice-role', 'CreateRole', { RoleName: 'alice-role', Path: '/course/', AssumeRolePolicyDocument: ALICE_TRUST, MaxSessionDuration: 3600 }),
  iam('roles/get', 'GetRole', { RoleName: 'app-role' }),
  iam('roles/get-missing', 'GetRole', { RoleName: 'no-role' }),
  iam('roles/list', 'ListRoles', {}, { pick: only('Roles', 'RoleName', ['app-role', 'alice-role']) }),
  iam('roles/update', 'UpdateRole', { RoleName: 'app-role', Description: 'EC2 application role', MaxSessionDuration: 7200 }),
  iam('roles/update-trust', 'UpdateAssumeRolePolicy', { RoleName: 'app-role', PolicyDocument: LAMBDA_TRUST }),
  iam('roles/get-after-update', 'GetRole', { RoleName: 'app-role' }),
  iam('roles/tag', 'TagRole', { RoleName: 'app-role', Tags: [{ Key: 'env', Value: 'dev' }] }),
  iam('roles/list-tags', 'ListRoleTags', { RoleName: 'app-role' }),
  iam('roles/untag', 'UntagRole', { RoleName: 'app-role', TagKeys: ['team'] }),
  iam('roles/list-tags-after-untag', 'ListRoleTags', { RoleName: 'app-role' }),
  iam('roles/attach', 'AttachRolePolicy', { RoleName: 'app-role', PolicyArn: awsPolicy('AmazonSSMManagedInstanceCore') }),
  iam('roles/list-attached', 'ListAttachedRolePolicies', { RoleName: 'app-role' }),
  iam('roles/put-inline', 'PutRolePolicy', { RoleName: 'app-role', PolicyName: 'read-reports', PolicyDocument: REPORTS_READER }),
  iam('roles/get-inline', 'GetRolePolicy', { RoleName: 'app-role', PolicyName: 'read-reports' }),
  iam('roles/list-inline', 'ListRolePolicies', { RoleName: 'app-role' }),

  // ── instance profiles ────────────────────────────────────────────────────
  iam('profiles/create', 'CreateInstanceProfile', { InstanceProfileName: 'app-profile' }),
  iam('profiles/create-duplicate', 'CreateInstanceProfile', { InstanceProfileName: 'app-profile' }),
  iam('profiles/add-role', 'AddRoleToInstanceProfile', { InstanceProfileName: 'app-profile', RoleName: 'app-role' }),
  iam('profiles/add-second-role', 'AddRoleToInstanceProfile', { InstanceProfileName: 'app-profile', RoleName: 'alice-role' }),
  iam('profiles/get', 'GetInstanceProfile', { InstanceProfileName: 'app-profile' }),
  iam('profiles/get-missing', 'GetInstanceProfile', { InstanceProfileName: 'nope' }),
  iam('profiles/list', 'ListInstanceProfiles'),
  iam('profiles/list-for-role', 'ListInstanceProfilesForRole', { RoleName: 'app-role' }),
  iam('profiles/delete-role-in-profile', 'DeleteRole', { RoleName: 'app-role' }),
  iam('profiles/delete-profile-with-role', 'DeleteInstanceProfile', { InstanceProfileName: 'app-profile' }),

  // ── permissions boundaries ───────────────────────────────────────────────
  iam('boundary/put-user', 'PutUserPermissionsBoundary', { UserName: 'bob', PermissionsBoundary: awsPolicy('AmazonS3FullAccess') }),
  iam('boundary/get-user', 'GetUser', { UserName: 'bob' }),
  iam('boundary/delete-user', 'DeleteUserPermissionsBoundary', { UserName: 'bob' }),
  iam('boundary/put-role', 'PutRolePermissionsBoundary', { RoleName: 'alice-role', PermissionsBoundary: awsPolicy('AmazonS3ReadOnlyAccess') }),
  iam('boundary/get-role', 'GetRole', { RoleName: 'alice-role' }),
  iam('boundary/delete-role', 'DeleteRolePermissionsBoundary', { RoleName: 'alice-role' }),
  iam('boundary/put-user-missing-policy', 'PutUserPermissionsBoundary', { UserName: 'bob', PermissionsBoundary: arn('policy', 'Nope') }),

  // ── STS ──────────────────────────────────────────────────────────────────
  sts('sts/assume-role', 'AssumeRole', { RoleArn: arn('role', 'course/alice-role'), RoleSessionName: 'conformance' }, {
    as: (v) => keyOf(v, 'aliceKey'),
    save: saveCreds('aliceSession'),
    pick: (o) => ({ AssumedRoleUser: o.AssumedRoleUser, hasCredentials: Boolean(o.Credentials?.SessionToken), PackedPolicySize: o.PackedPolicySize }),
  }),
  sts('sts/caller-identity-session', 'GetCallerIdentity', {}, { as: (v) => keyOf(v, 'aliceSession') }),
  iam('sts/role-last-used', 'GetRole', { RoleName: 'alice-role' }, { pick: (o) => ({ RoleLastUsed: o.Role.RoleLastUsed }) }),
  iam('sts/create-bob-key', 'CreateAccessKey', { UserName: 'bob' }, { save: saveKey('bobKey') }),
  sts('sts/assume-role-untrusted', 'AssumeRole', { RoleArn: arn('role', 'course/alice-role'), RoleSessionName: 'bob' }, { as: (v) => keyOf(v, 'bobKey') }),
  sts('sts/assume-role-too-long', 'AssumeRole', { RoleArn: arn('role', 'course/alice-role'), RoleSessionName: 'long', DurationSeconds: 7200 }, {
    as: (v) => keyOf(v, 'aliceKey'),
  }),
  sts('sts/assume-role-missing-role', 'AssumeRole', { RoleArn: arn('role', 'no-such-role'), RoleSessionName: 'nobody' }, { as: (v) => keyOf(v, 'aliceKey') }),
  sts('sts/assume-role-bad-session-name', 'AssumeRole', { RoleArn: arn('role', 'course/alice-role'), RoleSessionName: 'has space' }, {
    as: (v) => keyOf(v, 'aliceKey'),
  }),
  iam('sts/create-external-id-role', 'CreateRole', {
    RoleName: 'partner-role',
    AssumeRolePolicyDocument: doc({
      Effect: 'Allow',
      Principal: { AWS: arn('user', 'staff/alice') },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'acme-42' } },
    }),
  }),
  sts('sts/assume-without-external-id', 'AssumeRole', { RoleArn: arn('role', 'partner-role'), RoleSessionName: 'partner' }, { as: (v) => keyOf(v, 'aliceKey') }),
  sts('sts/assume-with-external-id', 'AssumeRole', { RoleArn: arn('role', 'partner-role'), RoleSessionName: 'partner', ExternalId: 'acme-42' }, {
    as: (v) => keyOf(v, 'aliceKey'),
    pick: (o) => ({ AssumedRoleUser: o.AssumedRoleUser, hasCredentials: Boolean(o.Credentials?.SessionToken) }),
  }),
  sts('sts/assume-service-role-as-user', 'AssumeRole', { RoleArn: arn('role', 'app-role'), RoleSessionName: 'sneaky' }, { as: (v) => keyOf(v, 'aliceKey') }),
  sts('sts/session-token', 'GetSessionToken', { DurationSeconds: 3600 }, {
    as: (v) => keyOf(v, 'aliceKey'),
    save: saveCreds('aliceTokenSession'),
    pick: (o) => ({ hasCredentials: Boolean(o.Credentials?.SessionToken), AccessKeyPrefix: o.Credentials?.AccessKeyId.slice(0, 4) }),
  }),
  sts('sts/caller-identity-session-token', 'GetCallerIdentity', {}, { as: (v) => keyOf(v, 'aliceTokenSession') }),
  sts('sts/session-token-too-short', 'GetSessionToken', { DurationSeconds: 60 }, { as: (v) => keyOf(v, 'aliceKey') }),

  // ── virtual MFA ──────────────────────────────────────────────────────────
  iam('mfa/create', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice-phone' }, {
    save: (o, v) => {
      v.mfaSerial = o.VirtualMFADevice.SerialNumber;
      v.mfaSeed = o.VirtualMFADevice.Base32StringSeed;
    },
  }),
  iam('mfa/create-duplicate', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'alice-phone' }),
  // moto accepts any codes: try the wrong ones on a second device so alice's stays unassigned there too.
  iam('mfa/create-second', 'CreateVirtualMFADevice', { VirtualMFADeviceName: 'bob-phone' }, { save: (o, v) => (v.bobMfaSerial = o.VirtualMFADevice.SerialNumber) }),
  iam('mfa/enable-wrong-codes', 'EnableMFADevice', (v) => ({ UserName: 'bob', SerialNumber: v.bobMfaSerial, AuthenticationCode1: '000000', AuthenticationCode2: '000000' })),
  iam('mfa/enable', 'EnableMFADevice', (v) => {
    const [a, b] = totpCodes(v.mfaSeed);
    return { UserName: 'alice', SerialNumber: v.mfaSerial, AuthenticationCode1: a, AuthenticationCode2: b };
  }),
  iam('mfa/list', 'ListMFADevices', { UserName: 'alice' }),

  // ── account ──────────────────────────────────────────────────────────────
  iam('account/summary', 'GetAccountSummary', {}, {
    pick: (o) => {
      const m = o.SummaryMap ?? {};
      // Entity counts are left out: moto accepts several invalid creates above, so its counts differ for that reason alone.
      const keys = ['MFADevices', 'MFADevicesInUse', 'AccountMFAEnabled', 'AccessKeysPerUserQuota', 'AttachedPoliciesPerUserQuota', 'PolicyVersionsPerPolicyQuota', 'UsersQuota', 'GroupsPerUserQuota'];
      return Object.fromEntries(keys.map((k) => [k, m[k]]));
    },
  }),
  iam('account/generate-credential-report', 'GenerateCredentialReport', {}, { pick: (o) => ({ known: ['STARTED', 'INPROGRESS', 'COMPLETE'].includes(o.State) }) }),
  iam('account/generate-credential-report-again', 'GenerateCredentialReport', {}, { pick: (o) => ({ known: ['STARTED', 'INPROGRESS', 'COMPLETE'].includes(o.State) }) }),
  iam('account/get-credential-report', 'GetCredentialReport', {}, {
    pick: (o) => {
      const lines = Buffer.from(o.Content ?? []).toString('utf8').trim().split('\n');
      // Only the script's valid users (moto keeps the invalid ones it accepted).
      const wanted = ['<root_account>', 'alice', 'bob'];
      return { ReportFormat: o.ReportFormat, header: lines[0], users: lines.slice(1).map((l) => l.split(',')[0]).filter((u) => wanted.includes(u)).sort() };
    },
  }),
  iam('account/authorization-details-users', 'GetAccountAuthorizationDetails', { Filter: ['User'] }, {
    pick: (o) => ({
      users: (o.UserDetailList ?? []).filter((u: any) => ['alice', 'bob'].includes(u.UserName)).map((u: any) => ({
        UserName: u.UserName,
        GroupList: u.GroupList,
        AttachedManagedPolicies: u.AttachedManagedPolicies,
        UserPolicyList: u.UserPolicyList,
      })),
      roles: o.RoleDetailList?.length ?? 0,
      groups: o.GroupDetailList?.length ?? 0,
    }),
  }),
  iam('account/authorization-details-roles', 'GetAccountAuthorizationDetails', { Filter: ['Role'] }, {
    pick: (o) => ({
      roles: (o.RoleDetailList ?? []).filter((r: any) => ['app-role', 'alice-role'].includes(r.RoleName)).map((r: any) => ({
        RoleName: r.RoleName,
        AssumeRolePolicyDocument: r.AssumeRolePolicyDocument,
        AttachedManagedPolicies: r.AttachedManagedPolicies,
        RolePolicyList: r.RolePolicyList,
        InstanceProfileList: (r.InstanceProfileList ?? []).map((p: any) => p.InstanceProfileName),
      })),
    }),
  }),
  iam('simulate/principal-allowed', 'SimulatePrincipalPolicy', {
    PolicySourceArn: arn('user', 'staff/alice'),
    ActionNames: ['s3:GetObject'],
    ResourceArns: ['arn:aws:s3:::acme-reports/q1.csv'],
  }, { pick: (o) => o.EvaluationResults.map((r: any) => ({ EvalActionName: r.EvalActionName, EvalResourceName: r.EvalResourceName, EvalDecision: r.EvalDecision })) }),
  iam('simulate/principal-explicit-deny', 'SimulatePrincipalPolicy', {
    PolicySourceArn: arn('user', 'staff/alice'),
    ActionNames: ['s3:GetObject'],
    ResourceArns: ['arn:aws:s3:::acme-payroll/salaries.csv'],
  }, { pick: (o) => o.EvaluationResults.map((r: any) => ({ EvalActionName: r.EvalActionName, EvalDecision: r.EvalDecision })) }),
  iam('simulate/custom', 'SimulateCustomPolicy', {
    PolicyInputList: [REPORTS_READER],
    ActionNames: ['s3:ListBucket', 's3:PutObject'],
    ResourceArns: ['arn:aws:s3:::acme-reports'],
  }, { pick: (o) => o.EvaluationResults.map((r: any) => ({ EvalActionName: r.EvalActionName, EvalDecision: r.EvalDecision })) }),

  // moto applies these invalid updates: run them once nothing later reads alice-role.
  iam('roles/update-bad-duration', 'UpdateRole', { RoleName: 'alice-role', MaxSessionDuration: 60 }),
  iam('roles/update-trust-malformed', 'UpdateAssumeRolePolicy', { RoleName: 'alice-role', PolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }) }),

  // ── enforcement as a user with no IAM permissions ────────────────────────
  iam('enforce/list-users-as-bob', 'ListUsers', { PathPrefix: '/staff/' }, { as: (v) => keyOf(v, 'bobKey') }),

  // ── DeleteConflict, then a clean teardown ────────────────────────────────
  iam('teardown/delete-user-with-everything', 'DeleteUser', { UserName: 'alice' }),
  iam('teardown/delete-mfa-while-enabled', 'DeleteVirtualMFADevice', (v) => ({ SerialNumber: v.mfaSerial })),
  iam('teardown/deactivate-mfa', 'DeactivateMFADevice', (v) => ({ UserName: 'alice', SerialNumber: v.mfaSerial })),
  iam('teardown/delete-mfa', 'DeleteVirtualMFADevice', (v) => ({ SerialNumber: v.mfaSerial })),
  iam('teardown/delete-mfa-again', 'DeleteVirtualMFADevice', (v) => ({ SerialNumber: v.mfaSerial })),
  iam('teardown/remove-from-group', 'RemoveUserFromGroup', { GroupName: 'developers', UserName: 'alice' }),
  iam('teardown/remove-from-group-again', 'RemoveUserFromGroup', { GroupName: 'developers', UserName: 'alice' }),
  iam('teardown/delete-user-with-policies-and-keys', 'DeleteUser', { UserName: 'alice' }),
  iam('teardown/detach-user-customer', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: P('ReportsReader') }),
  iam('teardown/detach-user-aws', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: awsPolicy('AmazonS3ReadOnlyAccess') }),
  iam('teardown/detach-user-not-attached', 'DetachUserPolicy', { UserName: 'alice', PolicyArn: awsPolicy('AmazonS3ReadOnlyAccess') }),
  iam('teardown/delete-user-inline', 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'deny-payroll' }),
  iam('teardown/delete-user-inline-again', 'DeleteUserPolicy', { UserName: 'alice', PolicyName: 'deny-payroll' }),
  iam('teardown/delete-user-with-key-and-login', 'DeleteUser', { UserName: 'alice' }),
  iam('teardown/delete-key-1', 'DeleteAccessKey', (v) => ({ UserName: 'alice', AccessKeyId: v.aliceKey.accessKeyId })),
  iam('teardown/delete-login-profile', 'DeleteLoginProfile', { UserName: 'alice' }),
  iam('teardown/delete-login-profile-again', 'DeleteLoginProfile', { UserName: 'alice' }),
  iam('teardown/delete-alice', 'DeleteUser', { UserName: 'alice' }),
  iam('teardown/get-deleted-alice', 'GetUser', { UserName: 'alice' }),
  // moto deletes a group that still has policies: check DeleteConflict on a throwaway group.
  iam('teardown/create-auditors', 'CreateGroup', { GroupName: 'auditors' }),
  iam('teardown/put-auditors-inline', 'PutGroupPolicy', { GroupName: 'auditors', PolicyName: 'read', PolicyDocument: REPORTS_READER }),
  iam('teardown/delete-group-with-policies', 'DeleteGroup', { GroupName: 'auditors' }),
  iam('teardown/delete-auditors-inline', 'DeleteGroupPolicy', { GroupName: 'auditors', PolicyName: 'read' }),
  iam('teardown/delete-auditors', 'DeleteGroup', { GroupName: 'auditors' }),
  iam('teardown/detach-group', 'DetachGroupPolicy', { GroupName: 'developers', PolicyArn: P('ReportsReader') }),
  iam('teardown/detach-group-aws', 'DetachGroupPolicy', { GroupName: 'developers', PolicyArn: awsPolicy('AmazonS3FullAccess') }),
  iam('teardown/delete-group-inline', 'DeleteGroupPolicy', { GroupName: 'developers', PolicyName: 'deny-payroll' }),
  iam('teardown/delete-group', 'DeleteGroup', { GroupName: 'developers' }),
  iam('teardown/remove-role-from-profile', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'app-profile', RoleName: 'app-role' }),
  iam('teardown/remove-role-from-profile-again', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'app-profile', RoleName: 'app-role' }),
  iam('teardown/delete-profile', 'DeleteInstanceProfile', { InstanceProfileName: 'app-profile' }),
  iam('teardown/delete-role-with-policies', 'DeleteRole', { RoleName: 'app-role' }),
  iam('teardown/detach-role', 'DetachRolePolicy', { RoleName: 'app-role', PolicyArn: awsPolicy('AmazonSSMManagedInstanceCore') }),
  iam('teardown/delete-role-inline', 'DeleteRolePolicy', { RoleName: 'app-role', PolicyName: 'read-reports' }),
  iam('teardown/delete-role', 'DeleteRole', { RoleName: 'app-role' }),
  iam('teardown/delete-role-again', 'DeleteRole', { RoleName: 'app-role' }),
  iam('teardown/delete-policy-with-versions', 'DeletePolicy', { PolicyArn: P('ReportsReader') }),
  iam('teardown/delete-version-2', 'DeletePolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v2' }),
  iam('teardown/delete-version-4', 'DeletePolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v4' }),
  iam('teardown/delete-version-1', 'DeletePolicyVersion', { PolicyArn: P('ReportsReader'), VersionId: 'v1' }),
  iam('teardown/delete-policy', 'DeletePolicy', { PolicyArn: P('ReportsReader') }),
  iam('teardown/list-local-policies-empty', 'ListPolicies', { Scope: 'Local', PathPrefix: '/course/' }),
  iam('teardown/delete-user-missing', 'DeleteUser', { UserName: 'alice' }),
  iam('teardown/remove-bob-from-reviewers', 'RemoveUserFromGroup', { GroupName: 'reviewers', UserName: 'bob' }),
  iam('teardown/delete-reviewers', 'DeleteGroup', { GroupName: 'reviewers' }),
  iam('teardown/delete-bob-device', 'DeleteVirtualMFADevice', (v) => ({ SerialNumber: v.bobMfaSerial })),
];

/** Every IAM/STS operation issue 2 asks for; the test checks the script covers each one. */
export const REQUIRED_OPERATIONS = {
  iam: [
    'CreateUser', 'GetUser', 'ListUsers', 'UpdateUser', 'DeleteUser', 'TagUser', 'UntagUser', 'ListUserTags',
    'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey', 'GetAccessKeyLastUsed',
    'CreateLoginProfile', 'GetLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile',
    'CreateGroup', 'GetGroup', 'ListGroups', 'DeleteGroup', 'AddUserToGroup', 'RemoveUserFromGroup', 'ListGroupsForUser',
    'CreateRole', 'GetRole', 'ListRoles', 'DeleteRole', 'UpdateAssumeRolePolicy', 'UpdateRole', 'TagRole', 'UntagRole', 'ListRoleTags',
    'CreateInstanceProfile', 'GetInstanceProfile', 'ListInstanceProfiles', 'DeleteInstanceProfile',
    'AddRoleToInstanceProfile', 'RemoveRoleFromInstanceProfile', 'ListInstanceProfilesForRole',
    'CreatePolicy', 'GetPolicy', 'DeletePolicy', 'ListPolicies',
    'CreatePolicyVersion', 'GetPolicyVersion', 'ListPolicyVersions', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
    'AttachUserPolicy', 'DetachUserPolicy', 'ListAttachedUserPolicies',
    'AttachGroupPolicy', 'DetachGroupPolicy', 'ListAttachedGroupPolicies',
    'AttachRolePolicy', 'DetachRolePolicy', 'ListAttachedRolePolicies',
    'PutUserPolicy', 'GetUserPolicy', 'DeleteUserPolicy', 'ListUserPolicies',
    'PutGroupPolicy', 'GetGroupPolicy', 'DeleteGroupPolicy', 'ListGroupPolicies',
    'PutRolePolicy', 'GetRolePolicy', 'DeleteRolePolicy', 'ListRolePolicies',
    'ListEntitiesForPolicy', 'GetAccountAuthorizationDetails',
    'PutUserPermissionsBoundary', 'DeleteUserPermissionsBoundary', 'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary',
    'UpdateAccountPasswordPolicy', 'GetAccountPasswordPolicy', 'DeleteAccountPasswordPolicy',
    'CreateVirtualMFADevice', 'EnableMFADevice', 'ListMFADevices', 'DeactivateMFADevice', 'DeleteVirtualMFADevice',
    'GenerateCredentialReport', 'GetCredentialReport', 'GetAccountSummary',
    'SimulatePrincipalPolicy', 'SimulateCustomPolicy',
  ],
  sts: ['GetCallerIdentity', 'AssumeRole', 'GetSessionToken'],
} as const;

/** The SDK command class for an operation (the script names operations, not classes). */
export function commandFor(service: Service, op: string): new (input: any) => any {
  const mod: Record<string, unknown> = service === 'iam' ? IAM : service === 'sts' ? STS : S3;
  const ctor = mod[`${op}Command`];
  if (typeof ctor !== 'function') throw new Error(`No SDK command ${op}Command in @aws-sdk/client-${service}`);
  return ctor as new (input: any) => any;
}
