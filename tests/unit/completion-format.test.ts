/**
 * The completion record's format (core/completion-format.ts) and key parsing (core/signed-record.ts):
 * a record from a file or a request is anybody's JSON, so malformed ones are named, never crash;
 * a countersignature covers the learner's signature and its own words.
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countersign, RECORD_KIND, signRecord, verifyRecord, type CompletionPayload } from '../../src/core/completion-format.js';
import { publicKeyBase64, publicKeyFromText } from '../../src/core/signed-record.js';

const payload: CompletionPayload = {
  format: 1,
  kind: RECORD_KIND,
  issuedAt: '2026-12-01T10:00:00.000Z',
  learner: { name: 'Ada' },
  course: { title: 'IAM by doing', labs: ['01-users'] },
  totals: { labs: 1, steps: 1, revealedSteps: 0, activeMinutes: 3 },
  labs: [{ id: '01-users', title: 'Users', activeMinutes: 3, steps: [{ id: 'users/create-user', passedAt: '2026-12-01T09:59:00.000Z' }] }],
  workshop: { server: 'http://127.0.0.1:4567', learnerId: 'L1' },
};
const learnerKey = crypto.generateKeyPairSync('ed25519').privateKey;
const serverKey = crypto.generateKeyPairSync('ed25519').privateKey;

describe('completion record format', () => {
  it('verifies a countersignature with the server key, and not after its words or the record change', () => {
    const record = signRecord(payload, learnerKey);
    record.countersignatures = [countersign(record, serverKey, 'the iam-labs workshop server created 2026-12-01')];
    const server = publicKeyBase64(serverKey);
    expect(verifyRecord(record, server)).toMatchObject({ intact: true, countersigned: { by: 'the iam-labs workshop server created 2026-12-01' } });
    const moved = structuredClone(record);
    moved.countersignatures![0].signedAt = '2030-01-01T00:00:00.000Z';
    expect(verifyRecord(moved, server)).toMatchObject({ intact: true, countersignProblem: expect.stringMatching(/^the countersignature made with that key does not match the record/) });
    // the same countersignature on another learner's record (another learner signature) fails
    const other = signRecord(payload, crypto.generateKeyPairSync('ed25519').privateKey);
    other.countersignatures = record.countersignatures;
    expect(verifyRecord(other, server).countersigned).toBeUndefined();
  });

  it('names what is malformed instead of crashing', () => {
    const record = signRecord(payload, learnerKey);
    expect(verifyRecord({ ...record, labs: [{ id: '01-users', steps: 5 }] })).toEqual({ intact: false, problem: 'its list of labs is malformed' });
    expect(verifyRecord({ ...record, labs: [{ id: '01-users', steps: [null] }] })).toEqual({ intact: false, problem: 'lab 01-users has a malformed step' });
    expect(verifyRecord({ ...record, workshop: 'x' })).toEqual({ intact: false, problem: 'its workshop is malformed' });
    expect(verifyRecord({ ...record, countersignatures: {} })).toEqual({ intact: false, problem: 'its countersignatures are malformed' });
    expect(verifyRecord({ ...record, signature: { algorithm: 'Ed25519', publicKey: 5 } })).toEqual({ intact: false, problem: 'it carries no Ed25519 signature' });
    expect(verifyRecord([])).toMatchObject({ intact: false, problem: expect.stringMatching(/^it is not an iam-labs completion record/) });
    const noCountersign = verifyRecord({ ...record, countersignatures: [null, 7] }, publicKeyBase64(serverKey));
    expect(noCountersign.countersignProblem).toMatch(/^no countersignature was made with that key \(SHA256:/);
  });

  it('reads an Ed25519 public key from PEM or base64 DER, and nothing else', () => {
    const b64 = publicKeyBase64(serverKey);
    const pem = crypto.createPublicKey(serverKey).export({ type: 'spki', format: 'pem' }).toString();
    expect(publicKeyFromText(pem)).toBe(b64);
    expect(publicKeyFromText(`\n${b64}\n`)).toBe(b64);
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(publicKeyFromText(rsa)).toBeUndefined();
    expect(publicKeyFromText('hello world')).toBeUndefined();
    expect(publicKeyFromText('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toBeUndefined();
  });
});
