/**
 * The client side of the workshop API: joining, and reporting progress. The learner's runner
 * (src/runner/workshop-link.ts), a class server that reports to a hub (hub.ts) and the load
 * benchmark all use these.
 */
import { UserError } from '../core/errors.js';
import { REPORT_VERSION, type LabReport } from './progress-model.js';

export type { LabReport, ReportedStep, ReportedStatus } from './progress-model.js';

export interface WorkshopJoin {
  learnerId: string;
  name: string;
  token: string;
  /** shared: an account on the server; report-only: the lab runs on the learner's machine */
  mode: 'shared' | 'report-only';
  labs: string[];
  /** shared mode: the learner's own account on the server */
  accountId?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  endpoint?: string;
  region?: string;
  /** where to report progress when it is not this server (a class dashboard several servers share), and the learner's id there */
  report?: { base: string; token: string; learnerId?: string };
}

export class WorkshopUnreachableError extends UserError {}

/** "http://host:port/?code=ABC" or "http://host:port" → base URL and code (if in the URL). */
export function parseWorkshopUrl(input: string): { base: string; code?: string } {
  let url: URL;
  try {
    url = new URL(/^https?:\/\//.test(input) ? input : `http://${input}`);
  } catch {
    throw new UserError(`'${input}' is not a workshop address. Use the URL your instructor shows, e.g. http://10.0.0.5:4567`);
  }
  return { base: `${url.protocol}//${url.host}`, code: url.searchParams.get('code') ?? undefined };
}

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
  /** seconds, from Retry-After */
  retryAfter?: number;
}

/** POST a JSON body; the answer's status and JSON body. Throws WorkshopUnreachableError when there is no answer. */
export async function postJson(url: string, body: unknown, token?: string, timeoutMs = 10_000): Promise<JsonAnswer> {
  const attempt = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  let res: Response;
  try {
    // One retry: a kept-alive connection to a server that restarted fails once, then works.
    res = await attempt().catch(attempt);
  } catch (e) {
    throw new WorkshopUnreachableError(
      `cannot reach the workshop server at ${new URL(url).origin} (${(e as Error).message}).`,
      2,
      'Check the address with your instructor, and that you are on the same network.',
    );
  }
  const text = await res.text().catch(() => '');
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    /* not JSON: status says enough */
  }
  const retry = Number(res.headers.get('retry-after'));
  return { status: res.status, body: parsed, ...(retry > 0 ? { retryAfter: retry } : {}) };
}

export interface JoinRequest {
  name: string;
  code: string;
  /** the token of an earlier join from this machine: the same learner and account */
  token?: string;
  mode?: 'shared' | 'report-only';
  /** a class server registering its learner at a hub names itself */
  server?: string;
}

/** Join; a throttled join waits as the server asks (a few times), then says so. */
export async function joinWorkshop(base: string, req: JoinRequest | string, code?: string, token?: string): Promise<WorkshopJoin> {
  const body: JoinRequest = typeof req === 'string' ? { name: req, code: code ?? '', token } : req;
  for (let attempt = 0; ; attempt++) {
    const res = await postJson(`${base}/_workshop/api/join`, body);
    if (res.status === 200) return res.body as unknown as WorkshopJoin;
    if (res.status === 429 && attempt < 3 && (res.retryAfter ?? 1) <= 10) {
      await new Promise((r) => setTimeout(r, (res.retryAfter ?? 1) * 1000));
      continue;
    }
    throw new UserError(`the workshop server refused to join: ${String(res.body.error ?? `HTTP ${res.status}`)}`);
  }
}

/** The report of one lab as the server reads it (version 2; progress-model.ts). */
export function reportBody(report: LabReport): Record<string, unknown> {
  return { v: REPORT_VERSION, ...report };
}

/**
 * A check waits for its report: a server that does not answer must not hold it for long, and a
 * report that times out is kept and sent again later (workshop-link.ts).
 */
const REPORT_TIMEOUT_MS = 3000;

/** Best effort: a dashboard that is down must never break a learner's check. Resolves true when the server took it. */
export async function reportProgress(base: string, token: string, report: LabReport): Promise<boolean> {
  return (await sendProgressReport(base, token, report)) === 'taken';
}

/**
 * Send one lab's report: `taken`; `later` when the server could not take it now (unreachable,
 * throttled past a short wait, failing), so sending it again later may work; `refused` when it
 * will not take this report at all (an unknown lab or token, a malformed report). Never throws.
 */
export async function sendProgressReport(base: string, token: string, report: LabReport): Promise<'taken' | 'later' | 'refused'> {
  try {
    let res = await postJson(`${base}/_workshop/api/progress`, reportBody(report), token, REPORT_TIMEOUT_MS);
    // A burst (`solve` grades twice a step) can meet the server's throttle: a short wait, as the
    // server asks, keeps the dashboard right; a long one is not worth holding a check for.
    if (res.status === 429 && (res.retryAfter ?? 1) <= 2) {
      await new Promise((r) => setTimeout(r, (res.retryAfter ?? 1) * 1000));
      res = await postJson(`${base}/_workshop/api/progress`, reportBody(report), token, REPORT_TIMEOUT_MS);
    }
    if (res.status === 204) return 'taken';
    return res.status === 429 || res.status === 408 || res.status >= 500 ? 'later' : 'refused';
  } catch {
    return 'later';
  }
}
