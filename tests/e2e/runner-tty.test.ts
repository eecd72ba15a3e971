/**
 * The live checklist in a real terminal (tmux): a change made from "another terminal" turns the
 * step green on screen; keys h (hint) and q (quit) work; and the same flow with --plain shows
 * linear text with no escape sequences. Skipped, saying so, where tmux is not installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, cleanup, cli, ensureBuilt, labClients, newLabHome, type Lab } from './runner-helpers.js';

const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;
if (!hasTmux) console.log('runner-tty: skipped — tmux is not installed');

const sessions: string[] = [];
// A private tmux server (its own socket, no user config): the learner's own tmux sessions, or a
// `tmux kill-server` typed elsewhere, neither see nor end these.
const SOCKET = `iam-labs-tty-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = (name: string) => tmux('capture-pane', '-p', '-t', name).stdout;

async function waitForScreen(name: string, re: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const s = screen(name);
    if (re.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`never saw ${what}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startInTmux(lab: Lab, name: string, args: string[]): void {
  const env = Object.entries(lab.env).map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`).join(' ');
  const r = tmux('new-session', '-d', '-s', name, '-x', '110', '-y', '45', `cd '${ROOT}' && env ${env} node '${BIN}' ${args.join(' ')}; echo EXITED=$?; sleep 60`);
  expect(r.status, r.stderr).toBe(0);
  sessions.push(name);
}

async function createUser(lab: Lab, name: string): Promise<void> {
  const { iam } = await labClients(lab);
  await iam.send(new CreateUserCommand({ UserName: name }));
  iam.destroy();
}

describe.skipIf(!hasTmux)('live checklist in a terminal', () => {
  const labs: Lab[] = [];
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(async () => {
    for (const s of sessions) tmux('kill-session', '-t', s);
    tmux('kill-server');
    for (const l of labs) await cleanup(l);
  });

  it('turns a step green when the account changes; h shows a hint; q quits', { timeout: 120_000 }, async () => {
    const lab = newLabHome();
    labs.push(lab);
    const name = `iam-labs-tty-${process.pid}`;
    startInTmux(lab, name, ['start', '01']);
    await waitForScreen(name, /←→ step {2}↑↓ scroll {2}h hint {2}c check[^\n]*q quit/, 'the keys');
    // a new lab opens on its introduction (step 0), the checklist above it
    expect(screen(name)).toMatch(/Introduction \(step 0 of 2\)/);
    expect(screen(name)).toMatch(/ 1\. ○ to do\s+Create the user Alpha/);
    tmux('send-keys', '-t', name, 'Right');
    await waitForScreen(name, /▶\s+1\. ○ to do\s+Create the user Alpha/, 'step 1 shown');
    await createUser(lab, 'Alpha');
    const after = await waitForScreen(name, /1\. ✔ done\s+Create the user Alpha/, 'step 1 turning green');
    // the screen moves on from the step that passed, and says where its solution is
    expect(after).toMatch(/▶\s+2\. ✘ not yet\s+Create beta under \/team\//);
    expect(after).toMatch(/✔ Step 1 passes: “Create the user Alpha”\. Its reference solution is on its page/);
    tmux('send-keys', '-t', name, 'h');
    await waitForScreen(name, /Hint 1 of 2 for “Create beta under \/team\/”/, 'the hint');
    tmux('send-keys', '-t', name, 'q');
    const left = await waitForScreen(name, /EXITED=0/, 'a clean exit');
    expect(left).toMatch(/Left the lab: 1 of 2 steps done/);
  });

  it('a grading the service could not do is said on the screen, not written over it', { timeout: 120_000 }, async () => {
    const lab = newLabHome();
    labs.push(lab);
    expect((await cli(lab, ['start', '01', '--detach'])).code).toBe(0);
    // the grading service goes away (as when iam-labs was updated under a running lab)
    const socket = path.join(lab.env.IAM_LABS_HOME, 'grading.sock');
    fs.renameSync(socket, `${socket}.away`);
    const name = `iam-labs-tty-here-${process.pid}`;
    startInTmux(lab, name, ['start', '01']);
    // (the note wraps: its second line is indented under the first)
    await waitForScreen(name, /Note: the emulator's grading service could not grade: its socket [^;]* does not exist; this\s+screen checks the lab in its own process meanwhile\./, 'the note in the screen');
    await createUser(lab, 'Alpha');
    const after = await waitForScreen(name, /1\. ✔ done\s+Create the user Alpha/, 'step 1 turning green');
    // nothing was written over the screen: its title line is still its first
    expect(after.split('\n')[0]).toMatch(/^01 · /);
    expect(after).not.toMatch(/note: the emulator's grading service/);
    tmux('send-keys', '-t', name, 'q');
    await waitForScreen(name, /EXITED=0/, 'a clean exit');
  });

  it('--plain: the same in linear text, numbered choices', { timeout: 120_000 }, async () => {
    const lab = newLabHome();
    labs.push(lab);
    const name = `iam-labs-tty-plain-${process.pid}`;
    startInTmux(lab, name, ['start', '01', '--plain']);
    await waitForScreen(name, /Choose: 1 check now · 2 hint · 3 next step · 4 previous step/, 'the numbered menu');
    await createUser(lab, 'Alpha');
    await waitForScreen(name, /✔ Step 1 passes: “Create the user Alpha”\./, 'the step-passed line');
    tmux('send-keys', '-t', name, '9', 'Enter');
    await waitForScreen(name, /EXITED=0/, 'a clean exit');
    const raw = tmux('capture-pane', '-p', '-e', '-t', name).stdout;
    expect(raw).not.toMatch(/\x1b\[(3\d|9\d)m/); // no color codes in plain mode
  });
});
