/**
 * The live checklist's grading loop (src/runner/live.ts) with gradings the test finishes by hand,
 * so the races a learner hits by chance happen every time: a check asked while a change-triggered
 * grading runs, a burst of change events, the step changing under failures shown with `c`.
 */
import { PassThrough } from 'node:stream';
import pc from 'picocolors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabGrader } from '../../src/graders/types.js';
import type { Course, Lab } from '../../src/core/course.js';
import type { LabResult, StepResult } from '../../src/runner/grading.js';
import type { CommandIO } from '../../src/runner/io.js';
import type { OpenSession } from '../../src/runner/runtime.js';

/** Gradings in flight: each resolves when the test says which steps pass. */
const pending: Array<(r: LabResult) => void> = [];
vi.mock('../../src/runner/runtime.js', () => ({
  gradeLab: vi.fn(() => new Promise<LabResult>((resolve) => pending.push(resolve))),
  seedLab: vi.fn(async () => {}),
}));
vi.mock('../../src/runner/graders-registry.js', () => ({ loadGraders: vi.fn(async () => ({})) }));

const { runLiveChecklist } = await import('../../src/runner/live.js');
const { gradeLab } = await import('../../src/runner/runtime.js');

const LAB: Lab = {
  id: '99-toy',
  number: '99',
  topic: 'toy',
  title: 'Toy',
  summary: '',
  profiles: [],
  intro: '',
  dir: '/nowhere',
  steps: [
    { id: 'one', title: 'Step one', hints: ['h1'], body: 'Do **`one`**.', file: '' },
    { id: 'two', title: 'Step two', hints: ['h2'], body: 'Do two.', file: '' },
  ],
} as unknown as Lab;

function step(id: string, passed: boolean, failing: string): StepResult {
  return {
    id,
    title: id === 'one' ? 'Step one' : 'Step two',
    passed,
    conditions: [{ name: failing, status: passed ? 'passed' : 'failed', passed, expected: 'x', found: 'y' }],
  };
}
const labResult = (onePasses: boolean, twoPasses = false, tag = ''): LabResult => ({
  lab: LAB.id,
  title: LAB.title,
  passed: onePasses && twoPasses,
  steps: [step('one', onePasses, `condition of one${tag}`), step('two', twoPasses, `condition of two${tag}`)],
});

let listener: ((e: { operation: string }) => void) | undefined;
let input: PassThrough;
let out: string;
let io: CommandIO;

function setup(fancy: boolean) {
  input = new PassThrough();
  const output = new PassThrough();
  out = '';
  output.on('data', (d) => (out += String(d)));
  Object.assign(output, { columns: 100, rows: 60 });
  io = { env: {}, out: output, err: output, input, tty: fancy, plain: !fancy, c: pc.createColors(fancy), home: '/nowhere' };
  const open = {
    session: { backend: 'embedded', endpoint: 'http://127.0.0.1:1' },
    handle: {
      onChange: (l: (e: { operation: string }) => void) => {
        listener = l;
        return () => (listener = undefined);
      },
    },
  } as unknown as OpenSession;
  const course = { labs: [LAB], finale: 'done' } as unknown as Course;
  return runLiveChecklist({ io, open, course, lab: LAB, grader: {} as LabGrader, first: labResult(false) });
}

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`never: ${what}; output:\n${out}`);
};
 
const plainText = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const lastScreen = () => plainText(out.slice(out.lastIndexOf('\x1b[2J')));

beforeEach(() => {
  pending.length = 0;
  vi.mocked(gradeLab).mockClear();
});
afterEach(() => {
  input.end();
});

describe('live checklist, --plain', () => {
  it('1 (check) during a change-triggered grading prints the status once the gradings end', async () => {
    const done = setup(false);
    await until('the menu', () => /Choose: 1 check/.test(out));
    listener!({ operation: 'CreateUser' }); // a change: graded after the 150 ms debounce
    await until('a grading running', () => pending.length === 1);
    const mark = out.length;
    input.write('1\n'); // joins the running grading: queued behind it
    listener!({ operation: 'LastUsed' });
    listener!({ operation: 'LastUsed' });
    await new Promise((r) => setTimeout(r, 300)); // past the debounce: still one running, none more
    expect(pending.length).toBe(1);
    pending.shift()!(labResult(false));
    // the queued grading (the check, the later changes: one grading for all of them)
    await until('the queued grading', () => pending.length === 1);
    expect(out.slice(mark)).not.toMatch(/Choose: 1 check/);
    pending.shift()!(labResult(true));
    await until('the menu after the check', () => /Choose: 1 check/.test(out.slice(mark)));
    const after = out.slice(mark);
    // the status (from the last grading), then the menu
    expect(after).toMatch(/✔ step 1 passes: Step one\n[\s\S]* 1\. ✔ done {2}Step one[\s\S]* 2\. ✘ todo {2}Step two \(two\)\n\s+✘ condition of two — not yet[\s\S]*Choose: 1 check/);
    expect(vi.mocked(gradeLab)).toHaveBeenCalledTimes(2);
    expect(out).not.toMatch(/\x1b\[/);
    input.write('5\n');
    expect(await done).toBe(0);
  });

  it('3 (next step) shows the step text without Markdown markers', async () => {
    const done = setup(false);
    await until('the menu', () => /Choose: 1 check/.test(out));
    input.write('3\n');
    input.write('3\n');
    await until('step 1 again', () => /Step 1: Step one\nDo `one`\./.test(out));
    input.write('5\n');
    expect(await done).toBe(0);
  });
});

describe('live checklist, full screen', () => {
  it('shows failed conditions of the latest grading, only for the step they were asked for', async () => {
    const done = setup(true);
    await until('the first screen', () => /keys: c check/.test(out));
    input.write('c');
    await until('the check grading', () => pending.length === 1);
    pending.shift()!(labResult(false, false, ' (first)'));
    await until('failures of step 1', () => /✘ condition of one \(first\) — not yet/.test(lastScreen()));
    expect(lastScreen()).toMatch(/Do one\./); // bold code rendered, no literal ** or backticks

    // the learner fixes step 1: the change grading moves on to step 2, whose failures were not asked for
    listener!({ operation: 'AttachUserPolicy' });
    await until('the change grading', () => pending.length === 1);
    pending.shift()!(labResult(true, false, ' (second)'));
    await until('step 1 passing', () => /“Step one” passes!/.test(lastScreen()));
    expect(lastScreen()).toMatch(/▶ {2}2\. ✘ todo/);
    expect(lastScreen()).not.toMatch(/condition of/);

    input.write('c');
    await until('the second check', () => pending.length === 1);
    pending.shift()!(labResult(true, false, ' (third)'));
    await until('failures of step 2', () => /✘ condition of two \(third\) — not yet/.test(lastScreen()));
    expect(lastScreen()).not.toMatch(/\((first|second)\)/);
    input.write('q');
    expect(await done).toBe(0);
  });
});
