/**
 * `iam-labs dev new <lab> <step>`: the step Markdown it writes loads with the runner's course
 * loader, its grader is registered and paired with the step, the untouched template does not
 * pass (check fails, solve refuses), and once check and solve are filled in, the dev-check
 * sequence (setup → check fails → solve → check passes) succeeds against the embedded emulator.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devNewCommand, registerStep } from '../../src/runner/commands/dev-new.js';
import { loadCourse, resolveLab } from '../../src/core/course.js';
import { graderFor } from '../../src/runner/graders-registry.js';
import type { BackendHandle } from '../../src/backends/types.js';
import type { Lab } from '../../src/core/course.js';
import type { LabGrader, StepGrader } from '../../src/graders/types.js';
import { devCheckLab, startPrivateBackend, type DevFinding } from '../../src/runner/dev-check.js';
import { stepPassed } from '../../src/runner/grading.js';
import { labContext } from '../helpers/emulator.js';

const root = join(import.meta.dirname, '..', '..');
// Inside the repository (gitignored), so the copied graders resolve node_modules.
const base = join(root, '.iam-labs-test');
mkdirSync(base, { recursive: true });
const work = mkdtempSync(join(base, 'dev-new-'));
const labsDir = join(work, 'labs');
const gradersDir = join(work, 'src', 'graders');

const quiet = () =>
  new Writable({
    write(chunk, _e, cb) {
      text += String(chunk);
      cb();
    },
  });
let text = '';

function writeCourse(): void {
  mkdirSync(join(labsDir, '01-widgets'), { recursive: true });
  writeFileSync(join(labsDir, 'course.md'), '---\nformat: 1\ntitle: Dev course\nlabs: [01-widgets]\n---\nA course for the dev new test.\n');
  writeFileSync(
    join(labsDir, '01-widgets', 'README.md'),
    '---\nid: 01-widgets\ntitle: Widgets\nsummary: A lab for the test.\n---\nIntro.\n',
  );
  writeFileSync(
    join(labsDir, '01-widgets', '01-first.md'),
    '---\nid: widgets/first\ntitle: First\nhints: [one]\n---\nDo the first thing.\n',
  );
  // The graders' shared modules, copied so the generated file's imports (../types.js …) resolve.
  cpSync(join(root, 'src'), join(work, 'src'), { recursive: true, filter: (p) => !/[\\/]graders[\\/]\d\d-/.test(p) });
  mkdirSync(join(gradersDir, '01-widgets'), { recursive: true });
  writeFileSync(
    join(gradersDir, '01-widgets', 'first.ts'),
    [
      "import { CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';",
      "import { fact } from '../conditions.js';",
      "import { defineStep } from '../types.js';",
      '',
      'export const first = defineStep({',
      "  id: 'widgets/first',",
      '  async check(ctx) {',
      "    const user = await ctx.clients.iam.send(new GetUserCommand({ UserName: 'Widget' })).catch(() => undefined);",
      "    return [fact(!!user, 'user Widget exists', 'a user named Widget', user ? 'user Widget' : 'no user Widget', 'Create it.')];",
      '  },',
      '  async solve(ctx) {',
      "    await ctx.clients.iam.send(new CreateUserCommand({ UserName: 'Widget' }));",
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(gradersDir, '01-widgets', 'index.ts'),
    "/** The test lab. */\nimport { defineLab } from '../types.js';\nimport { first } from './first.js';\n\nexport const lab = defineLab({ id: '01-widgets', setup: async () => {}, steps: [first] });\n",
  );
}

describe('iam-labs dev new', () => {
  let backend: BackendHandle;

  /** `iam-labs dev check`'s own sequence for one lab, on its own private embedded backend. */
  async function devCheck(lab: Lab, grader: LabGrader): Promise<DevFinding[]> {
    const findings: DevFinding[] = [];
    await devCheckLab(lab, grader, backend, (f) => findings.push(f));
    return findings;
  }
  beforeAll(async () => {
    writeCourse();
    backend = await startPrivateBackend('embedded', { home: work, env: process.env });
  });
  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes the next step file and a registered grader that pairs with it', async () => {
    const r = await devNewCommand('widgets', 'make-gadget', { courseDir: labsDir, gradersDir, out: quiet() });
    expect(r.stepId).toBe('widgets/make-gadget');
    expect(r.stepFile).toBe(join(labsDir, '01-widgets', '02-make-gadget.md'));
    expect(r.graderFile).toBe(join(gradersDir, '01-widgets', 'make-gadget.ts'));
    expect(r.registered).toBe(true);
    expect(text).toContain('iam-labs dev check 01');

    const course = loadCourse(labsDir);
    const lab = resolveLab(course, '01');
    expect(lab.steps.map((s) => s.id)).toEqual(['widgets/first', 'widgets/make-gadget']);
    const added = lab.steps[1];
    expect(added.hints).toHaveLength(3);
    expect(added.solution).toContain('aws iam');

    const index = readFileSync(join(gradersDir, '01-widgets', 'index.ts'), 'utf8');
    expect(index).toContain("import { makeGadget } from './make-gadget.js';");
    expect(index).toContain('steps: [first, makeGadget]');
  });

  it('refuses a taken id, a number-first or oddly cased name, and a foreign topic', async () => {
    await expect(devNewCommand('01', 'make-gadget', { courseDir: labsDir, gradersDir, out: quiet() })).rejects.toThrow(/already used by/);
    await expect(devNewCommand('01', '2nd-step', { courseDir: labsDir, gradersDir, out: quiet() })).rejects.toThrow(/cannot be a step name/);
    await expect(devNewCommand('01', 'MakeThing', { courseDir: labsDir, gradersDir, out: quiet() })).rejects.toThrow(/cannot be a step name/);
    await expect(devNewCommand('01', 'users/thing', { courseDir: labsDir, gradersDir, out: quiet() })).rejects.toThrow(/start with 'widgets\/'/);
    await expect(devNewCommand('07', 'thing', { courseDir: labsDir, gradersDir, out: quiet() })).rejects.toThrow(/there is no lab '07'/);
  });

  it('dev check rejects the untouched template and accepts it once check and solve are written', async () => {
    const course = loadCourse(labsDir);
    const lab = resolveLab(course, '01');
    const file = join(gradersDir, '01-widgets', 'make-gadget.ts');
    const { first } = (await import(pathToFileURL(join(gradersDir, '01-widgets', 'first.ts')).href)) as { first: StepGrader };
    const template = (await import(`${pathToFileURL(file).href}?template`)) as { makeGadget: StepGrader };
    const { ctx } = labContext(backend.info.endpoint);
    const before = await template.makeGadget.check(ctx);
    expect(stepPassed(before)).toBe(false);
    expect(before[0].why).toContain('still has its TODO check');

    const untouched = await devCheck(lab, { id: '01-widgets', setup: async () => {}, steps: [first, template.makeGadget] });
    expect(untouched.find((f) => f.step === 'widgets/first')?.outcome).toBe('ok');
    const rejected = untouched.find((f) => f.step === 'widgets/make-gadget');
    expect(rejected?.outcome).toBe('problem');
    expect(rejected?.detail).toMatch(/TODO: write solve\(\)/);

    // What an author writes: the step is done when user Gadget exists.
    const src = readFileSync(file, 'utf8');
    const filled = src
      .replace("import { failed } from '../conditions.js';", "import { GetUserCommand, CreateUserCommand } from '@aws-sdk/client-iam';\nimport { fact } from '../conditions.js';")
      .replace(/async check\(ctx: LabContext\)[\s\S]*?\n {2}\},\n {2}async solve/, `async check(ctx: LabContext): Promise<Condition[]> {
    const user = await ctx.clients.iam.send(new GetUserCommand({ UserName: 'Gadget' })).catch(() => undefined);
    return [fact(!!user, 'user Gadget exists', 'a user named Gadget', user ? 'user Gadget' : 'no user Gadget', 'Create it.')];
  },
  async solve`)
      .replace(/async solve\(ctx: LabContext\)[\s\S]*?\n {2}\},\n/, `async solve(ctx: LabContext): Promise<void> {
    await ctx.clients.iam.send(new CreateUserCommand({ UserName: 'Gadget' }));
  },
`);
    expect(filled).not.toContain('TODO: write solve');
    writeFileSync(file, filled);

    // The lab's index.ts, as dev new registered it, imported for the first time now.
    const { lab: labGrader } = (await import(pathToFileURL(join(gradersDir, '01-widgets', 'index.ts')).href)) as { lab: LabGrader };
    const grader = graderFor(lab, { '01-widgets': labGrader });
    const findings = await devCheck(lab, grader);
    expect(findings.map((f) => `${f.step}: ${f.check}: ${f.outcome}${f.detail ? ` (${f.detail})` : ''}`)).toEqual([
      'widgets/first: unsolved fails, solution passes: ok',
      'widgets/make-gadget: unsolved fails, solution passes: ok',
    ]);
  });

  it('registers into `steps: someList` too, and leaves unknown shapes alone', () => {
    const f = join(work, 'index-shape.ts');
    writeFileSync(f, "import { defineLab } from '../types.js';\nimport { lab01Steps } from './steps.js';\n\nexport const lab01 = defineLab({ id: '01-users', setup, steps: lab01Steps });\n");
    expect(registerStep(f, 'tagUser', 'tag-user')).toBe(true);
    const out = readFileSync(f, 'utf8');
    expect(out).toContain("import { lab01Steps } from './steps.js';\nimport { tagUser } from './tag-user.js';\n");
    expect(out).toContain('steps: [...lab01Steps, tagUser]');
    writeFileSync(f, 'export const lab = build();\n');
    expect(registerStep(f, 'tagUser', 'tag-user')).toBe(false);
  });
});
