/**
 * The workshop's own state, in the --state folder:
 *
 *   workshop.json     the join code and the instructor token (written once, at creation)
 *   learners.jsonl    one line per learner who joined (name, account, root secret, token hash),
 *                     after a first line repeating the join code and instructor token
 *   progress.json     a snapshot of everyone's progress
 *   progress.jsonl    the progress reports since that snapshot
 *
 * The two .jsonl files only grow by appends with group commit (journal.ts): a join or a report
 * is acknowledged once it is on disk, and a burst of them costs one fsync. The join code and
 * instructor token are kept twice, so a damaged file never changes them (that would lock every
 * learner out while their accounts sit on disk). Whatever cannot be read is kept aside and
 * reported (`problems`); what can be read is used.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isRecord, readJsonFile, writeFileAtomic } from '../core/json-file.js';
import { WorkshopError } from './errors.js';
import { Journal } from './journal.js';
import { migrateFormat1 } from './store-migrate.js';
import { confusableKeys, validateName } from './names.js';
import { applyReport, emptyProgress, type LabReport, type LearnerProgress } from './progress-model.js';
import type { OutlineLab } from './outline.js';

export const WORKSHOP_FORMAT = 2;

export type LearnerMode = 'shared' | 'report-only';

export interface WorkshopIdentity {
  code: string;
  instructorToken: string;
  createdAt: string;
}

/** One line of learners.jsonl per join (a later line for the same id replaces an earlier one). */
export interface LearnerRecord {
  t: 'learner';
  id: string;
  name: string;
  mode: LearnerMode;
  /** shared mode: the learner's own account on this server and its root's secret */
  accountId?: string;
  rootSecret?: string;
  /** sha256 of the learner's bearer token */
  tokenHash: string;
  joinedAt: string;
  /** the class server this learner works on, when this server is a hub several report to */
  server?: string;
  /** where the learner's runner reports progress when it is not this server (a hub), and the learner's id there */
  report?: { base: string; token: string; learnerId?: string };
}

export interface Learner extends LearnerRecord {
  progress: LearnerProgress;
}

type LogLine = ({ t: 'workshop' } & WorkshopIdentity) | LearnerRecord;
interface JournalRecord {
  seq: number;
  id: string;
  at: string;
  r: LabReport;
}
interface Snapshot {
  format: number;
  seq: number;
  learners: Record<string, LearnerProgress>;
}

export interface StoreOptions {
  /** every lab of the course (reports of labs no longer offered still replay) */
  course: readonly OutlineLab[];
  maxLearners: number;
  /** a journal larger than this (and than twice the snapshot) is compacted into progress.json */
  compactBytes?: number;
}

export const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

const isLogLine = (v: unknown): v is LogLine =>
  isRecord(v) &&
  ((v.t === 'workshop' && typeof v.code === 'string' && typeof v.instructorToken === 'string') ||
    (v.t === 'learner' && typeof v.id === 'string' && typeof v.name === 'string' && typeof v.tokenHash === 'string' && (v.mode === 'shared' || v.mode === 'report-only')));
const isJournalRecord = (v: unknown): v is JournalRecord =>
  isRecord(v) && typeof v.seq === 'number' && typeof v.id === 'string' && typeof v.at === 'string' && isRecord(v.r) && typeof v.r.lab === 'string' && Array.isArray(v.r.steps);
const isIdentity = (v: unknown): v is WorkshopIdentity & { format: number } =>
  isRecord(v) && v.format === WORKSHOP_FORMAT && typeof v.code === 'string' && typeof v.instructorToken === 'string';
const isSnapshot = (v: unknown): v is Snapshot => isRecord(v) && v.format === WORKSHOP_FORMAT && typeof v.seq === 'number' && isRecord(v.learners);

/** Join codes people can read aloud: no 0/O, 1/I/L. */
function newJoinCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let s = '';
  for (const b of crypto.randomBytes(6)) s += alphabet[b % alphabet.length];
  return s;
}

/** The workshop's identity could not be read from either copy: starting would lock learners out. */
export class IdentityLostError extends Error {}

export class WorkshopStore {
  readonly identity: WorkshopIdentity;
  /** what could not be read at start (kept aside), for the server to report */
  readonly problems: string[] = [];
  private readonly learners = new Map<string, Learner>();
  private readonly byToken = new Map<string, Learner>();
  private readonly byAccount = new Map<string, Learner>();
  /** confusable skeleton → learner id (names.ts) */
  private readonly byLook = new Map<string, string>();
  private readonly learnersLog: Journal<LogLine>;
  private readonly progressLog: Journal<JournalRecord>;
  private readonly labs: Map<string, OutlineLab>;
  private seq = 0;
  private snapshotBytes = 0;
  private compacting: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly opts: StoreOptions,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.labs = new Map(opts.course.map((l) => [l.id, l]));
    migrateFormat1(dir, this.problems);

    const file = this.readIdentityFile();
    const fromFile = file.identity;
    const log = Journal.open(this.file('learners.jsonl'), isLogLine);
    this.learnersLog = log.journal;
    const fromLog = log.records.find((r): r is { t: 'workshop' } & WorkshopIdentity => r.t === 'workshop');
    const identity = fromFile ?? (fromLog ? { code: fromLog.code, instructorToken: fromLog.instructorToken, createdAt: fromLog.createdAt } : undefined);
    // A workshop was here (a damaged file, learners, accounts) but its code is nowhere: a new code
    // would lock every learner out of an account that is still on disk. Refuse instead.
    const existed = file.damaged !== undefined || log.records.length > 0 || log.badLines.length > 0 || this.hasAccounts();
    if (!identity && existed) {
      throw new IdentityLostError(`The join code and instructor token of the workshop in ${dir} could not be read from workshop.json nor learners.jsonl.`);
    }
    if (file.damaged) this.problems.push(`${file.damaged} The join code and instructor token were recovered from learners.jsonl; nothing changes for learners.`);
    if (log.badLines.length) {
      this.problems.push(`${log.badLines.length} line(s) of ${this.file('learners.jsonl')} could not be read (lines ${log.badLines.slice(0, 5).join(', ')}); the file was kept as ${log.keptAs}. Those learners must join again under another name.`);
    }
    this.identity = identity ?? { code: newJoinCode(), instructorToken: crypto.randomBytes(18).toString('base64url'), createdAt: new Date().toISOString() };
    if (!fromFile) writeFileAtomic(this.file('workshop.json'), `${JSON.stringify({ format: WORKSHOP_FORMAT, ...this.identity }, null, 2)}\n`);
    if (!fromLog) void this.learnersLog.append({ t: 'workshop', ...this.identity });
    for (const r of log.records) if (r.t === 'learner') this.index({ ...r, progress: this.learners.get(r.id)?.progress ?? emptyProgress() });

    this.progressLog = this.loadProgress();
    this.reportOrphanAccounts();
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private readIdentityFile(): { identity?: WorkshopIdentity; damaged?: string } {
    try {
      const v = readJsonFile(this.file('workshop.json'), isIdentity, (u) => new Error(`The workshop file ${u.file} could not be read (${u.reason}); it was kept as ${u.keptAs}.`));
      return v ? { identity: { code: v.code, instructorToken: v.instructorToken, createdAt: String(v.createdAt) } } : {};
    } catch (e) {
      return { damaged: (e as Error).message };
    }
  }

  private hasAccounts(): boolean {
    try {
      return fs.readdirSync(this.file('accounts')).some((n) => /^\d{12}/.test(n));
    } catch {
      return false;
    }
  }

  private loadProgress(): Journal<JournalRecord> {
    let snapshot: Snapshot | undefined;
    try {
      snapshot = readJsonFile(this.file('progress.json'), isSnapshot, (u) => new Error(`The progress snapshot ${u.file} could not be read (${u.reason}); it was kept as ${u.keptAs}.`));
    } catch (e) {
      this.problems.push(`${(e as Error).message} Progress reported since it was written is recovered from progress.jsonl; the rest comes back as learners check again.`);
    }
    if (snapshot) {
      this.seq = snapshot.seq;
      for (const [id, p] of Object.entries(snapshot.learners)) {
        const l = this.learners.get(id);
        if (l && isRecord(p) && isRecord(p.steps)) l.progress = { ...p, steps: Object.assign(Object.create(null) as LearnerProgress['steps'], p.steps) };
      }
      this.snapshotBytes = fs.statSync(this.file('progress.json')).size;
    }
    const { journal, records, badLines, keptAs } = Journal.open(this.file('progress.jsonl'), isJournalRecord);
    if (badLines.length) this.problems.push(`${badLines.length} line(s) of ${this.file('progress.jsonl')} could not be read; the file was kept as ${keptAs}.`);
    const since = this.seq;
    for (const rec of records) {
      if (rec.seq <= since) continue; // already in the snapshot (a compaction cut short)
      this.seq = Math.max(this.seq, rec.seq);
      const l = this.learners.get(rec.id);
      const lab = this.labs.get(rec.r.lab);
      if (l && lab) applyReport(l.progress, rec.r, lab, rec.at);
    }
    return journal;
  }

  /** Accounts on disk that no learner record claims: kept, and said. */
  private reportOrphanAccounts(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.file('accounts'));
    } catch {
      return;
    }
    const orphans = names.filter((n) => /^\d{12}$/.test(n) && !this.byAccount.has(n));
    if (orphans.length) {
      this.problems.push(
        `${orphans.length} account(s) in ${this.file('accounts')} belong to no learner record (${orphans.slice(0, 5).join(', ')}${orphans.length > 5 ? ', …' : ''}): they are kept on disk untouched; their learners must join again under another name.`,
      );
    }
  }

  private index(l: Learner): void {
    const old = this.learners.get(l.id);
    if (old) {
      this.byToken.delete(old.tokenHash);
      if (old.accountId) this.byAccount.delete(old.accountId);
    }
    this.learners.set(l.id, l);
    this.byToken.set(l.tokenHash, l);
    if (l.accountId) this.byAccount.set(l.accountId, l);
    for (const k of confusableKeys(l.name)) if (!this.byLook.has(k)) this.byLook.set(k, l.id);
  }

  get size(): number {
    return this.learners.size;
  }

  all(): IterableIterator<Learner> {
    return this.learners.values();
  }

  learnerById(id: string): Learner | undefined {
    return this.learners.get(id);
  }

  learnerByToken(token: string | undefined): Learner | undefined {
    return token ? this.byToken.get(sha256(token)) : undefined;
  }

  learnerByAccount(accountId: string): Learner | undefined {
    return this.byAccount.get(accountId);
  }

  isInstructor(token: string | undefined): boolean {
    if (!token) return false;
    return crypto.timingSafeEqual(Buffer.from(sha256(token)), Buffer.from(sha256(this.identity.instructorToken)));
  }

  codeMatches(code: string): boolean {
    const given = Buffer.from(sha256(code.trim().toUpperCase()));
    return crypto.timingSafeEqual(given, Buffer.from(sha256(this.identity.code)));
  }

  /** A new learner's name: valid, not taken, and not confusable with one already here. */
  checkNewName(input: string): string {
    const name = validateName(input);
    for (const k of confusableKeys(name)) {
      const other = this.learners.get(this.byLook.get(k) ?? '');
      if (!other) continue;
      if (other.name.toLowerCase() === name.toLowerCase()) {
        throw new WorkshopError(
          `The name "${name}" is already in this workshop. If it is you on the same machine, run the same join command again (your token is kept in your lab session); otherwise pick another name.`,
          409,
          'NameTaken',
        );
      }
      throw new WorkshopError(`The name "${name}" looks too much like "${other.name}", who is already in this workshop. Pick a name that reads differently (add your surname or an initial).`, 409, 'NameConfusable');
    }
    if (this.learners.size >= this.opts.maxLearners) {
      throw new WorkshopError(`This workshop is full: it takes ${this.opts.maxLearners} learners (the instructor can raise --max-learners).`, 409, 'LimitExceeded');
    }
    return name;
  }

  newAccountId(): string {
    for (;;) {
      const id = String(100_000_000_000 + crypto.randomInt(0, 899_999_999_999)).padStart(12, '0');
      if (!this.byAccount.has(id)) return id;
    }
  }

  /** Record a learner (new, or a returning one's changed record); resolves once it is on disk. */
  async saveLearner(record: LearnerRecord): Promise<Learner> {
    await this.learnersLog.append(record);
    const learner: Learner = { ...record, progress: this.learners.get(record.id)?.progress ?? emptyProgress() };
    learner.progress.lastSeen = new Date().toISOString();
    this.index(learner);
    return learner;
  }

  /** Record a validated report; resolves once it is on disk. Returns whether the dashboard's view changed. */
  async report(learner: Learner, report: LabReport, now = new Date()): Promise<boolean> {
    const at = now.toISOString();
    const changed = applyReport(learner.progress, report, this.labs.get(report.lab)!, at);
    // Nothing but "last seen" changed: nothing to make durable.
    if (!changed) return false;
    await this.progressLog.append({ seq: ++this.seq, id: learner.id, at, r: report });
    if (!this.compacting && this.progressLog.size > Math.max(this.opts.compactBytes ?? 32 * 1024 * 1024, 2 * this.snapshotBytes)) {
      this.compacting = this.compact().finally(() => (this.compacting = undefined));
    }
    return true;
  }

  /** Write progress.json with everything, then empty progress.jsonl. */
  async compact(): Promise<void> {
    await this.progressLog.compact(() => {
      const learners: Record<string, LearnerProgress> = {};
      for (const l of this.learners.values()) learners[l.id] = l.progress;
      const text = JSON.stringify({ format: WORKSHOP_FORMAT, seq: this.seq, learners } satisfies Snapshot);
      writeFileAtomic(this.file('progress.json'), text);
      this.snapshotBytes = text.length;
    });
  }

  /**
   * No compaction here: the journal since the last snapshot stays, so a snapshot damaged while the
   * server is down is recovered from it (replaying it at start is bounded by the compaction size).
   */
  async close(): Promise<void> {
    await this.compacting;
    await this.progressLog.close();
    await this.learnersLog.close();
  }
}
