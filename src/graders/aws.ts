/**
 * Small SDK helpers the graders share: account facts from STS, case-aware name lookups, policy
 * documents decoded from IAM's URL-encoding, and idempotent create/delete used by setup and solve.
 * Everything goes through ctx.clients (SDK v3), so a grader behaves the same on every backend.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteInstanceProfileCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListEntitiesForPolicyCommand,
  ListInstanceProfilesForRoleCommand,
  ListPolicyVersionsCommand,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  paginateGetGroup,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroups,
  paginateListGroupsForUser,
  paginateListPolicies,
  paginateListRolePolicies,
  paginateListRoles,
  paginateListUserPolicies,
  paginateListUsers,
  type AttachedPolicy,
  type IAMClient,
  type ListAttachedGroupPoliciesCommandOutput,
  type ListAttachedRolePoliciesCommandOutput,
  type ListAttachedUserPoliciesCommandOutput,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { closest } from '../policy/lint.js';
import type { Credentials, LabContext } from './types.js';

export interface AccountInfo {
  accountId: string;
  /** "aws", "aws-cn", "aws-us-gov" — read from the caller ARN, never assumed */
  partition: string;
  callerArn: string;
}

const accountCache = new WeakMap<LabContext, Promise<AccountInfo>>();

/** Account id and partition as the backend reports them (sts get-caller-identity). */
export function accountInfo(ctx: LabContext): Promise<AccountInfo> {
  let p = accountCache.get(ctx);
  if (!p) {
    p = ctx.clients.sts.send(new GetCallerIdentityCommand({})).then((r) => ({
      accountId: r.Account ?? ctx.accountId,
      partition: (r.Arn ?? 'arn:aws:').split(':')[1] || 'aws',
      callerArn: r.Arn ?? '',
    }));
    p.catch(() => accountCache.delete(ctx));
    accountCache.set(ctx, p);
  }
  return p;
}

export async function awsManagedArn(ctx: LabContext, name: string): Promise<string> {
  const { partition } = await accountInfo(ctx);
  return `arn:${partition}:iam::aws:policy/${name}`;
}

export async function customerPolicyArn(ctx: LabContext, name: string): Promise<string> {
  const { partition, accountId } = await accountInfo(ctx);
  return `arn:${partition}:iam::${accountId}:policy/${name}`;
}

export async function iamArn(ctx: LabContext, kind: 'user' | 'role' | 'group', name: string): Promise<string> {
  const { partition, accountId } = await accountInfo(ctx);
  return `arn:${partition}:iam::${accountId}:${kind}/${name}`;
}

export function s3Arn(partition: string, bucketOrObject: string): string {
  return `arn:${partition}:s3:::${bucketOrObject}`;
}

/** The account principal (`…:root`): in a Principal it stands for the whole account, not its root user. */
export function accountRootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** IAM returns policy documents URL-encoded (RFC 3986); some backends send them raw. */
export function decodePolicyDocument(doc: string | undefined): string {
  if (!doc) return '';
  const trimmed = doc.trim();
  if (trimmed.startsWith('{')) return trimmed;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

export function errorName(e: unknown): string {
  const err = e as { name?: string; Code?: string; code?: string };
  return err?.name ?? err?.Code ?? err?.code ?? '';
}

export const isNotFound = (e: unknown): boolean =>
  ['NoSuchEntity', 'NoSuchEntityException', 'NoSuchBucket', 'NoSuchBucketPolicy', 'NotFound', 'NoSuchKey'].includes(errorName(e));

/** Ignore "does not exist" errors: used by idempotent cleanup. */
export async function ignoreMissing<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function ignoreExists<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (['EntityAlreadyExists', 'EntityAlreadyExistsException', 'BucketAlreadyOwnedByYou'].includes(errorName(e))) return undefined;
    throw e;
  }
}

// ---------- listing, every page (the SDK's paginators) ----------

/** Every item of every page. stopOnSameToken: a backend that repeats a marker ends the listing. */
async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}
const over = (client: IAMClient) => ({ client, stopOnSameToken: true });
const names = <T>(list: T[] | undefined, name: (x: T) => string | undefined) => list?.map((x) => name(x) ?? '');

export const listUserNames = (iam: IAMClient) => collect(paginateListUsers(over(iam), {}), (p) => names(p.Users, (u) => u.UserName));
export const listGroupNames = (iam: IAMClient) => collect(paginateListGroups(over(iam), {}), (p) => names(p.Groups, (g) => g.GroupName));
export const listRoleNames = (iam: IAMClient) => collect(paginateListRoles(over(iam), {}), (p) => names(p.Roles, (r) => r.RoleName));
export const listLocalPolicies = (iam: IAMClient) => collect(paginateListPolicies(over(iam), { Scope: 'Local' }), (p) => p.Policies);
export const listAttachedUser = (iam: IAMClient, UserName: string) =>
  collect<ListAttachedUserPoliciesCommandOutput, AttachedPolicy>(paginateListAttachedUserPolicies(over(iam), { UserName }), (p) => p.AttachedPolicies);
export const listAttachedGroup = (iam: IAMClient, GroupName: string) =>
  collect<ListAttachedGroupPoliciesCommandOutput, AttachedPolicy>(paginateListAttachedGroupPolicies(over(iam), { GroupName }), (p) => p.AttachedPolicies);
export const listAttachedRole = (iam: IAMClient, RoleName: string) =>
  collect<ListAttachedRolePoliciesCommandOutput, AttachedPolicy>(paginateListAttachedRolePolicies(over(iam), { RoleName }), (p) => p.AttachedPolicies);
export const listUserInline = (iam: IAMClient, UserName: string) => collect(paginateListUserPolicies(over(iam), { UserName }), (p) => p.PolicyNames);
export const listGroupInline = (iam: IAMClient, GroupName: string) => collect(paginateListGroupPolicies(over(iam), { GroupName }), (p) => p.PolicyNames);
export const listRoleInline = (iam: IAMClient, RoleName: string) => collect(paginateListRolePolicies(over(iam), { RoleName }), (p) => p.PolicyNames);
export const listGroupsOfUser = (iam: IAMClient, UserName: string) =>
  collect(paginateListGroupsForUser(over(iam), { UserName }), (p) => names(p.Groups, (g) => g.GroupName));
export const listGroupMembers = (iam: IAMClient, GroupName: string) => collect(paginateGetGroup(over(iam), { GroupName }), (p) => names(p.Users, (u) => u.UserName));

// ---------- case-aware lookup ----------

export type NameMatch = { kind: 'exact'; name: string } | { kind: 'case'; name: string } | { kind: 'missing'; near?: string };

/**
 * IAM names are unique case-insensitively but keep their case: find `wanted` among `names`, and
 * say when only a differently-cased name exists (so the grader can report "samy, not Samy"), or
 * a name one or two typos away ("Sammy").
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */
export function matchName(names: string[], wanted: string): NameMatch {
  if (names.includes(wanted)) return { kind: 'exact', name: wanted };
  const other = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (other) return { kind: 'case', name: other };
  const near = closest(wanted, names);
  return near ? { kind: 'missing', near } : { kind: 'missing' };
}

export async function findUser(ctx: LabContext, name: string): Promise<NameMatch> {
  return matchName(await listUserNames(ctx.clients.iam), name);
}
export async function findGroup(ctx: LabContext, name: string): Promise<NameMatch> {
  return matchName(await listGroupNames(ctx.clients.iam), name);
}
export async function findRole(ctx: LabContext, name: string): Promise<NameMatch> {
  return matchName(await listRoleNames(ctx.clients.iam), name);
}

// ---------- idempotent create ----------

export async function ensureUser(ctx: LabContext, UserName: string): Promise<void> {
  await ignoreExists(ctx.clients.iam.send(new CreateUserCommand({ UserName })));
}

export async function ensureGroup(ctx: LabContext, GroupName: string): Promise<void> {
  await ignoreExists(ctx.clients.iam.send(new CreateGroupCommand({ GroupName })));
}

export async function addToGroup(ctx: LabContext, UserName: string, GroupName: string): Promise<void> {
  await ctx.clients.iam.send(new AddUserToGroupCommand({ UserName, GroupName }));
}

export async function attachToUser(ctx: LabContext, UserName: string, PolicyArn: string): Promise<void> {
  await ctx.clients.iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn }));
}
export async function attachToGroup(ctx: LabContext, GroupName: string, PolicyArn: string): Promise<void> {
  await ctx.clients.iam.send(new AttachGroupPolicyCommand({ GroupName, PolicyArn }));
}
export async function attachToRole(ctx: LabContext, RoleName: string, PolicyArn: string): Promise<void> {
  await ctx.clients.iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
}

export async function createRole(ctx: LabContext, RoleName: string, trust: object): Promise<void> {
  await ctx.clients.iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
}

export async function createCustomerPolicy(ctx: LabContext, PolicyName: string, doc: object): Promise<string> {
  const r = await ctx.clients.iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument: JSON.stringify(doc) }));
  return r.Policy?.Arn ?? (await customerPolicyArn(ctx, PolicyName));
}

/** A new access key for a user, stored as a lab profile so the learner can act as that user. */
export async function createKeyAsProfile(ctx: LabContext, UserName: string, profile: string): Promise<Credentials> {
  const r = await ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName }));
  const creds = { accessKeyId: r.AccessKey?.AccessKeyId ?? '', secretAccessKey: r.AccessKey?.SecretAccessKey ?? '' };
  ctx.profiles.set(profile, creds);
  return creds;
}

export async function createLoginProfile(ctx: LabContext, UserName: string, Password: string, PasswordResetRequired: boolean) {
  await ctx.clients.iam.send(new CreateLoginProfileCommand({ UserName, Password, PasswordResetRequired }));
}

export async function ensureBucket(s3: S3Client, Bucket: string, objects: Record<string, string> = {}): Promise<void> {
  await ignoreExists(s3.send(new CreateBucketCommand({ Bucket })));
  for (const [Key, body] of Object.entries(objects)) {
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'text/csv' }));
  }
}

// ---------- idempotent delete (setup starts from what the lab owns, whatever state it is in) ----------

export async function deleteUserCompletely(ctx: LabContext, UserName: string): Promise<void> {
  const iam = ctx.clients.iam;
  if (!(await ignoreMissing(iam.send(new GetUserCommand({ UserName }))))) return;
  const keys = await iam.send(new ListAccessKeysCommand({ UserName }));
  for (const k of keys.AccessKeyMetadata ?? []) await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId }));
  await ignoreMissing(iam.send(new DeleteLoginProfileCommand({ UserName })));
  for (const p of await listUserInline(iam, UserName)) await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: p }));
  for (const p of await listAttachedUser(iam, UserName)) await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: p.PolicyArn }));
  for (const g of await listGroupsOfUser(iam, UserName)) await iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: g }));
  await iam.send(new DeleteUserCommand({ UserName }));
}

export async function deleteGroupCompletely(ctx: LabContext, GroupName: string): Promise<void> {
  const iam = ctx.clients.iam;
  const members = await ignoreMissing(listGroupMembers(iam, GroupName));
  if (!members) return;
  for (const u of members) await iam.send(new RemoveUserFromGroupCommand({ UserName: u, GroupName }));
  for (const p of await listGroupInline(iam, GroupName)) await iam.send(new DeleteGroupPolicyCommand({ GroupName, PolicyName: p }));
  for (const p of await listAttachedGroup(iam, GroupName)) await iam.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn: p.PolicyArn }));
  await iam.send(new DeleteGroupCommand({ GroupName }));
}

export async function deleteRoleCompletely(ctx: LabContext, RoleName: string): Promise<void> {
  const iam = ctx.clients.iam;
  // GetRole first: some backends (moto) answer list calls for a missing role with an empty list.
  if (!(await ignoreMissing(iam.send(new GetRoleCommand({ RoleName }))))) return;
  const profiles = await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName }));
  for (const ip of profiles.InstanceProfiles ?? []) {
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName: ip.InstanceProfileName }));
  }
  for (const p of await listRoleInline(iam, RoleName)) await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: p }));
  for (const p of await listAttachedRole(iam, RoleName)) await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn }));
  await iam.send(new DeleteRoleCommand({ RoleName }));
}

export async function deleteInstanceProfile(ctx: LabContext, InstanceProfileName: string): Promise<void> {
  await ignoreMissing(ctx.clients.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName })));
}

/** Delete a customer managed policy the lab owns: detached from everyone, old versions first. */
export async function deleteCustomerPolicy(ctx: LabContext, name: string, holders: { users?: string[]; groups?: string[]; roles?: string[] } = {}) {
  const iam = ctx.clients.iam;
  const PolicyArn = await customerPolicyArn(ctx, name);
  const versions = await ignoreMissing(iam.send(new ListPolicyVersionsCommand({ PolicyArn })));
  if (!versions) return;
  // Whoever holds it (the learner may have attached it anywhere), plus the holders we know of.
  const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn })).catch(() => undefined);
  const users = new Set([...(holders.users ?? []), ...(entities?.PolicyUsers ?? []).map((u) => u.UserName ?? '')]);
  const groups = new Set([...(holders.groups ?? []), ...(entities?.PolicyGroups ?? []).map((g) => g.GroupName ?? '')]);
  const roles = new Set([...(holders.roles ?? []), ...(entities?.PolicyRoles ?? []).map((r) => r.RoleName ?? '')]);
  for (const u of users) if (u) await ignoreMissing(iam.send(new DetachUserPolicyCommand({ UserName: u, PolicyArn })));
  for (const g of groups) if (g) await ignoreMissing(iam.send(new DetachGroupPolicyCommand({ GroupName: g, PolicyArn })));
  for (const r of roles) if (r) await ignoreMissing(iam.send(new DetachRolePolicyCommand({ RoleName: r, PolicyArn })));
  for (const v of versions.Versions ?? []) {
    if (!v.IsDefaultVersion) await iam.send(new DeletePolicyVersionCommand({ PolicyArn, VersionId: v.VersionId }));
  }
  await iam.send(new DeletePolicyCommand({ PolicyArn }));
}

export async function deleteBucketCompletely(s3: S3Client, Bucket: string): Promise<void> {
  const listed = await ignoreMissing(s3.send(new ListObjectsV2Command({ Bucket })));
  if (!listed) return;
  for (const o of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket, Key: o.Key }));
  await ignoreMissing(s3.send(new DeleteBucketPolicyCommand({ Bucket })));
  await s3.send(new DeleteBucketCommand({ Bucket }));
}

/** For the access-key facts: one list call, newest first. */
export async function listKeys(ctx: LabContext, UserName: string) {
  const r = await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName }));
  return (r.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status ?? '', created: k.CreateDate }));
}
