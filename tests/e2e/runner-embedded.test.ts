/**
 * The built CLI end to end on the embedded backend, with the toy course: start --detach, check
 * (text and JSON, exit codes), the real aws CLI through `iam-labs shell -c`, hint, reset, solve,
 * progress, env, stop — and the safety rule: no lab running → exit 2, nothing contacted.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, BIN, cleanup, cli, ensureBuilt, labFile, newLabHome, ROOT, session, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

describe('safety: no lab running', () => {
  it('check 01 with real-looking AWS settings exits 2 and connects nowhere', async () => {
    let connections = 0;
    const trap = net.createServer((c) => {
      connections++;
      c.destroy();
    });
    await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
    const port = (trap.address() as net.AddressInfo).port;
    const lab = newLabHome({
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_PROFILE: 'production',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      IAM_LABS_ENDPOINT_TRAP: String(port),
      HTTP_PROXY: `http://127.0.0.1:${port}`,
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
    });
    try {
      const missing: Record<string, RegExp> = {
        'check 01': /nothing to check/,
        check: /nothing to check/,
        reset: /nothing to reset/,
        'solve 01': /nothing to solve/,
        env: /no lab environment to print/,
        'why --last': /no account to explain a decision on/,
      };
      for (const [args, says] of Object.entries(missing)) {
        const r = await cli(lab, args.split(' '));
        expect(r.code, args).toBe(2);
        expect(r.stderr).toMatch(/no lab is running/);
        expect(r.stderr, args).toMatch(says);
        expect(r.stderr).toMatch(/iam-labs start 01/);
        expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
      }
      // a lab named: the start to run is that lab's
      for (const args of ['reset 02', 'check extra', 'solve 02-extra']) {
        const r = await cli(lab, args.split(' '));
        expect(r.code, args).toBe(2);
        expect(r.stderr, args).toMatch(/no lab is running[\s\S]*Run `iam-labs start 02` first/);
      }
      expect(connections).toBe(0);
    } finally {
      trap.close();
    }
  });

  it('an unknown lab lists the valid ones (exit 2)', async () => {
    const r = await cli(newLabHome(), ['start', 'roles']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/there is no lab 'roles'/);
    expect(r.stderr).toMatch(/01-toy/);
    expect(r.stderr).toMatch(/02-extra/);
  });
});

describe('a lab on the embedded backend, detached', () => {
  let lab: Lab;
  // what the grading service answers a CLI of another build (the JSON line, as sent)
  let otherBuildAnswer = '';
  beforeAll(() => {
    lab = newLabHome();
  });
  afterAll(() => cleanup(lab));

  it('start --detach says which backend and why, seeds, shows the checklist', async () => {
    const r = await cli(lab, ['start', '01', '--detach']);
    expect(r.stderr).toBe(r.stderr); // (spinner-free: not a TTY)
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend: embedded — auto: no endpoint given/);
    expect(r.stdout).toMatch(/Toy users/);
    expect(r.stdout).toMatch(/○ todo\s+Create the user Alpha/);
    expect(r.stdout).toMatch(/Lab 01 runs in its own account, 101000000001\./);
    expect(r.stdout).toMatch(/keeps running in the background at http:\/\/127\.0\.0\.1:\d+/);
    const s = session(lab)!;
    expect(s.backend).toBe('embedded');
    expect(s.lab).toBe('01-toy');
    expect(s.accountId).toBe('101000000001');
    expect(alive(s.pid)).toBe(true);
    const config = fs.readFileSync(labFile(lab, '01-toy', 'aws', 'config'), 'utf8');
    expect(config).toContain(`endpoint_url = ${s.endpoint}`);
    const creds = fs.readFileSync(labFile(lab, '01-toy', 'aws', 'credentials'), 'utf8');
    expect(creds).toMatch(/\[default\]\naws_access_key_id = 101000000001/);
    expect(creds).toMatch(/\[seeded\]\naws_access_key_id = AKIATOYSEEDED0000001/);
    expect(fs.existsSync(path.join(lab.home, '.aws'))).toBe(false);
  });

  it('check: exit 1 with named conditions; --json has the documented shape', async () => {
    const r = await cli(lab, ['check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✘ user Alpha exists — not yet\n\s+expected: a user named exactly Alpha\n\s+found:\s+no such user/);
    const j = await cli(lab, ['check', '--json']);
    expect(j.code).toBe(1);
    const json = JSON.parse(j.stdout);
    expect(json).toMatchObject({ lab: '01-toy', passed: false });
    expect(json.steps.map((s: { id: string }) => s.id)).toEqual(['toy/create-user', 'toy/second-user']);
    expect(json.steps[0]).toMatchObject({ id: 'toy/create-user', title: 'Create the user Alpha', passed: false });
    expect(json.steps[0].conditions[0]).toMatchObject({ name: 'user Alpha exists', passed: false, expected: expect.any(String), found: 'no such user', why: expect.any(String) });
  });

  it('check goes through the detached emulator\'s grading service (the JSON says who graded)', async () => {
    const s = session(lab)! as ReturnType<typeof session> & { gradingSocket?: string };
    expect(s.gradingSocket).toBe(path.join(lab.env.IAM_LABS_HOME, 'grading.sock'));
    expect(fs.statSync(s.gradingSocket!).isSocket()).toBe(true);
    const j = await cli(lab, ['check', '--json']);
    const json = JSON.parse(j.stdout);
    expect(json.gradedBy, j.stderr).toBe('grading-host');
    expect(json.gradedHereBecause).toBeUndefined();
    expect(j.stderr).toBe('');
  });

  it('when the grading service cannot answer, check grades itself and says why (never silently)', async () => {
    const socket = path.join(lab.env.IAM_LABS_HOME, 'grading.sock');
    const kept = `${socket}.away`;
    fs.renameSync(socket, kept);
    try {
      const j = await cli(lab, ['check', '--json']);
      expect(j.code).toBe(1);
      const json = JSON.parse(j.stdout);
      expect(json).toMatchObject({ lab: '01-toy', passed: false, gradedBy: 'this-process' });
      expect(json.gradedHereBecause).toBe(`the emulator's grading service could not grade: its socket ${socket} does not exist`);
      expect(j.stderr).toContain(`note: the emulator's grading service could not grade: its socket ${socket} does not exist; grading in this process instead.`);
    } finally {
      fs.renameSync(kept, socket);
    }
    expect(JSON.parse((await cli(lab, ['check', '--json'])).stdout).gradedBy).toBe('grading-host');
  });

  it('a grading service started by another build of iam-labs does not grade, and says how to use this one', async () => {
    // What an emulator left running across an update answers a CLI of the new build: one JSON line.
    const socket = path.join(lab.env.IAM_LABS_HOME, 'grading.sock');
    const answer = await new Promise<string>((resolve, reject) => {
      const conn = net.connect(socket, () => conn.write(`${JSON.stringify({ op: 'grade', build: '0123456789abcdef', home: lab.env.IAM_LABS_HOME, courseDir: lab.env.IAM_LABS_COURSE_DIR, lab: '01-toy', session: session(lab) })}\n`));
      let buf = '';
      conn.setEncoding('utf8');
      conn.on('data', (d: string) => (buf += d));
      conn.on('end', () => resolve(buf));
      conn.on('error', reject);
    });
    expect(JSON.parse(answer)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^it runs another build of iam-labs \([0-9a-f]{8}, started before iam-labs was updated or rebuilt; this one is 01234567\)\. Run iam-labs stop, then start the lab again, to use this one$/),
      otherBuild: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    otherBuildAnswer = answer;
    // the CLI of the same build is served as before
    expect(JSON.parse((await cli(lab, ['check', '--json'])).stdout).gradedBy).toBe('grading-host');
  });

  it('facing a service of another build, check says in two sentences what happened and the command to run, wrapped', async () => {
    // The emulator an update left running: its socket answers what the real service answered above.
    const socket = path.join(lab.env.IAM_LABS_HOME, 'grading.sock');
    const kept = `${socket}.away`;
    fs.renameSync(socket, kept);
    const older = net.createServer((c) => c.once('data', () => c.end(otherBuildAnswer)));
    await new Promise<void>((r) => older.listen(socket, () => r()));
    const note =
      "note: This lab's emulator is still running the iam-labs from before your update, so this check took the slower way (same result). " +
      'To switch to the new one, run `iam-labs stop && iam-labs start 01` (your work is kept).';
    try {
      const r = await cli(lab, ['check', '--plain']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`${note}\n`);
      const j = await cli(lab, ['check', '--json']);
      const json = JSON.parse(j.stdout);
      expect(json).toMatchObject({ lab: '01-toy', gradedBy: 'this-process', gradedHereBecause: expect.stringMatching(/^the emulator's grading service could not grade: it runs another build of iam-labs/) });
      expect(j.stdout).not.toContain('note:');
      expect(j.stderr).toBe(`${note}\n`);
      // In a terminal 60 columns wide: the note in whole words on lines that fit, in yellow; none with --plain.
      // (asynchronously: the stand-in above answers from this process)
      const inTerminal = (args: string, env: Record<string, string>) =>
        new Promise<string>((resolve) => {
          const c = spawn('script', ['-qec', `stty cols 60 rows 50; exec '${process.execPath}' '${BIN}' ${args}`, '/dev/null'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          c.stdout.on('data', (d) => (out += d));
          c.on('close', () => resolve(out.replace(/\r/g, '')));
        });
      const colored = await inTerminal('check', { ...lab.env, NO_COLOR: '', FORCE_COLOR: '1' });
      expect(colored).toContain('\x1b[33mnote:\x1b[39m');
      const plain = await inTerminal('check --plain', lab.env);
      expect(plain).not.toContain('\x1b');
      const start = plain.indexOf('note:');
      const noteLines = plain.slice(start, plain.indexOf('kept).', start) + 'kept).'.length).split('\n');
      expect(noteLines.length).toBeGreaterThan(2);
      for (const line of noteLines) expect(line.length).toBeLessThanOrEqual(60);
      expect(noteLines.map((l) => l.trim()).join(' ')).toBe(note);
    } finally {
      await new Promise((r) => older.close(r));
      fs.renameSync(kept, socket);
    }
    expect(JSON.parse((await cli(lab, ['check', '--json'])).stdout).gradedBy).toBe('grading-host');
  });

  it('the real aws CLI in `iam-labs shell` reaches the lab; a wrong-case user is named as such', async () => {
    const who = await cli(lab, ['shell', '-c', 'aws sts get-caller-identity --output json']);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout).Account).toBe('101000000001');
    const mk = await cli(lab, ['shell', '-c', 'aws iam create-user --user-name alpha']);
    expect(mk.code, mk.stderr).toBe(0);
    const r = await cli(lab, ['check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/found:\s+user alpha \(wrong case\)/);
  });

  it('hint: what the check sees, then tiered hints one after another', async () => {
    const h1 = await cli(lab, ['hint']);
    expect(h1.code).toBe(0);
    expect(h1.stdout).toMatch(/What the check sees now for “Create the user Alpha”/);
    expect(h1.stdout).toMatch(/Hint 1 of 3.*\n\s+Users are created with the IAM API\./);
    const h2 = await cli(lab, ['hint']);
    expect(h2.stdout).toMatch(/Hint 2 of 3/);
    const h3 = await cli(lab, ['hint', 'toy/second-user']);
    expect(h3.stdout).toMatch(/Hint 1 of 2 for “Create beta under \/team\/”/);
  });

  it('reset: refused from a script without --yes; with it the wrong user is gone, the seed is back (a fresh account)', async () => {
    const no = await cli(lab, ['reset']);
    expect(no.code).toBe(2);
    expect(no.stdout).toMatch(/Everything you made in lab 01's account \(101000000001\) is deleted/);
    expect(no.stderr).toMatch(/Reset lab 01: not asked, since this is not a terminal\.\nAdd --yes to go ahead from a script\./);
    const r = await cli(lab, ['reset', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lab 01 is back at its start in a fresh account, 101000000002: 2 steps to do/);
    const users = await cli(lab, ['shell', '-c', 'aws iam list-users --output json']);
    expect(JSON.parse(users.stdout).Users.map((u: { UserName: string }) => u.UserName)).toEqual(['seeded-user']);
  });

  it('doing the steps with the aws CLI turns them green; exit 0 when all pass', async () => {
    await cli(lab, ['shell', '-c', 'aws iam create-user --user-name Alpha >/dev/null']);
    const one = await cli(lab, ['check']);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/✔ done\s+Create the user Alpha/);
    await cli(lab, ['shell', '-c', 'aws iam create-user --user-name beta --path /team/ >/dev/null']);
    const all = await cli(lab, ['check']);
    expect(all.code, all.stdout).toBe(0);
    expect(all.stdout).toMatch(/All 2 steps done\./);
    const p = JSON.parse((await cli(lab, ['progress', '--json'])).stdout);
    expect(p.labs[0]).toMatchObject({ id: '01-toy', complete: true });
    expect(p.labs[0].steps.every((s: { passed: boolean }) => s.passed)).toBe(true);
    const list = await cli(lab, ['list']);
    expect(list.stdout).toMatch(/01\s+Toy users\s+✔ complete/);
    expect(list.stdout).toMatch(/Next: iam-labs start 02/);
  });

  it('env prints the exports and unsets keys', async () => {
    const r = await cli(lab, ['env']);
    expect(r.code).toBe(0);
    const s = session(lab)!;
    expect(r.stdout).toContain(`export AWS_ENDPOINT_URL='${s.endpoint}'`);
    expect(r.stdout).toContain(`export AWS_CONFIG_FILE='${labFile(lab, '01-toy', 'aws', 'config')}'`);
    expect(r.stdout).toContain(`export IAM_LABS_LAB='01-toy'`);
    expect(r.stdout).toMatch(/export AWS_PAGER=''/);
    expect(r.stdout).toMatch(/unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN .*AWS_PROFILE AWS_DEFAULT_PROFILE/);
  });

  it('an AWS CLI that ignores AWS_ENDPOINT_URL gets a shim passing --endpoint-url', async () => {
    const fakeDir = fs.mkdtempSync(path.join(lab.home, 'fake-aws-'));
    fs.writeFileSync(
      path.join(fakeDir, 'aws'),
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "aws-cli/2.9.19 Python/3.11.2 Linux/6 source/x86_64.debian.12"; exit 0; fi\necho "ARGS: $*"\n',
      { mode: 0o755 },
    );
    const old = { home: lab.home, env: { ...lab.env, PATH: `${fakeDir}:${lab.env.PATH}` } };
    const endpoint = session(lab)!.endpoint;
    const env = await cli(old, ['env']);
    expect(env.stdout).toMatch(/aws-cli 2\.9\.19 \(.*fake-aws-.*\/aws\) runs through the lab's aws wrapper/);
    expect(env.stdout).toContain(`export PATH='${path.join(lab.env.IAM_LABS_HOME, 'bin')}':"$PATH"`);
    const r = await cli(old, ['shell', '-c', 'aws sts get-caller-identity']);
    expect(r.stdout.trim()).toBe(`ARGS: --endpoint-url ${endpoint} sts get-caller-identity`);
  });

  it('doctor: the lab environment reaches the lab, not AWS', async () => {
    const r = await cli(lab, ['doctor', '--json']);
    const byName = Object.fromEntries(JSON.parse(r.stdout).findings.map((f: { name: string }) => [f.name, f]));
    expect(byName.node.status).toBe('ok');
    expect(byName.backend).toMatchObject({ status: 'ok', detail: expect.stringMatching(/embedded backend at http/) });
    expect(byName.session).toMatchObject({ status: 'ok', detail: expect.stringMatching(/lab 01-toy in account 101000000002/) });
    expect(byName['lab-environment']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/reaches the lab \(account 101000000002\), not AWS/) });
    expect(r.code).toBe(0);
  });

  it('solve another lab on the same backend, then stop', async () => {
    const notOpen = await cli(lab, ['solve', '02']);
    expect(notOpen.code).toBe(2);
    expect(notOpen.stderr).toMatch(/lab 02-extra has not been started yet\. `iam-labs start 02` sets it up\./);
    expect((await cli(lab, ['start', '02', '--detach'])).code).toBe(0);
    const r = await cli(lab, ['solve', '02']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/solved extra\/gamma/);
    const pid = session(lab)!.pid;
    const stop = await cli(lab, ['stop']);
    expect(stop.code).toBe(0);
    expect(session(lab)).toBeUndefined();
    expect(alive(pid)).toBe(false);
    const after = await cli(lab, ['check']);
    expect(after.code).toBe(2);
  });
});

describe('dev check on the toy course', () => {
  it('every step starts unsolved, its solution passes, each mistake fails with its feedback', async () => {
    const r = await cli(newLabHome(), ['dev', 'check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✔ ok\s+toy\/create-user: unsolved fails, solution passes/);
    expect(r.stdout).toMatch(/✔ ok\s+toy\/create-user: mistake: wrong case/);
    expect(r.stdout).toMatch(/✔ ok\s+toy\/second-user: mistake: no path/);
    expect(r.stdout).toMatch(/0 problems/);
  });
});

describe('a backend that died', () => {
  it('check says the backend is no longer running (exit 2, no stack trace)', async () => {
    const lab = newLabHome();
    try {
      expect((await cli(lab, ['start', '02', '--detach'])).code).toBe(0);
      const pid = session(lab)!.pid!;
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      const r = await cli(lab, ['check']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/backend \(pid \d+\) is no longer running, so there is nothing to check/);
      expect(r.stderr).toMatch(/iam-labs start/);
      expect(r.stderr).not.toMatch(/unexpected error/);
    } finally {
      await cleanup(lab);
    }
  });
});

describe('stop and start again on the embedded backend', () => {
  it('continues where the learner left off (the state file holds the work)', async () => {
    const lab = newLabHome();
    try {
      expect((await cli(lab, ['start', '01', '--detach'])).code).toBe(0);
      expect((await cli(lab, ['solve', '01', '--step', 'toy/create-user'])).code).toBe(0);
      expect((await cli(lab, ['stop'])).stdout).toMatch(/Your labs are kept, each in its account/);
      const again = await cli(lab, ['start', '01', '--detach']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/Continuing lab 01 in its own account, 101000000001, where you left it/);
      expect(again.stdout).toMatch(/✔ done\s+Create the user Alpha/);
      const fresh = await cli(lab, ['start', '01', '--detach', '--fresh']);
      expect(fresh.stdout).toMatch(/Your progress in lab 01 is forgotten: 1 step done out of 2\./);
      expect(fresh.stdout).toMatch(/Lab 01 runs in its own account, 101000000002\./);
      expect(fresh.stdout).toMatch(/○ todo\s+Create the user Alpha/);
    } finally {
      await cleanup(lab);
    }
  });
});
