/**
 * A learner's whole workshop path through the built CLI and the real AWS CLI: join → start a
 * real lab on the shared server → act with `aws` → check → the instructor's API shows it; a
 * second learner's credentials cannot see the first learner's account; leaving does not stop
 * the server.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkshop, type RunningWorkshop } from '../../src/workshop/server.js';
import { cli, ensureBuilt, newLabHome, type Lab } from './runner-helpers.js';

let dir: string;
let ws: RunningWorkshop;

/** A learner's machine: its own state directory, the real course. */
function learner(): Lab {
  const lab = newLabHome();
  delete lab.env.IAM_LABS_COURSE_DIR;
  delete lab.env.IAM_LABS_GRADERS;
  return lab;
}

/** Run the real `aws` CLI in the learner's lab environment (what `eval "$(iam-labs env)"` sets). */
async function aws(lab: Lab, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = await cli(lab, ['env']);
  const vars: Record<string, string> = { ...lab.env };
  for (const m of env.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]] = m[2];
  return new Promise((resolve) => {
    execFile('aws', args, { env: vars, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-wscli-'));
  ws = await startWorkshop({ port: 0, stateDir: dir, labs: ['01'] });
});

afterAll(async () => {
  await ws?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('iam-labs workshop join, start, check', () => {
  it('reports a learner’s real check to the dashboard and keeps accounts apart', async () => {
    const ada = learner();
    const joined = await cli(ada, ['workshop', 'join', ws.endpoint, '--name', 'Ada', '--code', ws.store.identity.code]);
    expect(joined.stderr).toBe('');
    expect(joined.stdout).toMatch(/Joined the workshop .* as Ada/);

    const started = await cli(ada, ['start', '01', '--detach']);
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('Create the user Samy');

    const who = await aws(ada, ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text']);
    const adaAccount = who.stdout.trim();
    expect(adaAccount).toMatch(/^\d{12}$/);
    expect(adaAccount).not.toBe('000000000000');
    expect((await aws(ada, ['iam', 'create-user', '--user-name', 'Samy'])).code).toBe(0);

    const checked = await cli(ada, ['check', '--json']);
    expect(checked.code).toBe(1);
    const result = JSON.parse(checked.stdout);
    expect(result.steps.find((s: { id: string }) => s.id === 'users/create-user').passed).toBe(true);

    const cls: any = await (await fetch(`${ws.endpoint}/_workshop/api/class?token=${ws.store.identity.instructorToken}`)).json();
    const row = cls.learners.find((l: { name: string }) => l.name === 'Ada');
    expect(row.accountId).toBe(adaAccount);
    expect(row.steps['users/create-user']).toMatchObject({ status: 'passing', passedAt: expect.any(String) });
    expect(row.steps['users/attach-managed-policy'].status).toBe('failing');
    // The runner says where the learner is: the first step not done.
    expect(row.position).toMatchObject({ lab: '01-users', step: 'users/attach-managed-policy' });

    // Bo joins: his lab is seeded in his own account; Ada's Samy is not there.
    const bo = learner();
    await cli(bo, ['workshop', 'join', ws.endpoint, '--name', 'Bo', '--code', ws.store.identity.code]);
    expect((await cli(bo, ['start', '01', '--detach'])).code).toBe(0);
    const boUsers = await aws(bo, ['iam', 'list-users', '--query', 'Users[].UserName', '--output', 'text']);
    expect(boUsers.stdout).toContain('temp-contractor');
    expect(boUsers.stdout).not.toContain('Samy');

    // Leaving keeps the instructor's server running.
    const left = await cli(ada, ['stop']);
    expect(left.stdout).toMatch(/left the workshop/);
    expect(started.stdout).toContain('iam-labs stop     leave this server (your account there is kept)');
    expect(left.stdout).toContain('Your checks are no longer reported to the class.');
    expect((await fetch(`${ws.endpoint}/_workshop/api/class?token=${ws.store.identity.instructorToken}`)).status).toBe(200);

    // Left means left: lab 01 started again runs here, and its checks are not reported (the
    // dashboard still shows the last state seen while joined); joining again reports again.
    const adaRow = async () => ((await (await fetch(`${ws.endpoint}/_workshop/api/class?token=${ws.store.identity.instructorToken}`)).json()) as any).learners.find((l: { name: string }) => l.name === 'Ada');
    const local = await cli(ada, ['start', '01', '--detach']);
    expect(local.code).toBe(0);
    expect(local.stdout).toContain(`note: you left the workshop at ${ws.endpoint}: this lab runs on this machine, and its checks are not reported to the class until you join again.`);
    expect(fs.readFileSync(path.join(ada.env.IAM_LABS_HOME, 'backend.json'), 'utf8')).toMatch(/"backend": ?"embedded"/);
    await cli(ada, ['solve', '01', '--yes', '--step', 'users/attach-managed-policy']);
    expect((await cli(ada, ['check', '01'])).code).toBe(1);
    expect((await adaRow()).steps['users/attach-managed-policy'].status).toBe('failing');
    await cli(ada, ['stop']);
    const back = await cli(ada, ['workshop', 'join', ws.endpoint, '--name', 'Ada', '--code', ws.store.identity.code]);
    expect(back.stdout).toMatch(/Rejoined the workshop/);
    expect((await cli(ada, ['start', '01', '--detach'])).code).toBe(0);
    await cli(ada, ['check', '01']);
    // progress is the learner's: the step done on this machine is reported done once joined again
    expect((await adaRow()).steps['users/attach-managed-policy']).toMatchObject({ status: 'passing', passedAt: expect.any(String), revealedAt: expect.any(String) });
  });

  it('after workshop join, shell works before any start: the learner’s own account, not a missing profile', async () => {
    const cy = learner();
    const joined = await cli(cy, ['workshop', 'join', ws.endpoint, '--name', 'Cy', '--code', ws.store.identity.code]);
    expect(joined.code, joined.stderr).toBe(0);
    const r = await cli(cy, ['shell', '-c', 'aws sts get-caller-identity --query Account --output text']);
    expect(r.stderr).not.toMatch(/could not be found|Traceback|\n\s+at .*\.js:\d+/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d{12}$/);
    await cli(cy, ['stop']);
  });
});
