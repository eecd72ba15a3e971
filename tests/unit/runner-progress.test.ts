import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../src/core/errors.js';
import { withLock } from '../../src/runner/lock.js';
import { ProgressStore } from '../../src/runner/progress.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-progress-'));

describe('progress store', () => {
  it('starts empty, records passes keyed by step id, and facts', async () => {
    const store = new ProgressStore(path.join(tmp(), 'progress.json'));
    expect(store.read().steps).toEqual({});
    const lab = { id: '01-users', steps: ['users/create-user', 'users/access-key'] };
    const first = await store.recordCheck(
      lab,
      [
        { id: 'users/create-user', passed: true },
        { id: 'users/access-key', passed: false },
      ],
      { 'users/access-key:key': 'AKIAEXAMPLE' },
    );
    expect(first).toEqual({ firsts: ['users/create-user'], completedLab: false });
    const again = await store.recordCheck(lab, [{ id: 'users/create-user', passed: false }]);
    expect(again).toEqual({ firsts: [], completedLab: false });
    const p = store.read();
    expect(p.steps['users/create-user'].attempts).toBe(2);
    // forward only: the latest verdict fails, the pass is kept
    expect(p.steps['users/create-user'].passedAt).toMatch(/^\d{4}-/);
    expect(p.steps['users/create-user'].last?.passed).toBe(false);
    expect(p.steps['users/access-key'].passedAt).toBeUndefined();
    expect(p.facts['users/access-key:key']).toBe('AKIAEXAMPLE');
  });

  it('forgetLab drops the lab’s steps and facts, not other labs’', async () => {
    const store = new ProgressStore(path.join(tmp(), 'progress.json'));
    await store.recordCheck({ id: '01-users', steps: ['users/create-user'] }, [{ id: 'users/create-user', passed: true }, { id: 'groups/create-group', passed: true }], { 'users/x': '1', 'groups/y': '2' });
    await store.forgetLab('01-users', ['users/create-user']);
    const p = store.read();
    expect(Object.keys(p.steps)).toEqual(['groups/create-group']);
    expect(p.facts).toEqual({ 'groups/y': '2' });
  });

  it('a corrupt file is reported, kept aside, never silently reset', async () => {
    const dir = tmp();
    const file = path.join(dir, 'progress.json');
    fs.writeFileSync(file, '{"format":1,"steps":{');
    const store = new ProgressStore(file);
    expect(() => store.read()).toThrow(CorruptFileError);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('progress.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0]), 'utf8')).toBe('{"format":1,"steps":{');
    // the next run starts empty, the old bytes stay in the kept file
    expect(store.read().steps).toEqual({});
  });

  it('a file of the wrong shape is corrupt too', () => {
    const file = path.join(tmp(), 'progress.json');
    fs.writeFileSync(file, JSON.stringify({ format: 99 }));
    expect(() => new ProgressStore(file).read()).toThrow(/could not be read \(unexpected content/);
  });

  it('concurrent writers in separate processes lose no update', async () => {
    const file = path.join(tmp(), 'progress.json');
    const mod = path.resolve('src/runner/progress.ts');
    const script = `
      const { ProgressStore } = await import(${JSON.stringify(mod)});
      const s = new ProgressStore(${JSON.stringify(file)});
      for (let i = 0; i < 15; i++) await s.recordCheck({ id: '99-toy', steps: ['toy/step'] }, [{ id: 'toy/step', passed: false }], { ['toy/w' + process.pid + '-' + i]: 'x' });
    `;
    const writers = Array.from({ length: 4 }, () =>
      new Promise<number>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
        c.on('exit', (code) => resolve(code ?? 1));
      }),
    );
    expect(await Promise.all(writers)).toEqual([0, 0, 0, 0]);
    const p = new ProgressStore(file).read();
    expect(p.steps['toy/step'].attempts).toBe(60);
    expect(Object.keys(p.facts)).toHaveLength(60);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);

  it('a lock left by a dead process is taken over once stale', async () => {
    const file = path.join(tmp(), 'progress.json');
    const lock = `${file}.lock`;
    fs.mkdirSync(lock); // what a killed runner leaves: a lock nobody refreshes any more
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    const started = Date.now();
    expect(await withLock(file, () => 'got it')).toBe('got it');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a fresh lock is waited for, not broken', async () => {
    const file = path.join(tmp(), 'progress.json');
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = withLock(file, () => new Promise<void>((r) => (releaseFirst = () => (order.push('first'), r()))));
    await new Promise((r) => setTimeout(r, 50));
    const second = withLock(file, () => void order.push('second'));
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]); // the second waits for the first
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });
});
