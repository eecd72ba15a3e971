/**
 * Where a lab runs, on disk. Two kinds of record (docs/architecture.md, "The learner's state"):
 *
 * - backend.json: the one backend of this state directory (endpoint, root, pid or container, its
 *   instance id and store), shared by every open lab. Written as soon as a server process is
 *   spawned (`state: starting`), so a Ctrl-C at any moment leaves nothing `stop` cannot find.
 * - labs/<lab>/lab.json: which account the lab has, on which store, seeded when. It outlives
 *   `stop`: starting the lab again on a backend that kept its accounts continues it.
 *
 * A `Session` is the two together: the backend as one lab sees it (its account, its root).
 * Commands reach a lab only through them; with none they refuse instead of guessing from the
 * environment.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BackendInfo, BackendKind } from '../backends/types.js';
import type { Credentials } from '../core/aws-types.js';
import { CorruptFileError } from '../core/errors.js';
import { isRecord, readJsonFile, writeFileAtomic, writeJsonFile } from '../core/json-file.js';
import { labPaths, statePaths } from '../core/paths.js';

/** The running backend (backend.json). */
export interface BackendRecord extends BackendInfo {
  format: 2;
  startedAt: string;
  /** `starting`: spawned, not answering yet (or its start was interrupted) */
  state: 'starting' | 'running';
}

/** A lab's account on a backend (labs/<lab>/lab.json). */
export interface LabRecord {
  format: 1;
  lab: string;
  accountId: string;
  /** the account's root (on a backend with one account: the backend's root) */
  credentials: Credentials;
  /** how many times the lab was seeded: each seed gets a new account where the backend makes them */
  generation: number;
  /** the backend store the account lives in (BackendInfo.storeId) */
  storeId: string;
  backend: BackendKind;
  seededAt: string;
  /** set while the seed runs: an interrupted seed is seeded again */
  seeding?: boolean;
  /** where the seed started the lab: the reference solutions of the steps before this were applied */
  seededAtStep?: number;
}

/** The backend as one lab sees it: its account and that account's root credentials. */
export interface Session extends BackendInfo {
  format: 2;
  startedAt: string;
  /** the lab whose account this is (absent: a one-account backend's root, no lab opened yet) */
  lab?: string;
}

const isBackendRecord = (v: unknown): v is BackendRecord =>
  isRecord(v) && v.format === 2 && typeof v.endpoint === 'string' && typeof v.backend === 'string' && isRecord(v.credentials) && isRecord(v.capabilities);

const isLabRecord = (v: unknown): v is LabRecord =>
  isRecord(v) && v.format === 1 && typeof v.lab === 'string' && typeof v.accountId === 'string' && isRecord(v.credentials) && typeof v.storeId === 'string' && typeof v.generation === 'number';

export function readBackend(home: string): BackendRecord | undefined {
  migrateLegacySession(home);
  return readJsonFile(statePaths(home).backend, isBackendRecord, (u) =>
    new CorruptFileError(
      `the backend file ${u.file} could not be read (${u.reason}); it was kept as ${u.keptAs}.`,
      2,
      'If a backend is still running, stop it by its pid (see that file), then run iam-labs start <lab>.',
    ),
  );
}

export function writeBackend(home: string, b: BackendRecord): void {
  writeJsonFile(statePaths(home).backend, b);
}

export function removeBackend(home: string): void {
  fs.rmSync(statePaths(home).backend, { force: true });
}

export function readLabRecord(home: string, labId: string): LabRecord | undefined {
  return readJsonFile(labPaths(home, labId).record, isLabRecord, (u) =>
    new CorruptFileError(`the lab file ${u.file} could not be read (${u.reason}); it was kept as ${u.keptAs}.`, 2, `Run iam-labs start ${labId.slice(0, 2)} to set the lab up again (your progress is kept).`),
  );
}

export function writeLabRecord(home: string, r: LabRecord): void {
  writeJsonFile(labPaths(home, r.lab).record, r);
}

/** Every lab that has a record, whatever its backend. */
export function listLabRecords(home: string): LabRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(statePaths(home).labsDir);
  } catch {
    return [];
  }
  const out: LabRecord[] = [];
  for (const n of names) {
    try {
      const r = readLabRecord(home, n);
      if (r) out.push(r);
    } catch {
      /* not a lab folder, or a corrupt record (reported when that lab is used) */
    }
  }
  return out;
}

/**
 * On a backend with one account, the lab whose setup it holds: the last one seeded there. (Where
 * each lab has its own account, every lab seeded on the store is still there.)
 */
export function accountHolder(home: string, storeId: string): LabRecord | undefined {
  return listLabRecords(home)
    .filter((r) => r.storeId === storeId && !r.seeding)
    .sort((a, b) => a.seededAt.localeCompare(b.seededAt))
    .pop();
}

/** The session of a lab on the running backend (its account and root). */
export function labSession(backend: BackendRecord, record: Pick<LabRecord, 'lab' | 'accountId' | 'credentials'>): Session {
  return { ...backend, format: 2, accountId: record.accountId, credentials: record.credentials, lab: record.lab };
}

/** A one-account backend's own session, before any lab is opened (after `workshop join`). */
export function accountSession(backend: BackendRecord): Session {
  return { ...backend, format: 2 };
}

/**
 * The lab a command means when it names none: the lab of the lab shell it runs in
 * (IAM_LABS_LAB), else the lab started last.
 */
export function currentLabId(home: string, env: Record<string, string | undefined>): string | undefined {
  if (env.IAM_LABS_LAB) return env.IAM_LABS_LAB;
  try {
    return fs.readFileSync(statePaths(home).currentLab, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function setCurrentLab(home: string, labId: string): void {
  writeFileAtomic(statePaths(home).currentLab, `${labId}\n`);
}

/**
 * Before per-lab records, one session.json held the backend and the lab seeded on it (account
 * 000000000000 of the embedded emulator). Read once: the backend becomes backend.json (so `stop`
 * still finds its process) and the lab keeps its account as lab.json, so its work continues.
 */
function migrateLegacySession(home: string): void {
  const p = statePaths(home);
  migrateStoppedEmbeddedLab(home);
  if (!fs.existsSync(p.legacySession) || fs.existsSync(p.backend)) return;
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(fs.readFileSync(p.legacySession, 'utf8')) as Record<string, unknown>;
  } catch {
    return; // unreadable: left where it is for the learner to look at
  }
  if (!isRecord(old) || old.format !== 1 || typeof old.endpoint !== 'string' || typeof old.backend !== 'string' || !isRecord(old.credentials)) return;
  const { lab, foreground: _foreground, format: _format, ...info } = old as unknown as Session & { foreground?: boolean; format: number };
  const storeId = info.backend === 'embedded' ? `embedded:${p.emulatorState}` : `${info.backend}:${info.endpoint}:${info.accountId}`;
  const backend: BackendRecord = { ...info, format: 2, startedAt: String(old.startedAt ?? new Date().toISOString()), state: 'running', storeId };
  writeBackend(home, backend);
  if (typeof lab === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(lab)) {
    writeLabRecord(home, { format: 1, lab, accountId: info.accountId, credentials: info.credentials, generation: 0, storeId, backend: info.backend, seededAt: backend.startedAt });
    moveLegacyAwsFiles(home, lab);
    setCurrentLab(home, lab);
  }
  fs.rmSync(p.legacySession, { force: true });
}

/** The old layout kept one lab's AWS files in <home>/aws: they move to the lab's folder. */
function moveLegacyAwsFiles(home: string, lab: string): void {
  const to = labPaths(home, lab);
  fs.mkdirSync(to.awsDir, { recursive: true, mode: 0o700 });
  for (const [from, dest] of [
    [path.join(home, 'aws', 'config'), to.awsConfig],
    [path.join(home, 'aws', 'credentials'), to.awsCredentials],
  ]) {
    if (fs.existsSync(from) && !fs.existsSync(dest)) fs.renameSync(from, dest);
  }
}

/** A stopped embedded lab of the old layout: `<state>.lab` named the lab its state file held. */
function migrateStoppedEmbeddedLab(home: string): void {
  const p = statePaths(home);
  const marker = `${p.emulatorState}.lab`;
  let lab: string;
  try {
    lab = fs.readFileSync(marker, 'utf8').trim();
  } catch {
    return;
  }
  fs.rmSync(marker, { force: true });
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(lab) || !fs.existsSync(p.emulatorState) || fs.existsSync(labPaths(home, lab).record)) return;
  const storeId = `embedded:${p.emulatorState}`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  writeLabRecord(home, { format: 1, lab, accountId: '000000000000', credentials, generation: 0, storeId, backend: 'embedded', seededAt: new Date(fs.statSync(p.emulatorState).mtimeMs).toISOString() });
  moveLegacyAwsFiles(home, lab);
  setCurrentLab(home, lab);
}
