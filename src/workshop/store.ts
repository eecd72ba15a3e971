/**
 * The workshop's own state: join code, instructor token, learners (each with an isolated
 * emulated account and its root secret) and their progress. One JSON file, written atomically;
 * a corrupt file is kept aside and reported, never silently replaced.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { readJsonFile, writeFileAtomic } from '../core/json-file.js';

export const WORKSHOP_FORMAT = 1;

export type StepStatus = 'passed' | 'failed' | 'unverifiable';

export interface StepProgress {
  status: StepStatus;
  /** names of the failing conditions at the last check */
  failing: string[];
  /** when the learner's first failing check of this step (since it last passed) happened */
  failingSince?: string;
  passedAt?: string;
  checkedAt: string;
}

export interface Learner {
  id: string;
  name: string;
  accountId: string;
  rootSecret: string;
  /** sha256 of the learner's bearer token */
  tokenHash: string;
  joinedAt: string;
  lastSeen: string;
  currentLab?: string;
  steps: Record<string, StepProgress>;
}

export interface WorkshopData {
  format: number;
  code: string;
  instructorToken: string;
  labs: string[];
  createdAt: string;
  learners: Record<string, Learner>;
}

export class WorkshopError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'WorkshopError';
  }
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function isWorkshopData(v: unknown): v is WorkshopData {
  const o = v as WorkshopData;
  return !!o && o.format === WORKSHOP_FORMAT && typeof o.code === 'string' && typeof o.learners === 'object';
}

/** Join codes people can read aloud: no 0/O, 1/I/L. */
function newJoinCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let s = '';
  for (const b of crypto.randomBytes(6)) s += alphabet[b % alphabet.length];
  return s;
}

export class WorkshopStore {
  data: WorkshopData;
  /** set when an unreadable file was kept aside at load */
  readonly loadProblem?: string;
  private byToken = new Map<string, Learner>();
  private byAccount = new Map<string, Learner>();

  constructor(
    readonly dir: string,
    labs: string[],
  ) {
    const file = this.file;
    let loaded: WorkshopData | undefined;
    try {
      loaded = readJsonFile(file, isWorkshopData, (u) =>
        new Error(
          `The workshop file ${u.file} could not be read (${u.reason}). It was kept as ${u.keptAs}; ` +
            `the server starts with a new join code and no learners. Restore that file to recover them.`,
        ),
      );
    } catch (e) {
      this.loadProblem = (e as Error).message;
    }
    this.data = loaded ?? {
      format: WORKSHOP_FORMAT,
      code: newJoinCode(),
      instructorToken: crypto.randomBytes(18).toString('base64url'),
      labs,
      createdAt: new Date().toISOString(),
      learners: {},
    };
    // A restart may narrow or widen the labs on offer; progress is kept either way.
    this.data.labs = labs;
    for (const l of Object.values(this.data.learners)) this.index(l);
    this.save();
  }

  get file(): string {
    return path.join(this.dir, 'workshop.json');
  }

  private index(l: Learner): void {
    this.byToken.set(l.tokenHash, l);
    this.byAccount.set(l.accountId, l);
  }

  private saveTimer: NodeJS.Timeout | undefined;

  save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    writeFileAtomic(this.file, JSON.stringify(this.data));
  }

  /**
   * Progress arrives many times a second across a class; coalesce those writes. A check that
   * is lost to a kill -9 in this window is simply sent again by the learner's next check.
   */
  saveSoon(ms = 200): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.save(), ms);
    this.saveTimer.unref();
  }

  /** Write any pending change now (shutdown). */
  flush(): void {
    if (this.saveTimer) this.save();
  }

  isInstructor(token: string | undefined): boolean {
    if (!token) return false;
    const a = Buffer.from(sha256(token));
    const b = Buffer.from(sha256(this.data.instructorToken));
    return crypto.timingSafeEqual(a, b);
  }

  learnerByToken(token: string | undefined): Learner | undefined {
    return token ? this.byToken.get(sha256(token)) : undefined;
  }

  rootSecret(accountId: string): string | undefined {
    return this.byAccount.get(accountId)?.rootSecret;
  }

  /**
   * Join (or rejoin) the workshop. A returning learner presents their token and gets the same
   * account back; a new name gets a fresh account. A name already taken needs its token.
   */
  join(input: { code: string; name: string; token?: string }): { learner: Learner; token: string } {
    if (input.code.trim().toUpperCase() !== this.data.code) throw new WorkshopError('That join code is not this workshop’s. Check the code your instructor shows.', 403);
    const name = input.name.trim();
    if (!/^[\p{L}\p{N} ._-]{1,40}$/u.test(name)) {
      throw new WorkshopError('A name is 1–40 letters, digits, spaces, dots, dashes or underscores.', 400);
    }
    const existing = this.learnerByToken(input.token);
    if (existing) {
      existing.lastSeen = new Date().toISOString();
      this.saveSoon();
      return { learner: existing, token: input.token as string };
    }
    const taken = Object.values(this.data.learners).find((l) => l.name.toLowerCase() === name.toLowerCase());
    if (taken) {
      throw new WorkshopError(
        `The name "${name}" is already in this workshop. If it is you on the same machine, run the same join command again (your token is kept in your lab session); otherwise pick another name.`,
        409,
      );
    }
    const token = crypto.randomBytes(24).toString('base64url');
    const learner: Learner = {
      id: crypto.randomUUID(),
      name,
      accountId: this.newAccountId(),
      rootSecret: crypto.randomBytes(30).toString('base64url').slice(0, 40),
      tokenHash: sha256(token),
      joinedAt: new Date().toISOString(),
      lastSeen: new Date().toISOString(),
      steps: {},
    };
    this.data.learners[learner.id] = learner;
    this.index(learner);
    this.save();
    return { learner, token };
  }

  private newAccountId(): string {
    for (;;) {
      const id = String(100_000_000_000 + crypto.randomInt(0, 899_999_999_999)).padStart(12, '0');
      if (!this.byAccount.has(id)) return id;
    }
  }

  /** Record a learner's check result for one lab. Returns the learner for broadcasting. */
  report(
    learner: Learner,
    lab: string,
    steps: Array<{ id: string; status: StepStatus; failing?: string[] }>,
    now = new Date(),
  ): Learner {
    const at = now.toISOString();
    learner.currentLab = lab;
    learner.lastSeen = at;
    for (const s of steps) {
      if (typeof s.id !== 'string' || !['passed', 'failed', 'unverifiable'].includes(s.status)) {
        throw new WorkshopError('Each step needs an id and a status of passed, failed or unverifiable.', 400);
      }
      const prev = learner.steps[s.id];
      const failing = (s.failing ?? []).filter((f) => typeof f === 'string').slice(0, 20);
      learner.steps[s.id] = {
        status: s.status,
        failing,
        checkedAt: at,
        passedAt: s.status === 'passed' ? (prev?.passedAt ?? at) : undefined,
        failingSince: s.status === 'failed' ? (prev?.status === 'failed' ? prev.failingSince : at) : undefined,
      };
    }
    this.saveSoon();
    return learner;
  }

  /** What the dashboard and exports show: no secrets or token hashes. */
  publicLearner(l: Learner) {
    return { id: l.id, name: l.name, accountId: l.accountId, joinedAt: l.joinedAt, lastSeen: l.lastSeen, currentLab: l.currentLab, steps: l.steps };
  }
}
