/**
 * Call notes for the Query services (IAM, STS): each operation of a routing table is wrapped so
 * that a call leaves its event name, request parameters and (for calls that create something or
 * issue credentials) its response elements for the CloudTrail recorder. The tables stay as the
 * IAM and STS modules wrote them; only the copy the gateway serves is wrapped.
 */
import { amendCall, type CallNote } from '../protocol/call-notes.js';
import { QueryParams } from '../protocol/query.js';
import type { QueryOperation, QueryOperationTable } from '../protocol/query-service.js';
import type { RequestContext } from '../types.js';
import { queryParameters, responseElements } from './parameters.js';

/** Which operations of each wrapped table only read (for the note of a call refused before its handler ran). */
const readOnlyOps = new Map<string, Set<string>>();

/** STS calls that hand out credentials; CloudTrail records them (and all of STS) as read-only. */
const ISSUES_CREDENTIALS = /^(AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|GetSessionToken|GetFederationToken)$/;

function recordsResponse(service: string, operation: string, readOnly: boolean): boolean {
  if (service === 'sts') return ISSUES_CREDENTIALS.test(operation);
  return !readOnly && /^(Create|Upload)/.test(operation);
}

function wrap(service: string, operation: string, op: QueryOperation): QueryOperation {
  const readOnly = service === 'sts' ? true : !!op.readOnly;
  if (!recordsResponse(service, operation, readOnly)) return op;
  return {
    ...op,
    handler: async (ctx, p) => {
      const result = await op.handler(ctx, p);
      amendCall(ctx, { responseElements: responseElements(result) });
      return result;
    },
  };
}

export function withCallNotes(service: 'iam' | 'sts', table: QueryOperationTable): QueryOperationTable {
  const out: QueryOperationTable = Object.create(null);
  const reads = new Set<string>();
  for (const [name, op] of Object.entries(table)) {
    out[name] = wrap(service, name, op);
    if (service === 'sts' || op.readOnly) reads.add(name);
  }
  readOnlyOps.set(service, reads);
  return out;
}

/** The note of a Query call, from the request itself (so calls refused before their handler ran are recorded too). */
export function queryNote(ctx: RequestContext): CallNote | undefined {
  const reads = readOnlyOps.get(ctx.service);
  if (!reads) return undefined;
  const p = QueryParams.of(ctx.request);
  if (!p.action) return undefined;
  return { eventName: p.action, readOnly: reads.has(p.action), requestParameters: queryParameters(p.raw) };
}
