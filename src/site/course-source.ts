/**
 * The course as the site shows it, read with the one course loader (core/course.ts): the same
 * validation, the same task/solution split as the terminal, mapped to what the templates need.
 */
import path from 'node:path';
import { loadCourse } from '../core/course.js';

export interface SiteStep {
  id: string;
  title: string;
  hints: string[];
  /** Markdown before the `<!-- solution -->` line */
  task: string;
  /** Markdown after it, or undefined when the step has none */
  solution?: string;
  /** file name inside the lab folder, e.g. 01-create-user.md */
  file: string;
}

export interface SiteLab {
  id: string;
  title: string;
  summary: string;
  minutes?: number;
  profiles: string[];
  intro: string;
  steps: SiteStep[];
}

export interface SiteCourse {
  title: string;
  welcome: string;
  finale: string;
  intro: string;
  labs: SiteLab[];
}

/** Throws CourseFormatError, naming the file and the field, where the course is not valid. */
export function loadSiteCourse(labsDir: string): SiteCourse {
  const course = loadCourse(labsDir);
  return {
    title: course.title,
    welcome: course.welcome,
    finale: course.finale,
    intro: course.intro,
    labs: course.labs.map((lab) => ({
      id: lab.id,
      title: lab.title,
      summary: lab.summary,
      minutes: lab.minutes,
      profiles: lab.profiles,
      intro: lab.intro,
      steps: lab.steps.map((s) => ({ id: s.id, title: s.title, hints: s.hints, task: s.body, solution: s.solution, file: path.basename(s.file) })),
    })),
  };
}
