/**
 * `iam-labs instance-shell` puts the instance's Name tag in the shell's prompt. Whoever can tag
 * the instance chooses that text, and a prompt is code to the shell: bash runs `$(…)` in PS1 at
 * every prompt. A tag must show, never run, in each shell the learner may use.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanup, cli, ensureBuilt, labFile, realCourse, ROOT, session, type Lab } from './runner-helpers.js';

let lab: Lab;
let instanceId: string;
const marker = path.join(os.tmpdir(), `iam-labs-prompt-ran-${process.pid}`);

beforeAll(async () => {
  ensureBuilt();
  lab = realCourse();
  expect((await cli(lab, ['start', '06', '--detach'])).code).toBe(0);
  const s = session(lab)!;
  const { credentials } = JSON.parse(fs.readFileSync(labFile(lab, '06-workloads', 'lab.json'), 'utf8')) as { credentials: { accessKeyId: string; secretAccessKey: string } };
  const ec2 = new EC2Client({ endpoint: s.endpoint, region: 'us-east-1', credentials });
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0abcdef1234567890',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `$(touch ${marker})'%F{red}\`touch ${marker}\`` }] }],
    }),
  );
  ec2.destroy();
  instanceId = out.Instances![0].InstanceId!;
}, 240_000);

afterAll(async () => {
  await cleanup(lab);
  fs.rmSync(marker, { force: true });
});

describe('instance-shell: the Name tag in the prompt', () => {
  const shells = ['/bin/bash', '/bin/sh', '/usr/bin/zsh', '/usr/bin/fish'].filter((sh) => fs.existsSync(sh));
  it.each(shells)('shows, and never runs, in %s', (sh) => {
    fs.rmSync(marker, { force: true });
    // an interactive shell reading its commands from a pipe still draws (and expands) its prompt;
    // a pipe made by the shell: fish refuses the socket Node gives a child as its stdin
    const r = spawnSync('/bin/sh', ['-c', `printf 'echo still-here\\nexit\\n' | "${process.execPath}" "${BIN}" instance-shell ${instanceId} --shell ${sh}`], {
      cwd: ROOT,
      env: { ...lab.env, SHELL: sh },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stdout + r.stderr, r.stdout + r.stderr).toContain('still-here');
    expect(fs.existsSync(marker), `${sh} ran the tag`).toBe(false);
    expect(r.stdout + r.stderr).not.toContain('$(touch'); // the banner shows it as the prompt does
    expect(r.stdout + r.stderr).not.toMatch(/syntax error|unterminated|unexpected EOF/i);
  }, 60_000);
});

describe('promptSafe', () => {
  it('keeps names as people write them and marks the rest', async () => {
    const { promptSafe } = await import('../../src/runner/commands/instance-shell.js');
    expect(promptSafe('app-server 2')).toBe('app-server 2');
    expect(promptSafe('web.prod:eu/1=a+b@c_d')).toBe('web.prod:eu/1=a+b@c_d');
    expect(promptSafe('serveur-été')).toBe('serveur-été');
    expect(promptSafe("$(rm -rf ~)'`x`%F")).toBe('??rm -rf ????x??F');
    expect(promptSafe('x'.repeat(60))).toHaveLength(40);
  });
});
