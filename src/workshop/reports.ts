/**
 * What the instructor sees: each learner's place in the course (the step they are on and since
 * when), the steps done (they stay done) and revealed, and per step how many are done, on it,
 * stuck, and the condition that fails most often. "Stuck" is one rule, here: a learner is stuck
 * when they have been on the same step, not done, for longer than the threshold; every view
 * carries the moment that happens (`stuckAt`), so the dashboard only compares it with its clock.
 */
import type { OutlineLab } from './outline.js';
import type { LearnerProgress, StepRecord } from './progress-model.js';
import type { Learner, WorkshopStore } from './store.js';

/** When a learner on a step not done becomes stuck (ms since the epoch); undefined when they cannot be. */
function stuckAtMs(p: LearnerProgress, stuckMinutes: number): number | undefined {
  const pos = p.position;
  return pos?.step && !p.steps[pos.step]?.passedAt ? Date.parse(pos.since) + stuckMinutes * 60_000 : undefined;
}

export function publicLearner(l: Learner, stuckMinutes: number) {
  const p = l.progress;
  const pos = p.position;
  const stuckAt = stuckAtMs(p, stuckMinutes);
  return {
    id: l.id,
    name: l.name,
    mode: l.mode,
    ...(l.server ? { server: l.server } : {}),
    ...(l.accountId ? { accountId: l.accountId } : {}),
    joinedAt: l.joinedAt,
    lastSeen: p.lastSeen ?? l.joinedAt,
    position: pos ? { ...pos, ...(stuckAt !== undefined ? { stuckAt: new Date(stuckAt).toISOString() } : {}) } : null,
    steps: p.steps,
  };
}
export type PublicLearner = ReturnType<typeof publicLearner>;

const isStuck = (l: PublicLearner, now: number) => !!l.position?.stuckAt && Date.parse(l.position.stuckAt) <= now;

interface StepRow {
  id: string;
  title: string;
  lab: string;
  done: number;
  revealed: number;
  onIt: number;
  stuck: number;
  failing: number;
}

/** What the class tally reads of a learner: their steps, the step they are on, when they become stuck there. */
interface Tallied {
  steps: Readonly<Record<string, StepRecord>>;
  step: string | null | undefined;
  stuckAt: number | undefined;
}

/**
 * Per step: how many learners are done, revealed it, are on it, stuck on it, failing it, and the
 * commonest failing condition of those on it; and the class's counts. One pass over the class
 * that allocates nothing per learner: the live summary runs it over thousands of learners every
 * few seconds, on the event loop that answers their reports.
 */
function tally(learners: Iterable<Tallied>, outline: readonly OutlineLab[], now: number) {
  const rows = new Map<string, StepRow & { failures: Map<string, number> }>();
  for (const lab of outline) {
    for (const s of lab.steps) rows.set(s.id, { id: s.id, title: s.title, lab: lab.id, done: 0, revealed: 0, onIt: 0, stuck: 0, failing: 0, failures: new Map() });
  }
  const total = rows.size;
  const counts = { learners: 0, started: 0, stuck: 0, finished: 0 };
  for (const l of learners) {
    counts.learners++;
    let done = 0;
    for (const id in l.steps) {
      const row = rows.get(id);
      if (!row) continue;
      const p = l.steps[id];
      if (p.passedAt) {
        row.done++;
        done++;
      }
      if (p.revealedAt) row.revealed++;
      if (p.status === 'failing' && !p.passedAt) row.failing++;
    }
    if (total && done === total) counts.finished++;
    if (l.step !== undefined) counts.started++;
    const stuck = l.stuckAt !== undefined && l.stuckAt <= now;
    if (stuck) counts.stuck++;
    const here = l.step ? rows.get(l.step) : undefined;
    if (!here) continue;
    here.onIt++;
    if (stuck) here.stuck++;
    for (const f of l.steps[here.id]?.failing ?? []) here.failures.set(f, (here.failures.get(f) ?? 0) + 1);
  }
  const perStep = [...rows.values()].map(({ failures, ...row }) => {
    const common = [...failures.entries()].sort((a, b) => b[1] - a[1])[0];
    return { ...row, commonFailure: common ? { condition: common[0], learners: common[1] } : null };
  });
  return { perStep, counts };
}

function* publicTallied(learners: readonly PublicLearner[]): Generator<Tallied> {
  for (const l of learners) yield { steps: l.steps, step: l.position ? l.position.step : undefined, stuckAt: l.position?.stuckAt ? Date.parse(l.position.stuckAt) : undefined };
}

function* storeTallied(learners: Iterable<Learner>, stuckMinutes: number): Generator<Tallied> {
  // One object reused for every learner: the tally reads it before asking for the next.
  const t: Tallied = { steps: {}, step: undefined, stuckAt: undefined };
  for (const l of learners) {
    t.steps = l.progress.steps;
    t.step = l.progress.position ? l.progress.position.step : undefined;
    t.stuckAt = stuckAtMs(l.progress, stuckMinutes);
    yield t;
  }
}

/** Per step: how many learners are done, revealed it, are on it, stuck on it, failing it; the commonest failing condition of those on it. */
export function stepSummary(learners: readonly PublicLearner[], outline: readonly OutlineLab[], now = Date.now()) {
  return tally(publicTallied(learners), outline, now).perStep;
}

/** The class at a glance: what the dashboard's live summary and the JSON export hold besides the learners. */
export function classCounts(learners: readonly PublicLearner[], outline: readonly OutlineLab[], now = Date.now()) {
  return tally(publicTallied(learners), outline, now).counts;
}

export function classSummary(store: WorkshopStore, outline: readonly OutlineLab[], stuckMinutes: number, now = Date.now()) {
  const learners = [...store.all()].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt)).map((l) => publicLearner(l, stuckMinutes));
  const stuck = learners
    .filter((l) => isStuck(l, now))
    .map((l) => ({ learnerId: l.id, name: l.name, lab: l.position!.lab, step: l.position!.step!, since: l.position!.since, failing: l.steps[l.position!.step!]?.failing ?? [] }))
    .sort((a, b) => a.since.localeCompare(b.since));
  const { perStep, counts } = tally(publicTallied(learners), outline, now);
  return {
    code: store.identity.code,
    labs: outline.map((l) => ({ id: l.id, title: l.title, steps: l.steps.map((s) => ({ id: s.id, title: s.title })) })),
    stuckMinutes,
    learners,
    perStep,
    counts,
    stuck,
    generatedAt: new Date(now).toISOString(),
  };
}

/** What the dashboards get every few seconds: the per-step summary and counts, computed here once for all of them. */
export function liveSummary(store: WorkshopStore, outline: readonly OutlineLab[], stuckMinutes: number, now = Date.now()) {
  return { ...tally(storeTallied(store.all(), stuckMinutes), outline, now), generatedAt: new Date(now).toISOString() };
}

/**
 * A spreadsheet opens a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula; learner-sent text must never run as one (=HYPERLINK(…) would leak data). Such cells
 * are prefixed with an apostrophe, which spreadsheets show as text (OWASP's advice).
 */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per learner and step: a spreadsheet-friendly export. */
export function classCsv(store: WorkshopStore, outline: readonly OutlineLab[], stuckMinutes: number, now = Date.now()): string {
  const rows = [['learner', 'mode', 'server', 'account', 'lab', 'step', 'status', 'passed_at', 'revealed_at', 'on_it_since', 'stuck', 'failing_conditions']];
  for (const learner of store.all()) {
    const l = publicLearner(learner, stuckMinutes);
    for (const lab of outline) {
      for (const s of lab.steps) {
        const p = l.steps[s.id];
        const here = l.position?.step === s.id;
        const status = p?.passedAt ? (p.status === 'failing' ? 'done (changed since)' : 'done') : p?.status === 'failing' ? 'failing' : p?.status === 'unverifiable' ? 'not verifiable' : 'not done';
        rows.push([
          l.name,
          l.mode,
          l.server ?? '',
          l.accountId ?? '',
          lab.id,
          s.id,
          status,
          p?.passedAt ?? '',
          p?.revealedAt ?? '',
          here ? l.position!.since : '',
          here && isStuck(l, now) ? 'yes' : '',
          (p?.failing ?? []).join('; '),
        ]);
      }
    }
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
