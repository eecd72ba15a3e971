/**
 * The course completion record's format (format 1), shared by the runner that writes and checks
 * it (runner/completion-record.ts, `certificate`, `verify`) and the workshop server that
 * countersigns it (workshop/countersign.ts): one definition of what each signature covers.
 *
 *   { format: 1, kind: "iam-labs-course-completion", issuedAt, learner: {name?}, course, totals,
 *     labs: [{ id, title, steps: [{ id, passedAt, revealedAt? }] }], workshop?: {server, learnerId},
 *     signature: { algorithm: "Ed25519", publicKey, fingerprint, value },
 *     countersignatures?: [{ algorithm, publicKey, fingerprint, value, by, signedAt }] }
 *
 * The learner's signature covers the record without its signatures (payloadOf); a
 * countersignature covers that payload, the learner's signature value, and its own `by` and
 * `signedAt` (countersignedContent), so neither can be moved to another record.
 */
import type crypto from 'node:crypto';
import { keyFingerprint, publicKeyBase64, signCanonical, verifyCanonical } from './signed-record.js';

export const RECORD_KIND = 'iam-labs-course-completion';

export interface RecordStep {
  id: string;
  /** '' when the step was not passed */
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

/** The record without its signatures: what the learner's signature covers. */
export function payloadOf(r: CompletionRecord): CompletionPayload {
  const { signature: _s, countersignatures: _c, ...payload } = r;
  return payload;
}

/** What a countersignature covers: the payload and the learner's signature, with its own date. */
export function countersignedContent(r: CompletionRecord, c: Pick<Countersignature, 'by' | 'signedAt'>): unknown {
  return { payload: payloadOf(r), learnerSignature: r.signature.value, by: c.by, signedAt: c.signedAt };
}

/** Sign a payload with the installation's key: the record a learner keeps. */
export function signRecord(payload: CompletionPayload, key: crypto.KeyObject): CompletionRecord {
  const publicKey = publicKeyBase64(key);
  return { ...payload, signature: { algorithm: 'Ed25519', publicKey, fingerprint: keyFingerprint(publicKey), value: signCanonical(payload, key) } };
}

/** A countersignature of `r` by `key`, naming the signer `by`. */
export function countersign(r: CompletionRecord, key: crypto.KeyObject, by: string, signedAt = new Date().toISOString()): Countersignature {
  const publicKey = publicKeyBase64(key);
  return { algorithm: 'Ed25519', publicKey, fingerprint: keyFingerprint(publicKey), value: signCanonical(countersignedContent(r, { by, signedAt }), key), by, signedAt };
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

const isText = (v: unknown, max = 200) => typeof v === 'string' && v.length <= max;

/**
 * Whether `raw` has the record's shape, down to what the checks read (a record from a file or a
 * request is anybody's JSON): a reason when it does not.
 */
function shapeProblem(raw: unknown): string | undefined {
  const r = raw as CompletionRecord;
  if (!r || typeof r !== 'object' || Array.isArray(r) || r.kind !== RECORD_KIND || r.format !== 1) return `it is not an iam-labs completion record (kind ${RECORD_KIND}, format 1)`;
  const sig = r.signature as Partial<Signature> | undefined;
  if (!sig || typeof sig !== 'object' || sig.algorithm !== 'Ed25519' || !isText(sig.publicKey) || !isText(sig.value)) return 'it carries no Ed25519 signature';
  const steps = (l: unknown) => (l as { steps?: unknown })?.steps;
  if (!Array.isArray(r.labs) || !r.labs.every((l) => l && typeof l === 'object' && isText(l.id) && Array.isArray(steps(l)))) return 'its list of labs is malformed';
  for (const l of r.labs) for (const s of l.steps) if (!s || typeof s !== 'object' || !isText(s.id) || !isText(s.passedAt, 40) || (s.revealedAt !== undefined && !isText(s.revealedAt, 40))) return `lab ${l.id} has a malformed step`;
  if (r.workshop !== undefined && (!r.workshop || typeof r.workshop !== 'object' || !isText(r.workshop.learnerId) || !isText(r.workshop.server, 2000))) return 'its workshop is malformed';
  if (r.countersignatures !== undefined && !Array.isArray(r.countersignatures)) return 'its countersignatures are malformed';
  return undefined;
}

/** Check the learner's signature and, with `instructorKey` (base64 DER), the countersignature made with it. */
export function verifyRecord(raw: unknown, instructorKey?: string): Verification {
  const shape = shapeProblem(raw);
  if (shape) return { intact: false, problem: shape };
  const r = raw as CompletionRecord;
  const sig = r.signature;
  const fingerprint = keyFingerprint(sig.publicKey);
  if (!verifyCanonical(payloadOf(r), sig.value, sig.publicKey)) {
    return { intact: false, fingerprint, problem: 'its signature does not match its content: it was changed after it was signed' };
  }
  const v: Verification = { intact: true, fingerprint };
  if (instructorKey) {
    const mine = (r.countersignatures ?? []).filter((c) => c && typeof c === 'object' && c.publicKey === instructorKey);
    const good = mine.find((c) => isText(c.by, 500) && isText(c.signedAt, 40) && isText(c.value) && verifyCanonical(countersignedContent(r, c), c.value, c.publicKey));
    if (good) v.countersigned = { by: good.by, signedAt: good.signedAt, fingerprint: keyFingerprint(good.publicKey) };
    else v.countersignProblem = mine.length ? 'the countersignature made with that key does not match the record: it was changed after it was countersigned' : `no countersignature was made with that key (${keyFingerprint(instructorKey)})`;
  }
  return v;
}
