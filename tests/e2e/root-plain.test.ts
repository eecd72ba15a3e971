/**
 * `--plain` before the command (`iam-labs --plain start 04`) is the same request as after it: a
 * learner with a screen reader types it where `--help` shows it, on the root.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanup, cli, ensureBuilt, newLabHome, ROOT } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

/** The CLI in a pseudo-terminal (util-linux `script`), so color is on unless --plain turns it off. */
function inTerminal(env: Record<string, string>, args: string): string {
  const r = spawnSync('script', ['-qec', `node '${BIN}' ${args}`, '/dev/null'], { cwd: ROOT, env: { ...env, TERM: 'xterm-256color' }, encoding: 'utf8', timeout: 60_000 });
  return r.stdout;
}

describe('--plain on the root', () => {
  const lab = newLabHome();
  delete lab.env.NO_COLOR;
  afterAll(() => cleanup(lab));

  it('reaches the command: no color from `iam-labs --plain progress`, as from `progress --plain`', async () => {
    await cli(lab, ['start', '01', '--detach', '--plain']);
    const colored = inTerminal(lab.env, 'progress');
    expect(colored).toContain('\x1b[');
    expect(inTerminal(lab.env, 'progress --plain')).not.toContain('\x1b[');
    expect(inTerminal(lab.env, '--plain progress')).not.toContain('\x1b[');
    expect(inTerminal(lab.env, '--plain check 01')).not.toContain('\x1b[');
    // FORCE_COLOR (which tools set for everything they run) does not outvote an explicit --plain
    expect(inTerminal({ ...lab.env, FORCE_COLOR: '1' }, '--plain progress')).not.toContain('\x1b[');
    expect(inTerminal({ ...lab.env, FORCE_COLOR: '1' }, 'progress --plain')).not.toContain('\x1b[');
  }, 120_000);
});
