/**
 * `iam-labs start <lab>`: make sure the backend runs (one, detached, shared by every open lab),
 * open the lab in its own account (continue it, or seed it), show the chapter and its checklist;
 * then either return (--detach) or show the live screen. Quitting the screen never stops the
 * backend: another lab's screen or a shell may be using it (`iam-labs stop` does).
 */
import fs from 'node:fs';
import { abandonStartingBackend, ensureBackend } from '../backend-lifecycle.js';
import { learnerNote } from '../shared-server-notes.js';
import { markStarting } from '../start-in-progress.js';
import { readWorkshopLink, type WorkshopLink } from '../workshop-link.js';
import { CorruptFileError } from '../../core/errors.js';
import { goAhead } from '../confirm.js';
import { isolateSdkEnvironment } from '../../core/sdk-env.js';
import { processAlive } from '../../backends/net.js';
import { defaultIO, writeln, type CommandIO } from '../io.js';
import { renderMarkdown, renderLabResult } from '../output.js';
import { labPaths, statePaths } from '../../core/paths.js';
import { writeJsonFile } from '../../core/json-file.js';
import { ProgressStore } from '../progress.js';
import { gradeSessionLab, openCourse } from '../runtime.js';
import { loadGraders, type GraderRegistry } from '../graders-registry.js';
import { resolveLab, type Lab } from '../../core/course.js';
import { withSpinner } from '../spinner.js';
import type { LabResult } from '../grading.js';
import { applyPlan, describeLoss, planOpen, seedNote, type OpenedLab } from '../lab-lifecycle.js';
import { labViewOf } from '../lab-view.js';
import { liveScreenOptions } from '../live-session.js';
import { runLiveScreen } from '../live.js';
import { completionNotice } from '../completion.js';
import { asTyped } from '../invocation.js';

export interface StartOptions {
  backend?: string;
  endpoint?: string;
  detach?: boolean;
  plain?: boolean;
  allowRemote?: boolean;
  realAws?: string;
  image?: string;
  /** start the lab over from its seed (forgets its progress; asks first in a terminal) */
  fresh?: boolean;
  /** do not ask (start --fresh, or giving a one-account backend to another lab) */
  yes?: boolean;
}

export async function startCommand(labArg: string, opts: StartOptions, io: CommandIO = defaultIO(opts)): Promise<number> {
  const course = openCourse(io);
  const lab = resolveLab(course, labArg);
  let gradersLoading: Promise<GraderRegistry> | undefined;
  const loadAll = () => (gradersLoading ??= loadGraders(io.env));
  const paths = statePaths(io.home);
  isolateSdkEnvironment(paths.sdkConfig);
  const releaseGuard = guardInterrupt(io, lab);
  let screen: ScreenClaim | undefined;
  try {
    const { record: backend, handle } = await ensureBackend(io, opts);
    if (backend.realAwsAccount) writeln(io, io.c.red(REAL_AWS_WARNING(backend.realAwsAccount)));
    const makes = handle.extras.makesAccounts;
    if (!makes) writeln(io, `${io.c.dim('note:')} this ${backend.backend} backend has one account, so your labs take turns in it (opening another lab sets that one up there).`);
    if (!opts.detach) screen = claimScreen(io.home, lab.id);
    const plan = await planOpen(io.home, backend, handle, lab, { fresh: opts.fresh });
    if (plan.kind === 'seed') {
      const p = new ProgressStore(paths.progress).read();
      const loss = describeLoss(plan, lab, p, backend, makes);
      if (loss.length) {
        const question = plan.why === 'fresh' ? `Start lab ${lab.number} over?` : `Open lab ${lab.number} in the backend's one account?`;
        if (!(await goAhead(io, { loss, question, yes: opts.yes, flag: '--yes', proceedWithoutTerminal: true }))) {
          writeln(io, 'Nothing changed.');
          return 0;
        }
      }
      const note = seedNote(plan, lab, backend);
      if (note) writeln(io, note);
    }
    const open =
      plan.kind === 'continue'
        ? await applyPlan(io, backend, handle, lab, plan, loadAll)
        : await withSpinner(io, `Setting up lab ${lab.number}`, () => applyPlan(io, backend, handle, lab, plan, loadAll));
    const account = makes ? ` in its own account, ${open.session.accountId}` : ` in account ${open.session.accountId}`;
    if (plan.kind === 'continue') writeln(io, `Continuing lab ${lab.number}${account}, where you left it (\`iam-labs reset\` starts it over).`);
    else writeln(io, `Lab ${lab.number} runs${account}.`);
    const sharedNote = backend.backend === 'workshop' ? learnerNote(lab, backend.capabilities) : undefined;
    if (sharedNote) writeln(io, `${io.c.dim('note:')} ${sharedNote}`);
    const left = backend.backend === 'workshop' ? undefined : leftWorkshop(io);
    if (left) writeln(io, `${io.c.dim('note:')} you left the workshop at ${left.base}: this lab runs on this machine, and its checks are not reported to the class until you join again.`);
    writeln(io, '');
    // The chapter's own top heading (if any) gives way to ours, which carries the lab number.
    const intro = lab.intro.replace(/^\s*# [^\n]*\n+/, '');
    writeln(io, await renderMarkdown(io, `# ${lab.number} · ${lab.title}\n\n${intro}`));
    writeln(io, '');
    // A fresh seed passes no step yet (`dev check` proves it for every step): grade only when
    // continuing or when earlier steps were restored.
    const graded = plan.kind === 'continue' || plan.solvedBefore > 0;
    const first: LabResult = graded ? await gradeSessionLab(open, lab, io) : ungraded(lab, open);
    releaseGuard();
    if (opts.detach) {
      writeln(io, renderLabResult(io, first));
      const done = completionNotice(io, course, first);
      if (done) writeln(io, `\n${done}`);
      writeln(io, DETACHED_HELP(backend.endpoint, lab.number, !!handle.extras.stopsServer));
      return 0;
    }
    const options = liveScreenOptions({
      io,
      course,
      lab,
      open,
      first: labViewOf(lab, first, open.progress.read()),
      readOnly: screen?.readOnly,
      // the first screen of this lab may close while this one is open: then this one takes over
      takeOver: () => {
        const claim = claimScreen(io.home, lab.id);
        if (claim.readOnly) return false;
        screen = claim;
        return true;
      },
      graders: loadAll,
    });
    if (screen?.readOnly) writeln(io, `Lab ${lab.number} is already open in another terminal (pid ${screen.holder}): this screen only shows it.`);
    const code = await runLiveScreen(options);
    writeln(io, LEFT(lab.number, !!handle.extras.stopsServer));
    return code;
  } finally {
    releaseGuard();
    screen?.release();
  }
}

/**
 * A lab's steps from progress alone (a fresh seed: nothing to grade yet). The seed told a joined
 * workshop already (applyPlan); a report it kept is said here as a grading's would be.
 */
function ungraded(lab: Lab, open: OpenedLab): LabResult {
  const p = open.progress.read();
  const kept = open.reportKeptFor;
  const steps = lab.steps.map((s) => {
    const rec = p.steps[s.id];
    return { id: s.id, title: s.title, passed: false, conditions: [], done: !!rec?.passedAt, status: rec?.passedAt ? ('done' as const) : ('todo' as const), ...(rec?.passedAt ? { passedAt: rec.passedAt } : {}) };
  });
  return { lab: lab.id, title: lab.title, passed: steps.every((s) => s.done), complete: steps.every((s) => s.done), steps, ...(kept ? { reportKeptFor: kept } : {}) };
}

/**
 * Ctrl-C (or SIGTERM) while `start` starts the backend or sets the lab up: handled between ticks,
 * so a spawned backend is always recorded first. A backend not yet answering is stopped; one that
 * answers is left running for `stop` (or the next `start`); an interrupted seed is redone by the
 * next `start`.
 */
function guardInterrupt(io: CommandIO, lab: Lab): () => void {
  let on = true;
  // commands opened meanwhile in another terminal wait for this setup (start-in-progress.ts)
  const setUp = markStarting(io.home, lab.id);
  const onSignal = () => {
    setUp();
    void abandonStartingBackend(io.home).finally(() => {
      io.err.write(asTyped(`\nInterrupted. \`iam-labs start ${lab.number}\` picks up from here; \`iam-labs stop\` stops the backend.\n`, io.env));
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    if (!on) return;
    on = false;
    setUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

interface ScreenClaim {
  /** another live screen of this lab is open: this one only shows it */
  readOnly: boolean;
  holder?: number;
  release(): void;
}

/**
 * One live screen per lab: the first `start` of a lab claims it (labs/<lab>/screen.json, with its
 * pid); a second one while the first is open gets a read-only screen. A claim whose process died
 * is taken over.
 */
function claimScreen(home: string, labId: string): ScreenClaim {
  const file = labPaths(home, labId).screen;
  fs.mkdirSync(labPaths(home, labId).dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      fs.closeSync(fd);
      const release = () => {
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
          if (held.pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { readOnly: false, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: number | undefined;
      try {
        holder = (JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number }).pid;
      } catch {
        /* unreadable: take it over */
      }
      if (holder && holder !== process.pid && processAlive(holder)) return { readOnly: true, holder, release: () => {} };
      fs.rmSync(file, { force: true });
    }
  }
  writeJsonFile(file, { pid: process.pid, since: new Date().toISOString() });
  return { readOnly: false, release: () => fs.rmSync(file, { force: true }) };
}

/**
 * The workshop this machine joined and then left with `stop`, if so. An unreadable workshop file
 * is kept aside and said here (no check can be reported with it), and the lab starts anyway.
 */
function leftWorkshop(io: CommandIO): WorkshopLink | undefined {
  try {
    const link = readWorkshopLink(io.home);
    return link?.leftAt ? link : undefined;
  } catch (e) {
    if (!(e instanceof CorruptFileError)) throw e;
    io.err.write(asTyped(`${io.c.yellow('warning:')} ${e.message}${e.hint ? ` ${e.hint}` : ''}\n`, io.env));
    return undefined;
  }
}

/** What `iam-labs stop` does here: stop a backend this machine runs, or leave someone else's server (a workshop). */
const stopWords = (stopsServer: boolean) => (stopsServer ? 'stop the backend (your work is kept)' : 'leave this server (your account there is kept)');

const DETACHED_HELP = (endpoint: string, labNo: string, stopsServer: boolean) =>
  [
    '',
    `The lab keeps running in the background at ${endpoint}.`,
    `  iam-labs shell ${labNo}     a shell where \`aws\` talks to this lab (or: eval "$(iam-labs env ${labNo})")`,
    `  iam-labs check ${labNo}     grade your work       iam-labs hint     a hint for the current step`,
    `  iam-labs start ${labNo}     the live checklist    iam-labs stop     ${stopWords(stopsServer)}`,
  ].join('\n');

const LEFT = (labNo: string, stopsServer: boolean) =>
  `The backend keeps running in the background, for your other labs and shells: \`iam-labs start ${labNo}\` reopens this lab, \`iam-labs stop\` ${stopsServer ? 'stops the backend' : 'leaves this server'}.`;

const REAL_AWS_WARNING = (account: string) =>
  `WARNING: this lab runs on REAL AWS account ${account}. It creates users, roles, policies and buckets there; ` +
  `some may cost money. Run \`iam-labs reset\` then \`iam-labs stop\` when done, and check the console.`;
