/**
 * The generated parts of docs/emulator-coverage.md: every operation of IAM, STS and S3 (as the
 * AWS SDK v3 clients list them) with whether the emulator implements it, the implemented
 * operations of EC2, Lambda, ECR, CloudTrail and Access Analyzer, and every accepted
 * difference from moto (from known-differences.ts). The doc keeps them between markers;
 * coverage-doc.test.ts fails when they are stale. Regenerate with:
 *   node --import tsx tests/conformance/coverage-table.ts --write
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as AccessAnalyzer from '@aws-sdk/client-accessanalyzer';
import * as CloudTrail from '@aws-sdk/client-cloudtrail';
import * as EC2 from '@aws-sdk/client-ec2';
import * as ECR from '@aws-sdk/client-ecr';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as S3 from '@aws-sdk/client-s3';
import * as STS from '@aws-sdk/client-sts';
import { accessAnalyzerOperations } from '../../src/emulator/accessanalyzer/operations.js';
import { cloudTrailOperations } from '../../src/emulator/cloudtrail/operations.js';
import { ec2Operations } from '../../src/emulator/ec2/operations.js';
import { ecrOperations } from '../../src/emulator/ecr/operations.js';
import { iamOperations } from '../../src/emulator/iam/operations.js';
import { lambdaOperations } from '../../src/emulator/lambda/operations.js';
import { s3Operations } from '../../src/emulator/s3/operations.js';
import { stsOperations } from '../../src/emulator/sts/operations.js';
import { GLOBAL_DIFFERENCES, KNOWN_DIFFERENCES } from './known-differences.js';
import { S3_STEPS } from './s3-script.js';
import { STEPS } from './script.js';

export const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'emulator-coverage.md');

/** Short notes for operations whose behaviour a reader should know about. */
const NOTES: Record<string, string> = {
  'iam:ListPolicies': 'Scope AWS|Local|All, OnlyAttached, PathPrefix; the AWS managed catalog is a committed snapshot',
  'iam:EnableMFADevice': 'both codes checked as consecutive TOTP codes',
  'iam:SimulatePrincipalPolicy': 'through the project policy engine (iam-simulate), with matched statements',
  'iam:SimulateCustomPolicy': 'through the project policy engine (iam-simulate)',
  'iam:GenerateCredentialReport': "CSV in AWS's columns, with the <root_account> row; STARTED, then COMPLETE for four hours",
  'iam:CreateAccessKey': 'keys are real: SigV4 verified with their secret; 2 per user',
  'iam:CreatePolicyVersion': '5 versions per policy (LimitExceeded)',
  'sts:AssumeRole': 'trust policy evaluated as AWS does (plus the caller identity policy where AWS requires it); ExternalId, MFA, DurationSeconds; session tags (sts:TagSession, transitive keys)',
  'iam:CreateRole': 'trust policy validated as IAM does: STS AssumeRole actions only, known service principals, existing users and roles',
  'iam:ListUsers': 'authorized on "*" (no resource type in the Service Authorization Reference)',
  'iam:ListGroups': 'authorized on "*" (no resource type in the Service Authorization Reference)',
  'iam:CreateServiceLinkedRole': "AWS's role name, path and policies for ~75 services, custom-suffix rule; other service names are refused",
  'iam:DeleteServiceLinkedRole': 'deletion task that succeeds at once (fails while an instance profile holds the role)',
  'iam:CreateOpenIDConnectProvider': '100 per account, 100 client IDs, 5 thumbprints (optional)',
  'iam:CreateSAMLProvider': "IdP metadata parsed; ValidUntil from it, else 100 years",
  'iam:ChangePassword': 'password policy checked; AllowUsersToChangePassword grants it without a policy',
  'iam:CreateVirtualMFADevice': 'real TOTP seed; QRCodePNG is a PNG of the otpauth:// URI',
  'iam:GenerateServiceLastAccessedDetails': 'from the attempts the emulator recorded; actions tracked for S3, EC2, IAM, Lambda',
  'iam:GenerateOrganizationsAccessReport': 'the job fails: the account belongs to no organization',
  'iam:ListOrganizationsFeatures': 'OrganizationNotFoundException: the account belongs to no organization',
  'iam:AcquireRole': 'no role template exists in the emulator (NoSuchEntity)',
  'iam:GetRoleTemplateVersion': 'no role template exists in the emulator (NoSuchEntity)',
  'iam:UploadServerCertificate': 'certificate and key checked with node:crypto; the key is not stored',
  'iam:UploadSSHPublicKey': 'ssh-rsa or PEM, 2048-16384 bits; MD5 fingerprint as ssh-keygen prints it',
  'sts:GetFederationToken': "federated user: the caller's permissions narrowed by the session policy (none without one)",
  'sts:AssumeRoleWithWebIdentity': 'unsigned; registered OIDC issuer, client-ID audience, expiry; trust policy with <provider>:aud/:sub keys; token signatures not verified',
  'sts:AssumeRoleWithSAML': 'unsigned; provider issuer, audience, validity, Role and RoleSessionName attributes; saml:* keys; XML signatures not verified',
  'sts:AssumeRoot': 'refused after validation: the account belongs to no organization',
  'sts:GetWebIdentityToken': 'JWT signed (RS256/ES384) by an account key under the account issuer',
  'sts:GetDelegatedAccessToken': 'credentials of the accepting identity, without permissions (templates are not published)',
  'sts:DecodeAuthorizationMessage': 'decodes messages the emulator encoded for this account',
  'sts:GetSessionToken': 'MFA (SerialNumber + TokenCode) gives aws:MultiFactorAuthPresent sessions',
  'sts:GetCallerIdentity': 'never denied, as in AWS',
  's3:PutObject': 'aws-chunked bodies with trailing checksums (SDK v3 streams) accepted',
  's3:GetObject': 'Range requests',
  's3:ListObjectsV2': 'prefix, delimiter, continuation tokens',
  's3:PutBucketPolicy': "MalformedPolicy on bad documents (20 KB, actions that apply to no resource); BlockPublicPolicy refuses public ones; the policy is enforced, its explicit Deny on the owner's root too (but for Get/Put/DeleteBucketPolicy, which root keeps, as in AWS)",
  's3:CreateBucket': 'new buckets as since April 2023: Block Public Access on, BucketOwnerEnforced (x-amz-object-ownership, x-amz-acl honoured)',
  's3:PutBucketAcl': 'canned, header grants or XML; AccessControlListNotSupported while ACLs are disabled; BlockPublicAcls',
  's3:PutObjectAcl': 'as PutBucketAcl; ACL grants are stored and shown, not evaluated',
  's3:GetBucketPolicyStatus': 'IsPublic as the S3 User Guide defines "public"',
  's3:PutPublicAccessBlock': 'bucket level; the account level is the S3 Control API (aws s3control … --account-id), BlockPublicPolicy and RestrictPublicBuckets enforced',
  'cloudtrail:LookupEvents': 'management events of every emulated service; one lookup attribute; time range; MaxResults/NextToken; 90 days, 1000 events per account',
  'ec2:RunInstances': 'IamInstanceProfile by Name or Arn (EC2 errors for missing or empty profiles), iam:PassRole, TagSpecifications, UserData, MetadataOptions, DryRun',
  'ec2:DescribeInstances': 'filters instance-id, instance-state-name, iam-instance-profile.arn, tag:<key>, tag-key, image-id and more; wildcards',
  'ec2:AssociateIamInstanceProfile': 'IncorrectState when the instance has a profile; iam:PassRole',
  'ec2:ModifyInstanceMetadataOptions': 'HttpTokens required makes the metadata service demand IMDSv2 tokens',
  'lambda:CreateFunction': 'Node.js runtimes; zip (ZipFile or S3); the execution role must trust lambda.amazonaws.com; iam:PassRole',
  'lambda:Invoke': 'a child process bounded by Timeout and MemorySize with the role session; FunctionError, LogResult; Event and DryRun',
  'ecr:GetAuthorizationToken': '`aws ecr get-login-password` works; no Docker registry behind it',
  'ecr:PutImage': 'image manifests as metadata (no layers)',
  'ecr:SetRepositoryPolicy': 'enforced with identity policies, in and across accounts',
  'access-analyzer:ListFindings': 'external access of bucket policies, role trust policies and repository policies; re-analyzed on each read',
  'access-analyzer:ValidatePolicy': 'issue codes of the policy check reference, from policy/validate.ts, policy/lint.ts and best-practice checks; locations with spans',
  'access-analyzer:CreateAnalyzer': 'type ACCOUNT; ORGANIZATION answers "Service not enabled for AWS Organizations"',
};

function sdkOperations(mod: Record<string, unknown>): string[] {
  return Object.keys(mod)
    .filter((k) => k.endsWith('Command') && k !== 'Command' && k !== '$Command' && typeof mod[k] === 'function')
    .map((k) => k.slice(0, -'Command'.length))
    .sort();
}

function serviceTable(service: 'iam' | 'sts' | 's3', mod: Record<string, unknown>, table: Record<string, unknown>): string {
  const ops = new Set([...sdkOperations(mod), ...Object.keys(table)]);
  const conformance = new Set([...STEPS, ...S3_STEPS].filter((s) => s.service === service).map((s) => s.op));
  const rows = [...ops].sort().map((op) => {
    const done = Object.hasOwn(table, op);
    const tested = conformance.has(op) ? 'yes' : '';
    return `| ${op} | ${done ? 'yes' : '—'} | ${tested} | ${esc(NOTES[`${service}:${op}`] ?? '')} |`;
  });
  const implemented = [...ops].filter((op) => Object.hasOwn(table, op)).length;
  return [
    `${implemented} of ${ops.size} operations implemented. "moto script" marks operations the conformance script compares with moto_server.`,
    '',
    '| operation | implemented | moto script | notes |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');

function differencesTable(): string {
  const global = GLOBAL_DIFFERENCES.map((g) => `| (every step) ${g.id} | ${esc(g.aws)} | ${esc(g.moto)} | ${g.doc} |`);
  const perStep = KNOWN_DIFFERENCES.map((d) => `| \`${d.step}\` | ${esc(d.aws)} | ${esc(d.moto)} | ${d.doc} |`);
  return [
    `${KNOWN_DIFFERENCES.length} script steps and ${GLOBAL_DIFFERENCES.length} cross-cutting rules differ from moto_server 5.2.1; in each, the emulator follows the AWS documentation linked.`,
    '',
    '| step | AWS (and the emulator) | moto_server 5.2.1 | decided by |',
    '|---|---|---|---|',
    ...global,
    ...perStep,
  ].join('\n');
}

/**
 * The workload and audit services implement a few of many operations: their tables list what is
 * implemented (with its IAM action) and count the rest, which answer the protocol's
 * unknown-operation error.
 */
function implementedTable(prefix: string, mod: Record<string, unknown>, table: Record<string, { action: string }>): string {
  const all = new Set([...sdkOperations(mod), ...Object.keys(table)]);
  const rows = Object.keys(table)
    .sort()
    .map((op) => `| ${op} | \`${table[op].action}\` | ${esc(NOTES[`${prefix}:${op}`] ?? '')} |`);
  return [
    `${Object.keys(table).length} of ${all.size} operations implemented; the others answer the protocol's unknown-operation error.`,
    '',
    '| operation | IAM action checked | notes |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The generated blocks, keyed by marker name. */
export function generatedBlocks(): Record<string, string> {
  return {
    iam: serviceTable('iam', IAM as Record<string, unknown>, iamOperations),
    sts: serviceTable('sts', STS as Record<string, unknown>, stsOperations),
    s3: serviceTable('s3', S3 as Record<string, unknown>, s3Operations),
    ec2: implementedTable('ec2', EC2 as Record<string, unknown>, ec2Operations),
    lambda: implementedTable('lambda', Lambda as Record<string, unknown>, lambdaOperations),
    ecr: implementedTable('ecr', ECR as Record<string, unknown>, ecrOperations),
    cloudtrail: implementedTable('cloudtrail', CloudTrail as Record<string, unknown>, cloudTrailOperations),
    accessanalyzer: implementedTable('access-analyzer', AccessAnalyzer as Record<string, unknown>, accessAnalyzerOperations),
    differences: differencesTable(),
  };
}

const begin = (name: string) => `<!-- generated:${name} begin (node --import tsx tests/conformance/coverage-table.ts --write) -->`;
const end = (name: string) => `<!-- generated:${name} end -->`;

/** The doc with every generated block replaced by its current content. */
export function renderDoc(doc: string): string {
  let out = doc;
  for (const [name, body] of Object.entries(generatedBlocks())) {
    const b = out.indexOf(begin(name));
    const e = out.indexOf(end(name));
    if (b < 0 || e < b) throw new Error(`docs/emulator-coverage.md lacks the markers for '${name}'`);
    out = `${out.slice(0, b + begin(name).length)}\n${body}\n${out.slice(e)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]) && process.argv.includes('--write')) {
  fs.writeFileSync(DOC, renderDoc(fs.readFileSync(DOC, 'utf8')));
  console.log(`updated ${path.relative(process.cwd(), DOC)}`);
}
