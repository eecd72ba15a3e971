/**
 * Two terminals: the learner runs `iam-labs start` in one and, as the chapters say, `iam-labs
 * shell` or `check` in another, before the start has finished setting the lab up. Those wait for
 * it (saying so) instead of answering that the lab "has not been started yet" or that the backend
 * "has not finished starting, run start again".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, cli, ensureBuilt, newLabHome, type Lab } from './runner-helpers.js';

const labs: Lab[] = [];
afterAll(async () => {
  for (const l of labs) await cleanup(l);
});

/** Resolve once `file` exists (the start has begun setting the lab up). */
async function appears(file: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} never appeared`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a command opened while start sets the lab up in another terminal', () => {
  it('shell and check wait for the start, then work', { timeout: 120_000 }, async () => {
    ensureBuilt();
    const lab = newLabHome();
    labs.push(lab);
    const starting = path.join(lab.env.IAM_LABS_HOME, 'starting.json');
    const start = cli(lab, ['start', '01', '--detach']);
    await appears(starting);
    const [shell, check] = await Promise.all([cli(lab, ['shell', '01', '-c', 'aws sts get-caller-identity --query Account --output text']), cli(lab, ['check', '01', '--json'])]);
    expect((await start).code).toBe(0);
    expect(shell.code, shell.stderr).toBe(0);
    expect(shell.stdout.trim().split('\n').at(-1)).toMatch(/^\d{12}$/);
    expect(check.stderr).not.toMatch(/has not been started|has not finished starting/);
    expect(JSON.parse(check.stdout).lab).toBe('01-toy');
    // the start is done: nothing is left saying otherwise
    expect(fs.existsSync(starting)).toBe(false);
  });
});
