/**
 * session.json: which backend the lab runs on (endpoint, account, root credentials, the pid or
 * container serving it) and which lab is seeded there. Later commands reach the lab only
 * through it; with no session they refuse instead of guessing from the environment.
 */
import fs from 'node:fs';
import type { BackendInfo } from '../backends/types.js';
import { CorruptFileError, NoSessionError } from '../core/errors.js';
import { isRecord, readJsonFile, writeFileAtomic, writeJsonFile } from '../core/json-file.js';
import { statePaths } from '../core/paths.js';

export interface Session extends BackendInfo {
  format: 1;
  startedAt: string;
  /** the lab seeded on the backend (start/reset), if any */
  lab?: string;
  /** true when `start` runs the backend in its own (foreground) process */
  foreground?: boolean;
}

const isSession = (v: unknown): v is Session =>
  isRecord(v) && v.format === 1 && typeof v.endpoint === 'string' && typeof v.backend === 'string' && isRecord(v.credentials);

export function readSession(home: string): Session | undefined {
  return readJsonFile(statePaths(home).session, isSession, (u) =>
    new CorruptFileError(`the session file ${u.file} could not be read; it was kept as ${u.keptAs}.`, 2, 'Run iam-labs start <lab> to start a new session.'),
  );
}

export function requireSession(home: string): Session {
  const s = readSession(home);
  if (!s) throw new NoSessionError(NO_SESSION, 2, NO_SESSION_HINT);
  return s;
}

export function writeSession(home: string, s: Session): void {
  writeJsonFile(statePaths(home).session, s);
}

export function removeSession(home: string): void {
  fs.rmSync(statePaths(home).session, { force: true });
}

/**
 * The embedded emulator keeps its account in a state file across stop/start: remember which lab
 * it holds, so `start` of the same lab continues instead of seeding it over the learner's work.
 */
const embeddedLabFile = (home: string) => `${statePaths(home).emulatorState}.lab`;

export function rememberEmbeddedLab(home: string, lab: string | undefined): void {
  if (lab) writeFileAtomic(embeddedLabFile(home), lab);
}

/** The lab the embedded state file holds (read once: a later seed makes it stale). */
export function takeEmbeddedLab(home: string): string | undefined {
  try {
    const lab = fs.readFileSync(embeddedLabFile(home), 'utf8').trim();
    fs.rmSync(embeddedLabFile(home), { force: true });
    return fs.existsSync(statePaths(home).emulatorState) ? lab : undefined;
  } catch {
    return undefined;
  }
}

const NO_SESSION = 'no lab is running, so there is nothing to check.';
const NO_SESSION_HINT =
  'Run `iam-labs start 01` first (add --detach to keep it running in the background).\n' +
  'iam-labs never falls back to your own AWS credentials or endpoints.';
