/**
 * The backend's lifetime. One backend per state directory serves every open lab, and it is
 * always detached: quitting a live screen or a lab shell never stops it (another screen or shell
 * may be using it); `iam-labs stop` does. It is recorded in backend.json in the very tick its
 * process is spawned, so a Ctrl-C at any moment of `start` leaves nothing that `stop` cannot
 * find. Two `start`s at once take a lock, so they never start two backends.
 */
import { attachBackend, chooseBackend, startBackend } from '../backends/index.js';
import { killAndWait, processAlive } from '../backends/net.js';
import { ROOT_CREDENTIALS, type BackendHandle } from '../backends/types.js';
import { UsageError } from '../core/errors.js';
import { statePaths } from '../core/paths.js';
import type { CommandIO } from './io.js';
import { withLock } from './lock.js';
import { readBackend, removeBackend, writeBackend, type BackendRecord } from './session.js';
import { withSpinner } from './spinner.js';
import { writeln } from './io.js';

export interface BackendChoice {
  backend?: string;
  endpoint?: string;
  allowRemote?: boolean;
  realAws?: string;
  image?: string;
}

export interface EnsuredBackend {
  record: BackendRecord;
  handle: BackendHandle;
  /** this call started it (else it reused the running one) */
  started: boolean;
}

/** The pid `start` spawned and has not yet seen answer: what a Ctrl-C must not leave behind. */
let spawnedNotReady: number | undefined;

/** For `start`'s Ctrl-C handler: stop a backend process this command spawned that is not ready yet. */
export async function abandonStartingBackend(home: string): Promise<void> {
  const pid = spawnedNotReady;
  if (!pid) return;
  spawnedNotReady = undefined;
  await killAndWait(pid, 2000);
  const rec = readBackend(home);
  if (rec?.state === 'starting' && rec.pid === pid) removeBackend(home);
}

/**
 * The running backend (when it is the one recorded and answers), else a new one, detached. A
 * record whose backend is gone, or whose address another server now answers, is said and replaced.
 */
export async function ensureBackend(io: CommandIO, choice: BackendChoice): Promise<EnsuredBackend> {
  const paths = statePaths(io.home);
  const log = (line: string) => io.err.write(`${io.c.dim(line)}\n`);
  return withLock(paths.backend, async () => {
    const existing = readBackend(io.home);
    if (existing?.state === 'running') {
      const handle = attachBackend(existing, io.env);
      const presence = await handle.presence();
      if (presence.state === 'same') {
        const wanted = choice.backend ?? io.env.IAM_LABS_BACKEND;
        if ((wanted && wanted !== 'auto' && wanted !== existing.backend) || (choice.endpoint && choice.endpoint.replace(/\/+$/, '') !== existing.endpoint)) {
          throw new UsageError(`a ${existing.backend} backend is already running (${existing.endpoint}) for your labs.`, 2, 'Run `iam-labs stop` first to switch backends.');
        }
        writeln(io, `${io.c.dim('backend:')} ${existing.backend} at ${existing.endpoint} ${io.c.dim('(already running: shared by every lab you open)')}`);
        return { record: existing, handle, started: false };
      }
      log(`the recorded ${existing.backend} backend is not there any more (${presence.detail}); starting a new one`);
      if (existing.pid && processAlive(existing.pid) && presence.state === 'changed') await killAndWait(existing.pid);
      removeBackend(io.home);
    } else if (existing?.state === 'starting') {
      // a start that was interrupted after spawning: nothing else uses that process
      if (existing.pid && processAlive(existing.pid)) await killAndWait(existing.pid);
      removeBackend(io.home);
    }
    const picked = chooseBackend(choice.backend, choice.endpoint, io.env);
    writeln(io, `${io.c.dim('backend:')} ${picked.name} ${io.c.dim(`— ${picked.reason}`)}`);
    const startedAt = new Date().toISOString();
    const handle = await withSpinner(io, `Starting the ${picked.name} backend`, () =>
      startBackend(picked.name, {
        home: io.home,
        detach: true,
        endpoint: picked.endpoint,
        allowRemote: choice.allowRemote,
        realAws: choice.realAws,
        image: choice.image,
        env: io.env,
        log,
        onSpawn: ({ pid, controlToken }) => {
          spawnedNotReady = pid;
          writeBackend(io.home, starting(picked.name, pid, startedAt, controlToken));
        },
      }),
    );
    spawnedNotReady = undefined;
    handle.info.reason = picked.reason;
    if (handle.info.limits) writeln(io, `${io.c.dim('note:')} ${handle.info.limits}`);
    const record: BackendRecord = { ...handle.info, format: 2, startedAt, state: 'running' };
    writeBackend(io.home, record);
    return { record, handle: attachBackend(record, io.env), started: true };
  });
}

/** What backend.json says while a spawned process is not answering yet. */
function starting(kind: BackendRecord['backend'], pid: number, startedAt: string, controlToken?: string): BackendRecord {
  return {
    format: 2,
    state: 'starting',
    startedAt,
    backend: kind,
    endpoint: '',
    credentials: ROOT_CREDENTIALS,
    accountId: '',
    region: '',
    capabilities: { enforcesIam: false, recordsAccessKeyLastUsed: false, recordsRoleLastUsed: false, bucketPolicies: false, cloudTrail: false, accessAnalyzer: false, backdatedHistory: false, userPermissionsBoundaries: false },
    pid,
    reason: 'starting',
    ...(controlToken ? { controlToken } : {}),
  };
}

/** Stop the recorded backend (whatever its state) and forget it. Returns the record, if any. */
export async function stopBackend(io: CommandIO): Promise<{ record: BackendRecord; handle: BackendHandle } | undefined> {
  const record = readBackend(io.home);
  if (!record) return undefined;
  const handle = attachBackend(record, io.env);
  if (record.state === 'starting') {
    if (record.pid && processAlive(record.pid)) await killAndWait(record.pid);
  } else await handle.stop();
  removeBackend(io.home);
  return { record, handle };
}
