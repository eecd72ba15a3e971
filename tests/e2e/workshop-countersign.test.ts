/**
 * The workshop server countersigns course completion records, through the built CLI: a learner
 * who did the course while joined gets a countersigned record that `verify --key <server's public
 * key>` accepts, and an edited one fails; a learner who copies someone's progress and writes a
 * record is refused in one line; another learner's record, no token, an oversized body and a burst are
 * refused with their statuses. The key is kept across restarts, and a damaged key file is kept
 * aside and reported.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { payloadOf, signRecord, type CompletionRecord } from '../../src/core/completion-format.js';
import { loadCourse } from '../../src/core/course.js';
import { startWorkshop } from '../../src/workshop/server.js';
import { cli, ROOT, type Lab } from './runner-helpers.js';
import { workshopClass } from './workshop-class.js';

const course = loadCourse(path.join(ROOT, 'labs'));
const totalSteps = course.labs.reduce((n, l) => n + l.steps.length, 0);

const cls = workshopClass({ reportOnly: true });
let adaRecord: string;

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .*\.js:\d+/);

const join = (lab: Lab, name: string) => cls.join(lab, name, '--report-only');

function postCountersign(body: string, token?: string): Promise<Response> {
  return fetch(`${cls.ws.endpoint}/_workshop/api/countersign`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
}

const tokenOf = (lab: Lab) => (JSON.parse(fs.readFileSync(path.join(lab.env.IAM_LABS_HOME, 'workshop.json'), 'utf8')) as { token: string }).token;

describe('workshop countersignature', () => {
  it('countersigns the record of a learner who did the course while joined; verify --key accepts it and refuses an edited copy', async () => {
    // The key: private half 0600 in the state folder, public half served and written by the CLI.
    expect(fs.statSync(path.join(cls.dir, 'countersign-key.pem')).mode & 0o777).toBe(0o600);
    const served = (await (await fetch(`${cls.ws.endpoint}/_workshop/api/public-key`)).json()) as { pem: string; fingerprint: string };
    expect(served.fingerprint).toBe(cls.ws.countersignKey.fingerprint);
    expect(served.pem).toBe(fs.readFileSync(path.join(cls.dir, 'countersign-key.pub'), 'utf8'));

    const ada = cls.learner();
    const pub = path.join(ada.home, 'server.pub');
    const written = await cli(ada, ['workshop', 'public-key', '--state', cls.dir, '--out', pub]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain(cls.ws.countersignKey.fingerprint);
    const fromUrl = await cli(ada, ['workshop', 'public-key', cls.ws.endpoint]);
    expect(fromUrl.stdout).toBe(fs.readFileSync(pub, 'utf8'));

    await join(ada, 'Ada');
    for (const lab of course.labs) {
      expect((await cli(ada, ['start', lab.number, '--detach'])).code, `start ${lab.number}`).toBe(0);
      const solved = await cli(ada, ['solve', lab.number, '--yes']);
      expect(solved.code, `solve ${lab.number}: ${solved.stdout}${solved.stderr}`).toBe(0);
    }

    adaRecord = path.join(ada.home, 'record.json');
    const cert = await cli(ada, ['certificate', '--out', adaRecord, '--name', 'Ada Lovelace']);
    expect(cert.code, cert.stdout + cert.stderr).toBe(0);
    expect(cert.stdout).toContain(`countersigned by the workshop server ${cls.ws.endpoint} (${cls.ws.countersignKey.fingerprint})`);
    expect(cert.stdout).not.toMatch(/Not countersigned/);

    const unchecked = await cli(ada, ['verify', adaRecord]);
    expect(unchecked.code).toBe(0);
    expect(unchecked.stdout).toContain(`It carries a workshop server's countersignature (key ${cls.ws.countersignKey.fingerprint}), not checked: add --key`);
    const ok = await cli(ada, ['verify', adaRecord, '--key', pub]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/✔ Countersigned by the iam-labs workshop server created \d{4}-\d\d-\d\d \(learner "Ada"\) with the key in .*server\.pub \(SHA256:/);
    const json = JSON.parse((await cli(ada, ['verify', adaRecord, '--key', pub, '--json'])).stdout) as { valid: boolean; countersigned: { fingerprint: string } };
    expect(json.valid).toBe(true);
    expect(json.countersigned.fingerprint).toBe(cls.ws.countersignKey.fingerprint);

    // Edited after signing: a step's revealed solution removed (both signatures fail, the learner's first).
    const record = JSON.parse(fs.readFileSync(adaRecord, 'utf8')) as { labs: Array<{ steps: Array<{ revealedAt?: string }> }>; countersignatures: Array<{ by: string }> };
    const edited = structuredClone(record);
    delete edited.labs[0].steps[0].revealedAt;
    const editedFile = path.join(ada.home, 'edited.json');
    fs.writeFileSync(editedFile, JSON.stringify(edited, null, 2));
    const bad = await cli(ada, ['verify', editedFile, '--key', pub]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✘ Not valid: its signature does not match its content/);
    noStack(bad.stderr);

    // Only the countersignature's words edited: the record is intact, the countersignature is not.
    const renamed = structuredClone(record);
    renamed.countersignatures[0].by = 'the Ministry of IAM';
    fs.writeFileSync(editedFile, JSON.stringify(renamed, null, 2));
    const forgedBy = await cli(ada, ['verify', editedFile, '--key', pub]);
    expect(forgedBy.code).toBe(1);
    expect(forgedBy.stdout).toMatch(/✔ Intact/);
    expect(forgedBy.stdout).toMatch(/✘ Not countersigned with that key: the countersignature made with that key does not match the record/);

    // Another key: not the one that countersigned.
    const other = path.join(ada.home, 'other.pub');
    fs.writeFileSync(other, crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const wrongKey = await cli(ada, ['verify', adaRecord, '--key', other]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/no countersignature was made with that key \(SHA256:/);
  }, 240_000);

  it('refuses a record claiming steps the server never saw pass, and another learner’s record', async () => {
    const bo = cls.learner();
    await join(bo, 'Bo');
    // Bo copies Ada's progress (every step passed): the server never heard of any of it from him.
    const adaHome = cls.learners[0].env.IAM_LABS_HOME;
    fs.copyFileSync(path.join(adaHome, 'progress.json'), path.join(bo.env.IAM_LABS_HOME, 'progress.json'));
    // and his installation key file is damaged: kept aside, a new one made, and said
    const keyFile = path.join(bo.env.IAM_LABS_HOME, 'identity', 'ed25519-key.pem');
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    fs.writeFileSync(keyFile, 'not a key');

    const out = path.join(bo.home, 'record.json');
    const cert = await cli(bo, ['certificate', '--out', out]);
    expect(cert.code, cert.stderr).toBe(0);
    noStack(cert.stderr);
    const refusal = cert.stdout.split('\n').find((l) => l.includes('Not countersigned'));
    expect(refusal).toMatch(
      new RegExp(`^  Not countersigned: the workshop server did not countersign: This server never saw ${totalSteps} of the ${totalSteps} steps the record claims pass for you \\(users/create-user, .*, and ${totalSteps - 3} more\\)\\. Only steps checked while joined count: check those labs while joined, then write the record again\\.$`),
    );
    expect(cert.stdout).toMatch(/The installation key .*ed25519-key\.pem could not be used \(it holds no private key in PEM form\); it was kept as .*ed25519-key\.pem\.corrupt-/);
    expect(fs.readdirSync(path.dirname(keyFile)).some((n) => n.startsWith('ed25519-key.pem.corrupt-'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).countersignatures).toBeUndefined();
    const verified = await cli(bo, ['verify', out, '--key', path.join(cls.dir, 'countersign-key.pub')]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/✘ Not countersigned with that key: no countersignature was made with that key/);

    // Ada's genuine record, sent with Bo's token: not his.
    const adaBody = JSON.stringify({ record: JSON.parse(fs.readFileSync(adaRecord, 'utf8')) });
    const notYours = await postCountersign(adaBody, tokenOf(bo));
    expect(notYours.status).toBe(403);
    expect(await notYours.json()).toEqual({ error: 'The record was written for another learner of this workshop (its workshop learner id is not yours).', code: 'NotYourRecord' });
    // Ada re-signs her record (her own key can sign anything) without the solutions she revealed,
    // then with a step the course does not have: the server's journal says otherwise.
    const ada = cls.learners[0];
    const adaKey = crypto.createPrivateKey(fs.readFileSync(path.join(ada.env.IAM_LABS_HOME, 'identity', 'ed25519-key.pem'), 'utf8'));
    const payload = payloadOf(JSON.parse(fs.readFileSync(adaRecord, 'utf8')) as CompletionRecord);
    const hidden = structuredClone(payload);
    for (const lab of hidden.labs) for (const st of lab.steps) delete st.revealedAt;
    hidden.totals.revealedSteps = 0;
    const unrevealed = await postCountersign(JSON.stringify({ record: signRecord(hidden, adaKey) }), tokenOf(ada));
    expect(unrevealed.status).toBe(409);
    expect(await unrevealed.json()).toEqual({
      error: `The record does not list the solutions you revealed before passing (users/create-user, users/attach-managed-policy, users/access-key, and ${totalSteps - 3} more), as this server saw them.`,
      code: 'StepsNotSeen',
    });
    const padded = structuredClone(payload);
    padded.labs[0].steps.push({ id: 'users/become-root', passedAt: padded.labs[0].steps[0].passedAt });
    const unknown = await postCountersign(JSON.stringify({ record: signRecord(padded, adaKey) }), tokenOf(ada));
    expect(unknown.status).toBe(409);
    expect(((await unknown.json()) as { error: string }).error).toBe('The record claims steps this course does not have: users/become-root.');

    // No token; a malformed body; a body over the limit.
    expect((await postCountersign(adaBody)).status).toBe(401);
    const malformed = await postCountersign(JSON.stringify({ record: { kind: 'x' } }), tokenOf(bo));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('InvalidRecord');
    const huge = await postCountersign(JSON.stringify({ record: { pad: 'x'.repeat(70 * 1024) } }), tokenOf(bo));
    expect(huge.status).toBe(413);
    // A burst: throttled per learner, with Retry-After.
    let throttled: Response | undefined;
    for (let i = 0; i < 10 && !throttled; i++) {
      const r = await postCountersign(adaBody, tokenOf(bo));
      if (r.status === 429) throttled = r;
    }
    expect(throttled?.status).toBe(429);
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled!.json()) as { code: string }).code).toBe('ThrottlingException');
  }, 120_000);

  it('keeps its key across restarts; a damaged key file is kept aside and reported, never silently replaced', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wskey-'));
    try {
      const first = await startWorkshop({ port: 0, stateDir: state, reportOnly: true });
      const fingerprint = first.countersignKey.fingerprint;
      await first.close();
      const again = await startWorkshop({ port: 0, stateDir: state, reportOnly: true });
      expect(again.countersignKey.fingerprint).toBe(fingerprint);
      expect(again.problems).toEqual([]);
      await again.close();

      const keyFile = path.join(state, 'countersign-key.pem');
      fs.writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n');
      const damaged = await startWorkshop({ port: 0, stateDir: state, reportOnly: true });
      try {
        expect(damaged.countersignKey.fingerprint).not.toBe(fingerprint);
        expect(damaged.problems).toHaveLength(1);
        expect(damaged.problems[0]).toMatch(/^The countersigning key .*countersign-key\.pem could not be used \(it holds no private key in PEM form\); it was kept as .*countersign-key\.pem\.corrupt-.* and a new key was made \(SHA256:.*\)\. Hand out the new public key/);
        const names = fs.readdirSync(state);
        const aside = names.find((n) => n.startsWith('countersign-key.pem.corrupt-'))!;
        expect(fs.readFileSync(path.join(state, aside), 'utf8')).toContain('garbage');
        expect(names.some((n) => n.startsWith('countersign-key.pub.old-'))).toBe(true);
        expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      } finally {
        await damaged.close();
      }
    } finally {
      fs.rmSync(state, { recursive: true, force: true });
    }
  });
});
