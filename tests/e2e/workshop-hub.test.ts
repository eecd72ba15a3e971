/**
 * Several shared servers behind one class dashboard (docs/instructors.md, "Beyond one machine"),
 * through the built CLI: a room's server started with a hub registers each learner there; the
 * learner's labs run in an account on the room's server, their checks show on the hub's
 * dashboard under the room's name, and the completion record is countersigned by the hub, the
 * server that saw the progress (the room's server says it cannot).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/core/course.js';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { cli, ensureBuilt, realCourse, ROOT, type Lab } from './runner-helpers.js';

const course = loadCourse(path.join(ROOT, 'labs'));
let hubDir: string;
let roomDir: string;
let hub: RunningWorkshop;
let room: RunningWorkshop;
const ada: Lab = realCourse();

beforeAll(async () => {
  ensureBuilt();
  hubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-hub-'));
  roomDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-room-'));
  hub = await startWorkshop({ port: 0, stateDir: hubDir, reportOnly: true });
  room = await startWorkshop({ port: 0, stateDir: roomDir, workers: 1, hub: { base: hub.endpoint, code: hub.store.identity.code, serverName: 'Room B' } });
});

afterAll(async () => {
  await cli(ada, ['stop']);
  await room?.close();
  await hub?.close();
  for (const d of [hubDir, roomDir, ada.home]) fs.rmSync(d, { recursive: true, force: true });
});

const classOf = async (ws: RunningWorkshop) =>
  (await (await fetch(`${ws.endpoint}/_workshop/api/class?token=${ws.store.identity.instructorToken}`)).json()) as {
    learners: Array<{ name: string; server?: string; accountId?: string; steps: Record<string, { status: string; passedAt?: string }> }>;
  };

describe('a room server reporting to a class dashboard', () => {
  it('shows the room’s learner on the hub, and the hub countersigns the completed course', async () => {
    const joined = await cli(ada, ['workshop', 'join', room.endpoint, '--name', 'Ada', '--code', room.store.identity.code]);
    expect(joined.code, joined.stderr).toBe(0);
    expect(joined.stdout).toMatch(/Your own AWS account there: \d{12}/);

    expect((await cli(ada, ['start', '01', '--detach'])).code).toBe(0);
    const solved = await cli(ada, ['solve', '01', '--yes', '--step', 'users/create-user']);
    expect(solved.code, solved.stdout + solved.stderr).toBe(0);
    const onHub = (await classOf(hub)).learners.find((l) => l.name === 'Ada');
    expect(onHub).toMatchObject({ server: 'Room B' });
    expect(onHub?.steps['users/create-user']).toMatchObject({ status: 'passing', passedAt: expect.any(String) });
    // the account is on the room's server; the hub holds none
    expect((await classOf(room)).learners.find((l) => l.name === 'Ada')?.accountId).toMatch(/^\d{12}$/);
    expect(onHub?.accountId).toBeUndefined();

    for (const lab of course.labs) {
      expect((await cli(ada, ['start', lab.number, '--detach'])).code, `start ${lab.number}`).toBe(0);
      const r = await cli(ada, ['solve', lab.number, '--yes']);
      expect(r.code, `solve ${lab.number}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    const record = path.join(ada.home, 'record.json');
    const cert = await cli(ada, ['certificate', '--out', record]);
    expect(cert.code, cert.stdout + cert.stderr).toBe(0);
    expect(cert.stdout).toContain(`countersigned by the workshop server ${hub.endpoint} (${hub.countersignKey.fingerprint})`);
    expect(cert.stdout).not.toMatch(/Not countersigned/);
    const written = JSON.parse(fs.readFileSync(record, 'utf8')) as { workshop: { server: string } };
    expect(written.workshop.server).toBe(hub.endpoint);
    const verified = await cli(ada, ['verify', record, '--key', path.join(hubDir, 'countersign-key.pub')]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/✔ Countersigned by the iam-labs workshop server .*\(learner "Ada"\)/);
  }, 300_000);
});
