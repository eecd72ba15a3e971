/**
 * Which shell `iam-labs shell` and `instance-shell` open. The chapters print bash commands
 * (heredocs, `VAR=$(…)`, `read … <<<`, for loops): a learner whose own shell is fish, csh or
 * dash's sh would see them fail as typed, so the interactive shell is bash for them, said on
 * screen, and `--shell` opens theirs anyway. `-c` runs in the learner's shell as before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseShell } from '../../src/runner/commands/shell.js';
import { BIN, cleanup, cli, ensureBuilt, newLabHome, ROOT, type Lab } from './runner-helpers.js';

describe('chooseShell', () => {
  const has = () => true;
  it("keeps a shell that reads the chapters' commands as bash does", () => {
    for (const sh of ['/bin/bash', '/usr/bin/zsh', '/bin/ksh']) expect(chooseShell({ SHELL: sh }, undefined, true, has)).toEqual({ sh });
  });
  it('opens bash instead of fish, csh, tcsh or sh, and says why and how to get theirs', () => {
    for (const own of ['/usr/bin/fish', '/bin/csh', '/usr/bin/tcsh', '/bin/sh', '/bin/dash']) {
      const c = chooseShell({ SHELL: own }, undefined, true, has);
      expect(c.sh).toBe('/bin/bash');
      expect(c.note).toContain(`\`--shell ${own}\` opens yours instead`);
    }
    expect(chooseShell({}, undefined, true, has)).toEqual({ sh: '/bin/bash' }); // no SHELL: bash, nothing to say
  });
  it('--shell wins; -c keeps the learner\'s shell; without bash, theirs', () => {
    expect(chooseShell({ SHELL: '/bin/bash' }, '/usr/bin/fish', true, has)).toEqual({ sh: '/usr/bin/fish' });
    expect(chooseShell({ SHELL: '/usr/bin/fish' }, undefined, false, has)).toEqual({ sh: '/usr/bin/fish' });
    expect(chooseShell({ SHELL: '/usr/bin/fish' }, undefined, true, () => false)).toEqual({ sh: '/usr/bin/fish' });
  });
});

describe.skipIf(!fs.existsSync('/bin/bash'))('a fish user opens the lab shell', () => {
  let lab: Lab;
  beforeAll(async () => {
    ensureBuilt();
    lab = newLabHome();
    expect((await cli(lab, ['start', 'toy', '--detach'])).code).toBe(0);
  }, 180_000);
  afterAll(() => cleanup(lab));

  const open = (args: string[]) =>
    spawnSync('/bin/sh', ['-c', `printf 'echo "bash:[$BASH_VERSION]"\\nexit\\n' | "${process.execPath}" "${BIN}" ${args.join(' ')}`], {
      cwd: ROOT,
      env: { ...lab.env, SHELL: '/usr/bin/fish' },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('gets bash, and is told why', () => {
    const r = open(['shell']);
    expect(r.stdout).toContain("note: The chapters' commands are written for bash, and fish reads some of them differently");
    expect(r.stdout).toMatch(/bash:\[\d+\.\d+/);
  });

  it.skipIf(!fs.existsSync('/usr/bin/fish'))('gets fish with --shell', () => {
    const r = open(['shell', '--shell', '/usr/bin/fish']);
    expect(r.stdout).not.toContain('note:');
    expect(r.stdout).toContain('bash:[]');
  });
});
