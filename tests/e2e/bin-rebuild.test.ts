/**
 * The bin shim in a clone after `git pull`: it rebuilds when the sources changed since the last
 * build, reinstalls when the lockfile changed since the last install, builds once when two
 * terminals start at once, and otherwise runs the build it has without building.
 *
 * The shim (bin/iam-labs.js and bin/build-info.js, copied as they are) runs in a small package
 * of its own whose build (build.mjs) records its sources through bin/build-info.js, as
 * scripts/bundle.mjs does, and writes a main.js that prints which build it is: a real build takes
 * half a minute, and what is tested here is the shim's decision, not the bundler.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './runner-helpers.js';

let dir: string;

const BUILD = `
import fs from 'node:fs';
import { recordSources, writeBuildInfo } from './bin/build-info.js';
const root = process.cwd();
const sources = recordSources(root);
if (process.env.SLOW_BUILD) await new Promise((r) => setTimeout(r, 1500));
fs.appendFileSync('builds.log', 'built\\n');
const n = fs.readFileSync('builds.log', 'utf8').split('\\n').filter(Boolean).length;
fs.mkdirSync('dist/runner', { recursive: true });
fs.writeFileSync('dist/runner/main.js', 'console.log("build ' + n + '");\\n');
writeBuildInfo(root, sources);
`;

function run(env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [path.join(dir, 'bin', 'iam-labs.js')], { cwd: os.tmpdir(), env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const builds = () => fs.readFileSync(path.join(dir, 'builds.log'), 'utf8').split('\n').filter(Boolean).length;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-shim-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  for (const f of ['iam-labs.js', 'build-info.js']) fs.copyFileSync(path.join(ROOT, 'bin', f), path.join(dir, 'bin', f));
  // a local stand-in for commander (the shim's "installed?" test), installable offline
  fs.mkdirSync(path.join(dir, 'vendor', 'commander'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'vendor', 'commander', 'package.json'), JSON.stringify({ name: 'commander', version: '1.0.0' }));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'shim-fixture', version: '1.0.0', type: 'module', private: true, dependencies: { commander: 'file:vendor/commander' }, scripts: { build: 'node build.mjs', prepare: 'node build.mjs' } }),
  );
  fs.writeFileSync(path.join(dir, 'build.mjs'), BUILD);
  fs.mkdirSync(path.join(dir, 'src', 'core'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'core', 'a.ts'), 'export const a = 1;\n');
  const installed = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  expect(installed.status, installed.stderr).toBe(0);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the bin shim', () => {
  it('is executable, as a file on PATH is run (a symlink to it, or a clone used without npx)', () => {
    expect(fs.statSync(path.join(ROOT, 'bin', 'iam-labs.js')).mode & 0o111).toBe(0o111);
  });
});

describe('the bin shim after the clone changed', () => {
  it('runs the build it has when nothing changed', async () => {
    const before = builds();
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`build ${before}`);
    expect(r.stderr).toBe('');
  });

  it('rebuilds once the sources changed (a file added, a file replaced as git does), then not again', { timeout: 60_000 }, async () => {
    const before = builds();
    fs.writeFileSync(path.join(dir, 'src', 'core', 'b.ts'), 'export const b = 2;\n');
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('iam-labs: the sources changed since the last build: building…');
    expect(r.stdout.trim()).toBe(`build ${before + 1}`);
    expect((await run()).stderr).toBe('');

    // git updates a file by removing it and writing it anew
    fs.rmSync(path.join(dir, 'src', 'core', 'a.ts'));
    fs.writeFileSync(path.join(dir, 'src', 'core', 'a.ts'), 'export const a = 3;\n');
    const again = await run();
    expect(again.stdout.trim()).toBe(`build ${before + 2}`);
  });

  it('builds once when two terminals start at the same time', { timeout: 60_000 }, async () => {
    const before = builds();
    fs.mkdirSync(path.join(dir, 'src', 'emulator'));
    const [a, b] = await Promise.all([run({ SLOW_BUILD: '1' }), run({ SLOW_BUILD: '1' })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(builds()).toBe(before + 1);
    expect([a.stdout.trim(), b.stdout.trim()]).toEqual([`build ${before + 1}`, `build ${before + 1}`]);
    expect(a.stderr + b.stderr).toContain('another terminal is building; waiting for it');
    expect(fs.existsSync(path.join(dir, '.iam-labs-build.lock'))).toBe(false);
  });

  it('reinstalls (which builds) when the lockfile changed since the install', { timeout: 120_000 }, async () => {
    const before = builds();
    // as after a pull that brought a new lockfile: it is newer than npm's record of the install
    const installed = path.join(dir, 'node_modules', '.package-lock.json');
    const earlier = new Date(fs.statSync(path.join(dir, 'package-lock.json')).mtimeMs - 10_000);
    fs.utimesSync(installed, earlier, earlier);
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('iam-labs: installing dependencies (npm ci)');
    expect(r.stderr).not.toContain('building…');
    expect(r.stdout.trim()).toBe(`build ${before + 1}`);
    // npm wrote its record of the install after the lockfile: nothing to do next time
    const next = await run();
    expect(next.stderr).toBe('');
  });

  it('a build without its record of the sources (from before builds kept one) counts as changed', { timeout: 60_000 }, async () => {
    const before = builds();
    fs.rmSync(path.join(dir, 'dist', 'build-info.json'));
    const r = await run();
    expect(r.stderr).toContain('the build does not say what it was built from: building…');
    expect(r.stdout.trim()).toBe(`build ${before + 1}`);
  });
});
