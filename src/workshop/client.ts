/** The learner's side of a workshop: join, and report check results to the dashboard. */
import { UserError } from '../core/errors.js';

export interface WorkshopJoin {
  learnerId: string;
  name: string;
  token: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint: string;
  region: string;
  labs: string[];
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

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  const attempt = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  try {
    // One retry: a kept-alive connection to a server that restarted fails once, then works.
    return await attempt().catch(attempt);
  } catch (e) {
    throw new WorkshopUnreachableError(
      `cannot reach the workshop server at ${new URL(url).origin} (${(e as Error).message}).`,
      2,
      'Check the address with your instructor, and that you are on the same network.',
    );
  }
}

export async function joinWorkshop(base: string, name: string, code: string, token?: string): Promise<WorkshopJoin> {
  const res = await post(`${base}/_workshop/api/join`, { name, code, token });
  const body = (await res.json().catch(() => ({}))) as Partial<WorkshopJoin> & { error?: string };
  if (!res.ok) throw new UserError(`the workshop server refused to join: ${body.error ?? res.statusText}`);
  return body as WorkshopJoin;
}

export interface ReportedStep {
  id: string;
  status: 'passed' | 'failed' | 'unverifiable';
  failing?: string[];
}

/** Best effort: a dashboard that is down must never break a learner's check. */
export async function reportProgress(base: string, token: string, lab: string, steps: ReportedStep[]): Promise<boolean> {
  try {
    const res = await post(`${base}/_workshop/api/progress`, { lab, steps }, token);
    return res.ok;
  } catch {
    return false;
  }
}
