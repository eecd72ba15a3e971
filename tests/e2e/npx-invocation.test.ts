/**
 * A learner who follows the README runs `npx iam-labs …` from the course's folder, where no
 * `iam-labs` is on PATH: every command the built CLI suggests must then read `npx iam-labs …`
 * (the chapter's "run `iam-labs shell` in a second terminal" included), while the lab shell,
 * which has `iam-labs` on PATH, keeps the plain name.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../src/runner/invocation.js';
import { BIN, cleanup, cli, ensureBuilt, realCourse, ROOT } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

/** a suggestion written without npx */
const BARE = /(?<!npx )iam-labs (start|check|shell|stop|hint|env|reset|why|--help)\b/;

/** The live screen in plain mode with its input closed, until `until` shows; then Ctrl-C. */
function plainScreen(env: Record<string, string>, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, 'start', '01', '--plain'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      c.kill('SIGKILL');
      reject(new Error(`no ${until} in:\n${out}`));
    }, 60_000);
    c.stdout.on('data', (d) => {
      out += d;
      if (until.test(out)) c.kill('SIGINT');
    });
    c.stderr.on('data', (d) => (out += d));
    c.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    c.stdin.end();
  });
}

describe('commands suggested as the learner types them', () => {
  const npx = realCourse();
  npx.env.npm_lifecycle_event = 'npx';
  const installed = realCourse();
  afterAll(async () => {
    await cleanup(npx);
    await cleanup(installed);
  });

  it('names every command of the CLI (a new command is recognised in suggestions too)', async () => {
    const help = await cli(installed, ['--help']);
    const listed = [...help.stdout.split('Commands:')[1].matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((n) => n !== 'help');
    expect([...COMMAND_NAMES].sort()).toEqual(listed.sort());
  });

  it('under npx: list, a refused check, start --detach and the live screen say npx iam-labs …', async () => {
    const list = await cli(npx, ['list', '--plain']);
    expect(list.stdout).toContain('Next: npx iam-labs start 01   (npx iam-labs --help for everything else)');

    const check = await cli(npx, ['check', '03']);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('Run `npx iam-labs start 03` first');
    expect(check.stderr).not.toMatch(BARE);

    const start = await cli(npx, ['start', '01', '--detach', '--plain']);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain('npx iam-labs shell 01');
    expect(start.stdout).not.toMatch(BARE);

    // the chapter itself ("Open a second terminal and run `iam-labs shell`") and the screen's own words
    const screen = await plainScreen(npx.env, /Input closed/);
    expect(screen).toMatch(/run\s+`?npx\s+iam-labs\s+shell/);
    expect(screen).toContain('Work in another terminal (`npx iam-labs shell`)');
    expect(screen).not.toMatch(BARE);
  }, 120_000);

  it('in the lab shell opened through npx, and without npx, the plain name stays', async () => {
    const inShell = await cli(npx, ['shell', '01', '-c', 'echo "event=${npm_lifecycle_event:-none}"; iam-labs hint 01 --plain']);
    expect(inShell.code, inShell.stderr).toBe(0);
    expect(inShell.stdout).toContain('event=none');
    expect(inShell.stdout).toContain('run iam-labs hint 01 again');
    expect(inShell.stdout).not.toContain('npx iam-labs');

    const list = await cli(installed, ['list', '--plain']);
    expect(list.stdout).toContain('Next: iam-labs start 01');
    expect(list.stdout).not.toContain('npx');
  }, 120_000);
});
