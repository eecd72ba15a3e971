/**
 * <home>/workshop.json: the workshop this machine joined (server, name, the learner's token,
 * and whether the labs run on the server or here), so every grading can light up the
 * instructor's dashboard and `stop` can say how to come back.
 *
 * The runner reports after every grading with `reportToWorkshop(home, report)`: the whole state
 * of the graded lab (progress-model.ts documents the payload, version 2):
 *   { lab, current: the step the learner is on (null when the lab is complete),
 *     steps: [{ id, status: todo|passing|failing|done|done-changed|unverifiable,
 *               passedAt?, revealedAt?, failing?: names of the failing conditions }] }
 */
import path from 'node:path';
import { CorruptFileError } from '../core/errors.js';
import { isRecord, peekJsonFile, readJsonFile, writeJsonFile } from '../core/json-file.js';
import { sendProgressReport, type LabReport, type ReportedStatus } from '../workshop/client.js';
import type { Countersignature } from '../core/completion-format.js';
import type { Lab } from '../core/course.js';
import type { ProgressData } from './progress.js';

export type { LabReport, ReportedStep, ReportedStatus } from '../workshop/client.js';

export interface WorkshopLink {
  format: 1;
  base: string;
  name: string;
  learnerId: string;
  token: string;
  /** shared: the labs run in an account on the server; report-only: here, only progress goes there (absent: shared) */
  mode?: 'shared' | 'report-only';
  accountId?: string;
  /**
   * where progress goes when it is not `base` (a class dashboard several servers share), and the
   * learner's id there: that dashboard, which saw the progress, is the one that countersigns
   */
  report?: { base: string; token: string; learnerId?: string };
  /**
   * When the learner left the workshop's server with `stop` (shared mode): nothing is reported
   * until `workshop join` again. The token stays, so rejoining is the same learner.
   */
  leftAt?: string;
  /**
   * The latest report of each lab the server did not take (it was down, it throttled twice, the
   * network failed): sent again after the next report it takes, and before a countersignature
   * is asked for. Without it, a lab's last report lost would leave the server never seeing that
   * lab's last steps pass, and it would refuse to countersign the learner's record.
   */
  unsent?: Record<string, LabReport>;
}

export const workshopFile = (home: string) => path.join(home, 'workshop.json');

const isLink = (v: unknown): v is WorkshopLink =>
  isRecord(v) &&
  v.format === 1 &&
  typeof v.base === 'string' &&
  typeof v.name === 'string' &&
  typeof v.token === 'string' &&
  (v.mode === undefined || v.mode === 'shared' || v.mode === 'report-only') &&
  (v.report === undefined ||
    (isRecord(v.report) && typeof v.report.base === 'string' && typeof v.report.token === 'string' && (v.report.learnerId === undefined || typeof v.report.learnerId === 'string'))) &&
  (v.leftAt === undefined || typeof v.leftAt === 'string') &&
  (v.unsent === undefined || (isRecord(v.unsent) && Object.values(v.unsent).every(isReport)));

// the server validates what it is sent: this only keeps a damaged file from being sent as reports
const isReport = (v: unknown): v is LabReport => isRecord(v) && typeof v.lab === 'string' && Array.isArray(v.steps);

/** The joined workshop, if any. An unreadable file is kept aside and reported (CorruptFileError). */
export function readWorkshopLink(home: string): WorkshopLink | undefined {
  return readJsonFile(workshopFile(home), isLink, (u) =>
    new CorruptFileError(`the workshop file ${u.file} could not be read (${u.reason}); it was kept as ${u.keptAs}.`, 2, 'Join again: iam-labs workshop join <url> --name "Your Name" --code <code>.'),
  );
}

/**
 * The joined workshop as a command that only reports to it sees it, with no side effect: absent
 * or unreadable reads as none, and an unreadable file stays where it is, for the commands that
 * read it with readWorkshopLink to keep aside and report (start, stop, join, certificate).
 */
export function peekWorkshopLink(home: string): WorkshopLink | undefined {
  return peekJsonFile(workshopFile(home), isLink);
}

export function writeWorkshopLink(home: string, link: WorkshopLink): void {
  writeJsonFile(workshopFile(home), link);
}

/**
 * A lab's state for the dashboard, from the learner's progress (which every grading has just
 * updated), in the dashboard's words: done stays done, and a done step that fails now is
 * done-changed.
 */
export function labReport(lab: Lab, progress: ProgressData): LabReport {
  return {
    lab: lab.id,
    current: lab.steps.find((s) => !progress.steps[s.id]?.passedAt)?.id ?? null,
    steps: lab.steps.map((s) => {
      const p = progress.steps[s.id];
      const failing = p?.last?.failing ?? [];
      const passesNow = p?.last?.passed;
      const status: ReportedStatus = p?.passedAt
        ? passesNow === false && failing.length ? 'done-changed' : 'done'
        : passesNow === undefined ? 'todo'
        : passesNow ? 'passing'
        : failing.length ? 'failing' : 'unverifiable';
      return {
        id: s.id,
        status,
        ...(failing.length ? { failing } : {}),
        ...(p?.passedAt ? { passedAt: p.passedAt } : {}),
        ...(p?.revealedAt ? { revealedAt: p.revealedAt } : {}),
      };
    }),
  };
}

/** The joined workshop progress goes to, unless there is none, it cannot be read, or the learner left it. */
function reportingLink(home: string): WorkshopLink | undefined {
  const link = peekWorkshopLink(home);
  return link && !link.leftAt ? link : undefined;
}

/**
 * Called after every grading: tell the dashboard, if this machine joined a workshop. A report the
 * server does not take is kept in the link (`unsent`, replacing that lab's older one). The kept
 * ones go first the next time, so the server hears the latest grading last (it says where the
 * learner is). Resolves to the server when the report was kept (for the learner to hear), else
 * undefined. Never throws.
 */
export async function reportToWorkshop(home: string, report: LabReport): Promise<string | undefined> {
  const link = reportingLink(home);
  if (!link) return undefined;
  // this grading's report supersedes a kept one of the same lab
  const kept = Object.values(link.unsent ?? {}).filter((r) => r.lab !== report.lab);
  const { done, later } = await sendInOrder(link, [...kept, report]);
  if (later || link.unsent) updateUnsent(home, link, later ? { [report.lab]: report } : {}, done);
  return later ? reportTarget(link).base : undefined;
}

/** Send the reports the server did not take before (`certificate` does, before asking for a countersignature). Never throws. */
export async function sendUnsentReports(home: string): Promise<void> {
  const link = reportingLink(home);
  if (!link?.unsent || !Object.keys(link.unsent).length) return;
  const { done } = await sendInOrder(link, Object.values(link.unsent));
  updateUnsent(home, link, {}, done);
}

const reportTarget = (link: WorkshopLink) => link.report ?? { base: link.base, token: link.token };

/**
 * Send `reports` one after the other until the server cannot take one now (`later`: it and the
 * rest stay kept). `done`: the labs whose reports need no keeping any more (taken, or refused for
 * good: sending those again would not help).
 */
async function sendInOrder(link: WorkshopLink, reports: LabReport[]): Promise<{ done: string[]; later: boolean }> {
  const target = reportTarget(link);
  const done: string[] = [];
  for (const report of reports) {
    if ((await sendProgressReport(target.base, target.token, report)) === 'later') return { done, later: true };
    done.push(report.lab);
  }
  return { done, later: false };
}

/**
 * Change the kept reports in the link as it is on disk now (another command may have written it
 * meanwhile: a join elsewhere drops them, as they belong to the server left behind).
 */
function updateUnsent(home: string, readBefore: WorkshopLink, add: Record<string, LabReport>, remove: string[]): void {
  const now = reportingLink(home);
  if (!now || now.base !== readBefore.base || now.token !== readBefore.token) return;
  const unsent = { ...now.unsent, ...add };
  for (const lab of remove) delete unsent[lab];
  const { unsent: _old, ...rest } = now;
  try {
    writeWorkshopLink(home, Object.keys(unsent).length ? { ...rest, unsent } : rest);
  } catch {
    // a read-only state folder: the reports are lost, as they were before they were kept
  }
}

/**
 * The server that saw the learner's progress, so the one that can vouch for it: the class
 * dashboard several servers report to (hub), or the joined server itself. A join from before
 * hubs said the learner's id there has only the joined server (which then says it cannot).
 */
export function vouchingServer(link: WorkshopLink): { base: string; token: string; learnerId: string } {
  return link.report?.learnerId ? { base: link.report.base, token: link.report.token, learnerId: link.report.learnerId } : { base: link.base, token: link.token, learnerId: link.learnerId };
}

/**
 * Ask the joined workshop's server to countersign a completion record with the instructor's key:
 * POST /_workshop/api/countersign { record } (learner's bearer token) → { countersignature }. The
 * server decides what it checks first (the steps it saw pass for this learner). Returns the
 * countersignature, or why there is none, in words.
 */
export async function countersignAtWorkshop(home: string, record: unknown): Promise<{ countersignature?: Countersignature; reason?: string }> {
  let link: WorkshopLink | undefined;
  try {
    link = readWorkshopLink(home);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  if (!link) return { reason: 'you have not joined a workshop' };
  const at = vouchingServer(link);
  try {
    const res = await fetch(`${at.base}/_workshop/api/countersign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${at.token}` },
      body: JSON.stringify({ record }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 404) return { reason: `the workshop server at ${at.base} does not countersign records` };
    const body = (await res.json().catch(() => ({}))) as { countersignature?: Countersignature; error?: string };
    if (!res.ok || !body.countersignature) return { reason: `the workshop server did not countersign: ${body.error ?? `HTTP ${res.status}`}` };
    return { countersignature: body.countersignature };
  } catch (e) {
    return { reason: `the workshop server at ${at.base} did not answer (${(e as Error).message})` };
  }
}
