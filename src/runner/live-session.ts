/**
 * The live screen's side that runs the lab (contract 2 in the project brief): LiveScreenOptions
 * built from a lab's session, grading and progress. `regrade` grades on the backend (its grading
 * service when it has one) and returns a LabView; `onAccountChange` long-polls the emulator's
 * change feed for the lab's own account (so a change in another lab's account never re-grades
 * this one), or polls by grading where a backend has no feed; the actions record what they do in
 * progress (hint tiers, revealed solutions) and reset through lab-lifecycle.ts, asking nothing
 * (the screen asked).
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { Course, Lab } from '../core/course.js';
import { UsageError } from '../core/errors.js';
import type { GraderRegistry } from './graders-registry.js';
import type { CommandIO } from './io.js';
import { applyPlan, describeLoss, planReset } from './lab-lifecycle.js';
import { labViewOf } from './lab-view.js';
import { gradeSessionLab, type OpenSession } from './runtime.js';
import type { LabView, LiveScreenOptions } from './screen/types.js';
import { nextHint } from './hints.js';
import { readLabRecord } from './session.js';
import { labPaths } from '../core/paths.js';

/** A backend without a change feed is graded this often while a screen is open (a workshop: less often). */
const POLL_MS = 2000;
const POLL_SHARED_MS = 5000;
/** How long one long poll waits for a change before asking again. */
const FEED_WAIT_MS = 20_000;
/** `aws configure` writes the credentials and the config file one after the other: one grading for both. */
const FILES_SETTLE_MS = 300;

export interface LiveLab {
  io: CommandIO;
  course: Course;
  lab: Lab;
  open: OpenSession;
  first: LabView;
  readOnly?: boolean;
  takeOver?(): boolean;
  graders: () => Promise<GraderRegistry>;
}

/** The options for runLiveScreen; `current()` is the lab's session now (a reset moves it to a new account). */
export function liveScreenOptions(o: LiveLab): LiveScreenOptions & { current(): OpenSession } {
  const { io, lab } = o;
  let open = o.open;
  let grading = false;
  let lastGraded = Date.now();
  const stepOf = (id: string) => {
    const step = lab.steps.find((s) => s.id === id);
    if (!step) throw new UsageError(`lab ${lab.id} has no step '${id}'.`);
    return step;
  };
  // listeners of the account's changes, and the account they follow (a reset moves it)
  const accountMoved = new Set<() => void>();
  const moveTo = (next: OpenSession) => {
    open = next;
    for (const m of accountMoved) m();
  };
  /**
   * `iam-labs reset` in another terminal moves the lab to a new account and records it: follow
   * the record (else this screen grades the emptied account until it is reopened). The reset
   * empties the old account last, which wakes the change feed this screen waits on.
   */
  const followRecord = async () => {
    const record = readLabRecord(io.home, lab.id);
    if (!record || record.seeding || record.accountId === open.session.accountId) return;
    moveTo(await applyPlan(io, open.backend, open.handle, lab, { kind: 'continue', record }, o.graders));
  };
  return {
    io,
    course: o.course,
    lab,
    readOnly: o.readOnly,
    takeOver: o.takeOver,
    first: o.first,
    current: () => open,
    async regrade() {
      grading = true;
      try {
        await followRecord();
        // a note on stderr would tear the full screen: the screen says it (LabView.gradedHere)
        const result = await gradeSessionLab(open, lab, { ...io, err: quiet });
        return labViewOf(lab, result, open.progress.read());
      } finally {
        grading = false;
        lastGraded = Date.now();
      }
    },
    onAccountChange(listener) {
      // Steps also grade the lab's own AWS files (lab 01's profile samy), which `aws configure`
      // changes without a request to the backend: watch them too.
      const unwatchFiles = watchAwsFiles(labPaths(io.home, lab.id).awsDir, listener);
      const feed = open.handle.extras.changeFeed;
      if (!feed) {
        const every = open.session.backend === 'workshop' ? POLL_SHARED_MS : POLL_MS;
        const poll = setInterval(() => {
          if (!grading && Date.now() - lastGraded >= every) listener();
        }, every / 4);
        return () => {
          clearInterval(poll);
          unwatchFiles();
        };
      }
      let stopped = false;
      // the long poll in flight, aborted when the screen closes (left open, it kept the process,
      // and the learner's prompt, waiting up to FEED_WAIT_MS after `q`) or the lab's account moves
      let poll: AbortController | undefined;
      const moved = () => poll?.abort();
      accountMoved.add(moved);
      void (async () => {
        let account = open.session.accountId;
        let after = -1;
        while (!stopped) {
          await followRecord().catch(() => {});
          if (account !== open.session.accountId) {
            // a reset gave the lab a new account: follow it, and grade it
            account = open.session.accountId;
            after = -1;
            listener();
          }
          poll = new AbortController();
          try {
            const answer = await feed.wait(account, after, after < 0 ? 0 : FEED_WAIT_MS, poll.signal);
            if (stopped) break;
            if (answer.instanceId && open.backend.instanceId && answer.instanceId !== open.backend.instanceId) {
              listener(); // another emulator: the grading says so
              await sleep(POLL_MS);
              continue;
            }
            if (after >= 0 && answer.changed) listener();
            after = answer.seq;
          } catch {
            if (stopped) break;
            if (poll.signal.aborted) continue; // the account moved: follow it
            // the backend does not answer (stopped?): a grading says so; ask again a little later
            listener();
            await sleep(POLL_MS);
          }
        }
      })();
      return () => {
        stopped = true;
        accountMoved.delete(moved);
        poll?.abort();
        unwatchFiles();
      };
    },
    actions: {
      async hint(stepId) {
        return (await nextHint(open.progress, lab, stepOf(stepId))).text;
      },
      async reset(stepId) {
        const index = stepId ? lab.steps.findIndex((s) => s.id === stepOf(stepId).id) : 0;
        moveTo(await applyPlan(io, open.backend, open.handle, lab, planReset(io.home, lab, index), o.graders));
      },
      async revealSolution(stepId) {
        const step = stepOf(stepId);
        await open.progress.recordRevealed(lab.id, [step.id]);
        return step.solution;
      },
      describeReset(stepId) {
        const index = stepId ? lab.steps.findIndex((s) => s.id === stepId) : 0;
        const plan = planReset(io.home, lab, Math.max(0, index));
        return describeLoss(plan, lab, open.progress.read(), open.backend, open.handle.extras.makesAccounts).join(' ');
      },
    },
  };
}

/**
 * Call `changed` once the files in `dir` settle after a change. Gradings only read these files,
 * so they cause no change of their own. Where the folder cannot be watched, nothing is reported
 * (the next change in the account, or the c key, grades them).
 */
function watchAwsFiles(dir: string, changed: () => void): () => void {
  let settle: NodeJS.Timeout | undefined;
  let watcher: fs.FSWatcher;
  try {
    watcher = fs.watch(dir, { persistent: false }, () => {
      clearTimeout(settle);
      settle = setTimeout(changed, FILES_SETTLE_MS);
    });
    watcher.on('error', () => watcher.close());
  } catch {
    return () => {};
  }
  return () => {
    clearTimeout(settle);
    watcher.close();
  };
}

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
