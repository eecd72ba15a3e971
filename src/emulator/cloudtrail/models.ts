/**
 * CloudTrail's event history for one account, as the emulator keeps it: management events, oldest
 * first, bounded by AWS's 90-day retention and a cap per account (see retention.ts).
 */
import { serviceState } from '../state/records.js';

export interface TrailResource {
  ResourceType: string;
  ResourceName: string;
}

/** One recorded call, with CloudTrail's field names (the CloudTrailEvent JSON is built from it). */
export interface TrailEvent {
  eventVersion: string;
  userIdentity: Record<string, unknown>;
  /** ISO-8601 without milliseconds, as CloudTrail writes it */
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: unknown;
  responseElements: unknown;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: 'AwsApiCall';
  managementEvent: true;
  recipientAccountId: string;
  eventCategory: 'Management';
  tlsDetails?: Record<string, string>;
  /** LookupEvents' top-level fields */
  lookup: { username?: string; accessKeyId?: string; resources: TrailResource[] };
}

export interface CloudTrailState {
  events: TrailEvent[];
}

/** The account's CloudTrailState (the account type names this field; naming the account here would make a cycle). */
export function cloudTrailState(account: { cloudtrail?: CloudTrailState }): CloudTrailState {
  return serviceState(account, 'cloudtrail', () => ({ events: [] }), (s) => ({ events: Array.isArray(s.events) ? s.events : [] }));
}
