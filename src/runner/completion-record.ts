/**
 * The course completion record a learner keeps (`iam-labs certificate`) and an instructor checks
 * offline (`iam-labs verify`). What a signature means, honestly (also in docs/learners.md):
 *
 * - The record is signed with an Ed25519 key made for this iam-labs installation (its state
 *   folder) and carries the public key. A valid signature proves the record is intact: it is
 *   byte for byte what that installation wrote. It does not prove who did the labs, or that they
 *   did them alone: anyone can run iam-labs and produce one. Revealed solutions are listed.
 * - A joined workshop's server may countersign it with its own key. `verify --key <server.pub>`
 *   then proves that the server holding that key signed this record, which it does only when its
 *   own progress journal shows every step the record claims as passed for that learner
 *   (workshop/countersign.ts). The format itself lives in core/completion-format.ts.
 */
import { RECORD_KIND, type CompletionPayload } from '../core/completion-format.js';
import { loadOrCreateKey, type LoadedKey } from '../core/signing-key.js';
import type { CourseSummary } from './completion.js';
import type { ProgressData } from './progress.js';
import type { Course } from '../core/course.js';

/** This installation's signing key: made on first use, kept in the state folder (mode 0600). */
export function installationKey(file: string): LoadedKey {
  return loadOrCreateKey(file);
}

export function completionPayload(course: Course, p: ProgressData, summary: CourseSummary, learner: { name?: string }, workshop?: CompletionPayload['workshop']): CompletionPayload {
  const minutes = (ms: number) => Math.round(ms / 60_000);
  return {
    format: 1,
    kind: RECORD_KIND,
    issuedAt: new Date().toISOString(),
    learner,
    course: { title: course.title, labs: course.labs.map((l) => l.id) },
    ...(summary.completedAt ? { completedAt: summary.completedAt } : {}),
    totals: { labs: summary.totals.labs, steps: summary.totals.stepsDone, revealedSteps: summary.totals.revealed, activeMinutes: minutes(summary.totals.activeMs) },
    labs: course.labs.map((l) => {
      const s = summary.labs.find((x) => x.id === l.id)!;
      return {
        id: l.id,
        title: l.title,
        ...(s.startedAt ? { startedAt: s.startedAt } : {}),
        ...(s.completedAt ? { completedAt: s.completedAt } : {}),
        activeMinutes: minutes(s.activeMs),
        steps: l.steps.map((st) => {
          const rec = p.steps[st.id];
          const revealed = rec?.revealedAt && (!rec.passedAt || rec.revealedAt <= rec.passedAt) ? { revealedAt: rec.revealedAt } : {};
          return { id: st.id, passedAt: rec?.passedAt ?? '', ...revealed };
        }),
      };
    }),
    ...(workshop ? { workshop } : {}),
  };
}
