/**
 * The account changes an emulator made, for a runner in another process (the live screen of a
 * detached lab): a numbered journal of the last changes, and long-polls that wait until an
 * account changes after a number the caller already saw. A poll that finds nothing new answers
 * after its wait with the same number, so a caller learns both "nothing changed" and "the
 * emulator is still this one" (its instance id) from one cheap request.
 */
import type { ChangeEvent, EmulatorState } from './state/emulator-state.js';

/** How many changes the journal keeps; a caller further behind is told to grade anew. */
const KEPT = 500;
/** The longest a poll waits for a change. */
export const MAX_WAIT_MS = 25_000;

export interface FeedEntry {
  seq: number;
  accountId: string;
  service: string;
  operation: string;
}

export interface FeedAnswer {
  /** the newest change number (of any account) */
  seq: number;
  /** the changes to the asked account after `after`, oldest first */
  changes: FeedEntry[];
  /** the journal no longer holds every change after `after`: assume the account changed */
  missed: boolean;
}

export class ChangeFeed {
  private seq = 0;
  private readonly journal: FeedEntry[] = [];
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(state: EmulatorState) {
    state.on('change', (e: ChangeEvent) => {
      this.journal.push({ seq: ++this.seq, accountId: e.accountId, service: e.service, operation: e.operation });
      if (this.journal.length > KEPT) this.journal.shift();
      if (this.waiters.size) for (const wake of [...this.waiters]) wake();
    });
  }

  /** What changed in `accountId` after change number `after` (a reset of every account counts). */
  since(accountId: string, after: number): FeedAnswer {
    const oldest = this.journal[0]?.seq ?? this.seq + 1;
    const changes = this.journal.filter((e) => e.seq > after && (e.accountId === accountId || e.accountId === '*'));
    return { seq: this.seq, changes, missed: after < this.seq && after + 1 < oldest };
  }

  /** Answer as soon as the account changes after `after`, or after `waitMs` with no change. */
  wait(accountId: string, after: number, waitMs: number): Promise<FeedAnswer> {
    const now = this.since(accountId, after);
    if (now.changes.length || now.missed || after > this.seq || waitMs <= 0 || this.closed) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = () => {
        const a = this.since(accountId, after);
        if (!a.changes.length && !a.missed && !timedOut && !this.closed) return;
        this.waiters.delete(done);
        clearTimeout(timer);
        resolve(a);
      };
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        done();
      }, Math.min(waitMs, MAX_WAIT_MS));
      timer.unref();
      this.waiters.add(done);
    });
  }

  /** Release every waiting poll (the emulator is closing). */
  close(): void {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
  }
}
