/**
 * What a call did, as an audit trail needs it: the event name, the request parameters and
 * response elements in the shape CloudTrail records them, and whether it only read. Service
 * modules write a note per request; the CloudTrail recorder reads it after the response. Kept
 * outside the request context type so that services without notes need no change.
 */
import type { RequestContext } from '../types.js';

export interface CallNote {
  eventName: string;
  readOnly: boolean;
  /** data events (S3 object calls, Lambda Invoke) are not management events: not recorded */
  dataEvent?: boolean;
  requestParameters?: unknown;
  responseElements?: unknown;
  /** resources the call touched, for LookupEvents' ResourceType/ResourceName */
  resources?: Array<{ type: string; name: string }>;
}

const notes = new WeakMap<RequestContext, CallNote>();

export function noteCall(ctx: RequestContext, note: CallNote): void {
  notes.set(ctx, { ...notes.get(ctx), ...note });
}

/** Add to the note already taken (e.g. the response elements once the handler returned). */
export function amendCall(ctx: RequestContext, extra: Partial<CallNote>): void {
  notes.set(ctx, { ...(notes.get(ctx) as CallNote), ...extra });
}

export function callNote(ctx: RequestContext): CallNote | undefined {
  return notes.get(ctx);
}
