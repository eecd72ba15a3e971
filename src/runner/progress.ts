/**
 * The learner's progress, keyed by step id (never by number, so reordering labs keeps it), and
 * facts later steps need. Written atomically under a lock; a corrupt file is kept aside and
 * reported, never silently reset.
 */
import fs from 'node:fs';
import { keepAside, writeFileAtomic } from '../emulator/state/persistence.js';
import { CorruptFileError } from './errors.js';
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
  const o = v as ProgressData;
  return (
    !!o &&
    typeof o === 'object' &&
    o.format === PROGRESS_FORMAT &&
    !!o.steps &&
    typeof o.steps === 'object' &&
    !!o.facts &&
    typeof o.facts === 'object' &&
    !!o.labs &&
    typeof o.labs === 'object'
  );
}

export class ProgressStore {
  constructor(readonly file: string) {}

  /** Read progress; a missing file is empty progress; an unreadable one throws CorruptFileError. */
  read(): ProgressData {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyProgress();
      throw e;
    }
    let reason = 'unexpected content or format version';
    try {
      const parsed: unknown = JSON.parse(text);
      if (valid(parsed)) return parsed;
    } catch (e) {
      reason = `invalid JSON: ${(e as Error).message}`;
    }
    const keptAs = keepAside(this.file);
    throw new CorruptFileError(
      `your progress file ${this.file} could not be read (${reason}).`,
      2,
      `It was kept as ${keptAs}. Run the command again to start with empty progress, or restore that file.`,
    );
  }

  /** Read-modify-write under the lock, so concurrent runners never lose each other's updates. */
  async update(fn: (p: ProgressData) => void): Promise<ProgressData> {
    return withLock(`${this.file}.lock`, () => {
      const p = this.read();
      fn(p);
      writeFileAtomic(this.file, `${JSON.stringify(p, null, 2)}\n`);
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
