/**
 * All accounts of one emulator process, the access-key index across them, persistence and the
 * change events the runner's live checklist listens to.
 *
 * Persistence has two layouts: one state file for everything (`--state FILE`, the single-learner
 * emulator) or one per account in a directory (the workshop server, so a learner's writes touch
 * only their own files). Either way a state file is a snapshot continued by a journal
 * (journal.ts): a write appends the parts of the accounts that changed (change-tracker.ts), so its
 * cost does not grow with the account.
 *
 * Durability: a request that changed state is answered only once its changes are on disk
 * (`settled()`, which the gateway awaits). Changes are written in batches: everything changed
 * while a batch waits for its turn (the same tick, or while the previous batch's fsync runs) goes
 * out with one write and one fsync per file (group commit). Small changes (last use of a key, a
 * CloudTrail record of a read) are written within LAZY_FLUSH_MS without waiting for the disk.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { emptyAccount, type AccountState } from './account.js';
import { AccountTracker, untracked } from './change-tracker.js';
import { JournalFile } from './journal.js';
import { encodeRecord, toJournalChange, type JournalChange } from './journal-records.js';
import { CorruptStateError, removeStaleTempFiles, snapshotText, STATE_FORMAT } from './persistence.js';
import { recoverStateFile } from './recovery.js';

export const DEFAULT_ACCOUNT = '000000000000';

export interface ChangeEvent {
  accountId: string;
  service: string;
  operation: string;
  at: string;
}

/** Changes nobody waits for (last-use timestamps, CloudTrail records of reads) are written at most this late. */
const LAZY_FLUSH_MS = 250;

interface Batch {
  durable: boolean;
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}

const settledAlready = Promise.resolve();

export class EmulatorState extends EventEmitter {
  /** Problems met while loading (corrupt files kept aside), for the caller to report. */
  readonly loadProblems: CorruptStateError[] = [];
  /** what callers see: tracked accounts when state persists, plain ones in memory */
  private readonly live = new Map<string, AccountState>();
  private readonly raw = new Map<string, AccountState>();
  private readonly trackers = new Map<string, AccountTracker>();
  private readonly changed = new Set<string>();
  private readonly files = new Map<string, JournalFile>();
  /** files with appends not yet fsynced (written lazily) */
  private readonly unsynced = new Set<JournalFile>();
  private scheduled: Batch | undefined;
  /** durable batches not yet on disk */
  private readonly unsettled = new Set<Promise<void>>();
  private lazyTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly defaultAccountId: string = DEFAULT_ACCOUNT,
    readonly stateFile?: string,
    readonly stateDir?: string,
  ) {
    super();
    this.setMaxListeners(100);
  }

  private get persistent(): boolean {
    return !!(this.stateFile || this.stateDir);
  }

  get accounts(): ReadonlyMap<string, AccountState> {
    return this.live;
  }

  /**
   * Load persisted state. A corrupt file is kept aside (never overwritten) and listed in
   * loadProblems for the caller to report; the emulator then starts without it.
   */
  load(): void {
    if (this.stateFile) {
      removeStaleTempFiles(path.dirname(this.stateFile), path.basename(this.stateFile));
      this.loadFile(this.stateFile);
    }
    if (this.stateDir) {
      fs.mkdirSync(this.stateDir, { recursive: true });
      removeStaleTempFiles(this.stateDir);
      const ids = new Set<string>();
      for (const name of fs.readdirSync(this.stateDir)) {
        const m = /^(\d{12})\.json(?:\.journal\.\d+)?$/.exec(name);
        if (m) ids.add(m[1]);
      }
      for (const id of [...ids].sort()) this.loadFile(this.accountFile(id));
    }
  }

  private loadFile(file: string): void {
    const r = recoverStateFile(file);
    this.loadProblems.push(...r.problems);
    const journal = this.fileAt(file);
    journal.recovered(r.generation, r.journalBytes, r.snapshotBytes);
    for (const account of r.accounts) this.install(account.accountId, account);
    if (r.compactNow) journal.compactSync((g) => snapshotText(g, r.accounts));
  }

  private accountFile(accountId: string): string {
    return path.join(this.stateDir!, `${accountId}.json`);
  }

  private fileAt(file: string): JournalFile {
    let j = this.files.get(file);
    if (!j) this.files.set(file, (j = new JournalFile(file)));
    return j;
  }

  /** The journal an account's changes go to. */
  private fileOf(accountId: string): JournalFile {
    return this.fileAt(this.stateFile ?? this.accountFile(accountId));
  }

  /** Put `account` (raw) in place of whatever the id held; tracked when state persists. */
  private install(accountId: string, account: AccountState | undefined): void {
    if (!account) {
      this.raw.delete(accountId);
      this.live.delete(accountId);
    } else if (!this.persistent) {
      this.raw.set(accountId, account);
      this.live.set(accountId, account);
    } else {
      this.raw.set(accountId, account);
      this.live.set(accountId, this.trackerOf(accountId).track(account));
    }
  }

  private trackerOf(accountId: string): AccountTracker {
    let t = this.trackers.get(accountId);
    if (!t) {
      t = new AccountTracker(() => {
        this.changed.add(accountId);
        this.flushLater();
      });
      this.trackers.set(accountId, t);
    }
    return t;
  }

  account(accountId: string = this.defaultAccountId): AccountState {
    let a = this.live.get(accountId);
    if (!a) {
      this.install(accountId, emptyAccount(accountId));
      if (this.persistent) this.trackerOf(accountId).note([]);
      a = this.live.get(accountId)!;
    }
    return a;
  }

  /** Find which account holds an IAM access key or an STS session key. */
  findKey(accessKeyId: string): { account: AccountState; kind: 'iam' | 'sts' } | undefined {
    for (const account of this.live.values()) {
      if (account.iam.accessKeys[accessKeyId]) return { account, kind: 'iam' };
      if (account.sts.sessions[accessKeyId]) return { account, kind: 'sts' };
    }
    return undefined;
  }

  /** Reset one account (or all) to empty; resolves once that is on disk. */
  reset(accountId?: string): Promise<void> {
    const ids = accountId ? [accountId] : [...this.live.keys()];
    for (const id of ids) {
      this.install(id, accountId ? emptyAccount(id) : undefined);
      if (this.persistent) this.trackerOf(id).note([]);
    }
    this.emit('change', {
      accountId: accountId ?? '*',
      service: 'emulator',
      operation: 'Reset',
      at: new Date().toISOString(),
    } satisfies ChangeEvent);
    return this.persist();
  }

  /** A request changed state: it is written (durably, before the response goes out: settled()) and listeners are told. */
  commit(event: Omit<ChangeEvent, 'at'>): void {
    void this.persist(event.accountId);
    this.emit('change', { ...event, at: new Date().toISOString() } satisfies ChangeEvent);
  }

  /**
   * A small change (key or role last use) that should persist soon but need not cost a durable
   * write on every request: written within LAZY_FLUSH_MS (and on close()).
   */
  touch(accountId: string, what: { service: string; operation: string }): void {
    this.emit('change', { accountId, ...what, at: new Date().toISOString() } satisfies ChangeEvent);
    this.flushLater();
  }

  /** Write what changed now, without waiting for the disk (an fsync comes with the next durable write or close). */
  flushTouched(): Promise<void> {
    return this.requestFlush(false);
  }

  /**
   * Write every change made so far, durably. The account id is accepted for callers that name
   * the account they changed; every changed account is written anyway. Resolves once on disk.
   */
  persist(_accountId?: string): Promise<void> {
    return this.requestFlush(true);
  }

  /** Resolves once every durable write asked for so far is on disk (rejects if one failed). */
  settled(): Promise<void> {
    if (this.unsettled.size === 0) return settledAlready;
    if (this.unsettled.size === 1) return this.unsettled.values().next().value!;
    return Promise.all(this.unsettled).then(() => undefined);
  }

  /** Write everything, wait for the disk, fold journals into their snapshots and close the files. */
  async close(): Promise<void> {
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    if (!this.persistent) return;
    await this.persist().catch(() => {});
    for (const [file, journal] of this.files) {
      await journal.close();
      const accounts = this.rawAccountsOf(journal);
      if (journal.journalBytes === 0 && (fs.existsSync(file) || accounts.length === 0)) continue;
      try {
        journal.compactSync((g) => snapshotText(g, accounts));
      } catch (e) {
        process.emitWarning(`iam-labs emulator: could not write ${file} on close: ${(e as Error).message}`);
      }
    }
  }

  /** Appends, fsyncs and compactions so far, over every file. */
  get writeStats(): { appends: number; fsyncs: number; compactions: number } {
    const s = { appends: 0, fsyncs: 0, compactions: 0 };
    for (const j of this.files.values()) {
      s.appends += j.stats.appends;
      s.fsyncs += j.stats.fsyncs;
      s.compactions += j.stats.compactions;
    }
    return s;
  }

  private flushLater(): void {
    if (!this.persistent || this.lazyTimer) return;
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = undefined;
      void this.requestFlush(false);
    }, LAZY_FLUSH_MS);
    this.lazyTimer.unref();
  }

  /** Join (or start) the batch that will write the next changes: in the next turn of the event loop. */
  private requestFlush(durable: boolean): Promise<void> {
    if (!this.persistent) return settledAlready;
    let batch = this.scheduled;
    if (!batch) {
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      // a failure is the business of whoever awaits it; nobody awaiting must not crash the process
      promise.catch((e: unknown) => process.emitWarning(`iam-labs emulator: could not write the state: ${(e as Error).message}`));
      batch = this.scheduled = { durable: false, promise, resolve, reject };
      setImmediate(() => this.runFlush(batch!));
    }
    if (durable && !batch.durable) {
      batch.durable = true;
      const p = batch.promise;
      this.unsettled.add(p);
      const forget = () => this.unsettled.delete(p);
      p.then(forget, forget);
    }
    return batch.promise;
  }

  private runFlush(batch: Batch): void {
    this.scheduled = undefined;
    const byFile = new Map<JournalFile, string[]>();
    for (const id of this.changed) {
      const file = this.fileOf(id);
      const ids = byFile.get(file);
      if (ids) ids.push(id);
      else byFile.set(file, [id]);
    }
    this.changed.clear();
    const writes: Promise<void>[] = [];
    const synced = new Set<JournalFile>();
    for (const [file, ids] of byFile) {
      if (file.wantsCompaction) {
        // the snapshot covers these changes: forget them
        for (const id of ids) this.trackers.get(id)?.take(undefined);
        writes.push(file.compact((g) => snapshotText(g, this.rawAccountsOf(file))));
        synced.add(file);
        continue;
      }
      const changes: JournalChange[] = [];
      for (const id of ids) for (const c of this.trackers.get(id)?.take(this.raw.get(id)) ?? []) changes.push(toJournalChange(id, c));
      if (!changes.length) continue;
      writes.push(file.append(encodeRecord(changes), batch.durable));
      if (batch.durable) synced.add(file);
      else this.unsynced.add(file);
    }
    if (batch.durable) {
      // lazily written files (and writes still in flight) reach the disk before this batch is acknowledged
      for (const file of this.unsynced) if (!synced.has(file)) writes.push(file.sync());
      this.unsynced.clear();
    }
    Promise.all(writes).then(batch.resolve, batch.reject);
  }

  private rawAccountsOf(file: JournalFile): AccountState[] {
    if (this.stateFile) return [...this.raw.values()];
    const a = this.raw.get(path.basename(file.file, '.json'));
    return a ? [a] : [];
  }

  toJSON(): { format: number; accounts: Record<string, AccountState> } {
    return { format: STATE_FORMAT, accounts: Object.fromEntries([...this.raw].map(([id, a]) => [id, untracked(a)])) };
  }
}
