/**
 * The learner's progress, keyed by step id (never by number, so reordering labs keeps it), and
 * facts later steps need. Progress only moves forward, as in rustlings: a step that passed keeps
 * `passedAt` (only `reset` forgets it); the latest verdict is kept beside it (`last`), so "done,
 * but changed since" can be told from "not done". Written atomically under a lock; a corrupt
 * file is kept aside and reported, never silently reset.
 */
import fs from 'node:fs';
import { CorruptFileError } from '../core/errors.js';
import { isRecord, readJsonFile, writeJsonFile } from '../core/json-file.js';
import { withLock } from './lock.js';

export const PROGRESS_FORMAT = 2;

export interface StepProgress {
  /** when the step first passed: kept forever (only a reset forgets it) */
  passedAt?: string;
  /** when the learner asked for the reference solution (solve, or a reset that applied it) */
  revealedAt?: string;
  /** gradings that included the step */
  attempts: number;
  lastCheckedAt?: string;
  /** the latest verdict: whether the step passes on the account as it is now */
  last?: { passed: boolean; at: string; failing?: string[] };
  /** how many of the step's tiered hints were shown */
  hintsShown?: number;
}

export interface LabProgress {
  startedAt?: string;
  /** when every step of the lab had passed */
  completedAt?: string;
  /** time spent working on the lab: gaps between activities shorter than IDLE_MS, summed */
  activeMs?: number;
  lastActiveAt?: string;
}

export interface ProgressData {
  format: number;
  steps: Record<string, StepProgress>;
  facts: Record<string, string>;
  labs: Record<string, LabProgress>;
}

/** A pause longer than this between two activities is not counted as time spent. */
export const IDLE_MS = 10 * 60_000;

/** One grading's verdict on a step. */
export interface Verdict {
  id: string;
  passed: boolean;
  failing?: string[];
}

export function emptyProgress(): ProgressData {
  return { format: PROGRESS_FORMAT, steps: Object.create(null), facts: Object.create(null), labs: Object.create(null) };
}

const OPTIONAL_STRINGS = ['passedAt', 'revealedAt', 'lastCheckedAt'] as const;

/** true, or what is wrong (a field's path), for the message and the file kept aside. */
function problem(v: unknown): true | string {
  if (!isRecord(v)) return 'not a JSON object';
  if (v.format !== 1 && v.format !== PROGRESS_FORMAT) return `format ${JSON.stringify(v.format)} (expected ${PROGRESS_FORMAT})`;
  for (const k of ['steps', 'facts', 'labs'] as const) if (!isRecord(v[k])) return `${k} is not an object`;
  for (const [id, s] of Object.entries(v.steps as Record<string, unknown>)) {
    const at = `steps[${JSON.stringify(id)}]`;
    if (!isRecord(s)) return `${at} is ${s === null ? 'null' : typeof s}, not an object`;
    for (const k of OPTIONAL_STRINGS) if (s[k] !== undefined && typeof s[k] !== 'string') return `${at}.${k} is not a date string`;
    if (s.attempts !== undefined && typeof s.attempts !== 'number') return `${at}.attempts is not a number`;
    if (s.hintsShown !== undefined && typeof s.hintsShown !== 'number') return `${at}.hintsShown is not a number`;
    if (s.last !== undefined && !(isRecord(s.last) && typeof s.last.passed === 'boolean')) return `${at}.last is not a verdict`;
  }
  for (const [id, l] of Object.entries(v.labs as Record<string, unknown>)) {
    if (!isRecord(l)) return `labs[${JSON.stringify(id)}] is ${l === null ? 'null' : typeof l}, not an object`;
  }
  for (const [k, f] of Object.entries(v.facts as Record<string, unknown>)) if (typeof f !== 'string') return `facts[${JSON.stringify(k)}] is not a string`;
  return true;
}

/** Maps keyed by step ids, lab ids and fact names: safe for any string (`__proto__` too). */
function revive(v: ProgressData): ProgressData {
  const map = <T>(o: Record<string, T>) => Object.assign(Object.create(null) as Record<string, T>, o);
  const steps = map(v.steps);
  for (const s of Object.values(steps)) s.attempts ??= 0;
  return { format: PROGRESS_FORMAT, steps, facts: map(v.facts), labs: map(v.labs) };
}

export class ProgressStore {
  constructor(readonly file: string) {}

  /**
   * Read progress; a missing file is empty progress; an unreadable one throws CorruptFileError
   * (kept aside when it is a file; a directory in its place is reported and left alone).
   */
  read(): ProgressData {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(this.file);
    } catch {
      /* missing: empty progress */
    }
    if (st && !st.isFile()) {
      throw new CorruptFileError(
        `your progress file ${this.file} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}, so progress cannot be read or saved.`,
        2,
        'Move it out of the way (iam-labs never deletes it for you), then run the command again.',
      );
    }
    const read = readJsonFile<ProgressData>(this.file, problem, (u) =>
      new CorruptFileError(
        `your progress file ${u.file} could not be read (${u.reason}).`,
        2,
        `It was kept as ${u.keptAs}. Run the command again to start with empty progress, or restore that file.`,
      ),
    );
    return read ? revive(read) : emptyProgress();
  }

  /** Read-modify-write under the lock, so concurrent runners never lose each other's updates. */
  async update<T = void>(fn: (p: ProgressData) => T): Promise<T> {
    return withLock(this.file, () => {
      const p = this.read();
      const out = fn(p);
      writeJsonFile(this.file, p);
      return out;
    });
  }

  /**
   * Record a grading of `labSteps` (the lab's steps, in order): the latest verdict of each graded
   * step, `passedAt` the first time it passes (never taken away), the lab's completion once every
   * step has passed, time spent. Returns the ids that passed for the first time and whether this
   * grading completed the lab.
   */
  async recordCheck(
    lab: { id: string; steps: string[] },
    verdicts: Verdict[],
    facts: Record<string, string> = {},
  ): Promise<{ firsts: string[]; completedLab: boolean }> {
    const now = new Date().toISOString();
    return this.update((p) => {
      const firsts: string[] = [];
      for (const v of verdicts) {
        const s = (p.steps[v.id] ??= { attempts: 0 });
        s.attempts += 1;
        s.lastCheckedAt = now;
        s.last = { passed: v.passed, at: now, ...(v.failing?.length ? { failing: v.failing } : {}) };
        if (v.passed && !s.passedAt) {
          s.passedAt = now;
          firsts.push(v.id);
        }
      }
      Object.assign(p.facts, facts);
      const l = (p.labs[lab.id] ??= {});
      noteActivity(l, now);
      let completedLab = false;
      if (!l.completedAt && lab.steps.length && lab.steps.every((id) => p.steps[id]?.passedAt)) {
        l.completedAt = now;
        completedLab = true;
      }
      return { firsts, completedLab };
    });
  }

  /** Remember that the learner asked for these steps' reference solutions (those not passed yet). */
  async recordRevealed(labId: string, stepIds: string[], facts: Record<string, string> = {}): Promise<string[]> {
    const now = new Date().toISOString();
    return this.update((p) => {
      const revealed: string[] = [];
      for (const id of stepIds) {
        const s = (p.steps[id] ??= { attempts: 0 });
        if (s.passedAt || s.revealedAt) continue;
        s.revealedAt = now;
        revealed.push(id);
      }
      Object.assign(p.facts, facts);
      noteActivity((p.labs[labId] ??= {}), now);
      return revealed;
    });
  }

  /** Time spent: a hint, a start, a check all count as activity in the lab. */
  async noteActivity(labId: string): Promise<void> {
    await this.update((p) => noteActivity((p.labs[labId] ??= {}), new Date().toISOString()));
  }

  /**
   * Forget a lab's progress from step `fromIndex` on (0: the whole lab, with its facts and its
   * start). Facts belong to a lab when their key starts with the topic of its step ids
   * ("users/"), the naming graders use; a partial reset keeps them (the earlier steps' onPass
   * records them again on the new account).
   */
  async forgetLab(labId: string, stepIds: string[], fromIndex = 0): Promise<void> {
    const topics = new Set(stepIds.map((id) => `${id.split('/')[0]}/`));
    const now = new Date().toISOString();
    await this.update((p) => {
      for (const id of stepIds.slice(fromIndex)) delete p.steps[id];
      const l = p.labs[labId] ?? {};
      delete l.completedAt;
      if (fromIndex === 0) {
        for (const k of Object.keys(p.facts)) if ([...topics].some((t) => k.startsWith(t))) delete p.facts[k];
        p.labs[labId] = { startedAt: now, ...(l.activeMs ? { activeMs: l.activeMs } : {}), lastActiveAt: now };
      } else p.labs[labId] = l;
    });
  }

  /** A lab was opened (seeded or continued): it has started. */
  async markStarted(labId: string): Promise<void> {
    const now = new Date().toISOString();
    await this.update((p) => {
      const l = (p.labs[labId] ??= {});
      l.startedAt ??= now;
      noteActivity(l, now);
    });
  }
}

function noteActivity(l: LabProgress, now: string): void {
  const last = l.lastActiveAt ? Date.parse(l.lastActiveAt) : NaN;
  const gap = Date.parse(now) - last;
  if (gap > 0 && gap < IDLE_MS) l.activeMs = (l.activeMs ?? 0) + gap;
  l.lastActiveAt = now;
}

/** The steps of a lab that have passed (at any time), in the lab's order. */
export function passedSteps(p: ProgressData, stepIds: string[]): Set<string> {
  return new Set(stepIds.filter((id) => p.steps[id]?.passedAt));
}

/** A lab is complete when every one of its steps has passed. */
export function labComplete(p: ProgressData, stepIds: string[]): boolean {
  return stepIds.length > 0 && stepIds.every((id) => p.steps[id]?.passedAt);
}
