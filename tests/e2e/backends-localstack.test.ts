/**
 * LocalStack: without Docker, one clear screen (what was tried, what to do instead), fast and
 * without touching testcontainers. The real container test runs only when Docker answers and
 * IAM_LABS_TEST_DOCKER=1; otherwise it says it was skipped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeDocker } from '../../src/backends/docker-probe.js';
import { cleanup, cli, ensureBuilt, newLabHome, session, type Lab } from './runner-helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

describe('localstack without Docker', () => {
  it('start --backend localstack: one screen naming what was tried, suggesting embedded (exit 2)', async () => {
    const sock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-nodocker-')), 'docker.sock');
    const lab = newLabHome({ DOCKER_HOST: `unix://${sock}` });
    const r = await cli(lab, ['start', '01', '--backend', 'localstack']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LocalStack needs a Docker engine, and none answered/);
    expect(r.stderr).toContain(`unix://${sock}: no such socket`);
    expect(r.stderr).toMatch(/--backend embedded/);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(session(lab)).toBeUndefined();
  });
});

const wanted = process.env.IAM_LABS_TEST_DOCKER === '1';
const docker = wanted ? await probeDocker() : undefined;
const runIt = wanted && !!docker?.ok;
if (!runIt) {
  console.log(
    `backends-localstack: container test skipped — ${wanted ? `Docker does not answer (${docker?.attempts.map((a) => `${a.where}: ${a.outcome}`).join('; ')})` : 'set IAM_LABS_TEST_DOCKER=1 to run it'}`,
  );
}

describe.skipIf(!runIt)('localstack in a container', () => {
  let lab: Lab;
  beforeAll(() => {
    lab = newLabHome({ ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) });
  });
  afterAll(() => cleanup(lab), 120_000);

  it('starts, seeds, grades, resets and stops', { timeout: 600_000 }, async () => {
    const r = await cli(lab, ['start', '01', '--backend', 'localstack', '--detach']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(session(lab)?.backend).toBe('localstack');
    expect((await cli(lab, ['check'])).code).toBe(1);
    expect((await cli(lab, ['solve', '01'])).code).toBe(0);
    expect((await cli(lab, ['reset'])).code).toBe(0);
    expect((await cli(lab, ['check'])).code).toBe(1);
    expect((await cli(lab, ['stop'])).code).toBe(0);
  });
});
