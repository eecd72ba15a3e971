/**
 * LookupEvents: the account's management events in the caller's region, newest first, filtered
 * by at most one lookup attribute and a time range, paged with MaxResults/NextToken.
 */
import crypto from 'node:crypto';
import { AwsError } from '../errors.js';
import type { JsonInput } from '../protocol/json-rpc-service.js';
import { readTimestamp } from '../protocol/json-values.js';
import type { RequestContext } from '../types.js';
import { cloudTrailState, type TrailEvent } from './models.js';
import { prune } from './retention.js';

const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

const invalidAttributes = (m: string) => new AwsError('InvalidLookupAttributesException', m, 400);

interface Lookup {
  key?: AttributeKey;
  value?: string;
  start?: Date;
  end?: Date;
}

function readAttributes(input: JsonInput): Pick<Lookup, 'key' | 'value'> {
  const attrs = input.LookupAttributes;
  if (attrs === undefined || attrs === null) return {};
  if (!Array.isArray(attrs)) throw invalidAttributes('LookupAttributes must be a list.');
  if (attrs.length === 0) return {};
  if (attrs.length > 1) throw invalidAttributes('You can specify only one lookup attribute.');
  const a = attrs[0] as { AttributeKey?: unknown; AttributeValue?: unknown } | null;
  const key = a?.AttributeKey;
  if (typeof key !== 'string' || !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw invalidAttributes(`The lookup attribute key '${String(key)}' is not valid. Valid keys: ${ATTRIBUTE_KEYS.join(', ')}.`);
  }
  const value = a?.AttributeValue;
  if (typeof value !== 'string' || value.length < 1 || value.length > 2000) {
    throw invalidAttributes('The lookup attribute value must be between 1 and 2000 characters.');
  }
  return { key: key as AttributeKey, value };
}

function matches(e: TrailEvent, l: Lookup, region: string): boolean {
  if (e.awsRegion !== region) return false;
  const t = Date.parse(e.eventTime);
  if (l.start && t < l.start.getTime()) return false;
  if (l.end && t > l.end.getTime()) return false;
  if (!l.key) return true;
  const v = l.value;
  switch (l.key) {
    case 'EventId':
      return e.eventID === v;
    case 'EventName':
      return e.eventName === v;
    case 'ReadOnly':
      return String(e.readOnly) === v;
    case 'Username':
      return e.lookup.username === v;
    case 'AccessKeyId':
      return e.lookup.accessKeyId === v;
    case 'EventSource':
      return e.eventSource === v;
    case 'ResourceType':
      return e.lookup.resources.some((r) => r.ResourceType === v);
    case 'ResourceName':
      return e.lookup.resources.some((r) => r.ResourceName === v);
  }
}

/** The CloudTrailEvent JSON string: the recorded event without the emulator's lookup index. */
export function cloudTrailEventJson(e: TrailEvent): string {
  const { lookup: _lookup, ...event } = e;
  return JSON.stringify(event);
}

function eventShape(e: TrailEvent) {
  return {
    EventId: e.eventID,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    ...(e.lookup.accessKeyId ? { AccessKeyId: e.lookup.accessKeyId } : {}),
    EventTime: new Date(e.eventTime),
    EventSource: e.eventSource,
    ...(e.lookup.username ? { Username: e.lookup.username } : {}),
    Resources: e.lookup.resources,
    CloudTrailEvent: cloudTrailEventJson(e),
  };
}

/** NextToken: where the next page starts, bound to the query it was issued for. */
function queryHash(l: Lookup, region: string): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([l.key, l.value, l.start?.getTime(), l.end?.getTime(), region]))
    .digest('hex')
    .slice(0, 16);
}

function readToken(token: unknown, hash: string): number {
  if (token === undefined || token === null) return 0;
  const bad = new AwsError('InvalidNextTokenException', 'Invalid NextToken: it is not valid or was issued for a request with different parameters.', 400);
  if (typeof token !== 'string') throw bad;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown; h?: unknown };
    if (typeof t.o !== 'number' || !Number.isInteger(t.o) || t.o < 0 || t.h !== hash) throw bad;
    return t.o;
  } catch {
    throw bad;
  }
}

export function lookupEvents(ctx: RequestContext, input: JsonInput) {
  const category = input.EventCategory;
  if (category !== undefined && category !== null && category !== 'insight') {
    throw new AwsError('InvalidEventCategoryException', `The event category '${String(category)}' is not valid. The only valid value is insight.`, 400);
  }
  const lookup: Lookup = { ...readAttributes(input) };
  for (const [field, name] of [['StartTime', 'start'], ['EndTime', 'end']] as const) {
    if (input[field] === undefined || input[field] === null) continue;
    const d = readTimestamp(input[field]);
    if (!d) throw new AwsError('InvalidTimeRangeException', `${field} is not a valid timestamp.`, 400);
    lookup[name] = d;
  }
  if (lookup.start && lookup.end && lookup.start.getTime() > lookup.end.getTime()) {
    throw new AwsError('InvalidTimeRangeException', 'Start time must not be after end time.', 400);
  }
  const max = input.MaxResults ?? 50;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 50) {
    throw new AwsError('InvalidMaxResultsException', 'MaxResults must be an integer between 1 and 50.', 400);
  }
  const hash = queryHash(lookup, ctx.region);
  const offset = readToken(input.NextToken, hash);
  // Insights events are not emulated: an insight lookup finds none.
  if (category === 'insight') return { Events: [] };

  const events = cloudTrailState(ctx.account).events;
  prune(events);
  const found: TrailEvent[] = [];
  for (let i = events.length - 1; i >= 0; i--) if (matches(events[i], lookup, ctx.region)) found.push(events[i]);
  const page = found.slice(offset, offset + max);
  const next = offset + max < found.length ? Buffer.from(JSON.stringify({ o: offset + max, h: hash })).toString('base64') : undefined;
  return { Events: page.map(eventShape), ...(next ? { NextToken: next } : {}) };
}
