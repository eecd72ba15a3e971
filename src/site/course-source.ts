/**
 * Reads a course folder (docs/lab-format.md) into what the site needs: the course front matter
 * and body, each lab's chapter, and each step split into task and reference solution.
 * The runner has its own, stricter loader; the site only needs to fail clearly on what it
 * cannot render, naming the file and the field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';

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

export class SiteSourceError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'SiteSourceError';
  }
}

const SOLUTION_MARK = /^\s*<!--\s*solution\s*-->\s*$/m;

export function loadSiteCourse(labsDir: string): SiteCourse {
  const coursePath = join(labsDir, 'course.md');
  if (!existsSync(coursePath)) throw new SiteSourceError(coursePath, 'not found (a course needs labs/course.md)');
  const course = readFrontMatter(coursePath, labsDir);
  const labIds = course.data.labs;
  if (!Array.isArray(labIds) || labIds.some((l) => typeof l !== 'string')) {
    throw new SiteSourceError(relative(labsDir, coursePath), "field 'labs' must be a list of lab folder names");
  }
  return {
    title: str(course.data, 'title', coursePath) ?? 'Course',
    welcome: str(course.data, 'welcome', coursePath) ?? '',
    finale: str(course.data, 'finale', coursePath) ?? '',
    intro: course.body,
    labs: (labIds as string[]).map((id) => loadLab(labsDir, id)),
  };
}

function loadLab(labsDir: string, folder: string): SiteLab {
  const dir = join(labsDir, folder);
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) throw new SiteSourceError(join(folder, 'README.md'), 'not found (listed in course.md labs)');
  const fm = readFrontMatter(readme, labsDir);
  const stepFiles = readdirSync(dir)
    .filter((f) => /^\d+.*\.md$/.test(f))
    .sort();
  const minutes = fm.data.minutes;
  const profiles = fm.data.profiles;
  return {
    id: str(fm.data, 'id', readme) ?? folder,
    title: required(fm.data, 'title', readme, labsDir),
    summary: str(fm.data, 'summary', readme) ?? '',
    minutes: typeof minutes === 'number' ? minutes : undefined,
    profiles: Array.isArray(profiles) ? profiles.map(String) : [],
    intro: fm.body,
    steps: stepFiles.map((f) => loadStep(join(dir, f), labsDir)),
  };
}

function loadStep(path: string, labsDir: string): SiteStep {
  const fm = readFrontMatter(path, labsDir);
  const hints = fm.data.hints ?? [];
  if (!Array.isArray(hints)) throw new SiteSourceError(relative(labsDir, path), "field 'hints' must be a list");
  const [task, solution] = splitSolution(fm.body);
  return {
    id: required(fm.data, 'id', path, labsDir),
    title: required(fm.data, 'title', path, labsDir),
    hints: hints.map(String),
    task,
    solution,
    file: path.split(/[\\/]/).pop() ?? path,
  };
}

/** Everything after the `<!-- solution -->` line is the reference solution. */
export function splitSolution(body: string): [string, string | undefined] {
  const m = SOLUTION_MARK.exec(body);
  if (!m) return [body, undefined];
  return [body.slice(0, m.index), body.slice(m.index + m[0].length)];
}

interface FrontMatter {
  data: Record<string, unknown>;
  body: string;
}

function readFrontMatter(path: string, labsDir: string): FrontMatter {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) throw new SiteSourceError(relative(labsDir, path), 'has no front matter (YAML between --- lines at the top)');
  let data: unknown;
  try {
    data = parseYaml(m[1]);
  } catch (e) {
    throw new SiteSourceError(relative(labsDir, path), `front matter is not valid YAML: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new SiteSourceError(relative(labsDir, path), 'front matter must be a YAML mapping');
  }
  return { data: data as Record<string, unknown>, body: text.slice(m[0].length) };
}

function str(data: Record<string, unknown>, field: string, _path: string): string | undefined {
  const v = data[field];
  return typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v);
}

function required(data: Record<string, unknown>, field: string, path: string, labsDir: string): string {
  const v = str(data, field, path);
  if (!v) throw new SiteSourceError(relative(labsDir, path), `field '${field}' is missing`);
  return v;
}
