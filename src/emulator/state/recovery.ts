/**
 * Loading one state file and its journals (journal.ts): the snapshot, then every record of the
 * journals that continue it, in order. What cannot be used is reported and kept aside, never
 * silently dropped:
 * - a snapshot that cannot be read: kept aside with its journals (they continue it); the emulator
 *   starts without that state;
 * - a journal with a record that is not sound while sound records follow it, a record that does
 *   not fit the state it is applied to, or a replay whose result is not a sound account: the
 *   state is taken as of the last record before the problem (or the snapshot alone when the
 *   result as a whole is unsound), the journal is kept aside, and the caller writes a new
 *   snapshot at once so nothing depends on the kept file.
 * A torn tail (a write that never finished, so was never acknowledged) is cut off the last
 * journal so appends continue after the last sound record.
 */
import fs from 'node:fs';
import { keepAside } from '../../core/json-file.js';
import { loadedAccount, type AccountState } from './account.js';
import { journalsOf } from './journal.js';
import { applyChange, readJournalText, UnfitRecord, type JournalChange } from './journal-records.js';
import { accountsProblem, corruptJournal, CorruptStateError, readSnapshot } from './persistence.js';

export interface Recovered {
  /** raw accounts, revived */
  accounts: AccountState[];
  problems: CorruptStateError[];
  generation: number;
  journalBytes: number;
  snapshotBytes: number;
  /** what was loaded differs from what the files say (a journal was kept aside): write a snapshot now */
  compactNow: boolean;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

export function recoverStateFile(file: string): Recovered {
  const problems: CorruptStateError[] = [];
  let snapshot;
  try {
    snapshot = readSnapshot(file);
  } catch (e) {
    if (!(e instanceof CorruptStateError)) throw e;
    problems.push(e);
    // the journals continue the snapshot that could not be read: keep them with it
    for (const j of journalsOf(file)) problems.push(corruptJournal(j.path, keepAside(j.path), 'its snapshot could not be read', file));
    return { accounts: [], problems, generation: 0, journalBytes: 0, snapshotBytes: 0, compactNow: false };
  }
  const generation = snapshot?.generation ?? 0;
  let doc = snapshot?.accounts ?? (Object.create(null) as Record<string, AccountState>);
  const journals = journalsOf(file).filter((j) => {
    if (j.generation >= generation) return true;
    fs.rmSync(j.path, { force: true }); // covered by the snapshot: a compaction's leftover
    return false;
  });

  let journalBytes = 0;
  let trouble: { journal: number; reason: string } | undefined;
  const reads = journals.map((j) => readJournalText(fs.readFileSync(j.path, 'utf8')));
  for (let i = 0; i < journals.length && !trouble; i++) {
    const read = reads[i];
    const last = i === journals.length - 1;
    const unfit = applyRecords(doc, read.records);
    if (unfit) {
      trouble = { journal: i, reason: `record ${unfit.index + 1} does not fit the state: ${unfit.message}` };
      // that record may have applied in part: replay again, up to the record before it
      doc = snapshotAccounts(file);
      for (let k = 0; k < i; k++) applyRecords(doc, reads[k].records);
      applyRecords(doc, read.records.slice(0, unfit.index));
    } else if (read.corruptLine !== undefined) trouble = { journal: i, reason: `line ${read.corruptLine} is not a sound record` };
    else if (read.tornBytes && !last) trouble = { journal: i, reason: 'it ends in an unfinished record, yet a later journal follows it' };
    else if (read.tornBytes) fs.truncateSync(journals[i].path, read.soundBytes);
    if (last && !trouble) journalBytes = read.soundBytes;
  }

  const whole = accountsProblem(doc);
  if (whole !== true) {
    // the replay as a whole cannot be trusted: the snapshot alone
    trouble ??= { journal: 0, reason: `the state it leads to is unsound: ${whole}` };
    doc = snapshotAccounts(file);
  }
  if (trouble) {
    for (let k = trouble.journal; k < journals.length; k++) {
      const reason = k === trouble.journal ? trouble.reason : 'an earlier journal could not be read to its end';
      problems.push(corruptJournal(journals[k].path, keepAside(journals[k].path), reason, file));
    }
  }
  return {
    accounts: Object.values(doc).map((a) => loadedAccount(a)),
    problems,
    generation,
    journalBytes: trouble ? 0 : journalBytes,
    snapshotBytes: sizeOf(file),
    compactNow: !!trouble,
  };
}

function snapshotAccounts(file: string): Record<string, AccountState> {
  return readSnapshot(file)?.accounts ?? (Object.create(null) as Record<string, AccountState>);
}

/** Apply records in order, each whole or not at all; the first that does not fit stops it. */
function applyRecords(doc: Record<string, AccountState>, records: JournalChange[][]): { index: number; message: string } | undefined {
  const target = doc as unknown as Record<string, unknown>;
  for (let i = 0; i < records.length; i++) {
    try {
      for (const c of records[i]) applyChange(target, c);
    } catch (e) {
      if (e instanceof UnfitRecord) return { index: i, message: e.message };
      throw e;
    }
  }
  return undefined;
}
