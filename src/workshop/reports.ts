/** What the instructor sees: the class's progress per step, who is stuck, the most common failing condition. */
import type { OutlineLab } from './outline.js';
import type { WorkshopStore } from './store.js';

export function classSummary(store: WorkshopStore, outline: OutlineLab[], stuckMinutes: number, now = Date.now()) {
  const learners = Object.values(store.data.learners).sort((a, b) => a.joinedAt.localeCompare(b.joinedAt));
  const steps = outline.flatMap((l) => l.steps);
  const perStep = steps.map((s) => {
    const failures = new Map<string, number>();
    let passed = 0;
    let failing = 0;
    for (const l of learners) {
      const p = l.steps[s.id];
      if (!p) continue;
      if (p.status === 'passed') passed++;
      if (p.status === 'failed') {
        failing++;
        for (const f of p.failing) failures.set(f, (failures.get(f) ?? 0) + 1);
      }
    }
    const common = [...failures.entries()].sort((a, b) => b[1] - a[1])[0];
    return { id: s.id, title: s.title, lab: s.lab, passed, failing, commonFailure: common ? { condition: common[0], learners: common[1] } : null };
  });
  const stuck = learners.flatMap((l) =>
    Object.entries(l.steps)
      .filter(([, p]) => p.status === 'failed' && p.failingSince && now - Date.parse(p.failingSince) > stuckMinutes * 60_000)
      .map(([step, p]) => ({ learner: l.name, learnerId: l.id, step, since: p.failingSince, failing: p.failing })),
  );
  return {
    code: store.data.code,
    labs: outline.map((l) => ({ id: l.id, title: l.title, steps: l.steps.map((s) => ({ id: s.id, title: s.title })) })),
    stuckMinutes,
    learners: learners.map((l) => store.publicLearner(l)),
    perStep,
    stuck,
    generatedAt: new Date(now).toISOString(),
  };
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One row per learner and step: a spreadsheet-friendly export. */
export function classCsv(store: WorkshopStore, outline: OutlineLab[]): string {
  const rows = [['learner', 'account', 'lab', 'step', 'status', 'passed_at', 'failing_since', 'failing_conditions']];
  for (const l of Object.values(store.data.learners)) {
    for (const lab of outline) {
      for (const s of lab.steps) {
        const p = l.steps[s.id];
        rows.push([l.name, l.accountId, lab.id, s.id, p?.status ?? 'not started', p?.passedAt ?? '', p?.failingSince ?? '', (p?.failing ?? []).join('; ')]);
      }
    }
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
