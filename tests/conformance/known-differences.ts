/**
 * Every difference between the embedded emulator and moto_server 5.2.1 that the conformance
 * suite accepts, each with the AWS documentation that decides it (AWS wins). docs/emulator-
 * coverage.md describes the same list in prose; keep them together.
 *
 * `emulator` pins what the emulator answers (a partial of its normalized result), so an entry
 * can never hide the emulator drifting away from AWS. `fields` limits which result paths may
 * differ (all when absent).
 */
import { NON_AWS_ID } from './normalize.js';

export interface KnownDifference {
  step: string;
  /** what AWS does, and so the emulator */
  aws: string;
  /** what moto_server 5.2.1 does */
  moto: string;
  doc: string;
  fields?: string[];
  emulator?: Record<string, unknown>;
}

export interface GlobalDifference {
  id: string;
  aws: string;
  moto: string;
  doc: string;
  matches(path: string, emulator: unknown, moto: unknown): boolean;
}

const API = (op: string) => `https://docs.aws.amazon.com/IAM/latest/APIReference/API_${op}.html`;
const STS_API = (op: string) => `https://docs.aws.amazon.com/STS/latest/APIReference/API_${op}.html`;
const UNIQUE_IDS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids';
const NAMES = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names';
const DELETE_USER_CLI = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html';
const GRAMMAR = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html';
const ERR = (code: string) => ({ ok: false, error: code });

/** Differences that occur in many steps and are decided once. */
export const GLOBAL_DIFFERENCES: GlobalDifference[] = [
  {
    id: 'unique-id-format',
    aws: 'Unique ids start with a type prefix (AIDA user, AGPA group, AROA role, ANPA policy, AIPA instance profile) followed by upper-case letters and digits.',
    moto: 'Returns 20 random lower-case characters for user and group ids.',
    doc: UNIQUE_IDS,
    matches: (path, a, b) =>
      /(?:^|\.)(UserId|GroupId|RoleId|PolicyId|InstanceProfileId|AssumedRoleId)$/.test(path) &&
      typeof a === 'string' &&
      /^<id:A[A-Z0-9]{3}>/.test(a) &&
      typeof b === 'string' &&
      (b.startsWith(NON_AWS_ID) || (/PolicyId$/.test(path) && /^<id:A[A-Z0-9]{3}>$/.test(b) && a !== b)),
  },
  {
    id: 'policy-boundary-usage-count',
    aws: 'Policy objects carry PermissionsBoundaryUsageCount (how many users and roles use it as a boundary).',
    moto: 'Omits PermissionsBoundaryUsageCount.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html',
    matches: (path, a, b) => /(?:^|\.)PermissionsBoundaryUsageCount$/.test(path) && typeof a === 'number' && b === undefined,
  },
  {
    id: 'empty-collections',
    aws: 'An empty optional list or structure (Tags, RoleLastUsed) is either omitted or empty; the SDK reads both the same way.',
    moto: 'Sends empty <Tags/> and <RoleLastUsed/> elements where the emulator omits them (or the reverse).',
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html',
    matches: (path, a, b) => /(?:^|\.)(Tags|RoleLastUsed)$/.test(path) && isEmpty(a) && isEmpty(b),
  },
  {
    id: 'is-truncated-always-present',
    aws: 'Every paginated List response carries IsTruncated (false on the last page).',
    moto: 'Omits IsTruncated from several List responses (ListAccessKeys, GetGroup, ListGroups, …).',
    doc: API('ListAccessKeys'),
    matches: (path, a, b) => /(?:^|\.)IsTruncated$/.test(path) && a === false && b === undefined,
  },
];

function isEmpty(v: unknown): boolean {
  return v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

/** Only the error message differs: the emulator uses AWS's wording, moto its own. */
const wording = (step: string, op: string, awsMessage: string, motoMessage: string, api = API): KnownDifference => ({
  step,
  aws: `Same error code and status; AWS's message: "${awsMessage}"`,
  moto: `Own wording: "${motoMessage}"`,
  doc: api(op),
  fields: ['message'],
});

/** moto accepts a request AWS rejects with `code`. */
const rejects = (step: string, op: string, code: string, aws: string, doc = API(op)): KnownDifference => ({
  step,
  aws,
  moto: 'Accepts the request.',
  doc,
  emulator: ERR(code),
});

/** A consequence of moto having accepted something earlier (named), not a new difference. */
const cascade = (step: string, cause: string, doc: string, emulator?: Record<string, unknown>): KnownDifference => ({
  step,
  aws: `Follows from AWS's behaviour in ${cause}.`,
  moto: `Differs only because moto accepted ${cause} earlier in the script.`,
  doc,
  emulator,
});

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  // users
  {
    step: 'users/list-page-1',
    aws: 'MaxItems limits the page; IsTruncated and Marker lead to the next page (the CLI auto-paginates with them).',
    moto: 'Ignores MaxItems on ListUsers and returns every user with IsTruncated false.',
    doc: API('ListUsers'),
    emulator: { ok: true, output: { IsTruncated: true, Marker: '<marker>' } },
  },
  { step: 'users/list-page-2', aws: 'The second page holds the remaining user.', moto: 'Returns every user again (no pagination).', doc: API('ListUsers') },
  wording('users/create-duplicate', 'CreateUser', 'User with name alice already exists.', 'User alice already exists'),
  rejects('users/create-duplicate-other-case', 'CreateUser', 'EntityAlreadyExists', 'User names are unique case-insensitively: ALICE collides with alice.', NAMES),
  rejects('users/create-bad-name', 'CreateUser', 'ValidationError', 'UserName must match [\\w+=,.@-]+.'),
  rejects('users/create-name-too-long', 'CreateUser', 'ValidationError', 'UserName is at most 64 characters.'),
  rejects('users/create-bad-path', 'CreateUser', 'ValidationError', 'A path begins and ends with a slash.'),
  wording('users/update-missing', 'UpdateUser', 'The user with name nobody cannot be found.', 'User nobody not found'),

  // access keys and identity
  {
    step: 'keys/caller-identity-inactive-key',
    aws: 'A request signed with an Inactive access key is refused (InvalidClientTokenId).',
    moto: 'Accepts requests signed with an inactive key.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console',
    emulator: { ok: false, error: 'InvalidClientTokenId', status: 403 },
  },
  wording('keys/delete-2-again', 'DeleteAccessKey', 'The Access Key with id … cannot be found.', 'The Access Key with id … cannot be found'),
  {
    step: 'keys/caller-identity-deleted-key',
    aws: 'A deleted access key is unknown: InvalidClientTokenId.',
    moto: 'Accepts any access key and answers as its default user arn:aws:sts::…:user/moto.',
    doc: STS_API('GetCallerIdentity'),
    emulator: { ok: false, error: 'InvalidClientTokenId', status: 403 },
  },
  wording('keys/update-unknown', 'UpdateAccessKey', 'The Access Key with id … cannot be found.', 'The Access Key with id … cannot be found'),
  {
    step: 'sts/caller-identity-root',
    aws: "The account's root credentials answer with arn:aws:iam::ACCOUNT:root and the account id as UserId.",
    moto: 'Answers arn:aws:sts::ACCOUNT:user/moto with the access key as UserId.',
    doc: STS_API('GetCallerIdentity'),
    emulator: { ok: true, output: { Arn: 'arn:aws:iam::000000000000:root', UserId: '000000000000' } },
  },

  // login profiles and password policy
  {
    step: 'login/create',
    aws: 'PasswordResetRequired is returned as requested (true).',
    moto: 'Ignores PasswordResetRequired (always false).',
    doc: API('CreateLoginProfile'),
    emulator: { ok: true, output: { LoginProfile: { PasswordResetRequired: true } } },
  },
  wording('login/create-again', 'CreateLoginProfile', 'Login Profile for user alice already exists.', 'User alice already has password'),
  {
    step: 'login/get',
    aws: 'PasswordResetRequired is kept (true).',
    moto: 'Reports false.',
    doc: API('GetLoginProfile'),
    emulator: { ok: true, output: { LoginProfile: { PasswordResetRequired: true } } },
  },
  {
    step: 'login/get-after-update',
    aws: 'UpdateLoginProfile changes the flag; the login profile still exists.',
    moto: 'UpdateLoginProfile without a password loses the login profile (NoSuchEntity afterwards).',
    doc: API('UpdateLoginProfile'),
    emulator: { ok: true, output: { LoginProfile: { PasswordResetRequired: false } } },
  },
  wording('login/get-missing', 'GetLoginProfile', 'Login Profile for User bob cannot be found.', 'Login profile for bob not found'),
  {
    step: 'password-policy/get',
    aws: 'HardExpiry is returned only when it was set (the documented example response omits it).',
    moto: 'Always returns HardExpiry false.',
    doc: 'https://docs.aws.amazon.com/cli/latest/reference/iam/get-account-password-policy.html',
    fields: ['output.PasswordPolicy.HardExpiry'],
  },
  rejects('password-policy/violation-on-create', 'CreateLoginProfile', 'PasswordPolicyViolation', "A password that breaks the account's password policy is refused."),
  {
    step: 'password-policy/violation-on-update',
    aws: "A new password that breaks the account's password policy is refused with PasswordPolicyViolation.",
    moto: 'Answers NoSuchEntity (it lost the login profile on the earlier UpdateLoginProfile) and does not check the policy.',
    doc: API('UpdateLoginProfile'),
    emulator: ERR('PasswordPolicyViolation'),
  },

  // groups
  rejects('groups/create-duplicate', 'CreateGroup', 'EntityAlreadyExists', 'Group names are unique case-insensitively.', NAMES),
  wording('groups/add-to-missing-group', 'AddUserToGroup', 'The group with name nogroup cannot be found.', 'Group nogroup not found'),
  {
    step: 'groups/get',
    aws: "GetGroup's user list does not carry tags (listing operations return a subset of attributes).",
    moto: "Includes each user's Tags.",
    doc: API('GetGroup'),
    fields: ['output.Users.0.Tags'],
  },
  wording('groups/get-missing', 'GetGroup', 'The group with name nogroup cannot be found.', 'Group nogroup not found'),
  rejects('groups/delete-with-member', 'DeleteGroup', 'DeleteConflict', 'A group with members cannot be deleted: DeleteConflict.'),

  // managed policies
  {
    step: 'policies/create',
    aws: "Undecided: the Policy data type documents Description as returned by GetPolicy and not by ListPolicies; CreatePolicy is not mentioned. The emulator echoes it (open question, see docs/emulator-coverage.md).",
    moto: 'Omits Description from the CreatePolicy response.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html',
    fields: ['output.Policy.Description'],
  },
  rejects('policies/create-duplicate', 'CreatePolicy', 'EntityAlreadyExists', 'Customer managed policy names are unique in the account, whatever the path.'),
  rejects('policies/create-principal-in-identity-policy', 'CreatePolicy', 'MalformedPolicyDocument', 'An identity-based policy must not have a Principal element.', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html'),
  wording('policies/create-bad-version', 'CreatePolicy', 'The policy failed legacy parsing', 'Syntax errors in policy.'),
  {
    step: 'policies/delete-aws-managed',
    aws: 'AWS managed policies belong to AWS: deleting or changing one is AccessDenied (403) "Cannot delete policies outside your own account." (recorded AWS responses).',
    moto: 'Deletes the AWS managed policy.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies',
    emulator: { ok: false, error: 'AccessDenied', status: 403, message: 'Cannot delete policies outside your own account.' },
  },
  {
    step: 'policies/get-not-a-policy-arn',
    aws: 'An ARN that is not a policy ARN is a ValidationError (400) "ARN … is not valid." before any lookup (recorded AWS responses).',
    moto: 'NoSuchEntity 404.',
    doc: API('GetPolicy'),
    emulator: { ok: false, error: 'ValidationError', status: 400 },
  },
  wording('policies/get-missing', 'GetPolicy', 'Policy arn:aws:iam::000000000000:policy/Nope was not found.', 'Policy … not found'),
  ...[2, 3, 4, 5].map(
    (n): KnownDifference => ({
      step: `policies/version-${n}`,
      aws: "CreatePolicyVersion's PolicyVersion has no Document (only GetPolicyVersion and GetAccountAuthorizationDetails return it).",
      moto: 'Echoes the Document.',
      doc: API('CreatePolicyVersion'),
      fields: ['output.PolicyVersion.Document'],
    }),
  ),
  {
    step: 'policies/list-versions',
    aws: 'ListPolicyVersions returns version ids, dates and the default flag, without documents.',
    moto: 'Includes every Document (which also changes the order the comparison sees).',
    doc: API('ListPolicyVersions'),
    fields: ['output.Versions'],
  },
  wording('policies/get-deleted-version', 'GetPolicyVersion', 'Policy … version v5 does not exist or is not attachable.', 'Policy version not found'),
  cascade('attach/create-throwaway', 'policies/create-duplicate (moto shows the duplicate ReportsReader it created)', API('CreatePolicy')),
  rejects('attach/delete-attached-policy', 'DeletePolicy', 'DeleteConflict', 'A policy still attached to a user, group or role cannot be deleted: DeleteConflict.'),
  cascade('attach/detach-throwaway', 'attach/delete-attached-policy', API('DeletePolicy'), { ok: true }),
  cascade('attach/delete-throwaway', 'attach/delete-attached-policy', API('DeletePolicy'), { ok: true }),
  wording('attach/get-deleted-policy', 'GetPolicy', 'Policy … was not found.', 'Policy … not found'),
  wording('inline/get-user-missing', 'GetUserPolicy', 'The user policy with name nope cannot be found.', 'Policy nope not found'),

  // roles and instance profiles
  rejects('roles/create-duplicate', 'CreateRole', 'EntityAlreadyExists', 'Role names are unique case-insensitively.', NAMES),
  ...['roles/create-ec2', 'roles/create-alice-role', 'sts/create-external-id-role'].map(
    (step): KnownDifference => ({
      step,
      aws: "CreateRole's Role has no MaxSessionDuration and no RoleLastUsed (recorded AWS responses); GetRole and ListRoles show MaxSessionDuration.",
      moto: 'Returns MaxSessionDuration 3600 and an empty RoleLastUsed.',
      doc: API('CreateRole'),
      fields: ['output.Role.MaxSessionDuration', 'output.Role.RoleLastUsed'],
    }),
  ),
  rejects('roles/create-trust-without-principal', 'CreateRole', 'MalformedPolicyDocument', 'A trust policy must name a Principal.', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html'),
  rejects('roles/create-trust-bad-json', 'CreateRole', 'MalformedPolicyDocument', 'A trust policy that is not JSON is refused.', GRAMMAR),
  rejects('roles/create-trust-wrong-action', 'CreateRole', 'MalformedPolicyDocument', 'A trust policy may only allow the STS actions that act on a role: "AssumeRole policy may only specify STS AssumeRole actions."', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html'),
  rejects('roles/create-trust-unknown-service', 'CreateRole', 'MalformedPolicyDocument', 'A service principal AWS does not know is refused: Invalid principal in policy: "SERVICE":"lamda.amazonaws.com".', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services'),
  wording('roles/get-missing', 'GetRole', 'The role with name no-role cannot be found.', 'Role no-role not found'),
  ...['profiles/get', 'profiles/list', 'profiles/list-for-role'].map(
    (step): KnownDifference => ({
      step,
      aws: "Undecided: AWS documents that listing operations return a subset of attributes and do not return tags; whether the role inside an instance profile carries its Tags is not documented. The emulator includes them (open question, see docs/emulator-coverage.md).",
      moto: 'Omits the Tags of the role inside the instance profile.',
      doc: API('ListInstanceProfiles'),
      fields: ['output.InstanceProfile.Roles.0.Tags', 'output.InstanceProfiles.0.Roles.0.Tags'],
    }),
  ),
  wording('profiles/get-missing', 'GetInstanceProfile', 'Instance Profile nope cannot be found.', 'Instance profile nope not found'),

  // boundaries
  {
    step: 'boundary/put-user',
    aws: 'PutUserPermissionsBoundary sets the boundary.',
    moto: 'Not implemented (HTTP 500 HTML page).',
    doc: API('PutUserPermissionsBoundary'),
    emulator: { ok: true },
  },
  cascade('boundary/get-user', 'boundary/put-user (moto never set the boundary)', API('GetUser'), {
    ok: true,
    output: { User: { PermissionsBoundary: { PermissionsBoundaryType: 'Policy' } } },
  }),
  { step: 'boundary/delete-user', aws: 'Removes the boundary.', moto: 'Not implemented (HTTP 500).', doc: API('DeleteUserPermissionsBoundary'), emulator: { ok: true } },
  {
    step: 'boundary/get-role',
    aws: "PermissionsBoundaryType is 'Policy' (the only valid value).",
    moto: "Returns 'PermissionsBoundaryPolicy'.",
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachedPermissionsBoundary.html',
    fields: ['output.Role.PermissionsBoundary.PermissionsBoundaryType'],
    emulator: { ok: true, output: { Role: { PermissionsBoundary: { PermissionsBoundaryType: 'Policy' } } } },
  },
  {
    step: 'boundary/put-user-missing-policy',
    aws: 'A boundary policy that does not exist: NoSuchEntity.',
    moto: 'Not implemented (HTTP 500).',
    doc: API('PutUserPermissionsBoundary'),
    emulator: ERR('NoSuchEntity'),
  },

  // STS
  {
    step: 'sts/assume-role',
    aws: 'PackedPolicySize is returned only when session policies or tags were passed.',
    moto: 'Always returns PackedPolicySize 6.',
    doc: STS_API('AssumeRole'),
    fields: ['output.PackedPolicySize'],
  },
  {
    step: 'sts/role-last-used',
    aws: 'RoleLastUsed has LastUsedDate and Region.',
    moto: 'Omits Region.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html',
    fields: ['output.RoleLastUsed.Region'],
    emulator: { ok: true, output: { RoleLastUsed: { Region: 'us-east-1' } } },
  },
  rejects('sts/assume-role-untrusted', 'AssumeRole', 'AccessDenied', "The role's trust policy does not name bob (and bob has no identity policy allowing sts:AssumeRole): AccessDenied.", 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_compare-resource-policies.html'),
  rejects('sts/assume-without-external-id', 'AssumeRole', 'AccessDenied', "The trust policy's sts:ExternalId condition is not met when no ExternalId is passed: AccessDenied.", 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html'),
  rejects('sts/assume-service-role-as-user', 'AssumeRole', 'AccessDenied', 'A role that trusts only lambda.amazonaws.com cannot be assumed by an IAM user: AccessDenied.', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services'),
  rejects('sts/assume-role-too-long', 'AssumeRole', 'ValidationError', "DurationSeconds above the role's MaxSessionDuration is refused.", STS_API('AssumeRole')),
  rejects('sts/assume-role-missing-role', 'AssumeRole', 'AccessDenied', 'Assuming a role that does not exist is AccessDenied (no trust policy can allow it).', STS_API('AssumeRole')),
  rejects('sts/assume-role-bad-session-name', 'AssumeRole', 'ValidationError', 'RoleSessionName must match [\\w+=,.@-]*.', STS_API('AssumeRole')),
  {
    step: 'sts/session-token',
    aws: 'Temporary credentials have access key ids starting with ASIA.',
    moto: 'Returns AKIA… keys for GetSessionToken.',
    doc: UNIQUE_IDS,
    fields: ['output.AccessKeyPrefix'],
    emulator: { ok: true, output: { AccessKeyPrefix: 'ASIA' } },
  },
  {
    step: 'sts/caller-identity-session-token',
    aws: 'GetSessionToken credentials act as the IAM user who requested them.',
    moto: 'Does not recognize them (answers as its default user/moto).',
    doc: STS_API('GetSessionToken'),
    emulator: { ok: true, output: { Arn: 'arn:aws:iam::000000000000:user/staff/alice' } },
  },
  rejects('sts/session-token-too-short', 'GetSessionToken', 'ValidationError', 'DurationSeconds is at least 900.', STS_API('GetSessionToken')),

  // MFA and account
  wording('mfa/create-duplicate', 'CreateVirtualMFADevice', 'MFA device already exists.', 'MFADevice entity at the same path and name already exists.'),
  rejects('mfa/enable-wrong-codes', 'EnableMFADevice', 'InvalidAuthenticationCode', 'Both authentication codes must be valid consecutive TOTP codes.'),
  cascade('account/summary', 'mfa/enable-wrong-codes (moto counts bob-phone as in use)', API('GetAccountSummary')),
  {
    step: 'account/get-credential-report',
    aws: 'The credential report has a <root_account> row.',
    moto: 'Lists only IAM users.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html',
    fields: ['output.users'],
  },
  cascade('account/authorization-details-users', 'groups/delete-with-member and attach/delete-attached-policy', API('GetAccountAuthorizationDetails')),
  ...['simulate/principal-allowed', 'simulate/principal-explicit-deny'].map(
    (step): KnownDifference => ({ step, aws: 'Simulates the principal’s policies.', moto: 'Not implemented (HTTP 500).', doc: API('SimulatePrincipalPolicy'), emulator: { ok: true } }),
  ),
  { step: 'simulate/custom', aws: 'Simulates the given policies.', moto: 'Not implemented (HTTP 500).', doc: API('SimulateCustomPolicy'), emulator: { ok: true } },
  rejects('roles/update-bad-duration', 'UpdateRole', 'ValidationError', 'MaxSessionDuration is 3600 to 43200 seconds.'),
  rejects('roles/update-trust-malformed', 'UpdateAssumeRolePolicy', 'MalformedPolicyDocument', 'A trust policy must name a Principal.'),
  {
    step: 'enforce/list-users-as-bob',
    aws: 'A user with no identity policy is denied iam:ListUsers (implicit deny), in AWS’s AccessDenied wording.',
    moto: 'Does not enforce IAM by default: lists the users.',
    doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
    emulator: { ok: false, error: 'AccessDenied', status: 403 },
  },

  // S3 (s3-script.ts)
  rejects('s3/create-bucket-bad-name', 'CreateBucket', 'InvalidBucketName', 'Bucket names are 3-63 lower-case letters, digits, dots and hyphens: Bad_Bucket is refused.', 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html'),
  {
    step: 's3/get-public-access-block-default',
    aws: 'Buckets created since April 2023 have all four Block Public Access settings on.',
    moto: 'Has no configuration for a new bucket (NoSuchPublicAccessBlockConfiguration).',
    doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html',
    emulator: { ok: true, output: { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } } },
  },
  {
    step: 's3/get-ownership-controls-default',
    aws: 'Buckets created since April 2023 are BucketOwnerEnforced (ACLs disabled).',
    moto: 'Has no ownership controls for a new bucket (OwnershipControlsNotFoundError).',
    doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html',
    emulator: { ok: true, output: { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } } },
  },
  rejects('s3/put-bucket-acl-public-read', 'PutBucketAcl', 'AccessControlListNotSupported', 'With ACLs disabled (BucketOwnerEnforced), an ACL other than the owner\'s full control is refused: "The bucket does not allow ACLs".', 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html'),
  cascade('s3/get-bucket-acl', 's3/put-bucket-acl-public-read (moto grants AllUsers READ)', 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html'),
  {
    step: 's3/get-bucket-policy-status',
    aws: 'PolicyStatus.IsPublic is false for a policy that grants only named principals.',
    moto: 'Omits IsPublic.',
    doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status',
    emulator: { ok: true, output: { PolicyStatus: { IsPublic: false } } },
  },
  rejects('s3/put-bucket-policy-public-blocked', 'PutBucketPolicy', 'AccessDenied', 'BlockPublicPolicy (on for new buckets) refuses a public bucket policy with AccessDenied.', 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html'),
  rejects('s3/put-bucket-policy-unknown-principal', 'PutBucketPolicy', 'MalformedPolicy', 'A bucket policy naming an IAM role that does not exist is refused ("Invalid principal in policy").', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html'),
  rejects('s3/put-bucket-policy-malformed', 'PutBucketPolicy', 'MalformedPolicy', 'A bucket policy that is not JSON is refused.', 'https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html'),
  rejects('s3/put-bucket-policy-no-principal', 'PutBucketPolicy', 'MalformedPolicy', 'A resource-based policy must name a Principal.', 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html'),

  // teardown
  {
    step: 'teardown/delete-user-with-everything',
    aws: 'DeleteConflict; AWS reports one subordinate entity at a time (which one first is not documented).',
    moto: 'DeleteConflict naming attached policies first.',
    doc: DELETE_USER_CLI,
    fields: ['message'],
    emulator: ERR('DeleteConflict'),
  },
  rejects('teardown/delete-mfa-while-enabled', 'DeleteVirtualMFADevice', 'DeleteConflict', 'An MFA device still enabled for a user cannot be deleted: deactivate it first.'),
  cascade('teardown/delete-mfa', 'teardown/delete-mfa-while-enabled (moto already deleted the device)', API('DeleteVirtualMFADevice'), { ok: true }),
  {
    step: 'teardown/remove-from-group-again',
    aws: 'Removing a user who is no longer a member is accepted without error (observed on AWS, e.g. cloud-custodian PR #4730; the API reference lists no error for it).',
    moto: 'NoSuchEntity "User alice not in group developers".',
    doc: API('RemoveUserFromGroup'),
  },
  {
    step: 'teardown/delete-user-with-policies-and-keys',
    aws: 'DeleteConflict (one subordinate entity named at a time).',
    moto: 'DeleteConflict naming attached policies.',
    doc: DELETE_USER_CLI,
    fields: ['message'],
    emulator: ERR('DeleteConflict'),
  },
  wording('teardown/delete-user-inline-again', 'DeleteUserPolicy', 'The user policy with name deny-payroll cannot be found.', 'Policy deny-payroll not found'),
  {
    step: 'teardown/delete-user-with-key-and-login',
    aws: 'A user with an access key and a login profile cannot be deleted: DeleteConflict.',
    moto: 'Deletes the user (it checks only policies, not keys or login profiles).',
    doc: DELETE_USER_CLI,
    emulator: ERR('DeleteConflict'),
  },
  cascade('teardown/delete-key-1', 'teardown/delete-user-with-key-and-login (moto deleted alice)', API('DeleteAccessKey'), { ok: true }),
  cascade('teardown/delete-login-profile', 'login/get-after-update (moto lost the login profile)', API('DeleteLoginProfile'), { ok: true }),
  wording('teardown/delete-login-profile-again', 'DeleteLoginProfile', 'Login Profile for User alice cannot be found.', 'Login profile for alice not found'),
  cascade('teardown/delete-alice', 'teardown/delete-user-with-key-and-login (moto deleted alice)', API('DeleteUser'), { ok: true }),
  rejects('teardown/delete-group-with-policies', 'DeleteGroup', 'DeleteConflict', 'A group with inline or attached policies cannot be deleted: DeleteConflict.'),
  cascade('teardown/delete-auditors-inline', 'teardown/delete-group-with-policies (moto deleted the group)', API('DeleteGroupPolicy'), { ok: true }),
  cascade('teardown/delete-auditors', 'teardown/delete-group-with-policies (moto deleted the group)', API('DeleteGroup'), { ok: true }),
  {
    step: 'teardown/remove-role-from-profile-again',
    aws: 'NoSuchEntity: the role is not in the instance profile.',
    moto: 'Crashes (HTTP 500).',
    doc: API('RemoveRoleFromInstanceProfile'),
    emulator: ERR('NoSuchEntity'),
  },
  wording('teardown/delete-role-again', 'DeleteRole', 'The role with name app-role cannot be found.', 'Role app-role not found'),
  rejects('teardown/delete-policy-with-versions', 'DeletePolicy', 'DeleteConflict', 'A policy with non-default versions cannot be deleted: delete them first.'),
  ...['teardown/delete-version-2', 'teardown/delete-version-4', 'teardown/delete-version-1', 'teardown/delete-policy'].map((step) =>
    cascade(step, 'teardown/delete-policy-with-versions (moto already deleted the policy)', API('DeletePolicyVersion'), { ok: true }),
  ),
  cascade('teardown/remove-bob-from-reviewers', 'groups/delete-with-member (moto deleted the group)', API('RemoveUserFromGroup'), { ok: true }),
  cascade('teardown/delete-reviewers', 'groups/delete-with-member (moto deleted the group)', API('DeleteGroup'), { ok: true }),
];
