/**
 * All accounts of one emulator process, the access-key index across them, persistence and the
 * change events the runner's live checklist listens to.
 *
 * Persistence has two layouts: one file for everything (`--state FILE`, the single-learner
 * emulator) or one file per account in a directory (the workshop server, so a learner's write
 * rewrites only their own account).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { emptyAccount, reviveAccount, type AccountState } from './account.js';
import { CorruptStateError, readJsonState, removeStaleTempFiles, STATE_FORMAT, writeFileAtomic } from './persistence.js';
import { accountProblem } from './schema.js';

export const DEFAULT_ACCOUNT = '000000000000';

export interface ChangeEvent {
  accountId: string;
  service: string;
  operation: string;
  at: string;
}

interface StateFile {
  format: number;
  accounts: Record<string, AccountState>;
}

interface AccountFile {
  format: number;
  account: AccountState;
}

/** true, or what is wrong (reported with the file kept aside). */
function stateFileProblem(v: unknown): true | string {
  const o = v as StateFile;
  if (!o || typeof o !== 'object' || o.format !== STATE_FORMAT) return `not an emulator state file of format ${STATE_FORMAT}`;
  if (!o.accounts || typeof o.accounts !== 'object' || Array.isArray(o.accounts)) return 'accounts is not an object';
  for (const [id, account] of Object.entries(o.accounts)) {
    const problem = accountProblem(account, `accounts.${JSON.stringify(id)}`);
    if (problem) return problem;
    if (account.accountId !== id) return `accounts.${JSON.stringify(id)} holds account ${account.accountId}`;
  }
  return true;
}

function accountFileProblem(v: unknown): true | string {
  const o = v as AccountFile;
  if (!o || typeof o !== 'object' || o.format !== STATE_FORMAT) return `not an account file of format ${STATE_FORMAT}`;
  return accountProblem(o.account) ?? true;
}

/** A loaded account with every map a newer version may have added since the file was written. */
function withDefaults(account: AccountState): AccountState {
  const empty = emptyAccount(account.accountId);
  return {
    ...account,
    iam: Object.assign(empty.iam, account.iam),
    s3: Object.assign(empty.s3, account.s3),
    sts: Object.assign(empty.sts, account.sts),
  };
}

/** Last-use timestamps are flushed at most this often (they change on nearly every request). */
const TOUCH_FLUSH_MS = 250;

export class EmulatorState extends EventEmitter {
  readonly accounts = new Map<string, AccountState>();
  /** Problems met while loading (corrupt files kept aside), for the caller to report. */
  readonly loadProblems: CorruptStateError[] = [];
  private touched = new Set<string>();
  private touchTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly defaultAccountId: string = DEFAULT_ACCOUNT,
    readonly stateFile?: string,
    readonly stateDir?: string,
  ) {
    super();
    this.setMaxListeners(100);
  }

  /**
   * Load persisted state. A corrupt file is kept aside (never overwritten) and listed in
   * loadProblems for the caller to report; the emulator then starts without it.
   */
  load(): void {
    if (this.stateFile) {
      removeStaleTempFiles(path.dirname(this.stateFile), path.basename(this.stateFile));
      try {
        const data = readJsonState<StateFile>(this.stateFile, stateFileProblem);
        if (data) {
          this.accounts.clear();
          for (const [id, acct] of Object.entries(data.accounts)) this.accounts.set(id, reviveAccount(withDefaults(acct)));
        }
      } catch (e) {
        if (e instanceof CorruptStateError) this.loadProblems.push(e);
        else throw e;
      }
    }
    if (this.stateDir) {
      fs.mkdirSync(this.stateDir, { recursive: true });
      removeStaleTempFiles(this.stateDir);
      for (const name of fs.readdirSync(this.stateDir)) {
        if (!/^\d{12}\.json$/.test(name)) continue;
        try {
          const data = readJsonState<AccountFile>(path.join(this.stateDir, name), accountFileProblem);
          if (data) this.accounts.set(data.account.accountId, reviveAccount(withDefaults(data.account)));
        } catch (e) {
          if (e instanceof CorruptStateError) this.loadProblems.push(e);
          else throw e;
        }
      }
    }
  }

  account(accountId: string = this.defaultAccountId): AccountState {
    let a = this.accounts.get(accountId);
    if (!a) {
      a = emptyAccount(accountId);
      this.accounts.set(accountId, a);
    }
    return a;
  }

  /** Find which account holds an IAM access key or an STS session key. */
  findKey(accessKeyId: string): { account: AccountState; kind: 'iam' | 'sts' } | undefined {
    for (const account of this.accounts.values()) {
      if (account.iam.accessKeys[accessKeyId]) return { account, kind: 'iam' };
      if (account.sts.sessions[accessKeyId]) return { account, kind: 'sts' };
    }
    return undefined;
  }

  /** Reset one account (or all) to empty. */
  reset(accountId?: string): void {
    if (accountId) this.accounts.set(accountId, emptyAccount(accountId));
    else this.accounts.clear();
    this.persist(accountId);
    this.emit('change', {
      accountId: accountId ?? '*',
      service: 'emulator',
      operation: 'Reset',
      at: new Date().toISOString(),
    } satisfies ChangeEvent);
  }

  /** Record that a request changed state: persist it (before the response goes out) and tell listeners. */
  commit(event: Omit<ChangeEvent, 'at'>): void {
    this.persist(event.accountId);
    this.emit('change', { ...event, at: new Date().toISOString() } satisfies ChangeEvent);
  }

  /**
   * A small change (key or role last use) that should persist soon but need not cost a write on
   * every request: flushed within TOUCH_FLUSH_MS, and on close().
   */
  touch(accountId: string, what: { service: string; operation: string }): void {
    this.emit('change', { accountId, ...what, at: new Date().toISOString() } satisfies ChangeEvent);
    if (!this.stateFile && !this.stateDir) return;
    this.touched.add(accountId);
    if (this.touchTimer) return;
    this.touchTimer = setTimeout(() => this.flushTouched(), TOUCH_FLUSH_MS);
    this.touchTimer.unref();
  }

  flushTouched(): void {
    if (this.touchTimer) clearTimeout(this.touchTimer);
    this.touchTimer = undefined;
    const ids = [...this.touched];
    this.touched.clear();
    if (this.stateFile && ids.length) this.persist();
    else for (const id of ids) this.persist(id);
  }

  /** Write state now: the one account (directory mode) or everything (single file). */
  persist(accountId?: string): void {
    if (this.stateFile) {
      writeFileAtomic(this.stateFile, JSON.stringify(this.toJSON()));
    }
    if (this.stateDir) {
      const ids = accountId && accountId !== '*' ? [accountId] : [...this.accounts.keys()];
      for (const id of ids) {
        const account = this.accounts.get(id);
        if (!account) continue;
        writeFileAtomic(path.join(this.stateDir, `${id}.json`), JSON.stringify({ format: STATE_FORMAT, account }));
      }
    }
  }

  toJSON(): StateFile {
    return { format: STATE_FORMAT, accounts: Object.fromEntries(this.accounts) };
  }
}
