/**
 * The emulator's state files on top of core/json-file.ts (the one atomic JSON file module): their
 * formats and what a learner is told when one cannot be read. A file that cannot be used is kept
 * aside, never overwritten; the emulator then starts without it.
 *
 * Formats: 1 is a whole state written on every change (`{ format: 1, accounts }`, or
 * `{ format: 1, account }` for one account of a workshop folder), read as a snapshot of
 * generation 0 with no journal: files written before the journal load as they are. 2 is a
 * snapshot that a journal continues (journal.ts): `{ format: 2, generation, accounts }`.
 */
import { CorruptFileError } from '../../core/errors.js';
import { readJsonFile, type UnreadableFile } from '../../core/json-file.js';
import type { AccountState } from './account.js';
import { parseStateJson } from './records.js';
import { accountProblem } from './schema.js';

export { removeStaleTempFiles, writeFileAtomic } from '../../core/json-file.js';

export const STATE_FORMAT = 2;

export class CorruptStateError extends CorruptFileError {
  constructor(
    readonly file: string,
    readonly keptAs: string,
    reason: string,
    message?: string,
  ) {
    super(
      message ??
        `The state file ${file} could not be read (${reason}). It was kept as ${keptAs}; ` +
          `the emulator starts from an empty account. Restore that file to recover the old state.`,
    );
  }
}

/** A journal that could not be replayed to its end: the state is as of its last sound record. */
export function corruptJournal(journal: string, keptAs: string, reason: string, snapshot: string): CorruptStateError {
  return new CorruptStateError(
    journal,
    keptAs,
    reason,
    `The journal ${journal} of the state file ${snapshot} could not be read to its end (${reason}). ` +
      `The emulator starts from the state before that point; the journal was kept as ${keptAs}.`,
  );
}

/** A snapshot as read: its generation and accounts (format 1 files are generation 0). */
export interface Snapshot {
  generation: number;
  accounts: Record<string, AccountState>;
}

/** true, or what is wrong with the accounts of a snapshot. */
export function accountsProblem(accounts: unknown, where = 'accounts'): true | string {
  if (!accounts || typeof accounts !== 'object' || Array.isArray(accounts)) return `${where} is not an object`;
  for (const [id, account] of Object.entries(accounts)) {
    const problem = accountProblem(account, `${where}.${JSON.stringify(id)}`);
    if (problem) return problem;
    if ((account as AccountState).accountId !== id) return `${where}.${JSON.stringify(id)} holds account ${(account as AccountState).accountId}`;
  }
  return true;
}

/** true, or what is wrong: a snapshot of format 2, or a state file or account file of format 1. */
function snapshotProblem(v: unknown): true | string {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || (o.format !== 1 && o.format !== STATE_FORMAT)) return `not an emulator state file of format 1 or ${STATE_FORMAT}`;
  if (o.format === 1 && o.accounts === undefined) return accountProblem(o.account) ?? true;
  if (o.format === STATE_FORMAT && !(typeof o.generation === 'number' && Number.isInteger(o.generation) && o.generation >= 0)) {
    return 'generation is not a whole number';
  }
  return accountsProblem(o.accounts);
}

/**
 * Read a snapshot. Undefined when it does not exist; CorruptStateError (after keeping the file
 * aside) when it exists but is unreadable or not the shape it should be. Its objects have no
 * prototype (records.ts), so names such as `__proto__` read back as stored.
 */
export function readSnapshot(file: string): Snapshot | undefined {
  const data = readJsonFile<Record<string, unknown>>(file, snapshotProblem, (u: UnreadableFile) => new CorruptStateError(u.file, u.keptAs, u.reason), parseStateJson);
  if (!data) return undefined;
  if (data.format === 1 && data.accounts === undefined) {
    const account = data.account as AccountState;
    const accounts = Object.create(null) as Record<string, AccountState>;
    accounts[account.accountId] = account;
    return { generation: 0, accounts };
  }
  return { generation: data.format === 1 ? 0 : (data.generation as number), accounts: data.accounts as Record<string, AccountState> };
}

/** A snapshot's text. Compact JSON: a large account is written often enough for the bytes to count. */
export function snapshotText(generation: number, accounts: Iterable<AccountState>): string {
  const byId = Object.create(null) as Record<string, AccountState>;
  for (const a of accounts) byId[a.accountId] = a;
  return `${JSON.stringify({ format: STATE_FORMAT, generation, accounts: byId })}\n`;
}
