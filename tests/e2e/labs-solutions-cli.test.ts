/**
 * The chapters' reference solutions are real: for every lab, seed it, then run each step's
 * solution block (the ```sh after `<!-- solution -->`) with bash (and zsh) and the real AWS CLI (v1) against
 * the embedded emulator — with the lab's own config files, as `iam-labs shell` would, and the
 * built `iam-labs` on PATH (lab 05 makes MFA codes with `iam-labs totp`; lab 06 opens instance
 * shells, which find the lab's session) — and the step's check must pass. Before its solution,
 * each step's check must fail. Lab 06 runs with both CLIs every time.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCourse } from '../../src/core/course.js';
import { labPaths, statePaths, type LabPaths } from '../../src/core/paths.js';
import type { StartedEmulator } from '../../src/emulator/index.js';
import { EMBEDDED_CAPABILITIES } from '../../src/backends/embedded.js';
import { labGraders } from '../../src/graders/index.js';
import { labEnvVars, writeLabShims } from '../../src/runner/aws-cli.js';
import { ensureFreshBuild } from '../helpers/build.js';
import { LabAwsFiles } from '../../src/runner/aws-files.js';
import { writeBackend, writeLabRecord } from '../../src/runner/session.js';
import { checkStep } from '../../src/runner/grading.js';
import { feedbackText } from '../../src/runner/output.js';
import { availableClis, labContext, ROOT, startTestEmulator } from '../helpers/emulator.js';

const course = loadCourse(path.resolve(__dirname, '../../labs'));
let emu: StartedEmulator;
/** a folder with an `iam-labs` that runs this checkout's built CLI, as an installed one would */
const binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-bin-'));

beforeAll(async () => {
  // the aws wrapper runs the built shell guard (dist/runner/shell-guard.js)
  ensureFreshBuild();
  fs.writeFileSync(path.join(binDir, 'iam-labs'), `#!/bin/sh\nexec '${process.execPath}' '${path.resolve(__dirname, '../../bin/iam-labs.js')}' "$@"\n`, { mode: 0o755 });
  emu = await startTestEmulator();
}, 300_000);
afterAll(async () => {
  await emu?.close();
  fs.rmSync(binDir, { recursive: true, force: true });
});

/** Step id → the shell blocks of the step's reference solution (after `<!-- solution -->`), as the course loader reads it. */
function solutions(labId: string): Map<string, string> {
  const lab = course.labs.find((l) => l.id === labId)!;
  return new Map(lab.steps.map((st) => [st.id, [...(st.solution ?? '').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n')]));
}

/**
 * Which CLIs run the solutions: v1 always; Debian's v2 (2.9, which ignores AWS_ENDPOINT_URL) through
 * the shim `iam-labs shell` puts first on PATH, when IAM_LABS_TEST_CLI_V2=1 (it doubles the time).
 */
const CLIS = availableClis();
const runsWith = (cli: { name: string }, labId: string) => cli.name === 'v1' || labId === '06-workloads' || process.env.IAM_LABS_TEST_CLI_V2 === '1';

/**
 * The script in the lab environment `iam-labs shell` gives: its variables, the lab's aws wrapper
 * first on PATH for a CLI that ignores AWS_ENDPOINT_URL (checking this emulator as the recorded
 * backend), and this CLI as `aws` on PATH (an instance shell wraps the first `aws` it finds).
 */
function runScript(shell: string, script: string, home: string, files: LabPaths, labId: string, cli: { bin: string; needsEndpointFlag: boolean }): Promise<{ code: number; out: string }> {
  const cwd = home;
  const real = cli.bin.includes('/') ? cli.bin : (process.env.PATH ?? '').split(':').map((d) => path.join(d, cli.bin)).find((p) => fs.existsSync(p))!;
  const shim = cli.needsEndpointFlag ? path.dirname(writeLabShims(statePaths(home))) : undefined;
  const cliDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-aws-'));
  fs.symlinkSync(fs.realpathSync(real), path.join(cliDir, 'aws'));
  const env = {
    PATH: [shim, cliDir, binDir, process.env.PATH ?? ''].filter(Boolean).join(':'),
    HOME: cwd,
    // the backend and lab records the test writes live here: the aws wrapper and `iam-labs instance-shell` find the emulator through them
    NO_COLOR: '1',
    ...labEnvVars(files, { endpoint: emu.endpoint, region: 'us-east-1', lab: labId }, home),
    ...(shim ? { IAM_LABS_REAL_AWS: fs.realpathSync(real) } : {}),
  };
  return new Promise((resolve) => {
    execFile(shell, ['-e', '-o', 'pipefail', '-c', script], { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, out: `${stdout}${stderr}` });
    });
  });
}

/**
 * The shells the solutions run in: bash, and zsh where it is installed (the default shell on
 * macOS, and one the lab shell keeps), with AWS CLI v1.
 */
const SHELLS = ['bash', ...(fs.existsSync('/usr/bin/zsh') || fs.existsSync('/bin/zsh') ? ['zsh'] : [])];
const runs = CLIS.flatMap((cli) => Object.keys(labGraders).filter((labId) => runsWith(cli, labId)).flatMap((labId) => SHELLS.filter((shell) => shell === 'bash' || cli.name === 'v1').map((shell) => ({ cli, labId, shell }))));

describe.each(runs)('lab $labId, AWS CLI $cli.name, $shell: the chapter solutions', ({ cli, labId, shell }) => {
  it('every step fails before its solution and passes after it', async () => {
    await emu.emulator.state.reset();
    // the lab's own AWS files, written by the code `iam-labs start` uses: seeded profiles land there
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `iam-labs-${labId}-`));
    const paths = labPaths(home, labId);
    const files = new LabAwsFiles(paths, emu.endpoint, 'us-east-1');
    files.init(ROOT);
    // the records `iam-labs start` writes: the running backend, and this lab's account on it
    writeBackend(home, { format: 2, startedAt: new Date().toISOString(), state: 'running', backend: 'embedded', endpoint: emu.endpoint, credentials: ROOT, accountId: '000000000000', region: 'us-east-1', capabilities: EMBEDDED_CAPABILITIES, controlToken: emu.emulator.controlToken, pid: process.pid, instanceId: emu.emulator.instanceId, storeId: 'test', reason: 'test' });
    writeLabRecord(home, { format: 1, lab: labId, accountId: '000000000000', credentials: ROOT, generation: 1, storeId: 'test', backend: 'embedded', seededAt: new Date().toISOString() });
    const { ctx, destroy } = labContext(emu.endpoint, { profiles: files });
    const lab = labGraders[labId];
    await lab.setup(ctx);
    const scripts = solutions(labId);
    const title = (id: string) => course.labs.find((l) => l.id === labId)!.steps.find((st) => st.id === id)!.title;
    for (const step of lab.steps) {
      const before = await checkStep(step, title(step.id), ctx);
      expect.soft(before.passed, `${step.id} passes before its solution`).toBe(false);
      const script = scripts.get(step.id);
      expect(script, `${step.id} has a solution block`).toBeTruthy();
      const run = await runScript(shell, script!, home, paths, labId, cli);
      expect(run.code, `${step.id} solution failed:\n${script}\n---\n${run.out}`).toBe(0);
      const after = await checkStep(step, title(step.id), ctx);
      expect(after.passed, `${step.id} after its solution:\n${feedbackText(after.conditions)}`).toBe(true);
      await step.onPass?.(ctx);
    }
    destroy();
    fs.rmSync(home, { recursive: true, force: true });
  }, 240_000);
});
