/**
 * Call notes for the Query services (IAM, STS): each operation of a routing table is wrapped so
 * that a call leaves its event name, request parameters and (for calls that create something or
 * issue credentials) its response elements for the CloudTrail recorder. The tables stay as the
 * IAM and STS modules wrote them; only the copy the gateway serves is wrapped.
 */
import { amendCall, noteCall } from '../protocol/call-notes.js';
import type { QueryOperation, QueryOperationTable } from '../protocol/query-service.js';
import { queryParameters, responseElements } from './parameters.js';

/** STS calls that hand out credentials; CloudTrail records them (and all of STS) as read-only. */
const ISSUES_CREDENTIALS = /^(AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|GetSessionToken|GetFederationToken)$/;

function recordsResponse(service: string, operation: string, readOnly: boolean): boolean {
  if (service === 'sts') return ISSUES_CREDENTIALS.test(operation);
  return !readOnly && /^(Create|Upload)/.test(operation);
}

function wrap(service: string, operation: string, op: QueryOperation): QueryOperation {
  const readOnly = service === 'sts' ? true : !!op.readOnly;
  return {
    ...op,
    handler: async (ctx, p) => {
      noteCall(ctx, { eventName: operation, readOnly, requestParameters: queryParameters(p.raw) });
      const result = await op.handler(ctx, p);
      if (recordsResponse(service, operation, readOnly)) amendCall(ctx, { responseElements: responseElements(result) });
      return result;
    },
  };
}

export function withCallNotes(service: 'iam' | 'sts', table: QueryOperationTable): QueryOperationTable {
  const out: QueryOperationTable = Object.create(null);
  for (const [name, op] of Object.entries(table)) out[name] = wrap(service, name, op);
  return out;
}
