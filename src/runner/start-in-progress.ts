/**
 * <home>/starting.json: a `start` is setting a lab up right now (the backend, the lab's seed, its
 * first grading). The chapters send the learner to another terminal for `iam-labs shell`; opened
 * a second too early, it said the lab "has not been started yet", or told them to run `start`
 * again while one was running. Commands that open a lab wait for the start instead.
 */
import fs from 'node:fs';
import { processAlive } from '../backends/net.js';
import { isRecord, peekJsonFile, writeJsonFile } from '../core/json-file.js';
import { statePaths } from '../core/paths.js';
import type { CommandIO } from './io.js';
import { withSpinner } from './spinner.js';

interface Starting {
  pid: number;
  lab: string;
  since: string;
}

/** How long a command waits for a start in another terminal (a first start seeds in seconds). */
const WAIT_MS = 120_000;
/** A marker older than this is from a start that cannot still be setting up (its pid was reused). */
const STALE_MS = 10 * 60_000;

/** Say that this process is setting `labId` up; the returned function says it is done (once). */
export function markStarting(home: string, labId: string): () => void {
  const file = statePaths(home).starting;
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    // atomic: a command waiting in another terminal never reads half of it
    writeJsonFile(file, { pid: process.pid, lab: labId, since: new Date().toISOString() } satisfies Starting);
  } catch {
    return () => {}; // an unwritable state folder fails start itself, with its own words
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    // only our own marker: another start may have taken over meanwhile
    if (readStarting(home)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
}

const isStarting = (v: unknown): v is Starting => isRecord(v) && typeof v.pid === 'number' && typeof v.lab === 'string' && typeof v.since === 'string';

/** The start in progress (the marker is derived: a damaged one reads as none). */
const readStarting = (home: string) => peekJsonFile(statePaths(home).starting, isStarting);

function startInProgress(home: string): Starting | undefined {
  const s = readStarting(home);
  if (!s || s.pid === process.pid || !processAlive(s.pid)) return undefined;
  return Date.now() - Date.parse(s.since) < STALE_MS ? s : undefined;
}

/**
 * Wait while another terminal's `start` sets a lab up, with a spinner that says so; then the
 * caller opens the lab as usual (and says what is wrong if the start failed or took too long).
 */
export async function waitForStartElsewhere(io: CommandIO): Promise<void> {
  const first = startInProgress(io.home);
  if (!first) return;
  const until = Date.now() + WAIT_MS;
  await withSpinner(io, `Waiting for \`iam-labs start ${first.lab.slice(0, 2)}\` in another terminal to finish setting up lab ${first.lab}`, async () => {
    while (startInProgress(io.home) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  });
}
