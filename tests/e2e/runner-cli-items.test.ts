/**
 * The built CLI's small promises, on the toy course: a closed pipe ends quietly, a mistyped
 * command gets a suggestion, expected failures are one clear message without a stack trace, and
 * Ctrl-C at any moment of `start --detach` leaves nothing running that `stop` cannot stop.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { clients } from '../helpers/emulator.js';
import { alive, BIN, cleanup, cli, ensureBuilt, labFile, newLabHome, ROOT, session, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

const STACK = /\n\s+at .*\.js:\d+/;

/** `iam-labs <args> | head -1` in a shell: the CLI's exit status and what it wrote to stderr. */
function piped(lab: Lab, args: string): Promise<{ status: string; head: string; stderr: string }> {
  return new Promise((resolve) => {
    const script = `node '${BIN}' ${args} 2>"$ERR" | head -1; echo "status=\${PIPESTATUS[0]}"`;
    const errFile = path.join(lab.home, `err-${Date.now()}`);
    const c = spawn('bash', ['-c', script], { cwd: ROOT, env: { ...lab.env, ERR: errFile } });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', () => {
      const lines = out.trim().split('\n');
      resolve({ status: /status=(\d+)/.exec(out)?.[1] ?? '?', head: lines[0], stderr: fs.readFileSync(errFile, 'utf8') });
    });
  });
}

/** Processes (ours) whose environment names this state folder: whatever a run left behind. */
function processesOf(lab: Lab): number[] {
  const mark = `IAM_LABS_HOME=${lab.env.IAM_LABS_HOME}\0`;
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').includes(mark)) {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (!/^\d+ \(.*\) Z/.test(stat)) found.push(Number(entry));
      }
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

describe('small CLI promises', () => {
  const lab = newLabHome();
  afterAll(() => cleanup(lab));

  it('progress | head -1 and list | head -1 end quietly (no EPIPE trace)', async () => {
    for (const args of ['progress', 'list', '--help']) {
      const r = await piped(lab, args);
      expect(r.stderr, args).not.toMatch(/EPIPE|Error/);
      expect(r.status, args).toBe('0');
      expect(r.head.length).toBeGreaterThan(0);
    }
  });

  it('a mistyped command suggests the one meant (exit 2)', async () => {
    const r = await cli(lab, ['chek']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'chek' is not an iam-labs command\. Did you mean `iam-labs check`\?/);
    expect(r.stderr).not.toMatch(/too many arguments/);
  });

  it('a progress file that is a directory, or holds a null step: one clear message, exit 2, nothing lost', async () => {
    const state = lab.env.IAM_LABS_HOME;
    fs.mkdirSync(path.join(state, 'progress.json'), { recursive: true });
    const dir = await cli(lab, ['progress']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(/progress file .*progress\.json is a directory/);
    expect(dir.stderr).not.toMatch(STACK);
    expect(dir.stderr).not.toMatch(/This is a bug/);
    fs.rmdirSync(path.join(state, 'progress.json'));

    const bytes = JSON.stringify({ format: 2, steps: { 'toy/create-user': null }, facts: {}, labs: {} });
    fs.writeFileSync(path.join(state, 'progress.json'), bytes);
    const nul = await cli(lab, ['progress']);
    expect(nul.code).toBe(2);
    expect(nul.stderr).toMatch(/steps\["toy\/create-user"\] is null/);
    expect(nul.stderr).not.toMatch(STACK);
    const kept = fs.readdirSync(state).filter((f) => f.startsWith('progress.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(state, kept[0]), 'utf8')).toBe(bytes);
    fs.rmSync(path.join(state, kept[0]));
  });

  it('solve --step and check --step on one step; one step is “The step is done”, not “All 1 steps”, and keeps its number', async () => {
    expect((await cli(lab, ['start', '01', '--detach'])).code).toBe(0);
    const solved = await cli(lab, ['solve', '01', '--step', '1', '--yes']);
    expect(solved.code, solved.stderr).toBe(0);
    const one = await cli(lab, ['check', '01', '--step', '1', '--plain']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/The step is done\./);
    expect(one.stdout).not.toMatch(/All 1 steps/);
    const all = await cli(lab, ['check', '01', '--plain']);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/1 of 2 steps done\./);
    // one step is numbered as in the lab, not as the first of a list of one
    const second = await cli(lab, ['check', '01', '--step', '2', '--plain']);
    expect(second.stdout).toMatch(/^ 2\. /m);
    expect(second.stdout).not.toMatch(/^ 1\. /m);
    expect(JSON.parse((await cli(lab, ['check', '01', '--step', '2', '--json'])).stdout).steps[0].number).toBe(2);
    expect((await cli(lab, ['stop'])).code).toBe(0);
  }, 120_000);
});

describe('Ctrl-C during start --detach', () => {
  // at several moments: before the backend is spawned, while it starts, while the lab is seeded
  it.each([150, 400, 700, 1000, 1500, 2500])('SIGINT after %i ms: stop leaves no process of this state folder', async (ms) => {
    const lab = newLabHome();
    try {
      const child = spawn(process.execPath, [BIN, 'start', '01', '--detach'], { cwd: ROOT, env: lab.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | string>((r) => child.on('close', (code, signal) => r(code ?? signal ?? -1)));
      await new Promise((r) => setTimeout(r, ms));
      child.kill('SIGINT');
      const code = await exited;
      // done (0), interrupted by our handler (130), or killed by the signal before the CLI set one up
      expect([0, 130, 'SIGINT']).toContain(code);
      expect(stderr).not.toMatch(STACK);
      const stop = await cli(lab, ['stop']);
      expect(stop.stderr).not.toMatch(STACK);
      // give a killed backend a moment to go
      for (let i = 0; i < 40 && processesOf(lab).length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(processesOf(lab), `left running after Ctrl-C at ${ms} ms and stop`).toEqual([]);
      // and the next start works
      const again = await cli(lab, ['start', '01', '--detach']);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      await cleanup(lab);
    }
  }, 120_000);
});

describe('a backend that changed under the lab', () => {
  it('another emulator on the recorded port: check and the lab shell’s aws refuse it, nothing is sent', async () => {
    const lab = newLabHome();
    const other = newLabHome();
    let impostor: ReturnType<typeof spawn> | undefined;
    try {
      expect((await cli(lab, ['start', '01', '--detach'])).code).toBe(0);
      const s = session(lab)!;
      const port = new URL(s.endpoint).port;
      process.kill(s.pid!, 'SIGKILL');
      for (let i = 0; i < 50 && alive(s.pid); i++) await new Promise((r) => setTimeout(r, 100));
      // someone else's emulator takes the port
      impostor = spawn(process.execPath, [BIN, 'emulator', '--port', port, '--quiet'], { cwd: ROOT, env: other.env, stdio: 'ignore' });
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await fetch(`${s.endpoint}/`).then(() => true, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up).toBe(true);

      const checked = await cli(lab, ['check', '01']);
      expect(checked.code).toBe(2);
      // the recorded process is gone: whatever answers on its port now is not the lab's backend
      expect(checked.stderr).toMatch(/the lab's embedded backend \(pid \d+\) is no longer running, so there is nothing to check\./);
      expect(checked.stderr).not.toMatch(STACK);
      const shell = await cli(lab, ['shell', '01', '-c', 'aws iam create-user --user-name Samy']);
      expect(shell.code).not.toBe(0);
      expect(shell.stderr).toMatch(/no longer running/);
      // the impostor got no user, in the lab's account or its own
      const record = JSON.parse(fs.readFileSync(labFile(lab, '01-toy', 'lab.json'), 'utf8')) as { credentials: { accessKeyId: string; secretAccessKey: string } };
      for (const creds of [record.credentials, undefined]) {
        const { iam } = clients(s.endpoint, creds);
        const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
        iam.destroy();
        expect(users.map((u) => u.UserName)).not.toContain('Samy');
      }
    } finally {
      impostor?.kill('SIGTERM');
      await cleanup(lab);
    }
  }, 120_000);
});
