/** Managed policies: customer managed Create/Delete, Get/List for both kinds, and policy versions. */
import { AccessDenied, DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { listAwsManagedPolicies } from '../managed-policies.js';
import type { IamState, ManagedPolicy, PolicyVersion } from '../models.js';
import {
  attachmentCounts,
  boundaryCounts,
  checkManagedPolicySize,
  customerPolicyView,
  requirePolicy,
  validatePolicyText,
  type PolicyView,
} from '../policy-documents.js';
import { encodePolicy, iam, iamArn, newId, nowIso, paginate, tagsFrom, validateName, validatePath } from '../util.js';
import { mergeTags, removeTags, validateTagKeys, validateTags } from '../tags.js';
import { requestTagContext } from './roles.js';

const MAX_VERSIONS = 5;

/** The Policy structure; `detail` adds what GetPolicy/CreatePolicy return beyond ListPolicies. */
export function policyShape(p: PolicyView, counts: { attachments: number; boundaries: number }, detail: boolean) {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: counts.attachments,
    PermissionsBoundaryUsageCount: counts.boundaries,
    IsAttachable: true,
    Description: detail ? p.description : undefined,
    CreateDate: new Date(p.createDate),
    UpdateDate: new Date(p.updateDate),
    // GetPolicy and CreatePolicy always carry the list, empty for untagged and AWS managed policies.
    Tags: detail ? (p.record?.tags ?? []) : undefined,
  };
}

function countsFor(state: IamState, arn: string) {
  return { attachments: attachmentCounts(state).get(arn) ?? 0, boundaries: boundaryCounts(state).get(arn) ?? 0 };
}

export function versionShape(v: PolicyVersion, withDocument: boolean) {
  return {
    Document: withDocument ? encodePolicy(v.document) : undefined,
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefaultVersion,
    CreateDate: new Date(v.createDate),
  };
}

/** Versions of any managed policy; the AWS managed catalog holds only each policy's default version. */
export function versionsOf(p: PolicyView): PolicyVersion[] {
  if (p.record) return p.record.versions;
  return [{ versionId: p.defaultVersionId, document: p.document, isDefaultVersion: true, createDate: p.updateDate }];
}

/** Customer managed policies can change; AWS managed ones belong to AWS's account, and IAM says so. */
function requireCustomerPolicy(state: IamState, arn: string): ManagedPolicy {
  const p = requirePolicy(state, arn);
  if (!p.record) throw new AccessDenied('Cannot delete policies outside your own account.');
  return p.record;
}

function checkVersionId(id: string): void {
  if (!/^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/.test(id)) {
    throw new ValidationError(
      `1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`,
    );
  }
}

function findVersion(p: PolicyView, versionId: string): PolicyVersion {
  checkVersionId(versionId);
  const v = versionsOf(p).find((x) => x.versionId === versionId);
  if (!v) throw new NoSuchEntity(`Policy ${p.arn} version ${versionId} does not exist or is not attachable.`);
  return v;
}

const policyArnResource = (_ctx: RequestContext, p: QueryParams) => p.str('PolicyArn') ?? '*';

export const managedPolicyOperations: QueryOperationTable = {
  CreatePolicy: {
    resource: (ctx, p) => iamArn(ctx.account.accountId, 'policy', p.str('Path') ?? '/', p.required('PolicyName')),
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      const name = p.required('PolicyName');
      validateName(name, 'policyName', 128);
      const path = validatePath(p.str('Path'));
      const document = p.required('PolicyDocument');
      const tags = tagsFrom(p);
      validateTags(tags);
      const description = p.str('Description');
      if (description !== undefined && description.length > 1000) {
        throw new ValidationError(
          `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`,
        );
      }
      const state = iam(ctx);
      // Policy names are unique in the account whatever their path, case-insensitively.
      if (Object.values(state.policies).some((x) => x.policyName.toLowerCase() === name.toLowerCase())) {
        throw new EntityAlreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
      }
      validatePolicyText(document, 'managed');
      checkManagedPolicySize(document);
      const now = nowIso();
      const policy: ManagedPolicy = {
        policyName: name,
        policyId: newId('ANPA'),
        arn: iamArn(ctx.account.accountId, 'policy', path, name),
        path,
        description,
        createDate: now,
        updateDate: now,
        defaultVersionId: 'v1',
        versions: [{ versionId: 'v1', document, isDefaultVersion: true, createDate: now }],
        nextVersion: 2,
        tags: mergeTags([], tags),
      };
      state.policies[policy.arn] = policy;
      return { Policy: policyShape(customerPolicyView(policy), { attachments: 0, boundaries: 0 }, true) };
    },
  },
  GetPolicy: {
    readOnly: true,
    resource: policyArnResource,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const policy = requirePolicy(state, p.required('PolicyArn'));
      return { Policy: policyShape(policy, countsFor(state, policy.arn), true) };
    },
  },
  DeletePolicy: {
    resource: policyArnResource,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const policy = requireCustomerPolicy(state, p.required('PolicyArn'));
      if ((attachmentCounts(state).get(policy.arn) ?? 0) > 0) throw new DeleteConflict('Cannot delete a policy attached to entities.');
      if (policy.versions.length > 1) {
        throw new DeleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      delete state.policies[policy.arn];
      return undefined;
    },
  },
  ListPolicies: {
    readOnly: true, // no resource type: authorized on "*"
    handler: (ctx, p) => {
      const state = iam(ctx);
      const scope = p.str('Scope') ?? 'All';
      if (!['All', 'AWS', 'Local'].includes(scope)) {
        throw new ValidationError(
          `1 validation error detected: Value at 'scope' failed to satisfy constraint: Member must satisfy enum value set`,
        );
      }
      const usage = p.str('PolicyUsageFilter');
      if (usage !== undefined && !['PermissionsPolicy', 'PermissionsBoundary'].includes(usage)) {
        throw new ValidationError(
          `1 validation error detected: Value at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set`,
        );
      }
      const onlyAttached = p.bool('OnlyAttached') ?? false;
      const prefix = p.str('PathPrefix') ?? '/';
      const attachments = attachmentCounts(state);
      const boundaries = boundaryCounts(state);
      const local = Object.values(state.policies)
        .map(customerPolicyView)
        .sort((a, b) => a.name.localeCompare(b.name));
      const views: PolicyView[] = [];
      if (scope !== 'AWS') views.push(...local);
      if (scope !== 'Local') {
        for (const a of listAwsManagedPolicies()) {
          views.push({
            kind: 'aws',
            name: a.name,
            arn: a.arn,
            path: a.path,
            id: a.id,
            defaultVersionId: a.version,
            createDate: a.created,
            updateDate: a.updated,
            document: a.document,
          });
        }
      }
      const selected = views.filter((v) => {
        if (!v.path.startsWith(prefix)) return false;
        const attached = attachments.get(v.arn) ?? 0;
        const bounding = boundaries.get(v.arn) ?? 0;
        // PermissionsBoundary lists the policies used as a boundary; OnlyAttached means attached to
        // a user, group or role (AttachmentCount > 0), as the ListPolicies reference defines it.
        if (usage === 'PermissionsBoundary') return bounding > 0;
        return onlyAttached ? attached > 0 : true;
      });
      const { page, ...more } = paginate(selected, p);
      return {
        Policies: page.map((v) =>
          policyShape(v, { attachments: attachments.get(v.arn) ?? 0, boundaries: boundaries.get(v.arn) ?? 0 }, false),
        ),
        ...more,
      };
    },
  },
  CreatePolicyVersion: {
    resource: policyArnResource,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const policy = requireCustomerPolicy(state, p.required('PolicyArn'));
      const document = p.required('PolicyDocument');
      validatePolicyText(document, 'managed');
      checkManagedPolicySize(document);
      if (policy.versions.length >= MAX_VERSIONS) {
        throw new LimitExceeded(
          'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
        );
      }
      const setAsDefault = p.bool('SetAsDefault') ?? false;
      const now = nowIso();
      const version: PolicyVersion = { versionId: `v${policy.nextVersion}`, document, isDefaultVersion: setAsDefault, createDate: now };
      policy.nextVersion += 1;
      if (setAsDefault) {
        for (const v of policy.versions) v.isDefaultVersion = false;
        policy.defaultVersionId = version.versionId;
      }
      policy.versions.push(version);
      policy.updateDate = now;
      return { PolicyVersion: versionShape(version, false) };
    },
  },
  GetPolicyVersion: {
    readOnly: true,
    resource: policyArnResource,
    handler: (ctx, p) => {
      const policy = requirePolicy(iam(ctx), p.required('PolicyArn'));
      return { PolicyVersion: versionShape(findVersion(policy, p.required('VersionId')), true) };
    },
  },
  ListPolicyVersions: {
    readOnly: true,
    resource: policyArnResource,
    handler: (ctx, p) => {
      const policy = requirePolicy(iam(ctx), p.required('PolicyArn'));
      // Newest first, as AWS lists them.
      const versions = [...versionsOf(policy)].sort((a, b) => versionNumber(b.versionId) - versionNumber(a.versionId));
      const { page, ...more } = paginate(versions, p);
      return { Versions: page.map((v) => versionShape(v, false)), ...more };
    },
  },
  DeletePolicyVersion: {
    resource: policyArnResource,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const policy = requireCustomerPolicy(state, p.required('PolicyArn'));
      const version = findVersion(customerPolicyView(policy), p.required('VersionId'));
      if (version.isDefaultVersion) throw new DeleteConflict('Cannot delete the default version of a policy.');
      policy.versions = policy.versions.filter((v) => v !== version);
      return undefined;
    },
  },
  SetDefaultPolicyVersion: {
    resource: policyArnResource,
    handler: (ctx, p) => {
      const state = iam(ctx);
      const policy = requireCustomerPolicy(state, p.required('PolicyArn'));
      const version = findVersion(customerPolicyView(policy), p.required('VersionId'));
      for (const v of policy.versions) v.isDefaultVersion = v === version;
      policy.defaultVersionId = version.versionId;
      policy.updateDate = nowIso();
      return undefined;
    },
  },
  TagPolicy: {
    resource: policyArnResource,
    context: (_ctx, p) => requestTagContext(p),
    handler: (ctx, p) => {
      validateTags(tagsFrom(p));
      const policy = requireCustomerPolicy(iam(ctx), p.required('PolicyArn'));
      policy.tags = mergeTags(policy.tags, tagsFrom(p));
      return undefined;
    },
  },
  UntagPolicy: {
    resource: policyArnResource,
    context: (_ctx, p) => ({ 'aws:TagKeys': p.list('TagKeys') }),
    handler: (ctx, p) => {
      validateTagKeys(p.list('TagKeys'));
      const policy = requireCustomerPolicy(iam(ctx), p.required('PolicyArn'));
      policy.tags = removeTags(policy.tags, p.list('TagKeys'));
      return undefined;
    },
  },
  ListPolicyTags: {
    readOnly: true,
    resource: policyArnResource,
    handler: (ctx, p) => {
      // AWS managed policies carry no tags.
      const policy = requirePolicy(iam(ctx), p.required('PolicyArn'));
      const { page, ...more } = paginate(policy.record?.tags ?? [], p);
      return { Tags: page, ...more };
    },
  },
};

function versionNumber(id: string): number {
  return Number(/^v(\d+)/.exec(id)?.[1] ?? 0);
}
