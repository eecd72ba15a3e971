/**
 * (f) The runner CLI as a learner runs it, spawned: `--help`, `start 01 --detach`, `check 01` on
 * the fresh lab, and `check NN` of every lab once `solve NN` has made every step pass (the issue's
 * figure is "check of any lab": every step graded, permission probes included). Each `check` is read above the `node -e 0`
 * floor measured in the same run. Runs in a temporary IAM_LABS_HOME; the detached backend is
 * always stopped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadCourse } from '../../src/core/course.js';
import { cliCommands, ROOT_DIR, tempHome, timeCli } from './cli-timing.js';

/** The course's labs ("01", "02", …). */
const courseLabIds = (): string[] => loadCourse(path.join(ROOT_DIR, 'labs')).labs.map((l) => l.number);

export interface CliFigure {
  label: string;
  medianMs: number;
  aboveFloorMs: number;
  exitCodes: number[];
  /** target above the floor, in ms */
  targetAboveMs?: number;
  ok?: boolean;
}

/** The pid of the detached backend, from whichever file the runner keeps it in. */
function backendPid(home: string): number | undefined {
  for (const name of ['backend.json', 'session.json']) {
    try {
      const pid = JSON.parse(fs.readFileSync(path.join(home, name), 'utf8')).pid;
      if (typeof pid === 'number') return pid;
    } catch {
      // not this file
    }
  }
  return undefined;
}

function stopBackend(home: string, env: Record<string, string>): void {
  const pid = backendPid(home);
  timeCli(['stop'], 1, env);
  try {
    // never leave the detached backend behind, even if `stop` failed
    if (pid) process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function figure(label: string, r: ReturnType<typeof timeCli>, floorMs: number, okCodes: number[], targetAboveMs?: number): CliFigure {
  const aboveFloorMs = r.medianMs - floorMs;
  const codesOk = r.exitCodes.every((c) => okCodes.includes(c));
  return { label, medianMs: r.medianMs, aboveFloorMs, exitCodes: r.exitCodes, targetAboveMs, ok: targetAboveMs === undefined ? codesOk : codesOk && aboveFloorMs <= targetAboveMs };
}

export function measureRunnerCli(floorMs: number, runs: number): { figures: CliFigure[]; skipped?: string } {
  const figures: CliFigure[] = [figure('iam-labs --help', timeCli(['--help'], runs), floorMs, [0], 200)];
  const commands = cliCommands();
  if (!commands.has('start') || !commands.has('check') || !commands.has('solve')) return { figures, skipped: '`start`, `check` or `solve` is not in the CLI' };
  const home = tempHome();
  const env = { IAM_LABS_HOME: home };
  try {
    figures.push(figure('start 01 --detach until ready', timeCli(['start', '01', '--detach', '--plain'], 1, env), floorMs, [0]));
    // exit 1: a fresh lab has failing steps, still a full check
    figures.push(figure('check 01 (fresh lab, steps failing)', timeCli(['check', '01', '--json'], runs, env), floorMs, [0, 1], 100));
    // every lab of the course, solved (every step passing: all its permission probes run), each
    // in its own account on the one backend, as a learner working through the course has them
    for (const id of courseLabIds()) {
      timeCli(['start', id, '--detach', '--plain'], 1, env);
      const solved = timeCli(['solve', id, '--plain'], 1, env);
      if (solved.exitCodes[0] !== 0) throw new Error(`solve ${id} exited ${solved.exitCodes[0]}: ${solved.lastOutput}`);
      figures.push(figure(`check ${id} (every step passing)`, timeCli(['check', id, '--json'], runs, env), floorMs, [0], 100));
    }
  } finally {
    stopBackend(home, env);
    fs.rmSync(home, { recursive: true, force: true });
  }
  return { figures };
}
