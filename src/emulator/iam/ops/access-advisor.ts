/**
 * Service last accessed data (Access Advisor): GenerateServiceLastAccessedDetails and its two
 * readers, ListPoliciesGrantingServiceAccess, and the Organizations access report (which fails as
 * it does for an account that belongs to no organization). Reports: access-reports.ts.
 */
import crypto from 'node:crypto';
import { InvalidInput, NoSuchEntity } from '../../errors.js';
import type { QueryParams } from '../../protocol/query.js';
import type { QueryOperationTable } from '../../protocol/query-service.js';
import type { RequestContext } from '../../types.js';
import { allowedNamespaces, buildReport, resolveTarget, targetPolicies } from '../access-reports.js';
import { Violations, checkPaging } from '../constraints.js';
import type { AccessReportJob } from '../models.js';
import { iam, nowIso, paginate } from '../util.js';

function getJob(ctx: RequestContext, p: QueryParams, kind: AccessReportJob['kind']): AccessReportJob {
  const id = p.required('JobId');
  checkPaging(p, new Violations().string(id, 'jobId', { min: 36, max: 36 })).done();
  const job = iam(ctx).accessReports[id];
  if (!job || job.kind !== kind) throw new NoSuchEntity(`No report with job id ${id} was found.`);
  return job;
}

/** Reports are kept for a while, not forever: the newest ones per account. */
const REPORTS_KEPT = 50;

function keepJob(ctx: RequestContext, job: AccessReportJob): void {
  const reports = iam(ctx).accessReports;
  reports[job.jobId] = job;
  const ids = Object.values(reports).sort((a, b) => a.createDate.localeCompare(b.createDate)).map((j) => j.jobId);
  for (const id of ids.slice(0, Math.max(0, ids.length - REPORTS_KEPT))) delete reports[id];
}

const jobTimes = (job: AccessReportJob) => ({ JobCreationDate: new Date(job.createDate), JobCompletionDate: new Date(job.completionDate) });
const date = (s?: string) => (s ? new Date(s) : undefined);

// ---------------------------------------------------------------- Organizations report

const ORG_ENTITY_PATH = /^o-[0-9a-z]{10,32}\/r-[0-9a-z]{4,32}[0-9a-z-/]*$/;

export const accessAdvisorOperations: QueryOperationTable = {
  GenerateServiceLastAccessedDetails: {
    resource: (_ctx, p) => p.str('Arn') ?? '*',
    handler: async (ctx, p) => {
      const arn = p.required('Arn');
      const granularity = p.str('Granularity') ?? 'SERVICE_LEVEL';
      new Violations().string(arn, 'arn', { min: 20, max: 2048 }).oneOf(p.str('Granularity'), 'granularity', ['SERVICE_LEVEL', 'ACTION_LEVEL']).done();
      const job = await buildReport(ctx, resolveTarget(ctx, arn), arn, granularity as AccessReportJob['granularity']);
      keepJob(ctx, job);
      return { JobId: job.jobId };
    },
  },
  GetServiceLastAccessedDetails: {
    readOnly: true,
    handler: (ctx, p) => {
      const job = getJob(ctx, p, 'service-last-accessed');
      const { page, ...more } = paginate(job.services, p);
      return {
        JobStatus: 'COMPLETED',
        JobType: job.granularity,
        JobCreationDate: new Date(job.createDate),
        ServicesLastAccessed: page.map((s) => ({
          ServiceName: s.serviceName,
          LastAuthenticated: date(s.lastAuthenticated),
          ServiceNamespace: s.serviceNamespace,
          LastAuthenticatedEntity: s.lastAuthenticatedEntity,
          LastAuthenticatedRegion: s.lastAuthenticatedRegion,
          TotalAuthenticatedEntities: s.totalAuthenticatedEntities,
          TrackedActionsLastAccessed: s.trackedActions?.map((a) => ({
            ActionName: a.actionName,
            LastAccessedEntity: a.lastAccessedEntity,
            LastAccessedTime: date(a.lastAccessedTime),
            LastAccessedRegion: a.lastAccessedRegion,
          })),
        })),
        JobCompletionDate: new Date(job.completionDate),
        ...more,
      };
    },
  },
  GetServiceLastAccessedDetailsWithEntities: {
    readOnly: true,
    handler: (ctx, p) => {
      const job = getJob(ctx, p, 'service-last-accessed');
      const ns = p.required('ServiceNamespace');
      new Violations().string(ns, 'serviceNamespace', { min: 1, max: 64, pattern: { re: /^[\w-]*$/, text: '[\\w-]*' } }).done();
      const service = job.services.find((s) => s.serviceNamespace === ns);
      if (!service) throw new InvalidInput(`The service namespace ${ns} is not in the report.`);
      const { page, ...more } = paginate(service.entities, p);
      return {
        JobStatus: 'COMPLETED',
        ...jobTimes(job),
        EntityDetailsList: page.map((e) => ({
          EntityInfo: { Arn: e.arn, Name: e.name, Type: e.type, Id: e.id, Path: e.path },
          LastAuthenticated: date(e.lastAuthenticated),
        })),
        ...more,
      };
    },
  },
  ListPoliciesGrantingServiceAccess: {
    readOnly: true,
    resource: (_ctx, p) => p.str('Arn') ?? '*',
    handler: (ctx, p) => {
      const arn = p.required('Arn');
      const namespaces = p.list('ServiceNamespaces');
      new Violations()
        .string(arn, 'arn', { min: 20, max: 2048 })
        .list(namespaces, 'serviceNamespaces', { minItems: 1, maxItems: 200, min: 1, max: 64, pattern: { re: /^[\w-]*$/, text: '[\\w-]*' } })
        .string(p.str('Marker'), 'marker', { min: 1, max: 320 })
        .done();
      const target = resolveTarget(ctx, arn);
      if (target.kind === 'policy') throw new InvalidInput(`ARN ${arn} is not a user, group or role.`);
      const policies = targetPolicies(iam(ctx), target).map((pol) => ({ pol, ns: allowedNamespaces(pol.document) }));
      return {
        PoliciesGrantingServiceAccess: namespaces.map((ns) => ({
          ServiceNamespace: ns,
          Policies: policies
            .filter((x) => x.ns.has('*') || x.ns.has(ns.toLowerCase()))
            .map(({ pol }) => ({ PolicyName: pol.name, PolicyType: pol.type, PolicyArn: pol.arn, EntityType: pol.entityType, EntityName: pol.entityName })),
        })),
        IsTruncated: false,
      };
    },
  },
  GenerateOrganizationsAccessReport: {
    resource: (ctx, p) => `arn:aws:iam::${ctx.account.accountId}:access-report/${p.str('EntityPath') ?? ''}`,
    context: (_ctx, p): Record<string, string> => {
      const id = p.str('OrganizationsPolicyId');
      return id ? { 'iam:OrganizationsPolicyId': id } : {};
    },
    handler: (ctx, p) => {
      const path = p.required('EntityPath');
      const policyId = p.str('OrganizationsPolicyId');
      new Violations()
        .string(path, 'entityPath', { min: 19, max: 427, pattern: { re: ORG_ENTITY_PATH, text: '^o-[0-9a-z]{10,32}\\/r-[0-9a-z]{4,32}[0-9a-z-\\/]*' } })
        .string(policyId, 'organizationsPolicyId', { pattern: { re: /^p-[0-9a-zA-Z_]{8,128}$/, text: '^p-[0-9a-zA-Z_]{8,128}$' } })
        .done();
      // The job runs, and fails: the account is not an organization's management account.
      const now = nowIso();
      const job: AccessReportJob = {
        jobId: crypto.randomUUID(),
        kind: 'organizations',
        arn: path,
        granularity: 'SERVICE_LEVEL',
        createDate: now,
        completionDate: now,
        services: [],
        error: { code: 'OrganizationNotFoundException', message: 'The request was rejected because no organization is associated with your account.' },
      };
      keepJob(ctx, job);
      return { JobId: job.jobId };
    },
  },
  GetOrganizationsAccessReport: {
    readOnly: true,
    handler: (ctx, p) => {
      new Violations()
        .oneOf(p.str('SortKey'), 'sortKey', ['SERVICE_NAMESPACE_ASCENDING', 'SERVICE_NAMESPACE_DESCENDING', 'LAST_AUTHENTICATED_TIME_ASCENDING', 'LAST_AUTHENTICATED_TIME_DESCENDING'])
        .done();
      const job = getJob(ctx, p, 'organizations');
      return {
        JobStatus: job.error ? 'FAILED' : 'COMPLETED',
        ...jobTimes(job),
        ...(job.error ? { ErrorDetails: { Message: job.error.message, Code: job.error.code } } : { AccessDetails: [], IsTruncated: false }),
      };
    },
  },
};
