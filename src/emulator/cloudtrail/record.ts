/**
 * The CloudTrail recorder: the gateway hands it each authenticated call; after the service has
 * answered (or failed), it records a management event in the caller's account from the call's
 * note (JSON/EC2/Query services) or from the request itself (S3). Recording never changes or
 * breaks the call's own answer.
 */
import crypto from 'node:crypto';
import { AwsError } from '../errors.js';
import { callNote, type CallNote } from '../protocol/call-notes.js';
import type { Emulator, OutgoingResponse, RequestContext } from '../types.js';
import { lookupUsername, type SessionFacts, userIdentity } from './identity.js';
import { cloudTrailState, type TrailEvent } from './models.js';
import { eventTimeString } from './parameters.js';
import { backdateLastUse, requestTime } from './request-time.js';
import { eventResources } from './resources.js';
import { addEvent } from './retention.js';
import { queryNote } from './query-notes.js';
import { s3Note } from './s3-notes.js';

export const EVENT_VERSION = '1.09';

/** Services that know more about a session than STS does (EC2: role credentials from an instance's metadata service). */
type SessionFactsProvider = (ctx: RequestContext) => SessionFacts | undefined;
const sessionFactProviders: SessionFactsProvider[] = [];

export function addSessionFactsProvider(p: SessionFactsProvider): void {
  sessionFactProviders.push(p);
}

function sessionFacts(ctx: RequestContext): SessionFacts {
  for (const p of sessionFactProviders) {
    const f = p(ctx);
    if (f) return f;
  }
  return {};
}

/** IAM is a global service: CloudTrail records its calls in us-east-1. */
function eventRegion(ctx: RequestContext): string {
  return ctx.service === 'iam' ? 'us-east-1' : ctx.region;
}

function header(ctx: RequestContext, name: string): string {
  const v = ctx.request.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** EC2 prefixes client error codes in CloudTrail ("Client.UnauthorizedOperation"). */
function errorCode(ctx: RequestContext, err: AwsError, status: number): string {
  if (ctx.service === 'ec2') return `${status >= 500 ? 'Server' : 'Client'}.${err.code}`;
  return err.code;
}

/** Request parameters or response elements too large to keep are left out (an event stays small in the state file). */
const MAX_PART_BYTES = 100 * 1024;
function bounded(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  return JSON.stringify(v).length > MAX_PART_BYTES ? null : v;
}

function buildEvent(ctx: RequestContext, note: CallNote, at: Date, err: AwsError | undefined): TrailEvent {
  const p = ctx.principal;
  const requestParameters = bounded(note.requestParameters);
  const responseElementsValue = err ? null : bounded(note.responseElements);
  const ua = header(ctx, 'user-agent').slice(0, 1024);
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentity(p, sessionFacts(ctx)),
    eventTime: eventTimeString(at),
    eventSource: `${ctx.service}.amazonaws.com`,
    eventName: note.eventName,
    awsRegion: eventRegion(ctx),
    sourceIPAddress: ctx.sourceIp.startsWith('::ffff:') ? ctx.sourceIp.slice(7) : ctx.sourceIp,
    userAgent: ua,
    ...(err ? { errorCode: errorCode(ctx, err, err.status), errorMessage: err.message } : {}),
    requestParameters,
    responseElements: responseElementsValue,
    requestID: ctx.requestId,
    eventID: crypto.randomUUID(),
    readOnly: note.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ctx.account.accountId,
    eventCategory: 'Management',
    ...(ctx.secureTransport ? { tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: header(ctx, 'host') } } : {}),
    lookup: {
      username: lookupUsername(p),
      accessKeyId: p.accessKeyId || undefined,
      resources: eventResources(requestParameters, responseElementsValue, note.resources),
    },
  };
}

/** Run `handle` (the service module) and record the call in CloudTrail's event history. */
export async function recordCall(ctx: RequestContext, handle: () => Promise<OutgoingResponse>): Promise<OutgoingResponse> {
  if (ctx.principal.kind === 'anonymous') return handle();
  const at = requestTime(ctx);
  if (at) backdateLastUse(ctx, at);
  try {
    const response = await handle();
    record(ctx, at, undefined);
    return response;
  } catch (e) {
    if (e instanceof AwsError) record(ctx, at, e);
    throw e;
  }
}

/** The service's note, completed from the request for the services that only amend one (Query) or leave none (S3). */
function fullNote(ctx: RequestContext): CallNote | undefined {
  const note = callNote(ctx);
  if (note?.eventName) return note;
  const fromRequest = ctx.service === 's3' ? s3Note(ctx) : queryNote(ctx);
  return fromRequest && { ...fromRequest, ...note };
}

function record(ctx: RequestContext, at: Date | undefined, err: AwsError | undefined): void {
  try {
    const note = fullNote(ctx);
    if (!note || note.dataEvent) return;
    addEvent(cloudTrailState(ctx.account).events, buildEvent(ctx, note, at ?? new Date(), err));
    scheduleFlush(ctx.emulator, ctx.account.accountId);
  } catch (e) {
    process.emitWarning(`iam-labs emulator: could not record a CloudTrail event: ${(e as Error).message}`);
  }
}

/**
 * Events persist with the account, a little after they are recorded (many are reads, which do
 * not otherwise write the state file) and on close (flushTrail). No change event is emitted:
 * recording a read must not wake the live checklist, whose grading is itself made of reads.
 */
const pending = new WeakMap<Emulator, { ids: Set<string>; timer: NodeJS.Timeout }>();
const FLUSH_MS = 250;

function scheduleFlush(emulator: Emulator, accountId: string): void {
  if (!emulator.state.stateFile && !emulator.state.stateDir) return;
  const p = pending.get(emulator);
  if (p) {
    p.ids.add(accountId);
    return;
  }
  const timer = setTimeout(() => flushTrail(emulator), FLUSH_MS);
  timer.unref();
  pending.set(emulator, { ids: new Set([accountId]), timer });
}

export function flushTrail(emulator: Emulator): void {
  const p = pending.get(emulator);
  if (!p) return;
  clearTimeout(p.timer);
  pending.delete(emulator);
  // written without waiting for the disk: a record of a read is not worth an fsync
  void emulator.state.flushTouched();
}
