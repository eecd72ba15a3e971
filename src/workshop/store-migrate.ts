/**
 * A --state folder written by an earlier version: one workshop.json (format 1) with the code,
 * the instructor token, the learners and their progress, and the accounts as
 * accounts/<id>.json. It is converted in place to today's files (store.ts) and layout
 * (accounts/<id>/<id>.json, one folder per account, so each account can live in its own emulator
 * on one worker); the old file is kept as workshop.json.format1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isRecord, writeFileAtomic } from '../core/json-file.js';
import type { LearnerProgress, StepRecord } from './progress-model.js';

interface Format1 {
  format: 1;
  code: string;
  instructorToken: string;
  createdAt?: string;
  learners: Record<string, { id: string; name: string; accountId: string; rootSecret: string; tokenHash: string; joinedAt: string; lastSeen?: string; steps?: Record<string, { status?: string; failing?: string[]; passedAt?: string; checkedAt?: string }> }>;
}

function readFormat1(file: string): Format1 | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return isRecord(v) && v.format === 1 && typeof v.code === 'string' && isRecord(v.learners) ? (v as unknown as Format1) : undefined;
  } catch {
    return undefined;
  }
}

export function migrateFormat1(dir: string, problems: string[]): void {
  moveAccountFiles(path.join(dir, 'accounts'));
  const file = path.join(dir, 'workshop.json');
  const old = readFormat1(file);
  if (!old) return;
  const lines = [{ t: 'workshop', code: old.code, instructorToken: old.instructorToken, createdAt: old.createdAt ?? new Date().toISOString() }];
  const progress: Record<string, LearnerProgress> = {};
  for (const l of Object.values(old.learners)) {
    lines.push({ t: 'learner', id: l.id, name: l.name, mode: 'shared', accountId: l.accountId, rootSecret: l.rootSecret, tokenHash: l.tokenHash, joinedAt: l.joinedAt } as never);
    const steps = Object.create(null) as Record<string, StepRecord>;
    for (const [id, s] of Object.entries(l.steps ?? {})) {
      steps[id] = {
        status: s.status === 'passed' ? 'passing' : s.status === 'failed' ? 'failing' : 'unverifiable',
        ...(s.passedAt ? { passedAt: s.passedAt } : {}),
        ...(s.failing?.length ? { failing: s.failing.slice(0, 8) } : {}),
        ...(s.checkedAt ? { checkedAt: s.checkedAt } : {}),
      };
    }
    progress[l.id] = { steps, ...(l.lastSeen ? { lastSeen: l.lastSeen } : {}) };
  }
  writeFileAtomic(path.join(dir, 'learners.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  writeFileAtomic(path.join(dir, 'progress.json'), JSON.stringify({ format: 2, seq: 0, learners: progress }));
  fs.rmSync(path.join(dir, 'progress.jsonl'), { force: true });
  fs.renameSync(file, `${file}.format1`);
  writeFileAtomic(file, `${JSON.stringify({ format: 2, code: old.code, instructorToken: old.instructorToken, createdAt: lines[0].createdAt }, null, 2)}\n`);
  problems.push(`The workshop state in ${dir} was written by an earlier version; it was converted (the old file is kept as workshop.json.format1). Join code, tokens and accounts are unchanged.`);
}

/** accounts/<id>.json → accounts/<id>/<id>.json */
function moveAccountFiles(accounts: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(accounts);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^(\d{12})\.json$/.exec(name);
    if (!m) continue;
    fs.mkdirSync(path.join(accounts, m[1]), { recursive: true });
    fs.renameSync(path.join(accounts, name), path.join(accounts, m[1], name));
  }
}
