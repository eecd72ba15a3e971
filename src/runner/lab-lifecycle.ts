/**
 * Opening a lab on the running backend: continue it where the learner left it, or seed it (a
 * first start, `start --fresh`, `reset`, `reset --step`, an account the backend no longer has).
 * The plan is made before anything changes, so a question can say exactly what will be lost.
 *
 * Progress only moves forward: a seed that is not a reset keeps every finished step, and brings
 * the new account to where the learner was (the reference solutions of the steps already passed
 * are applied, in order). Only `reset` and `start --fresh` forget progress, and they say so.
 */
import { accountRootCredentials, type BackendHandle } from '../backends/types.js';
import type { Lab } from '../core/course.js';
import { labPaths, statePaths } from '../core/paths.js';
import { labAccountId } from './accounts.js';
import type { GraderRegistry } from './graders-registry.js';
import type { CommandIO } from './io.js';
import { plural } from './output.js';
import { ProgressStore, type ProgressData } from './progress.js';
import { labFiles, seedSessionLab, type OpenSession } from './runtime.js';
import { accountHolder, labSession, readLabRecord, setCurrentLab, writeLabRecord, type BackendRecord, type LabRecord } from './session.js';
import { labReport, reportToWorkshop } from './workshop-link.js';

export type SeedReason =
  /** never set up (or its record is gone) */
  | 'first'
  /** `start --fresh` */
  | 'fresh'
  /** `reset` */
  | 'reset'
  /** `reset --step` */
  | 'step'
  /** a seed was interrupted */
  | 'interrupted'
  /** set up on another backend (a different store) */
  | 'moved'
  /** its account is no longer on the backend (its state was lost) */
  | 'lost'
  /** a one-account backend whose account holds another lab now */
  | 'taken';

export type OpenPlan =
  | { kind: 'continue'; record: LabRecord }
  | {
      kind: 'seed';
      why: SeedReason;
      record?: LabRecord;
      /** apply the reference solutions of the steps before this index */
      solvedBefore: number;
      /** forget progress from this step index on (0: the whole lab) */
      forgetFrom?: number;
      /** steps not passed whose reference solutions the seed applies: recorded as revealed */
      reveal: string[];
      /** one-account backend: the lab whose setup this seed replaces */
      replaces?: string;
    };

/** The number of leading steps that have passed: where a restored lab picks up. */
export function passedPrefix(lab: Lab, p: ProgressData): number {
  const i = lab.steps.findIndex((s) => !p.steps[s.id]?.passedAt);
  return i < 0 ? lab.steps.length : i;
}

/** How `start` opens a lab (`fresh`: from its seed, forgetting its progress). */
export async function planOpen(home: string, backend: BackendRecord, handle: BackendHandle, lab: Lab, opts: { fresh?: boolean } = {}): Promise<OpenPlan> {
  const record = readLabRecord(home, lab.id);
  const p = new ProgressStore(statePaths(home).progress).read();
  const makes = handle.extras.makesAccounts;
  const holder = makes ? undefined : accountHolder(home, backend.storeId ?? '');
  const replaces = holder && holder.lab !== lab.id ? holder.lab : undefined;
  let why: SeedReason | undefined;
  if (!record) why = 'first';
  else if (record.seeding) why = 'interrupted';
  else if (record.storeId !== backend.storeId) why = 'moved';
  else if (makes ? (await handle.accountExists?.(record.accountId)) === false : replaces) why = makes ? 'lost' : 'taken';
  if (opts.fresh) return { kind: 'seed', why: 'fresh', record, solvedBefore: 0, forgetFrom: 0, reveal: [], replaces };
  if (!why) return { kind: 'continue', record: record! };
  return { kind: 'seed', why, record, solvedBefore: passedPrefix(lab, p), reveal: [], replaces };
}

/** `reset` (the whole lab) or `reset --step` (to the start of step `index`, 0-based). */
export function planReset(home: string, lab: Lab, index = 0): OpenPlan {
  const record = readLabRecord(home, lab.id);
  const p = new ProgressStore(statePaths(home).progress).read();
  const reveal = lab.steps.slice(0, index).filter((s) => !p.steps[s.id]?.passedAt).map((s) => s.id);
  return { kind: 'seed', why: index ? 'step' : 'reset', record, solvedBefore: index, forgetFrom: index, reveal };
}


/**
 * What a plan loses, in words the learner can decide on (empty: nothing is lost). Said before a
 * reset or `start --fresh` asks, and before a one-account backend gives its account to another lab.
 */
export function describeLoss(plan: OpenPlan, lab: Lab, p: ProgressData, backend: Pick<BackendRecord, 'backend'>, makesAccounts: boolean): string[] {
  if (plan.kind === 'continue') return [];
  const lines: string[] = [];
  const current = plan.record ? ` (${plan.record.accountId})` : '';
  const done = (from: number) => lab.steps.slice(from).filter((s) => p.steps[s.id]?.passedAt).length;
  const wiped = makesAccounts
    ? `Everything you made in lab ${lab.number}'s account${current} is deleted (users, groups, roles, policies, buckets, keys)`
    : `Everything in this ${backend.backend} backend's one account is deleted (users, groups, roles, policies, buckets, keys)`;
  const where = makesAccounts ? 'a fresh account' : 'that account';
  if (plan.why === 'fresh' || plan.why === 'reset') {
    lines.push(`${wiped}, and the lab is set up again in ${where}.`);
    const d = done(0);
    lines.push(d ? `Your progress in lab ${lab.number} is forgotten: ${plural(d, 'step')} done out of ${lab.steps.length}.` : `You have no finished steps in lab ${lab.number} to lose.`);
  } else if (plan.why === 'step') {
    const step = lab.steps[plan.solvedBefore];
    const before = plan.solvedBefore === 1 ? 'step 1' : `steps 1–${plan.solvedBefore}`;
    lines.push(`${wiped}. The lab is set up again in ${where} at the start of step ${plan.solvedBefore + 1} (“${step.title}”): its setup plus the reference solutions of ${before}.`);
    // what the learner's own commands saved on disk in those steps (an MFA seed, a key pair's
    // output) came from the old account and no longer matches the new one
    if (plan.solvedBefore > 0) lines.push(`Files your commands saved in ${before} (an MFA seed, an access key's output) belong to the old account: if step ${plan.solvedBefore + 1} uses one, reset to the step that made it instead.`);
    const d = done(plan.solvedBefore);
    const later = plan.solvedBefore + 1 === lab.steps.length ? `step ${lab.steps.length}` : `steps ${plan.solvedBefore + 1}–${lab.steps.length}`;
    lines.push(d ? `Your progress in ${later} is forgotten (${plural(d, 'step')} done there).` : `${capital(later)} had not passed yet: no progress is lost.`);
    if (plan.reveal.length) {
      const nums = plan.reveal.map((id) => lab.steps.findIndex((s) => s.id === id) + 1).join(', ');
      lines.push(`${plan.reveal.length === 1 ? 'Step' : 'Steps'} ${nums} had not passed: applying ${plan.reveal.length === 1 ? 'its' : 'their'} reference solution counts as revealing ${plan.reveal.length === 1 ? 'it' : 'them'}.`);
    }
  }
  if (plan.replaces) {
    lines.push(`This ${backend.backend} backend has only one account, and it holds lab ${plan.replaces} now: opening lab ${lab.number} replaces lab ${plan.replaces}'s setup and whatever you made for it there. Lab ${plan.replaces}'s finished steps stay recorded.`);
  }
  return lines;
}

/** Why a lab is being set up again, when that is not the learner's own request. */
export function seedNote(plan: OpenPlan, lab: Lab, backend: Pick<BackendRecord, 'backend'>): string | undefined {
  if (plan.kind !== 'seed') return undefined;
  const restored = plan.solvedBefore ? ` The steps you had finished (${plan.solvedBefore === 1 ? 'step 1' : `1–${plan.solvedBefore}`}) are applied from their reference solutions, so you continue at step ${plan.solvedBefore + 1}.` : '';
  switch (plan.why) {
    case 'interrupted':
      return `Lab ${lab.number} was being set up when that was interrupted: setting it up again.${restored}`;
    case 'moved':
      return `Lab ${lab.number} was set up on another backend: setting it up on this ${backend.backend} backend.${restored}`;
    case 'lost':
      return `Lab ${lab.number}'s account is no longer on the ${backend.backend} backend: setting it up again.${restored}`;
    case 'taken':
      return `Setting lab ${lab.number} up again in the backend's one account.${restored}`;
    case 'first':
      return plan.solvedBefore ? `Setting lab ${lab.number} up.${restored}` : undefined;
    default:
      return undefined;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A lab opened by a plan: its session, and the workshop server that did not take the seed's report (kept for later). */
export type OpenedLab = OpenSession & { reportKeptFor?: string };

/**
 * Carry a plan out: continue (the lab's files pointed at the backend's current address), or seed
 * (a new account where the backend makes them, progress forgotten or kept as the plan says, the
 * reference solutions of earlier steps applied, the old account emptied). Records the lab as the
 * current one. Returns the lab's session.
 *
 * A seed also tells a joined workshop where the learner is now, as a grading would: whoever seeds
 * (`start`, `reset` from the command line or from the live screen), the dashboard shows the learner
 * on this lab at the step they start from, not where they were before until their next grading.
 */
export async function applyPlan(
  io: CommandIO,
  backend: BackendRecord,
  handle: BackendHandle,
  lab: Lab,
  plan: OpenPlan,
  graders: () => Promise<GraderRegistry>,
): Promise<OpenedLab> {
  const paths = statePaths(io.home);
  const progress = new ProgressStore(paths.progress);
  const ids = lab.steps.map((s) => s.id);
  const openOn = (record: Pick<LabRecord, 'lab' | 'accountId' | 'credentials'>): OpenSession => {
    const session = labSession(backend, record);
    return { session, backend, handle, files: labFiles(io.home, session), progress, paths, labPaths: labPaths(io.home, lab.id) };
  };
  if (plan.kind === 'continue') {
    const open = openOn(plan.record);
    open.files.refresh(open.session.credentials);
    await progress.markStarted(lab.id);
    setCurrentLab(io.home, lab.id);
    return open;
  }
  const makes = handle.extras.makesAccounts;
  const generation = (plan.record?.generation ?? 0) + 1;
  const accountId = makes ? labAccountId(lab, generation) : backend.accountId;
  const record: LabRecord = {
    format: 1,
    lab: lab.id,
    accountId,
    credentials: makes ? accountRootCredentials(accountId) : backend.credentials,
    generation,
    storeId: backend.storeId ?? '',
    backend: backend.backend,
    seededAt: new Date().toISOString(),
    seeding: true,
    ...(plan.solvedBefore ? { seededAtStep: plan.solvedBefore } : {}),
  };
  if (plan.forgetFrom !== undefined) await progress.forgetLab(lab.id, ids, plan.forgetFrom);
  writeLabRecord(io.home, record);
  const open = openOn(record);
  const previousLab = makes ? undefined : accountHolder(io.home, backend.storeId ?? '')?.lab;
  const { facts } = await seedSessionLab(open, lab, io, graders, { solvedBefore: plan.solvedBefore, previousLab });
  await progress.recordRevealed(lab.id, plan.reveal, facts);
  await progress.markStarted(lab.id);
  const { seeding: _done, ...seeded } = record;
  writeLabRecord(io.home, { ...seeded, seededAt: new Date().toISOString() });
  setCurrentLab(io.home, lab.id);
  // the lab's previous account on this backend is no longer anyone's: empty it (best effort)
  const old = plan.record;
  if (makes && old && old.storeId === backend.storeId && old.accountId !== accountId) await handle.resetAccount?.(old.accountId).catch(() => {});
  const kept = await reportToWorkshop(io.home, labReport(lab, progress.read()));
  return kept ? { ...open, reportKeptFor: kept } : open;
}
