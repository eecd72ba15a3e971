/**
 * The learner's workshop file (<home>/workshop.json) through the built CLI:
 * - a report the workshop server did not take (it was down) is kept there and sent after the
 *   next one it takes; otherwise the server would never see the lab's last steps pass, and would
 *   refuse to countersign the learner's record (real course); a course finished while it was down
 *   is countersigned once it is back;
 * - an unreadable file is never dropped silently: a check leaves it, start keeps it aside and
 *   says so;
 * - opening a lab is reported, though a fresh seed is not graded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { cli, ensureBuilt, newLabHome, type Lab } from './runner-helpers.js';

let dir: string;
let ws: RunningWorkshop | undefined;
let ada: Lab;

/** Where the instructor's dashboard shows a learner (lab and step), from its class API. */
async function position(server: RunningWorkshop, name: string) {
  const cls = (await (await fetch(`${server.endpoint}/_workshop/api/class?token=${server.store.identity.instructorToken}`)).json()) as { learners: Array<{ name: string; position?: { lab: string; step: string } }> };
  return cls.learners.find((l) => l.name === name)?.position;
}

const linkOf = (lab: Lab) => JSON.parse(fs.readFileSync(path.join(lab.env.IAM_LABS_HOME, 'workshop.json'), 'utf8')) as { unsent?: Record<string, { steps: Array<{ id: string; status: string }> }> };

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-unsent-'));
  ws = await startWorkshop({ port: 0, stateDir: dir, reportOnly: true });
  ada = newLabHome();
  delete ada.env.IAM_LABS_COURSE_DIR;
  delete ada.env.IAM_LABS_GRADERS;
});

afterAll(async () => {
  await cli(ada, ['stop']);
  await ws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('reports the workshop server did not take', () => {
  it('are kept while it is down and sent after the next report it takes', async () => {
    const server = ws!;
    const joined = await cli(ada, ['workshop', 'join', server.endpoint, '--name', 'Ada', '--code', server.store.identity.code, '--report-only']);
    expect(joined.code).toBe(0);
    expect((await cli(ada, ['start', '01', '--detach'])).code).toBe(0);

    const port = server.port;
    await server.close();
    ws = undefined;
    const solved = await cli(ada, ['solve', '01', '--yes']);
    expect(solved.code).toBe(0);
    expect(solved.stderr).not.toMatch(/Error|at .*\.js/);
    // the learner hears it: their dashboard is not following meanwhile
    expect(solved.stdout).toContain(`note: the workshop server at ${server.endpoint} did not take this check's report`);
    const kept = linkOf(ada).unsent?.['01-users'];
    expect(kept?.steps.every((s) => s.status === 'done')).toBe(true);

    ws = await startWorkshop({ port, stateDir: dir, reportOnly: true });
    const learnerId = JSON.parse(fs.readFileSync(path.join(ada.env.IAM_LABS_HOME, 'workshop.json'), 'utf8')).learnerId as string;
    expect(ws.store.learnerById(learnerId)!.progress.steps['users/delete-user']?.passedAt).toBeUndefined();

    // another lab's check is taken, and lab 01's kept report follows it
    expect((await cli(ada, ['start', '02', '--detach'])).code).toBe(0);
    const checked = await cli(ada, ['check', '02']);
    expect([0, 1]).toContain(checked.code);
    expect(checked.stdout).not.toContain('did not take');
    const learner = ws.store.learnerById(learnerId)!;
    for (const id of kept!.steps.map((s) => s.id)) expect(learner.progress.steps[id], id).toMatchObject({ passedAt: expect.any(String) });
    expect(linkOf(ada).unsent).toBeUndefined();
    // the kept report went first: the dashboard shows Ada where she is now, in lab 02
    expect(await position(ws, 'Ada')).toMatchObject({ lab: '02-groups' });
  });

  it('a learner shows on the lab they open at once, before their first change in it (a fresh seed is not graded)', async () => {
    const server = ws!;
    const cy = newLabHome();
    delete cy.env.IAM_LABS_COURSE_DIR;
    delete cy.env.IAM_LABS_GRADERS;
    try {
      expect((await cli(cy, ['workshop', 'join', server.endpoint, '--name', 'Cy', '--code', server.store.identity.code, '--report-only'])).code).toBe(0);
      expect((await cli(cy, ['start', '02', '--detach'])).code).toBe(0);
      expect(await position(server, 'Cy')).toMatchObject({ lab: '02-groups', step: 'groups/create-group' });
    } finally {
      await cli(cy, ['stop']);
      fs.rmSync(cy.home, { recursive: true, force: true });
    }
  });

  it('a check leaves an unreadable workshop file in place, and start keeps it aside and says so', async () => {
    const bo = newLabHome();
    try {
      expect((await cli(bo, ['start', '01', '--detach'])).code).toBe(0);
      const file = path.join(bo.env.IAM_LABS_HOME, 'workshop.json');
      fs.writeFileSync(file, '{"format":1,');
      expect([0, 1]).toContain((await cli(bo, ['check'])).code);
      expect(fs.readFileSync(file, 'utf8')).toBe('{"format":1,');
      const again = await cli(bo, ['start', '01', '--detach']);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/warning: the workshop file .*workshop\.json could not be read \(invalid JSON.*\); it was kept as .*corrupt-.*Join again/);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await cli(bo, ['stop']);
    }
  });
});

describe('a course finished while the workshop server was down', () => {
  it('is countersigned once it is back: certificate sends the kept reports first', { timeout: 240_000 }, async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-unsent-cert-'));
    let server = await startWorkshop({ port: 0, stateDir: state, reportOnly: true });
    const bo = newLabHome();
    delete bo.env.IAM_LABS_COURSE_DIR;
    delete bo.env.IAM_LABS_GRADERS;
    try {
      expect((await cli(bo, ['workshop', 'join', server.endpoint, '--name', 'Bo', '--code', server.store.identity.code, '--report-only'])).code).toBe(0);
      const labs = ['01', '02', '03', '04', '05', '06'];
      for (const n of labs) {
        if (n === '06') {
          // the server goes down for the last lab
          const port = server.port;
          await server.close();
          expect((await cli(bo, ['start', n, '--detach'])).code).toBe(0);
          expect((await cli(bo, ['solve', n, '--yes'])).code).toBe(0);
          server = await startWorkshop({ port, stateDir: state, reportOnly: true });
          continue;
        }
        expect((await cli(bo, ['start', n, '--detach'])).code, `start ${n}`).toBe(0);
        expect((await cli(bo, ['solve', n, '--yes'])).code, `solve ${n}`).toBe(0);
      }
      expect(Object.keys(linkOf(bo).unsent ?? {})).toEqual(['06-workloads']);
      const cert = await cli(bo, ['certificate', '--out', path.join(bo.home, 'record.json'), '--name', 'Bo']);
      expect(cert.code, cert.stdout + cert.stderr).toBe(0);
      expect(cert.stdout).toContain(`countersigned by the workshop server ${server.endpoint}`);
      expect(cert.stdout).not.toMatch(/Not countersigned/);
      expect(linkOf(bo).unsent).toBeUndefined();
    } finally {
      await cli(bo, ['stop']);
      await server.close();
      fs.rmSync(state, { recursive: true, force: true });
    }
  });
});


describe('a seed tells the dashboard, whoever seeds', () => {
  it('`iam-labs reset` moves the learner back on the dashboard at once, and keeps the report when the server is down', { timeout: 240_000 }, async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-reset-report-'));
    let server = await startWorkshop({ port: 0, stateDir: state, reportOnly: true });
    const dee = newLabHome();
    delete dee.env.IAM_LABS_COURSE_DIR;
    delete dee.env.IAM_LABS_GRADERS;
    try {
      expect((await cli(dee, ['workshop', 'join', server.endpoint, '--name', 'Dee', '--code', server.store.identity.code, '--report-only'])).code).toBe(0);
      expect((await cli(dee, ['start', '02', '--detach'])).code).toBe(0);
      for (const step of ['1', '2', '3']) expect((await cli(dee, ['solve', '02', '--step', step, '--yes'])).code, `solve step ${step}`).toBe(0);
      expect(await position(server, 'Dee')).toMatchObject({ lab: '02-groups', step: 'groups/move-to-group' });

      // to the start of step 2: the dashboard follows without a check
      const back = await cli(dee, ['reset', '02', '--step', '2', '--yes']);
      expect(back.code, back.stdout + back.stderr).toBe(0);
      expect(back.stdout).not.toContain('did not take');
      expect(await position(server, 'Dee')).toMatchObject({ lab: '02-groups', step: 'groups/attach-group-policy' });

      // the whole lab, while the server is down: kept, said, and sent with the next report
      const port = server.port;
      await server.close();
      const reset = await cli(dee, ['reset', '02', '--yes']);
      expect(reset.code, reset.stdout + reset.stderr).toBe(0);
      expect(reset.stdout).toContain(`note: the workshop server at ${server.endpoint} did not take this reset's report`);
      expect(linkOf(dee).unsent?.['02-groups']?.steps.every((s) => s.status === 'todo')).toBe(true);

      // the live screen (plain) says so as it opens a lab whose seed's report was kept
      const opened = await cli(dee, ['start', '01', '--plain'], '9\n');
      expect(opened.code, opened.stdout + opened.stderr).toBe(0);
      expect(opened.stdout).toContain(`Note: the workshop server at ${server.endpoint} did not take your latest report`);

      server = await startWorkshop({ port, stateDir: state, reportOnly: true });
      expect((await cli(dee, ['check', '01'])).code).toBe(1);
      // the kept reports went first: lab 02 at its start is on the server too
      const learnerId = JSON.parse(fs.readFileSync(path.join(dee.env.IAM_LABS_HOME, 'workshop.json'), 'utf8')).learnerId as string;
      // (completion only moves forward on the dashboard; the latest verdict is the reset's)
      expect(server.store.learnerById(learnerId)!.progress.steps['groups/create-group']).toMatchObject({ status: 'todo', passedAt: expect.any(String) });
      expect(await position(server, 'Dee')).toMatchObject({ lab: '01-users', step: 'users/create-user' });
      expect(linkOf(dee).unsent).toBeUndefined();
    } finally {
      await cli(dee, ['stop']);
      await server.close();
      fs.rmSync(state, { recursive: true, force: true });
      fs.rmSync(dee.home, { recursive: true, force: true });
    }
  });
});
