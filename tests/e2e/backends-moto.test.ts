/**
 * The moto backend end to end: moto_server spawned on a free port, seeded, graded (a condition
 * moto cannot show is reported as not verifiable, never as a pass or a fail), reset through
 * /moto-api/reset, and stop. (`dev check` on moto: labs-dev-check-moto.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, cleanup, cli, ensureBuilt, newLabHome, session, type Lab } from './runner-helpers.js';

const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server']).status === 0;
if (!hasMoto) console.log('backends-moto: skipped — moto_server is not installed');

describe.skipIf(!hasMoto)('moto backend', () => {
  let lab: Lab;
  beforeAll(() => {
    ensureBuilt();
    lab = newLabHome();
  }, 180_000);
  afterAll(() => cleanup(lab));

  it('start --backend moto --detach: says so and what moto cannot show', async () => {
    const r = await cli(lab, ['start', '01', '--backend', 'moto', '--detach']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend: moto — --backend moto was asked for/);
    const s = session(lab)!;
    expect(s.backend).toBe('moto');
    expect(s.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(alive(s.pid)).toBe(true);
  });

  it('grades with the same verdicts; unverifiable conditions are listed', async () => {
    const before = await cli(lab, ['check', '--json']);
    expect(before.code).toBe(1);
    const j = JSON.parse(before.stdout);
    expect(j.backend).toBe('moto');
    const solved = await cli(lab, ['solve', '01']);
    expect(solved.code, solved.stdout + solved.stderr).toBe(0);
    const after = await cli(lab, ['check']);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/\? the backend enforces IAM — not verifiable on this backend/);
    expect(after.stdout).toMatch(/\? 1 not verifiable here/);
    const json = JSON.parse((await cli(lab, ['check', '--json'])).stdout);
    const c = json.steps[1].conditions.find((x: { name: string }) => x.name === 'the backend enforces IAM');
    expect(c).toMatchObject({ status: 'unverifiable', passed: false });
  });

  it('reset goes through /moto-api/reset and re-seeds', async () => {
    const r = await cli(lab, ['reset', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const users = await cli(lab, ['shell', '-c', 'aws iam list-users --output json']);
    expect(users.code, users.stderr).toBe(0);
    expect(JSON.parse(users.stdout).Users.map((u: { UserName: string }) => u.UserName)).toEqual(['seeded-user']);
    expect((await cli(lab, ['check'])).code).toBe(1);
  });

  it('stop ends moto_server', async () => {
    const pid = session(lab)!.pid;
    expect((await cli(lab, ['stop'])).code).toBe(0);
    expect(alive(pid)).toBe(false);
  });
});

describe('moto without moto_server or Docker', () => {
  it('says what is missing and how to get it (exit 2)', async () => {
    ensureBuilt();
    const lab = newLabHome({ PATH: '/usr/bin:/bin', DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const r = await cli(lab, ['start', '01', '--backend', 'moto']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/moto_server is not installed \(not found on PATH\), and no Docker engine answers/);
    expect(r.stderr).toMatch(/pip install 'moto\[server\]'/);
    expect(r.stderr).toMatch(/--backend embedded/);
    expect(session(lab)).toBeUndefined();
  });
});
