/**
 * `iam-labs dev new <lab> <step>`: starts a new step for a course author. Writes the step's
 * Markdown (front matter, task, hints, solution marker) as the next file of the lab, a grader
 * module whose check fails until it is written, and registers that grader in the lab's
 * src/graders/<lab>/index.ts when it can do so safely (else it says which two lines to add).
 * `iam-labs dev check <lab>` then proves the filled-in grader: check fails → solve → check passes.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadCourse, resolveLab } from '../../core/course.js';
import { UsageError } from '../../core/errors.js';
import { courseDir, packageRoot, type Env } from '../../core/paths.js';

export interface DevNewOptions {
  /** the course folder; default labs/ (or IAM_LABS_COURSE_DIR) */
  courseDir?: string;
  /** the graders folder; default src/graders in the package */
  gradersDir?: string;
  /** the step's title; default made from its name */
  title?: string;
  env?: Env;
  out?: NodeJS.WritableStream;
}

export interface DevNewResult {
  stepId: string;
  stepFile: string;
  graderFile: string;
  exportName: string;
  /** true when the lab's grader index was edited to include the new step */
  registered: boolean;
}

const STEP_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export async function devNewCommand(labQuery: string, stepQuery: string, opts: DevNewOptions = {}): Promise<DevNewResult> {
  const out = opts.out ?? process.stdout;
  const labsDir = opts.courseDir ?? courseDir(opts.env ?? process.env);
  const gradersDir = opts.gradersDir ?? join(packageRoot(), 'src', 'graders');
  const course = loadCourse(labsDir);
  const lab = resolveLab(course, labQuery);

  // "tag-user" or "users/tag-user": the part before the slash must be the lab's topic.
  const [prefix, name] = stepQuery.includes('/') ? stepQuery.split('/', 2) : [lab.topic, stepQuery];
  if (prefix !== lab.topic) {
    throw new UsageError(`step ids in lab ${lab.id} start with '${lab.topic}/', not '${prefix}/'.`, 2, `Try: iam-labs dev new ${lab.number} ${name}`);
  }
  if (!STEP_NAME.test(name)) {
    throw new UsageError(
      `'${name}' cannot be a step name: use lower-case words joined by dashes, starting with a letter (e.g. tag-user).`,
      2,
      'Step ids carry no numbers in front: progress is keyed by them, and the file name holds the order.',
    );
  }
  const stepId = `${lab.topic}/${name}`;
  const taken = course.labs.flatMap((l) => l.steps).find((s) => s.id === stepId);
  if (taken) throw new UsageError(`step id '${stepId}' is already used by ${relative(labsDir, taken.file)}.`);

  const numbers = readdirSync(lab.dir)
    .map((f) => /^(\d{2})-.*\.md$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const next = String((numbers.length ? Math.max(...numbers) : 0) + 1).padStart(2, '0');
  const stepFile = join(lab.dir, `${next}-${name}.md`);
  const labGraders = join(gradersDir, lab.id);
  const graderFile = join(labGraders, `${name}.ts`);
  if (existsSync(graderFile)) throw new UsageError(`${graderFile} already exists; pick another step name or remove it.`);
  const exportName = camelCase(name);
  const title = opts.title ?? humanize(name);

  writeFileSync(stepFile, stepTemplate(stepId, title, lab.number), { flag: 'wx' });
  writeFileSync(graderFile, graderTemplate(stepId, title, relative(join(labsDir, '..'), stepFile), lab.id, name, exportName), { flag: 'wx' });
  const registered = registerStep(join(labGraders, 'index.ts'), exportName, name);

  const shown = (f: string) => relative(process.cwd(), f) || f;
  out.write(
    [
      `New step ${stepId} in lab ${lab.id}:`,
      `  ${shown(stepFile)}    the chapter: task, commands, hints, solution`,
      `  ${shown(graderFile)}    the grader: check, solve, mistakes`,
      registered
        ? `  ${shown(join(labGraders, 'index.ts'))}    now lists ${exportName} among the lab's steps`
        : `Register the grader yourself in ${shown(join(labGraders, 'index.ts'))}:\n` +
          `  import { ${exportName} } from './${name}.js';\n  …and add ${exportName} to the lab's steps (after the others).`,
      '',
      `Next: write the Markdown and fill in check() and solve(), then run`,
      `  iam-labs dev check ${lab.number}`,
      `It passes when the step starts unsolved, the solution passes, and every listed mistake fails.`,
      '',
    ].join('\n'),
  );
  return { stepId, stepFile, graderFile, exportName, registered };
}

/**
 * Adds the new grader to the lab's index.ts when the file has one of the two shapes the course
 * uses: `steps: [a, b]` or `steps: someList`. Anything else is left for the author.
 */
export function registerStep(indexFile: string, exportName: string, moduleName: string): boolean {
  if (!existsSync(indexFile)) return false;
  const src = readFileSync(indexFile, 'utf8');
  let updated: string | undefined;
  const literal = /steps:\s*\[([^\]]*)\]/.exec(src);
  const named = /steps:\s*([A-Za-z_$][\w$]*)\b/.exec(src);
  if (literal) {
    const items = literal[1].trim().replace(/,\s*$/, '');
    updated = src.replace(literal[0], `steps: [${items ? `${items}, ` : ''}${exportName}]`);
  } else if (named) {
    updated = src.replace(named[0], `steps: [...${named[1]}, ${exportName}]`);
  }
  if (!updated) return false;
  const imports = [...updated.matchAll(/^import[^;]*;\s*$/gm)];
  const line = `import { ${exportName} } from './${moduleName}.js';\n`;
  if (imports.length) {
    const last = imports[imports.length - 1];
    const at = (last.index ?? 0) + last[0].length;
    updated = `${updated.slice(0, at).replace(/\s*$/, '\n')}${line}${updated.slice(at).replace(/^\n?/, '')}`;
  } else {
    updated = line + updated;
  }
  writeFileSync(indexFile, updated);
  return true;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function humanize(name: string): string {
  const words = name.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function stepTemplate(id: string, title: string, labNumber: string): string {
  return `---
id: ${id}
title: ${JSON.stringify(title)}
hints:
  - "TODO a nudge: which idea this step is about, without naming the command."
  - "TODO the command to look at, e.g. \`aws iam help\`."
  - "TODO almost the answer: the command with its options."
---
TODO: what the learner does in this step and why it matters, in two or three sentences for
someone who has never used IAM.

\`\`\`sh
aws iam TODO-the-command --option value
\`\`\`

What you should see: TODO the output (or the part of it that matters).

Check your work with \`iam-labs check ${labNumber}\`.

## Common mistake

TODO: the mistake people make here, and how the check reports it.

<!-- solution -->
\`\`\`sh
aws iam TODO-the-reference-solution
\`\`\`
`;
}

function graderTemplate(id: string, title: string, stepPath: string, labId: string, name: string, exportName: string): string {
  return `/**
 * Step ${id}: ${title}. The chapter is ${stepPath}.
 * check: what "done" means, as named conditions (expected, found, why); grade effective
 * permissions with Probes (../probes.js) rather than comparing policy JSON.
 * solve: the reference solution the chapter teaches, through ctx.clients.
 * \`iam-labs dev check ${labId.slice(0, 2)}\` runs: setup → check must fail → solve → check must pass,
 * and each mistake → check must fail.
 */
import { failed } from '../conditions.js';
import { defineStep, type Condition, type LabContext } from '../types.js';

export const ${exportName} = defineStep({
  id: '${id}',
  async check(ctx: LabContext): Promise<Condition[]> {
    void ctx;
    // TODO: read the account through ctx.clients (iam, sts, s3) and return one condition per
    // fact, e.g. fact(found, 'user Samy exists', 'a user named exactly Samy', …) from ../conditions.js.
    return [
      failed(
        'grader written',
        'a check for step ${id}',
        'the template from iam-labs dev new',
        'src/graders/${labId}/${name}.ts still has its TODO check.',
      ),
    ];
  },
  async solve(ctx: LabContext): Promise<void> {
    void ctx;
    // TODO: do what the chapter's solution does, through ctx.clients.
    throw new Error('TODO: write solve() in src/graders/${labId}/${name}.ts');
  },
  // One entry per "must fail on" mistake: put the account in the wrong state; the check must fail.
  mistakes: [],
});
`;
}
