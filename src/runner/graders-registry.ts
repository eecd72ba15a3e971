/**
 * Finds the graders for the course: src/graders/index.ts (`labGraders`), or a module named by
 * IAM_LABS_GRADERS (tests point it at the fixture course's graders). Also checks that every step
 * has a grader and every grader a step, naming file and field.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LabGrader } from '../graders/types.js';
import type { Course, Lab } from '../core/course.js';
import { CourseFormatError } from '../core/errors.js';
import type { Env } from '../core/paths.js';

export type GraderRegistry = Record<string, LabGrader>;

export async function loadGraders(env: Env = process.env): Promise<GraderRegistry> {
  // Loaded only when needed. The course's own registry is a literal specifier, so the bundle
  // (scripts/bundle.mjs) keeps it as a chunk of its own; a test's registry is a file named at run time.
  const spec = env.IAM_LABS_GRADERS ? pathToFileURL(path.resolve(env.IAM_LABS_GRADERS)).href : '../graders/index.js';
  let mod: { labGraders?: GraderRegistry; default?: GraderRegistry };
  try {
    mod = (env.IAM_LABS_GRADERS ? await import(spec) : await import('../graders/index.js')) as typeof mod;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && !env.IAM_LABS_GRADERS) return {};
    throw e;
  }
  const reg = mod.labGraders ?? mod.default;
  if (!reg || typeof reg !== 'object') throw new CourseFormatError(`${spec}: does not export 'labGraders'.`);
  return reg;
}

/** The grader of a lab, after checking it pairs one-to-one with the lab's steps. */
export function graderFor(lab: Lab, graders: GraderRegistry): LabGrader {
  const g = graders[lab.id];
  const where = `src/graders/${lab.id}/`;
  if (!g) throw new CourseFormatError(`${path.join(lab.dir, 'README.md')}: field 'id' '${lab.id}' has no grader in ${where}.`);
  const graded = new Set(g.steps.map((s) => s.id));
  for (const step of lab.steps) {
    if (!graded.has(step.id)) throw new CourseFormatError(`${step.file}: field 'id' '${step.id}' has no grader in ${where}.`);
  }
  const ids = new Set(lab.steps.map((s) => s.id));
  for (const s of g.steps) {
    if (!ids.has(s.id)) throw new CourseFormatError(`${where}: step grader '${s.id}' has no step file in ${lab.dir} (field 'id').`);
  }
  return g;
}

export function validateCourseGraders(course: Course, graders: GraderRegistry): void {
  for (const lab of course.labs) graderFor(lab, graders);
  for (const id of Object.keys(graders)) {
    if (!course.labs.some((l) => l.id === id)) {
      throw new CourseFormatError(`src/graders/${id}/: grader for lab '${id}', which labs/course.md (field 'labs') does not list.`);
    }
  }
}
