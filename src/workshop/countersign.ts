/**
 * The workshop server's countersignature on a learner's course completion record
 * (core/completion-format.ts). The server keeps an Ed25519 key in its state folder:
 *
 *   countersign-key.pem   the private key (PKCS#8, mode 0600), made on the first serve and kept
 *   countersign-key.pub   its public half (PEM), for the instructor to hand to whoever verifies
 *
 * POST /_workshop/api/countersign { record } (the learner's bearer token) is answered with
 * { countersignature } only when the record is intact (its learner's signature matches), names
 * the caller as its workshop learner, and every step it claims as passed is one this server's
 * progress journal shows passed for that learner (reported by their runner while joined), with
 * every solution the server saw revealed before passing listed as revealed. What that proves, and what it does not (the server counts
 * what the learner's runner reported; it does not grade again), is in docs/instructors.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { countersign, verifyRecord, type CompletionRecord, type Countersignature } from '../core/completion-format.js';
import { writeFileAtomic } from '../core/json-file.js';
import { keyFingerprint, publicKeyBase64 } from '../core/signed-record.js';
import { loadOrCreateKey, publicKeyPem } from '../core/signing-key.js';
import { WorkshopError } from './errors.js';
import type { OutlineLab } from './outline.js';
import type { Learner } from './store.js';

/** A record of a course of 30 steps is about 6 KB; a course many times that size still fits. */
export const COUNTERSIGN_BODY_BYTES = 64 * 1024;
export const PRIVATE_KEY_FILE = 'countersign-key.pem';
export const PUBLIC_KEY_FILE = 'countersign-key.pub';

export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  /** base64 DER (SubjectPublicKeyInfo), as records carry it */
  publicKey: string;
  fingerprint: string;
  pem: string;
}

/** Steps listed in a message: enough to act on, never the whole course. */
const some = (ids: string[]) => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? `, and ${ids.length - 3} more` : ''}`;

export class Countersigner {
  /** what was wrong with the key files at start, for the server's banner */
  readonly problems: string[] = [];
  readonly files: { privateKey: string; publicKey: string };
  readonly info: PublicKeyInfo;
  private readonly key;

  constructor(
    stateDir: string,
    /** how the countersignatures name the server ("the iam-labs workshop server created …") */
    private readonly signer: string,
    /** every lab of the course: a record claims steps of all of them */
    private readonly course: readonly OutlineLab[],
  ) {
    this.files = { privateKey: path.join(stateDir, PRIVATE_KEY_FILE), publicKey: path.join(stateDir, PUBLIC_KEY_FILE) };
    const loaded = loadOrCreateKey(this.files.privateKey);
    this.key = loaded.key;
    const publicKey = publicKeyBase64(this.key);
    this.info = { algorithm: 'Ed25519', publicKey, fingerprint: keyFingerprint(publicKey), pem: publicKeyPem(this.key) };
    if (loaded.damaged) {
      this.problems.push(
        `The countersigning key ${this.files.privateKey} could not be used (${loaded.damaged.reason}); it was kept as ${loaded.damaged.keptAs} and a new key was made (${this.info.fingerprint}). Hand out the new public key ${this.files.publicKey}; records countersigned before still verify with the old one.`,
      );
    }
    this.writePublicKey(!!loaded.damaged);
  }

  /** The public half next to the private key; the one it replaces (a damaged key's) is kept aside. */
  private writePublicKey(keepOld: boolean): void {
    let old: string | undefined;
    try {
      old = fs.readFileSync(this.files.publicKey, 'utf8');
    } catch {
      /* not written yet */
    }
    if (old === this.info.pem) return;
    if (old !== undefined && keepOld) fs.renameSync(this.files.publicKey, `${this.files.publicKey}.old-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    writeFileAtomic(this.files.publicKey, this.info.pem);
    fs.chmodSync(this.files.publicKey, 0o644);
  }

  /** Check `raw` against what this server saw of `learner`; its countersignature, or a WorkshopError saying why not. */
  countersign(learner: Learner, raw: unknown): Countersignature {
    if (learner.report) {
      throw new WorkshopError(`This server's learners report their progress to the class dashboard at ${learner.report.base}, so it cannot vouch for your steps; ask your instructor.`, 409, 'ProgressElsewhere');
    }
    const v = verifyRecord(raw);
    if (!v.intact) throw new WorkshopError(`The record was not countersigned: ${v.problem}.`, 400, 'InvalidRecord');
    const record = raw as CompletionRecord;
    if (!record.workshop) throw new WorkshopError('The record names no workshop: write it again while joined (iam-labs certificate).', 403, 'NotYourRecord');
    if (record.workshop.learnerId !== learner.id) {
      throw new WorkshopError('The record was written for another learner of this workshop (its workshop learner id is not yours).', 403, 'NotYourRecord');
    }
    const problem = claimProblem(record, learner, this.course);
    if (problem) throw new WorkshopError(problem, 409, 'StepsNotSeen');
    return countersign(record, this.key, `${this.signer} (learner "${learner.name}")`);
  }
}

/** Why this server's progress journal does not back the record's claims, or undefined when it does. */
export function claimProblem(record: CompletionRecord, learner: Learner, course: readonly OutlineLab[]): string | undefined {
  const known = new Set(course.flatMap((l) => l.steps.map((s) => s.id)));
  const unknown: string[] = [];
  const unseen: string[] = [];
  const unrevealed: string[] = [];
  let claimed = 0;
  for (const lab of record.labs) {
    for (const step of lab.steps) {
      if (!step.passedAt) continue;
      claimed++;
      if (!known.has(step.id)) {
        unknown.push(step.id);
        continue;
      }
      const seen = learner.progress.steps[step.id];
      if (!seen?.passedAt) unseen.push(step.id);
      else if (seen.revealedAt && seen.revealedAt <= seen.passedAt && !step.revealedAt) unrevealed.push(step.id);
    }
  }
  if (unknown.length) return `The record claims steps this course does not have: ${some(unknown)}.`;
  if (unseen.length) {
    return `This server never saw ${unseen.length} of the ${claimed} steps the record claims pass for you (${some(unseen)}). Only steps checked while joined count: check those labs while joined, then write the record again.`;
  }
  if (unrevealed.length) return `The record does not list the solutions you revealed before passing (${some(unrevealed)}), as this server saw them.`;
  return undefined;
}
