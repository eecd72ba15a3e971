/**
 * What a learner's runner reports and what the instructor sees of it.
 *
 * The report (POST /_workshop/api/progress, version 2) is the whole state of one lab, each time:
 *
 *   { "v": 2, "lab": "01-users", "current": "users/attach-managed-policy",
 *     "steps": [ { "id": "users/create-user", "status": "done", "passedAt": "…" },
 *                { "id": "users/attach-managed-policy", "status": "failing",
 *                  "failing": ["Samy can s3:GetObject"] }, … ] }
 *
 * status is the runner's view of the step: todo, passing, failing, done (passed before and still
 * passes), done-changed (passed before, fails now) or unverifiable; passedAt and revealedAt
 * (the learner asked for the solution) are ISO times; current is the step the learner is on
 * (null when the lab is complete). Version 1 ({lab, steps: [{id, status: passed|failed|
 * unverifiable, failing}]}, runners before this format) is still understood.
 *
 * Only the course's labs and steps are accepted, and every list and string has a bound, so a
 * report cannot grow the server's state beyond the course's size. Progress only moves forward:
 * a step that passed stays done, and a revealed step stays revealed.
 */
import { WorkshopError } from './errors.js';
import type { OutlineLab } from './outline.js';

export const REPORT_VERSION = 2;
export const MAX_FAILING = 8;
export const MAX_CONDITION_CHARS = 200;
/** the largest progress report body, bytes (a lab of 30 steps with every bound reached fits) */
export const MAX_REPORT_BYTES = 64 * 1024;

export type ReportedStatus = 'todo' | 'passing' | 'failing' | 'done' | 'done-changed' | 'unverifiable';
const STATUSES: ReadonlySet<string> = new Set<ReportedStatus>(['todo', 'passing', 'failing', 'done', 'done-changed', 'unverifiable']);
const V1_STATUSES: Record<string, ReportedStatus> = { passed: 'passing', failed: 'failing', unverifiable: 'unverifiable' };

export interface ReportedStep {
  id: string;
  status: ReportedStatus;
  passedAt?: string;
  revealedAt?: string;
  failing?: string[];
}

/** A validated report: what the journal keeps and the merge applies. */
export interface LabReport {
  lab: string;
  /** the step the learner is on; null: the lab is complete; undefined: not said (version 1) */
  current?: string | null;
  steps: ReportedStep[];
}

/** The latest verdict of one step and the facts that only move forward. */
export interface StepRecord {
  /** the runner's latest verdict: never-checked steps are `todo` */
  status: 'todo' | 'passing' | 'failing' | 'unverifiable';
  passedAt?: string;
  revealedAt?: string;
  failing?: string[];
  checkedAt?: string;
}

export interface Position {
  lab: string;
  /** null: the lab is complete */
  step: string | null;
  /** since when the learner is on it (server time) */
  since: string;
}

export interface LearnerProgress {
  position?: Position;
  lastSeen?: string;
  steps: Record<string, StepRecord>;
}

export function emptyProgress(): LearnerProgress {
  return { steps: Object.create(null) as Record<string, StepRecord> };
}

const bad = (message: string) => new WorkshopError(message, 400, 'ValidationError');

function isoTime(v: unknown, field: string, now: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > 40 || Number.isNaN(Date.parse(v))) throw bad(`${field} must be an ISO 8601 time.`);
  // A learner's clock may run ahead: nothing is recorded as happening after the server's now.
  const t = new Date(Date.parse(v)).toISOString();
  return t > now ? now : t;
}

function conditions(v: unknown, field: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(`${field} must be a list of condition names.`);
  return v
    .filter((c): c is string => typeof c === 'string')
    .slice(0, MAX_FAILING)
    .map((c) => [...c.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim()].slice(0, MAX_CONDITION_CHARS).join(''))
    .filter(Boolean);
}

/**
 * Check a report body against the workshop's labs and steps; returns it normalized. Unknown
 * labs and steps, duplicates, unknown statuses and malformed times are refused with a message
 * that names them.
 */
export function parseReport(body: Record<string, unknown>, outline: readonly OutlineLab[], now: string): LabReport {
  const version = body.v ?? 1;
  if (version !== 1 && version !== REPORT_VERSION) throw bad(`Unknown progress report version ${JSON.stringify(version)}; this server reads versions 1 and ${REPORT_VERSION}.`);
  const lab = outline.find((l) => l.id === body.lab);
  if (!lab) {
    throw bad(`Unknown lab ${JSON.stringify(String(body.lab ?? '')).slice(0, 80)}: this workshop offers ${outline.map((l) => l.id).join(', ')}.`);
  }
  if (!Array.isArray(body.steps)) throw bad('Expected {v, lab, current, steps: [{id, status, passedAt, revealedAt, failing}]}.');
  if (body.steps.length > lab.steps.length) throw bad(`Lab ${lab.id} has ${lab.steps.length} steps; the report lists ${body.steps.length}.`);
  const known = new Set(lab.steps.map((s) => s.id));
  const seen = new Set<string>();
  const steps: ReportedStep[] = [];
  for (const raw of body.steps as unknown[]) {
    const s = (raw ?? {}) as Record<string, unknown>;
    const id = typeof s.id === 'string' ? s.id : '';
    if (!known.has(id)) throw bad(`Lab ${lab.id} has no step ${JSON.stringify(id).slice(0, 80)}.`);
    if (seen.has(id)) throw bad(`Step ${id} is listed twice.`);
    seen.add(id);
    const status = version === 1 ? V1_STATUSES[String(s.status)] : STATUSES.has(String(s.status)) ? (s.status as ReportedStatus) : undefined;
    if (!status) throw bad(`Step ${id}: unknown status ${JSON.stringify(String(s.status)).slice(0, 40)}.`);
    const step: ReportedStep = { id, status };
    const passedAt = isoTime(s.passedAt, `${id}: passedAt`, now) ?? (version === 1 && status === 'passing' ? now : undefined);
    const revealedAt = isoTime(s.revealedAt, `${id}: revealedAt`, now);
    const failing = conditions(s.failing, `${id}: failing`);
    if (passedAt) step.passedAt = passedAt;
    if (revealedAt) step.revealedAt = revealedAt;
    if (failing?.length) step.failing = failing;
    steps.push(step);
  }
  const report: LabReport = { lab: lab.id, steps };
  if (version !== 1) {
    if (body.current === null) report.current = null;
    else if (typeof body.current === 'string' && known.has(body.current)) report.current = body.current;
    else if (body.current !== undefined) throw bad(`current must be a step of lab ${lab.id} or null.`);
  }
  return report;
}

/**
 * Apply a report to a learner's progress at server time `at`. Deterministic, so replaying the
 * journal rebuilds the same state; idempotent, so a report applied twice changes nothing more.
 * Returns whether anything the dashboard shows changed (lastSeen aside).
 */
export function applyReport(p: LearnerProgress, report: LabReport, lab: OutlineLab, at: string): boolean {
  let changed = false;
  for (const s of report.steps) {
    const prev = p.steps[s.id];
    const status: StepRecord['status'] = s.status === 'done' ? 'passing' : s.status === 'done-changed' ? 'failing' : s.status;
    const passed = s.status === 'passing' || s.status === 'done' || s.status === 'done-changed';
    const next: StepRecord = {
      status,
      passedAt: prev?.passedAt ?? s.passedAt ?? (passed ? at : undefined),
      revealedAt: prev?.revealedAt ?? s.revealedAt,
      failing: status === 'failing' ? s.failing : undefined,
      checkedAt: status === 'todo' ? prev?.checkedAt : at,
    };
    if (!prev || prev.status !== next.status || prev.passedAt !== next.passedAt || prev.revealedAt !== next.revealedAt || !sameList(prev.failing, next.failing)) {
      changed = true;
    }
    p.steps[s.id] = prune(next);
  }
  // Where the learner is: what the runner says, or (version 1) the lab's first step not done.
  const current = report.current !== undefined ? report.current : (lab.steps.find((st) => !p.steps[st.id]?.passedAt)?.id ?? null);
  if (!p.position || p.position.lab !== report.lab || p.position.step !== current) {
    p.position = { lab: report.lab, step: current, since: at };
    changed = true;
  }
  p.lastSeen = at;
  return changed;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  return (a ?? []).join('\u0000') === (b ?? []).join('\u0000');
}

function prune(r: StepRecord): StepRecord {
  for (const k of Object.keys(r) as Array<keyof StepRecord>) if (r[k] === undefined) delete r[k];
  return r;
}
