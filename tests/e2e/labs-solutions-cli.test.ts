/**
 * The chapters' reference solutions are real: for every lab, seed it, then run each step's
 * solution block (the ```sh after `<!-- solution -->`) with bash and the real AWS CLI (v1) against
 * the embedded emulator — with the lab's own config files, as `iam-labs shell` would — and the
 * step's check must pass. Before its solution, each step's check must fail.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { feedbackText, stepPassed } from '../../src/graders/conditions.js';
import { createLabContext, memoryStore } from '../../src/graders/context.js';
import { labGraders } from '../../src/graders/index.js';
import type { Credentials } from '../../src/graders/types.js';
import { availableClis, ROOT, startTestEmulator } from '../helpers/emulator.js';

const LABS_DIR = path.resolve(__dirname, '../../labs');
let emu: StartedEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

/** Step id → the shell solution of that step, from the lab's Markdown. */
function solutions(labId: string): Map<string, string> {
  const out = new Map<string, string>();
  const dir = path.join(LABS_DIR, labId);
  for (const f of fs.readdirSync(dir).filter((x) => /^\d\d-.*\.md$/.test(x))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const fm = YAML.parse(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]) as { id: string };
    const after = text.slice(text.indexOf('<!-- solution -->'));
    const blocks = [...after.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    out.set(fm.id, blocks.join('\n'));
  }
  return out;
}

function writeCredentials(file: string, profiles: Map<string, Credentials>): void {
  const lines: string[] = ['[default]', `aws_access_key_id = ${ROOT.accessKeyId}`, `aws_secret_access_key = ${ROOT.secretAccessKey}`, ''];
  for (const [name, c] of profiles) lines.push(`[${name}]`, `aws_access_key_id = ${c.accessKeyId}`, `aws_secret_access_key = ${c.secretAccessKey}`, '');
  fs.writeFileSync(file, lines.join('\n'));
}

/**
 * Which CLIs run the solutions: v1 always; Debian's v2 (2.9, which ignores AWS_ENDPOINT_URL) through
 * a shim adding --endpoint-url, as `iam-labs shell` does, when IAM_LABS_TEST_CLI_V2=1 (it doubles the time).
 */
const CLIS = availableClis().filter((c) => c.name === 'v1' || process.env.IAM_LABS_TEST_CLI_V2 === '1');

function shimDir(cli: { bin: string; needsEndpointFlag: boolean }): string | undefined {
  if (!cli.needsEndpointFlag) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-shim-'));
  fs.writeFileSync(path.join(dir, 'aws'), `#!/bin/sh\nexec ${cli.bin} --endpoint-url "$AWS_ENDPOINT_URL" "$@"\n`, { mode: 0o755 });
  return dir;
}

function bash(script: string, cwd: string, shim?: string): Promise<{ code: number; out: string }> {
  const env = {
    PATH: shim ? `${shim}:${process.env.PATH ?? ''}` : (process.env.PATH ?? ''),
    HOME: cwd,
    AWS_CONFIG_FILE: path.join(cwd, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(cwd, 'credentials'),
    AWS_ENDPOINT_URL: emu.endpoint,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe.each(CLIS.flatMap((cli) => Object.keys(labGraders).map((labId) => ({ cli, labId }))))('lab $labId, AWS CLI $cli.name: the chapter solutions', ({ cli, labId }) => {
  it('every step fails before its solution and passes after it', async () => {
    const shim = shimDir(cli);
    emu.emulator.state.reset();
    const profiles = memoryStore<Credentials>();
    const ctx = createLabContext({ endpoint: emu.endpoint, credentials: ROOT, profiles });
    const lab = labGraders[labId];
    await lab.setup(ctx);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `iam-labs-${labId}-`));
    fs.writeFileSync(path.join(dir, 'config'), '[default]\nregion = us-east-1\n');
    writeCredentials(path.join(dir, 'credentials'), profiles.all());
    const scripts = solutions(labId);
    for (const step of lab.steps) {
      const before = await step.check(ctx);
      expect.soft(stepPassed(before), `${step.id} passes before its solution`).toBe(false);
      const script = scripts.get(step.id);
      expect(script, `${step.id} has a solution block`).toBeTruthy();
      const run = await bash(script!, dir, shim);
      expect(run.code, `${step.id} solution failed:\n${script}\n---\n${run.out}`).toBe(0);
      const after = await step.check(ctx);
      expect(stepPassed(after), `${step.id} after its solution:\n${feedbackText(after)}`).toBe(true);
      await step.onPass?.(ctx);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 240_000);
});
