/**
 * The foreground of `start`: a live checklist re-graded when the account changes (change events
 * from an in-process emulator, else every 2 s). In a terminal: single keys (c check, h hint,
 * n next, r reset, q quit) on an alternate screen. With --plain (or no terminal): linear text,
 * numbered choices, a line per change. A lab is complete only when every step passes at once.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import type { LabGrader } from '../graders/types.js';
import type { Course, Lab } from '../core/course.js';
import type { LabResult } from './grading.js';
import type { CommandIO } from './io.js';
import { conditionLines, hintText, renderMarkdown, stepLine, SYM } from './output.js';
import { gradeLab, seedLab, type OpenSession } from './runtime.js';
import { loadGraders } from './graders-registry.js';

export interface LiveOptions {
  io: CommandIO;
  open: OpenSession;
  course: Course;
  lab: Lab;
  grader: LabGrader;
  first: LabResult;
}

const POLL_MS = 2000;
const READ_ONLY = /^(Get|List|Head|Simulate|Describe)/;

export async function runLiveChecklist(o: LiveOptions): Promise<number> {
  const { io, lab } = o;
  const fancy = io.tty && !io.plain;
  let result = o.first;
  let current = Math.max(0, result.steps.findIndex((s) => !s.passed));
  const hintTier = new Map<string, number>();
  let message = '';
  let grading: Promise<void> | undefined;
  let again = false;
  // a check asked for (key 1/c) while another grading ran: its status is printed when the gradings end
  let statusWanted = false;
  let celebrated = result.passed;
  // the step whose failed conditions the learner asked to see (c); never shown for another step
  let failuresOf: string | undefined;
  let fullText = false;
  // IAM_LABS_LIVE_TRACE=<file>: a line per grading and per change event (tests count them)
  const traceFile = io.env.IAM_LABS_LIVE_TRACE;
  const trace = (line: string) => {
    if (traceFile) fs.appendFileSync(traceFile, `${new Date().toISOString()} ${line}\n`);
  };

  const w = (s: string) => io.out.write(s);
  const nextLab = () => o.course.labs[o.course.labs.findIndex((l) => l.id === lab.id) + 1];

  /** Lines a text takes on screen once long lines wrap. */
  const rowsOf = (text: string) => {
    const cols = (io.out as NodeJS.WriteStream).columns || 80;
    // eslint-disable-next-line no-control-regex
    return text.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.replace(/\x1b\[[0-9;]*m/g, '').length / cols)), 0);
  };

  /**
   * The screen: header and checklist always visible; the step's task is cut to what fits (m shows
   * all of it); failures, messages and the keys below it.
   */
  async function screen(): Promise<string> {
    const head: string[] = [io.c.bold(`${lab.number} · ${lab.title}`) + io.c.dim(`   [${o.open.session.backend} ${o.open.session.endpoint}]`), ''];
    result.steps.forEach((s, i) => head.push(`${i === current ? SYM.current : ' '} ${stepLine(io, s, i)}`));
    head.push('');
    const tail: string[] = [];
    let body: string[] = [];
    const step = lab.steps[current];
    const r = result.steps[current];
    if (result.passed) {
      head.push(celebration());
    } else if (step) {
      head.push(io.c.bold(`Step ${current + 1}: ${step.title}`), '');
      body = (await renderMarkdown(io, step.body)).split('\n');
      if (r?.passed && step.solution) tail.push('', io.c.green(`${SYM.pass} This step passes. The reference solution:`), await renderMarkdown(io, step.solution));
      // the failures of the latest grading, and only for the step they were asked for
      else if (r && !r.passed && failuresOf === step.id) for (const c of r.conditions.filter((c) => c.status !== 'passed')) tail.push(...conditionLines(io, c, '  '));
    }
    if (message) tail.push('', message);
    tail.push('', io.c.dim(`keys: c check · h hint · n next step · r reset · m ${fullText ? 'less' : 'more'} · q quit — work in another terminal: iam-labs shell`));
    const rows = (io.out as NodeJS.WriteStream).rows || 0;
    if (!fullText && rows && body.length) {
      const room = rows - rowsOf(head.join('\n')) - rowsOf(tail.join('\n')) - 1;
      if (rowsOf(body.join('\n')) > room) {
        const kept: string[] = [];
        for (const l of body) {
          if (rowsOf([...kept, l].join('\n')) > Math.max(room - 1, 3)) break;
          kept.push(l);
        }
        body = [...kept, io.c.dim('… (press m for the whole step)')];
      }
    }
    return [...head, ...body, ...tail].join('\n');
  }

  function celebration(): string {
    const next = nextLab();
    return [
      io.c.green(`${SYM.pass} Lab ${lab.number} complete: all ${result.steps.length} steps pass (every one re-checked just now).`),
      next ? `Next: iam-labs start ${next.number}  (${next.title})` : o.course.finale || 'You finished the course!',
    ].join('\n');
  }

  async function redraw(): Promise<void> {
    if (fancy) w(`\x1b[H\x1b[2J${await screen()}\n`);
  }

  /**
   * Grade now, coalesced: at most one grading runs and at most one more is queued (every request
   * made meanwhile, by a change, the poll or a key, is served by that one queued grading, which
   * starts after the running one so it sees every change made until then).
   */
  async function regrade(reason: 'change' | 'poll' | 'key'): Promise<void> {
    if (reason === 'key') statusWanted = true;
    if (grading) {
      again = true;
      return grading;
    }
    grading = (async () => {
      let queued = false;
      do {
        again = false;
        const before = result;
        trace(`grading start (${queued ? 'queued' : reason})`);
        queued = true;
        try {
          result = await gradeLab(o.open, lab, o.grader);
        } catch (e) {
          message = io.c.red(`${SYM.fail} ${(e as Error).message}`);
          if (statusWanted && !fancy) io.out.write(`${SYM.fail} ${(e as Error).message}\n`);
          statusWanted = false;
          break;
        } finally {
          trace('grading end');
        }
        const newly = result.steps.filter((s, i) => s.passed && !before.steps[i]?.passed);
        for (const s of newly) {
          // the reference solution is revealed only once the step passes
          const solution = lab.steps.find((x) => x.id === s.id)?.solution;
          const shown = solution ? `\nThe reference solution, to compare with yours:\n${await renderMarkdown(io, solution)}` : '';
          message = `${io.c.green(`${SYM.pass} “${s.title}” passes!`)}${shown}`;
          if (!fancy) io.out.write(`${SYM.pass} step ${lab.steps.findIndex((x) => x.id === s.id) + 1} passes: ${s.title}${shown}\n`);
        }
        const lost = result.steps.filter((s, i) => !s.passed && before.steps[i]?.passed);
        for (const s of lost) if (!fancy) io.out.write(`${SYM.fail} step no longer passes: ${s.title}\n`);
        if (newly.length && result.steps[current]?.passed) {
          const next = result.steps.findIndex((s) => !s.passed);
          if (next >= 0) current = next;
        }
        if (result.passed && !celebrated) {
          celebrated = true;
          if (!fancy) io.out.write(`\n${celebration()}\n`);
        }
        if (!result.passed) celebrated = false;
      } while (again);
      // the status a check asked for: from the last grading, which began after the key was pressed
      if (statusWanted && !fancy) io.out.write(`${plainStatus()}\n`);
      statusWanted = false;
    })();
    try {
      await grading;
    } finally {
      grading = undefined;
    }
    await redraw();
  }

  function plainStatus(): string {
    const lines = result.steps.map((s, i) => stepLine(io, s, i));
    const r = result.steps[current];
    if (r && !r.passed) for (const c of r.conditions.filter((c) => c.status !== 'passed')) lines.push(...conditionLines(io, c, '      '));
    return lines.join('\n');
  }

  function hint(): string {
    const step = lab.steps[current];
    const tier = hintTier.get(step.id) ?? 0;
    hintTier.set(step.id, Math.min(tier + 1, step.hints.length - 1));
    const r = result.steps[current];
    const stateAware = r?.conditions.filter((c) => c.status === 'failed' && c.hint).map((c) => `  ${c.hint}`) ?? [];
    return [...(stateAware.length ? ['What the check sees:', ...stateAware, ''] : []), hintText(step, tier)].join('\n');
  }

  async function reset(): Promise<void> {
    message = 'Resetting the lab…';
    await redraw();
    await seedLab(o.open, lab, o.grader, await loadGraders(io.env));
    result = await gradeLab(o.open, lab, o.grader);
    current = 0;
    failuresOf = undefined;
    hintTier.clear();
    celebrated = result.passed;
    message = `${SYM.pass} The lab is back to its starting state.`;
  }

  // change events (in-process emulator) or polling (anything else)
  let debounce: NodeJS.Timeout | undefined;
  const unsubscribe = o.open.handle.onChange?.((event) => {
    // reads (our own grading among them) never change what a check sees
    if (READ_ONLY.test(event.operation)) return;
    // (a key's last use is a change: steps check that a profile has been tried; gradings sign as
    // the account's root, whose use is not recorded, so they do not re-trigger themselves)
    trace(`change ${event.operation}`);
    clearTimeout(debounce);
    debounce = setTimeout(() => void regrade('change'), 150);
  });
  // a poll never queues behind a running grading (on a slow backend it would grade back to back)
  const poll = unsubscribe
    ? undefined
    : setInterval(() => {
        if (!grading) void regrade('poll');
      }, POLL_MS);

  return new Promise<number>((resolve) => {
    let finished = false;
    const cleanups: Array<() => void> = [];
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      unsubscribe?.();
      if (poll) clearInterval(poll);
      clearTimeout(debounce);
      for (const c of cleanups) c();
      if (fancy) w('\x1b[?1049l');
      io.out.write(result.passed ? `${celebration()}\n` : `Left the lab: ${result.steps.filter((s) => s.passed).length} of ${result.steps.length} steps pass. \`iam-labs start ${lab.number}\` continues.\n`);
      resolve(code);
    };
    const onSignal = () => finish(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });

    if (fancy) {
      const input = io.input as NodeJS.ReadStream;
      w('\x1b[?1049h');
      readline.emitKeypressEvents(input);
      input.setRawMode?.(true);
      input.resume();
      const onKey = (_s: string, key: { name?: string; ctrl?: boolean }) => {
        void (async () => {
          if (key.ctrl && key.name === 'c') return finish(0);
          switch (key.name) {
            case 'q':
              return finish(0);
            case 'c':
              failuresOf = lab.steps[current]?.id;
              message = 'Checked just now.';
              return regrade('key');
            case 'h':
              message = hint();
              return redraw();
            case 'n':
              current = (current + 1) % lab.steps.length;
              message = '';
              failuresOf = undefined;
              return redraw();
            case 'r':
              await reset();
              return redraw();
            case 'm':
              fullText = !fullText;
              return redraw();
          }
        })().catch((e: Error) => {
          message = io.c.red(e.message);
          void redraw();
        });
      };
      input.on('keypress', onKey);
      cleanups.push(() => {
        input.off('keypress', onKey);
        input.setRawMode?.(false);
        input.pause();
      });
      void redraw();
      return;
    }

    // plain / non-terminal: linear text and numbered choices
    const menu = 'Choose: 1 check · 2 hint · 3 next step · 4 reset the lab · 5 quit';
    io.out.write(`${plainStatus()}\n\n${PLAIN_INTRO}\n${menu}\n`);
    const rl = readline.createInterface({ input: io.input, terminal: false });
    cleanups.push(() => {
      rl.close();
      // an open stdin pipe would keep the process alive once the lab is left
      io.input.pause();
      if (io.input === process.stdin && !process.stdin.isTTY) process.stdin.destroy();
    });
    rl.on('line', (line) => {
      const choice = line.trim().toLowerCase();
      void (async () => {
        if (choice === '1' || choice === 'c') {
          await regrade('key');
        } else if (choice === '2' || choice === 'h') io.out.write(`${hint()}\n`);
        else if (choice === '3' || choice === 'n') {
          current = (current + 1) % lab.steps.length;
          const step = lab.steps[current];
          io.out.write(`Step ${current + 1}: ${step.title}\n${await renderMarkdown(io, step.body)}\n`);
        } else if (choice === '4' || choice === 'r') {
          await reset();
          io.out.write(`${message}\n${plainStatus()}\n`);
        } else if (choice === '5' || choice === 'q') return finish(0);
        else if (choice) io.out.write(`Type a number from 1 to 5.\n`);
        io.out.write(`${menu}\n`);
      })().catch((e: Error) => io.out.write(`${SYM.fail} ${e.message}\n`));
    });
    // stdin closed (e.g. started from a script): keep serving the lab until a signal
    rl.on('close', () => {
      if (!finished) io.out.write('Input closed: the lab keeps running until Ctrl-C or `iam-labs stop`.\n');
    });
  });
}

const PLAIN_INTRO = 'Work in another terminal (`iam-labs shell`). This screen prints a line whenever a step starts or stops passing.';
