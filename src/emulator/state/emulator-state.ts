/**
 * All accounts of one emulator process, the access-key index across them, persistence and the
 * change events the runner's live checklist listens to.
 */
import { EventEmitter } from 'node:events';
import { emptyAccount, type AccountState } from './account.js';
import { readJsonState, STATE_FORMAT, writeFileAtomic } from './persistence.js';

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

function isStateFile(v: unknown): v is StateFile {
  const o = v as StateFile;
  return !!o && typeof o === 'object' && o.format === STATE_FORMAT && typeof o.accounts === 'object';
}

export class EmulatorState extends EventEmitter {
  readonly accounts = new Map<string, AccountState>();

  constructor(
    readonly defaultAccountId: string = DEFAULT_ACCOUNT,
    readonly stateFile?: string,
  ) {
    super();
    this.setMaxListeners(100);
  }

  /** Load from stateFile if it exists. Throws CorruptStateError (file kept aside) if unreadable. */
  load(): void {
    if (!this.stateFile) return;
    const data = readJsonState(this.stateFile, isStateFile);
    if (!data) return;
    this.accounts.clear();
    for (const [id, acct] of Object.entries(data.accounts)) this.accounts.set(id, acct);
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
    this.persist();
    this.emit('change', {
      accountId: accountId ?? '*',
      service: 'emulator',
      operation: 'Reset',
      at: new Date().toISOString(),
    } satisfies ChangeEvent);
  }

  /** Record that a request changed state: persist it and tell listeners. */
  commit(event: Omit<ChangeEvent, 'at'>): void {
    this.persist();
    this.emit('change', { ...event, at: new Date().toISOString() } satisfies ChangeEvent);
  }

  persist(): void {
    if (!this.stateFile) return;
    const file: StateFile = { format: STATE_FORMAT, accounts: Object.fromEntries(this.accounts) };
    writeFileAtomic(this.stateFile, JSON.stringify(file));
  }

  toJSON(): StateFile {
    return { format: STATE_FORMAT, accounts: Object.fromEntries(this.accounts) };
  }
}
