/** CloudTrail's routing table: the event history (LookupEvents) is what the labs use. */
import type { JsonInput } from '../protocol/json-rpc-service.js';
import type { ServiceOperation } from '../protocol/service-operation.js';
import { lookupEvents } from './lookup.js';

export const cloudTrailOperations: Record<string, ServiceOperation<JsonInput>> = Object.assign(Object.create(null), {
  // cloudtrail:LookupEvents has no resource type (Service Authorization Reference): Resource "*".
  LookupEvents: { action: 'cloudtrail:LookupEvents', readOnly: true, handler: lookupEvents },
} satisfies Record<string, ServiceOperation<JsonInput>>);
