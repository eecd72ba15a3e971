/**
 * A learner's own instances' metadata services, through the workshop server (the contract is in
 * core/workshop-imds-route.ts). On the instructor's machine each instance's metadata service is a
 * loopback listener nobody else can reach, so `instance-shell` on a learner's machine asks here
 * instead, with the learner's token. The front only routes: the worker that holds the learner's
 * account answers (worker.ts), with the same answers, session tokens and role sessions as the
 * loopback listener. Only the learner's own account is looked in: another learner's instance is
 * a 404, as an unknown one is.
 */
import {
  FORWARDED_FOR_HEADER,
  IMDS_BODY_BYTES,
  IMDS_REQUEST_HEADERS,
  IMDS_ROUTE_PREFIX,
  INSTANCE_ROUTE_PREFIX,
} from '../core/workshop-imds-route.js';
import { WorkshopError } from './errors.js';
import { jsonResponse } from './http-io.js';
import type { ImdsWireRequest, WireRequest, WireResponse } from './ipc.js';
import type { Learner } from './store.js';
import type { WorkerPool } from './workers.js';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export const isInstanceMetadataRoute = (path: string) => path.startsWith(IMDS_ROUTE_PREFIX) || path.startsWith(INSTANCE_ROUTE_PREFIX);

/** The largest body a request to these routes may carry (IMDS requests have none). */
export const INSTANCE_METADATA_BODY_BYTES = IMDS_BODY_BYTES;

const firstHeader = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The learner's account, or why there is none here. */
function accountOf(learner: Learner, workers: WorkerPool | undefined): { accountId: string; workers: WorkerPool } {
  if (!learner.accountId || !workers) {
    throw new WorkshopError('You have no AWS account on this workshop server (report-only): your labs and their instances run on your own machine.', 404, 'ReportOnly');
  }
  return { accountId: learner.accountId, workers };
}

/** Answer a request to one of these routes for `learner` (already authenticated and throttled). */
export async function serveInstanceMetadataRoute(req: WireRequest, learner: Learner, workers: WorkerPool | undefined): Promise<WireResponse> {
  // A request a worker forwarded was read under its own, larger limit.
  if (req.body.length > IMDS_BODY_BYTES) throw new WorkshopError(`Request body too large: this endpoint takes at most ${IMDS_BODY_BYTES / 1024} KB.`, 413);
  const { accountId, workers: pool } = accountOf(learner, workers);

  if (req.rawPath.startsWith(INSTANCE_ROUTE_PREFIX)) {
    const instanceId = req.rawPath.slice(INSTANCE_ROUTE_PREFIX.length).replace(/\/+$/, '');
    if (req.method !== 'GET') throw new WorkshopError(`No such workshop endpoint: ${req.method} ${INSTANCE_ROUTE_PREFIX}<instance-id>`, 404);
    const info = INSTANCE_ID.test(instanceId) ? await pool.instanceMetadata(accountId, instanceId) : undefined;
    if (!info) throw new WorkshopError(`There is no running instance ${instanceId.slice(0, 40)} in your account.`, 404, 'InvalidInstanceID.NotFound');
    return jsonResponse(200, info);
  }

  // /_workshop/api/imds/<instance-id>[/<IMDS path>]: the path is passed on as sent, like the
  // loopback listener's (IMDS tells /latest/meta-data from /latest/meta-data/)
  const rest = req.rawPath.slice(IMDS_ROUTE_PREFIX.length);
  const slash = rest.indexOf('/');
  const instanceId = slash < 0 ? rest : rest.slice(0, slash);
  const path = (slash < 0 ? '/' : rest.slice(slash)) + (req.rawQuery ? `?${req.rawQuery}` : '');
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of IMDS_REQUEST_HEADERS) {
    const v = firstHeader(req.headers[name]);
    if (v !== undefined) headers[name] = v;
  }
  const forwardedFor = firstHeader(req.headers[FORWARDED_FOR_HEADER]);
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  const imdsReq: ImdsWireRequest = { method: req.method, path, headers: { ...headers } };
  // any id is asked about: one that is not an instance of this account gets the metadata service's own 404
  const out = (await pool.instanceMetadata(accountId, instanceId.slice(0, 64), imdsReq)) as WireResponse | undefined;
  // no such account in its worker (cannot happen for a joined learner)
  if (!out) return { status: 404, headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }, body: 'Not Found' };
  // role credentials must not be kept by any cache between the learner and here
  return { status: out.status, headers: { ...out.headers, 'cache-control': 'no-store' }, body: out.body };
}
