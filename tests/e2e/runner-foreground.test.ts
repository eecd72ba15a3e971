/**
 * `start` in the foreground without a terminal (as with --plain): linear text, numbered choices,
 * a line whenever a step starts passing (driven by the in-process emulator's change events),
 * and quitting stops the backend it started.
 */
import { spawn } from 'node:child_process';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { clients } from '../helpers/emulator.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, alive, cleanup, ensureBuilt, newLabHome, session, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

/** wait until the accumulated output matches */
function waitFor(get: () => string, re: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 45_000;
    const tick = () => {
      if (re.test(get())) return resolve();
      if (Date.now() > deadline) return reject(new Error(`never saw ${what}; output so far:\n${get()}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe('start --plain in the foreground', () => {
  let lab: Lab;
  afterAll(() => cleanup(lab));

  it('shows numbered choices, reports a step turning green, quits cleanly', { timeout: 120_000 }, async () => {
    lab = newLabHome();
    const child = spawn(process.execPath, [BIN, 'start', 'toy', '--plain'], { cwd: ROOT, env: lab.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));

    await waitFor(() => out, /Choose: 1 check now · 2 hint · 3 next step · 4 previous step · 5 go to a step · 6 solution · 7 reset · 8 list the steps · 9 quit/, 'the menu');
    expect(out).toMatch(/backend: embedded/);
    expect(out).toMatch(/1\. ○ to do\s+Create the user Alpha {2}\(current step\)/);
    expect(out).not.toMatch(/\x1b\[/); // no escape sequences: no color, no alternate screen

    const s = session(lab)!;
    expect(s.pid).toBe(child.pid);
    const { iam } = clients(s.endpoint);
    await iam.send(new CreateUserCommand({ UserName: 'Alpha' }));
    iam.destroy();
    await waitFor(() => out, /✔ Step 1 passes: “Create the user Alpha”\./, 'step 1 passing');

    child.stdin.write('2\n');
    await waitFor(() => out, /Hint 1 of 2 for “Create beta under \/team\/”/, 'a hint for step 2');

    child.stdin.write('9\n');
    expect(await exited).toBe(0);
    expect(out).toMatch(/Left the lab: 1 of 2 steps done/);
    expect(session(lab)).toBeUndefined();
    expect(alive(child.pid)).toBe(false);
  });
});
