/**
 * Account-wide IAM settings and reports: the account password policy (and the check every
 * console password goes through), GetAccountSummary, and the credential report.
 */
import { CredentialReportNotPresent, NoSuchEntity, PasswordPolicyViolation } from '../../errors.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { Violations } from '../constraints.js';
import { nameKey, type PasswordPolicy } from '../models.js';
import { iam, nowIso } from '../util.js';
import { ACCESS_KEYS_PER_USER, keysOfUser } from './access-keys.js';
import { mfaDevicesOfUser } from './mfa.js';

// ---------------------------------------------------------------- password policy

/** The characters AWS counts as symbols in a password policy. */
const SYMBOLS = "!@#$%^&*()_+-=[]{}|'";
const hasSymbol = (pw: string) => [...pw].some((c) => SYMBOLS.includes(c));

/**
 * Throws PasswordPolicyViolation unless `password` satisfies the account's policy. Without a
 * custom policy AWS applies its default one: at least 8 characters, with at least three of
 * upper case, lower case, numbers and symbols.
 */
export function checkPasswordPolicy(policy: PasswordPolicy | undefined, password: string): void {
  if (!policy) {
    const kinds = [/[A-Z]/.test(password), /[a-z]/.test(password), /\d/.test(password), hasSymbol(password)].filter(Boolean).length;
    if (password.length < 8 || kinds < 3) {
      throw new PasswordPolicyViolation('Password does not conform to the account password policy.');
    }
    return;
  }
  if (password.length < policy.MinimumPasswordLength) {
    throw new PasswordPolicyViolation(`Password should have a minimum length of ${policy.MinimumPasswordLength}`);
  }
  if (policy.RequireUppercaseCharacters && !/[A-Z]/.test(password)) {
    throw new PasswordPolicyViolation('Password should have at least one uppercase letter');
  }
  if (policy.RequireLowercaseCharacters && !/[a-z]/.test(password)) {
    throw new PasswordPolicyViolation('Password should have at least one lowercase letter');
  }
  if (policy.RequireNumbers && !/\d/.test(password)) {
    throw new PasswordPolicyViolation('Password should have at least one number');
  }
  if (policy.RequireSymbols && !hasSymbol(password)) {
    throw new PasswordPolicyViolation('Password should have at least one symbol');
  }
}

function passwordPolicyShape(pp: PasswordPolicy) {
  return {
    MinimumPasswordLength: pp.MinimumPasswordLength,
    RequireSymbols: pp.RequireSymbols,
    RequireNumbers: pp.RequireNumbers,
    RequireUppercaseCharacters: pp.RequireUppercaseCharacters,
    RequireLowercaseCharacters: pp.RequireLowercaseCharacters,
    AllowUsersToChangePassword: pp.AllowUsersToChangePassword,
    ExpirePasswords: pp.ExpirePasswords,
    MaxPasswordAge: pp.MaxPasswordAge,
    PasswordReusePrevention: pp.PasswordReusePrevention,
    HardExpiry: pp.HardExpiry,
  };
}

// ---------------------------------------------------------------- account summary

/** GetAccountSummary's SummaryMap, in the order AWS returns it; quotas are AWS's defaults. */
function accountSummary(ctx: RequestContext): Map<string, number> {
  const s = iam(ctx);
  const devices = Object.values(s.mfaDevices);
  const attachments =
    Object.values(s.users).reduce((n, u) => n + u.attachedPolicies.length, 0) +
    Object.values(s.groups).reduce((n, g) => n + g.attachedPolicies.length, 0) +
    Object.values(s.roles).reduce((n, r) => n + r.attachedPolicies.length, 0);
  return new Map<string, number>([
    ['GroupPolicySizeQuota', 5120],
    ['InstanceProfilesQuota', 1000],
    ['Policies', Object.keys(s.policies).length],
    ['GroupsPerUserQuota', 10],
    ['InstanceProfiles', Object.keys(s.instanceProfiles).length],
    ['AttachedPoliciesPerUserQuota', 10],
    ['Users', Object.keys(s.users).length],
    ['PoliciesQuota', 1500],
    ['Providers', Object.keys(s.oidcProviders).length + Object.keys(s.samlProviders).length],
    // Root MFA and root access keys are not modelled (the root key `test` is a convention, not a key).
    ['AccountMFAEnabled', 0],
    ['AccessKeysPerUserQuota', ACCESS_KEYS_PER_USER],
    ['AssumeRolePolicySizeQuota', 2048],
    ['PolicyVersionsInUseQuota', 10000],
    ['GlobalEndpointTokenVersion', s.globalEndpointTokenVersion === 'v2Token' ? 2 : 1],
    ['VersionsPerPolicyQuota', 5],
    ['AttachedPoliciesPerGroupQuota', 10],
    ['PolicySizeQuota', 6144],
    ['Groups', Object.keys(s.groups).length],
    ['AccountSigningCertificatesPresent', 0],
    ['UsersQuota', 5000],
    ['ServerCertificatesQuota', 20],
    ['MFADevices', devices.length],
    ['UserPolicySizeQuota', 2048],
    ['PolicyVersionsInUse', attachments],
    ['ServerCertificates', Object.keys(s.serverCertificates).length],
    ['Roles', Object.keys(s.roles).length],
    ['RolesQuota', 1000],
    ['SigningCertificatesPerUserQuota', 2],
    ['MFADevicesInUse', devices.filter((d) => d.userName).length],
    ['RolePolicySizeQuota', 10240],
    ['AttachedPoliciesPerRoleQuota', 10],
    ['AccountAccessKeysPresent', 0],
    ['GroupsQuota', 300],
  ]);
}

// ---------------------------------------------------------------- credential report

export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** A credential report is reused for four hours. */
const REPORT_LIFETIME_MS = 4 * 3600 * 1000;

/** The report's timestamps: ISO 8601 to the second, with an explicit +00:00 offset. */
const reportDate = (iso: string): string => `${iso.slice(0, 19)}+00:00`;

function buildCredentialReport(ctx: RequestContext): string {
  const s = iam(ctx);
  const users = Object.values(s.users).sort((a, b) => a.createDate.localeCompare(b.createDate));
  const policy = s.passwordPolicy;
  // The account's creation time is not recorded; the oldest user's (or now) stands in for it.
  const accountCreated = users[0]?.createDate ?? nowIso();
  const rows: string[][] = [
    [
      '<root_account>',
      `arn:aws:iam::${ctx.account.accountId}:root`,
      reportDate(accountCreated),
      'not_supported',
      'no_information',
      'not_supported',
      'not_supported',
      'false',
      ...keyColumns(undefined),
      ...keyColumns(undefined),
      'false',
      'N/A',
      'false',
      'N/A',
    ],
  ];
  for (const u of users) {
    const profile = s.loginProfiles[nameKey(u.userName)];
    const keys = keysOfUser(ctx, u.userName);
    const changed = profile ? (profile.passwordLastChanged ?? profile.createDate) : undefined;
    let nextRotation = 'N/A';
    if (profile && changed && policy?.MaxPasswordAge) {
      nextRotation = reportDate(new Date(Date.parse(changed) + policy.MaxPasswordAge * 86_400_000).toISOString());
    }
    rows.push([
      u.userName,
      u.arn,
      reportDate(u.createDate),
      profile ? 'true' : 'false',
      profile ? (u.passwordLastUsed ? reportDate(u.passwordLastUsed) : 'no_information') : 'N/A',
      changed ? reportDate(changed) : 'N/A',
      nextRotation,
      mfaDevicesOfUser(ctx, u.userName).length ? 'true' : 'false',
      ...keyColumns(keys[0]),
      ...keyColumns(keys[1]),
      ...certColumns(ctx, u.userName),
    ]);
  }
  return [CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\n');
}

/** cert_N_active / cert_N_last_rotated: the user's signing certificates, oldest first. */
function certColumns(ctx: RequestContext, userName: string): string[] {
  const certs = Object.values(iam(ctx).signingCertificates)
    .filter((c) => nameKey(c.userName) === nameKey(userName))
    .sort((a, b) => a.uploadDate.localeCompare(b.uploadDate));
  return [0, 1].flatMap((i) => (certs[i] ? [certs[i].status === 'Active' ? 'true' : 'false', reportDate(certs[i].uploadDate)] : ['false', 'N/A']));
}

function keyColumns(k: ReturnType<typeof keysOfUser>[number] | undefined): string[] {
  if (!k) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  return [
    k.status === 'Active' ? 'true' : 'false',
    reportDate(k.createDate),
    k.lastUsed ? reportDate(k.lastUsed.date) : 'N/A',
    k.lastUsed ? k.lastUsed.region : 'N/A',
    k.lastUsed ? k.lastUsed.serviceName : 'N/A',
  ];
}

// ---------------------------------------------------------------- operations

export const accountOperations: QueryOperationTable = {
  UpdateAccountPasswordPolicy: {
    handler: (ctx, p) => {
      const minLength = p.int('MinimumPasswordLength');
      const maxAge = p.int('MaxPasswordAge');
      const reuse = p.int('PasswordReusePrevention');
      new Violations()
        .int(minLength, 'minimumPasswordLength', 6, 128)
        .int(maxAge, 'maxPasswordAge', 1, 1095)
        .int(reuse, 'passwordReusePrevention', 1, 24)
        .done();
      // Parameters left out take their defaults: AWS replaces the whole policy.
      const policy: PasswordPolicy = {
        MinimumPasswordLength: minLength ?? 6,
        RequireSymbols: p.bool('RequireSymbols') ?? false,
        RequireNumbers: p.bool('RequireNumbers') ?? false,
        RequireUppercaseCharacters: p.bool('RequireUppercaseCharacters') ?? false,
        RequireLowercaseCharacters: p.bool('RequireLowercaseCharacters') ?? false,
        AllowUsersToChangePassword: p.bool('AllowUsersToChangePassword') ?? false,
        ExpirePasswords: (maxAge ?? 0) > 0,
      };
      if (maxAge !== undefined) policy.MaxPasswordAge = maxAge;
      if (reuse !== undefined) policy.PasswordReusePrevention = reuse;
      const hard = p.bool('HardExpiry');
      if (hard !== undefined) policy.HardExpiry = hard;
      iam(ctx).passwordPolicy = policy;
      return undefined;
    },
  },
  GetAccountPasswordPolicy: {
    readOnly: true,
    handler: (ctx) => {
      const pp = iam(ctx).passwordPolicy;
      if (!pp) throw new NoSuchEntity(`The Password Policy with domain name ${ctx.account.accountId} cannot be found.`);
      return { PasswordPolicy: passwordPolicyShape(pp) };
    },
  },
  DeleteAccountPasswordPolicy: {
    handler: (ctx) => {
      const s = iam(ctx);
      if (!s.passwordPolicy) throw new NoSuchEntity('The account policy with name PasswordPolicy cannot be found.');
      delete s.passwordPolicy;
      return undefined;
    },
  },
  GetAccountSummary: {
    readOnly: true,
    handler: (ctx) => ({ SummaryMap: accountSummary(ctx) }),
  },
  GenerateCredentialReport: {
    handler: (ctx) => {
      const s = iam(ctx);
      const previous = s.credentialReport;
      // AWS keeps a report for four hours: asking again within them answers COMPLETE and changes
      // nothing (the IAM User Guide, "Getting credential reports"). Generation is instant here.
      if (previous && Date.now() - Date.parse(previous.generatedAt) < REPORT_LIFETIME_MS) return { State: 'COMPLETE' };
      s.credentialReport = { generatedAt: nowIso(), csv: buildCredentialReport(ctx) };
      return previous ? { State: 'STARTED' } : { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
    },
  },
  GetCredentialReport: {
    readOnly: true,
    handler: (ctx) => {
      const report = iam(ctx).credentialReport;
      // AWS answers ReportNotPresent (410) with no message at all.
      if (!report) throw new CredentialReportNotPresent('');
      return {
        Content: Buffer.from(report.csv, 'utf8').toString('base64'),
        ReportFormat: 'text/csv',
        GeneratedTime: new Date(report.generatedAt),
      };
    },
  },
};
