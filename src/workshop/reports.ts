/**
 * What the instructor sees: each learner's place in the course (the step they are on and since
 * when), the steps done (they stay done) and revealed, and per step how many are done, on it,
 * stuck, and the condition that fails most often. "Stuck" is one rule, here: a learner is stuck
 * when they have been on the same step, not done, for longer than the threshold; every view
 * carries the moment that happens (`stuckAt`), so the dashboard only compares it with its clock.
 */
import type { OutlineLab } from './outline.js';
import type { Learner, WorkshopStore } from './store.js';

export function publicLearner(l: Learner, stuckMinutes: number) {
  const p = l.progress;
  const pos = p.position;
  const onStep = pos?.step ? p.steps[pos.step] : undefined;
  const stuckAt = pos?.step && !onStep?.passedAt ? new Date(Date.parse(pos.since) + stuckMinutes * 60_000).toISOString() : undefined;
  return {
    id: l.id,
    name: l.name,
    mode: l.mode,
    ...(l.server ? { server: l.server } : {}),
    ...(l.accountId ? { accountId: l.accountId } : {}),
    joinedAt: l.joinedAt,
    lastSeen: p.lastSeen ?? l.joinedAt,
    position: pos ? { ...pos, ...(stuckAt ? { stuckAt } : {}) } : null,
    steps: p.steps,
  };
}
export type PublicLearner = ReturnType<typeof publicLearner>;

const isStuck = (l: PublicLearner, now: number) => !!l.position?.stuckAt && Date.parse(l.position.stuckAt) <= now;

export function classSummary(store: WorkshopStore, outline: readonly OutlineLab[], stuckMinutes: number, now = Date.now()) {
  const learners = [...store.all()].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt)).map((l) => publicLearner(l, stuckMinutes));
  const perStep = outline.flatMap((lab) =>
    lab.steps.map((s) => {
      const failures = new Map<string, number>();
      const row = { id: s.id, title: s.title, lab: lab.id, done: 0, revealed: 0, onIt: 0, stuck: 0, failing: 0 };
      for (const l of learners) {
        const p = l.steps[s.id];
        if (p?.passedAt) row.done++;
        if (p?.revealedAt) row.revealed++;
        if (p?.status === 'failing' && !p.passedAt) row.failing++;
        if (l.position?.step !== s.id) continue;
        row.onIt++;
        if (isStuck(l, now)) row.stuck++;
        for (const f of p?.failing ?? []) failures.set(f, (failures.get(f) ?? 0) + 1);
      }
      const common = [...failures.entries()].sort((a, b) => b[1] - a[1])[0];
      return { ...row, commonFailure: common ? { condition: common[0], learners: common[1] } : null };
    }),
  );
  const stuck = learners
    .filter((l) => isStuck(l, now))
    .map((l) => ({ learnerId: l.id, name: l.name, lab: l.position!.lab, step: l.position!.step!, since: l.position!.since, failing: l.steps[l.position!.step!]?.failing ?? [] }))
    .sort((a, b) => a.since.localeCompare(b.since));
  return {
    code: store.identity.code,
    labs: outline.map((l) => ({ id: l.id, title: l.title, steps: l.steps.map((s) => ({ id: s.id, title: s.title })) })),
    stuckMinutes,
    learners,
    perStep,
    stuck,
    generatedAt: new Date(now).toISOString(),
  };
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
