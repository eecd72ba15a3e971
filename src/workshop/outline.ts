/** The steps of the labs a workshop offers (ids and titles), from the course the runner loads. */
import { loadCourse, resolveLab } from '../core/course.js';
import { courseDir } from '../core/paths.js';

export interface OutlineStep {
  id: string;
  title: string;
  lab: string;
}

export interface OutlineLab {
  id: string;
  title: string;
  steps: OutlineStep[];
}

/** Labs matching the requested ids ("01", "01-users", "users"), in course order; all when none are named. */
export function loadOutline(requested: string[] | undefined, dir = courseDir()): OutlineLab[] {
  const course = loadCourse(dir);
  const wanted = requested?.length ? new Set(requested.map((r) => resolveLab(course, r).id)) : undefined;
  return course.labs
    .filter((l) => !wanted || wanted.has(l.id))
    .map((l) => ({ id: l.id, title: l.title, steps: l.steps.map((s) => ({ id: s.id, title: s.title, lab: l.id })) }));
}
