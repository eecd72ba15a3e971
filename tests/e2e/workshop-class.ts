/**
 * A class for the workshop tests: a workshop server on loopback in its own state folder, and
 * learners on the real course, each with their own home, who `join` it through the built CLI.
 * Everything is stopped and removed after the file's tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startWorkshop, type RunningWorkshop, type WorkshopOptions } from '../../src/workshop/server.js';
import { cli, ensureBuilt, realCourse, type Lab } from './runner-helpers.js';

export interface WorkshopClass {
  /** the server's state folder */
  readonly dir: string;
  readonly ws: RunningWorkshop;
  /** the learners made so far, in order */
  readonly learners: readonly Lab[];
  /** a new learner (not joined yet) */
  learner(): Lab;
  /** `iam-labs workshop join` this class as `name` (exit 0 expected) */
  join(lab: Lab, name: string, ...flags: string[]): Promise<void>;
}

export function workshopClass(options: Omit<WorkshopOptions, 'port' | 'stateDir'> = {}): WorkshopClass {
  let dir = '';
  let ws: RunningWorkshop | undefined;
  const learners: Lab[] = [];
  beforeAll(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-class-'));
    ws = await startWorkshop({ port: 0, stateDir: dir, ...options });
  });
  afterAll(async () => {
    for (const lab of learners) await cli(lab, ['stop']);
    await ws?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    for (const lab of learners) fs.rmSync(lab.home, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get ws() {
      if (!ws) throw new Error('the workshop server is started in beforeAll');
      return ws;
    },
    learners,
    learner() {
      const lab = realCourse();
      learners.push(lab);
      return lab;
    },
    async join(lab, name, ...flags) {
      const r = await cli(lab, ['workshop', 'join', this.ws.endpoint, '--name', name, '--code', this.ws.store.identity.code, ...flags]);
      expect(r.code, r.stderr).toBe(0);
    },
  };
}
