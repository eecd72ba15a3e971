/**
 * The course completion record a learner keeps (`iam-labs certificate`) and an instructor checks
 * offline (`iam-labs verify`). What a signature means, honestly (also in docs/learners.md):
 *
 * - The record is signed with an Ed25519 key made for this iam-labs installation (its state
 *   folder) and carries the public key. A valid signature proves the record is intact: it is
 *   byte for byte what that installation wrote. It does not prove who did the labs, or that they
 *   did them alone: anyone can run iam-labs and produce one. Revealed solutions are listed.
 * - A joined workshop's server may countersign it with its own key. `verify --key <server.pub>`
 *   then proves that the server holding that key signed this record (the instructor decides what
 *   that server checks before it signs, e.g. that it saw these steps pass for this learner).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { keyFingerprint, publicKeyBase64, signCanonical, verifyCanonical } from '../core/signed-record.js';
import type { CourseSummary } from './completion.js';
import type { ProgressData } from './progress.js';
import type { Course } from '../core/course.js';

export const RECORD_KIND = 'iam-labs-course-completion';

export interface RecordStep {
  id: string;
  passedAt: string;
  /** the learner asked for the reference solution before passing */
  revealedAt?: string;
}

export interface CompletionPayload {
  format: 1;
  kind: typeof RECORD_KIND;
  issuedAt: string;
  learner: { name?: string };
  course: { title: string; labs: string[] };
  completedAt?: string;
  totals: { labs: number; steps: number; revealedSteps: number; activeMinutes: number };
  labs: Array<{ id: string; title: string; startedAt?: string; completedAt?: string; activeMinutes: number; steps: RecordStep[] }>;
  /** the workshop this learner joined, if any (its server may countersign) */
  workshop?: { server: string; learnerId: string };
}

export interface Signature {
  algorithm: 'Ed25519';
  /** base64 DER (SubjectPublicKeyInfo) */
  publicKey: string;
  fingerprint: string;
  value: string;
}

export interface Countersignature extends Signature {
  by: string;
  signedAt: string;
}

export interface CompletionRecord extends CompletionPayload {
  signature: Signature;
  countersignatures?: Countersignature[];
}

/** This installation's signing key: made on first use, kept in the state folder (mode 0600). */
export function installationKey(file: string): crypto.KeyObject {
  try {
    return crypto.createPrivateKey(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

export function completionPayload(course: Course, p: ProgressData, summary: CourseSummary, learner: { name?: string }, workshop?: CompletionPayload['workshop']): CompletionPayload {
  const minutes = (ms: number) => Math.round(ms / 60_000);
  return {
    format: 1,
    kind: RECORD_KIND,
    issuedAt: new Date().toISOString(),
    learner,
    course: { title: course.title, labs: course.labs.map((l) => l.id) },
    ...(summary.completedAt ? { completedAt: summary.completedAt } : {}),
    totals: { labs: summary.totals.labs, steps: summary.totals.stepsDone, revealedSteps: summary.totals.revealed, activeMinutes: minutes(summary.totals.activeMs) },
    labs: course.labs.map((l) => {
      const s = summary.labs.find((x) => x.id === l.id)!;
      return {
        id: l.id,
        title: l.title,
        ...(s.startedAt ? { startedAt: s.startedAt } : {}),
        ...(s.completedAt ? { completedAt: s.completedAt } : {}),
        activeMinutes: minutes(s.activeMs),
        steps: l.steps.map((st) => {
          const rec = p.steps[st.id];
          const revealed = rec?.revealedAt && (!rec.passedAt || rec.revealedAt <= rec.passedAt) ? { revealedAt: rec.revealedAt } : {};
          return { id: st.id, passedAt: rec?.passedAt ?? '', ...revealed };
        }),
      };
    }),
    ...(workshop ? { workshop } : {}),
  };
}

export function signRecord(payload: CompletionPayload, key: crypto.KeyObject): CompletionRecord {
  const publicKey = publicKeyBase64(key);
  return { ...payload, signature: { algorithm: 'Ed25519', publicKey, fingerprint: keyFingerprint(publicKey), value: signCanonical(payload, key) } };
}

/** The record without its signatures: what the learner's signature covers. */
export function payloadOf(r: CompletionRecord): CompletionPayload {
  const { signature: _s, countersignatures: _c, ...payload } = r;
  return payload;
}

/** What a countersignature covers: the payload and the learner's signature, with its own date. */
export function countersignedContent(r: CompletionRecord, c: Pick<Countersignature, 'by' | 'signedAt'>): unknown {
  return { payload: payloadOf(r), learnerSignature: r.signature.value, by: c.by, signedAt: c.signedAt };
}

export interface Verification {
  /** the installation's signature matches the record */
  intact: boolean;
  fingerprint?: string;
  /** why it is not valid, when it is not */
  problem?: string;
  /** the countersignature made with the key given to verify (when one was given) */
  countersigned?: { by: string; signedAt: string; fingerprint: string };
  countersignProblem?: string;
}

export function verifyRecord(raw: unknown, instructorKey?: string): Verification {
  const r = raw as CompletionRecord;
  if (!r || typeof r !== 'object' || r.kind !== RECORD_KIND || r.format !== 1) return { intact: false, problem: `it is not an iam-labs completion record (kind ${RECORD_KIND}, format 1)` };
  const sig = r.signature;
  if (!sig || sig.algorithm !== 'Ed25519' || typeof sig.publicKey !== 'string' || typeof sig.value !== 'string') return { intact: false, problem: 'it carries no Ed25519 signature' };
  const fingerprint = keyFingerprint(sig.publicKey);
  if (!verifyCanonical(payloadOf(r), sig.value, sig.publicKey)) {
    return { intact: false, fingerprint, problem: 'its signature does not match its content: it was changed after it was signed' };
  }
  const v: Verification = { intact: true, fingerprint };
  if (instructorKey) {
    const mine = (r.countersignatures ?? []).filter((c) => c.publicKey === instructorKey);
    const good = mine.find((c) => verifyCanonical(countersignedContent(r, c), c.value, c.publicKey));
    if (good) v.countersigned = { by: good.by, signedAt: good.signedAt, fingerprint: keyFingerprint(good.publicKey) };
    else v.countersignProblem = mine.length ? 'the countersignature made with that key does not match the record' : `no countersignature was made with that key (${keyFingerprint(instructorKey)})`;
  }
  return v;
}
