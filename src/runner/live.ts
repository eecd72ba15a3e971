/**
 * The foreground of `start`: the lab's chapter and a live checklist, re-graded shortly after the
 * account changes. In a terminal: a full screen that scrolls, moves between steps (0 is the lab's
 * introduction) and takes single keys (screen/full.ts). With --plain, or when input or output is no
 * terminal: linear text in reading order with numbered choices (screen/plain.ts).
 *
 * The side that runs the lab (sessions, progress) drives it through runLiveScreen and the types
 * in screen/types.ts; this module owns the timing: change events are debounced, and at most one
 * grading runs with at most one queued behind it.
 */
import fs from 'node:fs';
import type { LabView, LiveScreenOptions } from './screen/types.js';

export type { LabView, LiveScreenOptions, StepView, StepStatus, LiveActions } from './screen/types.js';

/**
 * Quiet time after the last change event before grading, so the change events of one command
 * (the write, the key's last use; a script's calls, milliseconds apart) grade once. It is most of
 * the time between a change and its verdict on screen (the feed delivers a change in a few ms, a
 * lab 01 grading takes ~30), and the target is 300 ms: at 300 ms it alone missed it. Two
 * commands typed at the AWS CLI are hundreds of ms apart whatever this is, and gradings never
 * pile up (at most one runs and one waits, gradingLoop), so a shorter wait costs no extra work.
 */
export const SETTLE_MS = 50;

export type GradeReason = 'change' | 'key';

export interface GradingLoop {
  /** grade now, or join the grading queued behind the running one; resolves when it is done */
  request(reason: GradeReason): Promise<void>;
  readonly busy: boolean;
}

export interface GradingCallbacks {
  /** a grading finished; `watching`: a change or a key asked for it since the last one */
  graded(view: LabView, watching: boolean): void;
  failed(error: Error): void;
  busy(busy: boolean): void;
}

/**
 * Gradings, coalesced: at most one runs and at most one more is queued (every request made
 * meanwhile, by a change or a key, is served by that queued grading, which starts after the
 * running one and so sees every change made until then).
 */
export function gradingLoop(regrade: () => Promise<LabView>, cb: GradingCallbacks, trace: (line: string) => void): GradingLoop {
  let running: Promise<void> | undefined;
  let again = false;
  return {
    get busy() {
      return !!running;
    },
    request(reason) {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        cb.busy(true);
        let queued = false;
        try {
          do {
            again = false;
            trace(`grading start (${queued ? 'queued' : reason})`);
            queued = true;
            let view: LabView;
            try {
              view = await regrade();
            } catch (e) {
              cb.failed(e as Error);
              break;
            } finally {
              trace('grading end');
            }
            cb.graded(view, true);
          } while (again);
        } finally {
          running = undefined;
          cb.busy(false);
        }
      })();
      return running;
    },
  };
}

/** Run the live screen until the learner leaves it (q, Ctrl-C, SIGTERM). Resolves to the exit code. */
export async function runLiveScreen(opts: LiveScreenOptions): Promise<number> {
  const { io } = opts;
  // IAM_LABS_LIVE_TRACE=<file>: a line per grading and per change event (tests count them)
  const traceFile = io.env.IAM_LABS_LIVE_TRACE;
  const trace = (line: string) => {
    if (traceFile) fs.appendFileSync(traceFile, `${new Date().toISOString()} ${line}\n`);
  };
  const fancy = io.tty && !io.plain;
  const { ScreenModel } = await import('./screen/model.js');
  const model = new ScreenModel(opts.lab, opts.first);
  const ui = fancy ? new (await import('./screen/full.js')).FullScreen(opts, model) : new (await import('./screen/plain.js')).PlainScreen(opts, model);

  let finished = false;
  // (a grading still running when the learner leaves ends in silence)
  const loop = gradingLoop(
    opts.regrade,
    {
      graded: (view, watching) => !finished && ui.graded(model.apply(view, watching)),
      failed: (e) => !finished && ui.failed(e),
      busy: (b) => !finished && ui.busy(b),
    },
    trace,
  );

  return new Promise<number>((resolve) => {
    let settle: NodeJS.Timeout | undefined;
    const unsubscribe = opts.onAccountChange(() => {
      trace('change');
      clearTimeout(settle);
      settle = setTimeout(() => void loop.request('change'), SETTLE_MS);
    });
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearTimeout(settle);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      ui.close();
      resolve(code);
    };
    const onSignal = () => finish(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    ui.start({ check: () => loop.request('key'), quit: () => finish(0), isBusy: () => loop.busy });
  });
}
