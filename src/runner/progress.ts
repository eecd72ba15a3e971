/**
 * The learner's progress, keyed by step id (never by number, so reordering labs keeps it), and
 * facts later steps need. Written atomically under a lock; a corrupt file is kept aside and
 * reported, never silently reset.
 */
import { CorruptFileError } from '../core/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from '../core/json-file.js';
import { withLock } from './lock.js';

export const PROGRESS_FORMAT = 1;

export interface StepProgress {
  passedAt?: string;
  attempts: number;
  lastCheckedAt?: string;
  /** how many of the step's tiered hints were shown */
  hintsShown?: number;
}

export interface ProgressData {
  format: number;
  steps: Record<string, StepProgress>;
  facts: Record<string, string>;
  labs: Record<string, { startedAt?: string; completedAt?: string }>;
}

export function emptyProgress(): ProgressData {
  return { format: PROGRESS_FORMAT, steps: {}, facts: {}, labs: {} };
}

function valid(v: unknown): v is ProgressData {
  return isRecord(v) && v.format === PROGRESS_FORMAT && isRecord(v.steps) && isRecord(v.facts) && isRecord(v.labs);
}

export class ProgressStore {
  constructor(readonly file: string) {}

  /** Read progress; a missing file is empty progress; an unreadable one throws CorruptFileError. */
  read(): ProgressData {
    const read = readJsonFile(this.file, valid, (u) =>
      new CorruptFileError(
        `your progress file ${u.file} could not be read (${u.reason}).`,
        2,
        `It was kept as ${u.keptAs}. Run the command again to start with empty progress, or restore that file.`,
      ),
    );
    return read ?? emptyProgress();
  }

  /** Read-modify-write under the lock, so concurrent runners never lose each other's updates. */
  async update(fn: (p: ProgressData) => void): Promise<ProgressData> {
    return withLock(this.file, () => {
      const p = this.read();
      fn(p);
      writeJsonFile(this.file, p);
      return p;
    });
  }

  /** Record a check's verdicts. Returns the ids that passed for the first time. */
  async recordCheck(verdicts: Array<{ id: string; passed: boolean }>, facts: Record<string, string> = {}): Promise<string[]> {
    const firsts: string[] = [];
    const now = new Date().toISOString();
    await this.update((p) => {
      for (const v of verdicts) {
        const s = (p.steps[v.id] ??= { attempts: 0 });
        s.attempts += 1;
        s.lastCheckedAt = now;
        if (v.passed && !s.passedAt) {
          s.passedAt = now;
          firsts.push(v.id);
        }
      }
      Object.assign(p.facts, facts);
    });
    return firsts;
  }

  /**
   * Forget a lab's steps and facts (on reset). Facts belong to a lab when their key starts with
   * the topic of its step ids (e.g. "users/"), the naming graders use.
   */
  async forgetLab(labId: string, stepIds: string[]): Promise<void> {
    const topics = new Set(stepIds.map((id) => `${id.split('/')[0]}/`));
    await this.update((p) => {
      for (const id of stepIds) delete p.steps[id];
      for (const k of Object.keys(p.facts)) if ([...topics].some((t) => k.startsWith(t))) delete p.facts[k];
      delete p.labs[labId];
    });
  }
}
