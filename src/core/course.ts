/**
 * The one course loader (docs/lab-format.md): labs/course.md, one folder per lab with a README.md
 * and one Markdown file per step. The runner, the workshop and the course site all read the
 * course through it, so a step looks the same in the terminal and on the site. Every error names
 * the file and the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { parse as ParseYaml } from 'yaml';
import { CourseFormatError, UnknownLabError } from './errors.js';

export const COURSE_FORMAT = 1;
/**
 * The line that starts a step's reference solution. Indentation is allowed: an author who
 * indents it still means "the solution starts here", and showing the answer in the terminal
 * while the site hides it would spoil the step for terminal learners.
 */
const SOLUTION_MARK = /^[ \t]*<!--\s*solution\s*-->[ \t]*$/m;

export interface Step {
  id: string;
  title: string;
  hints: string[];
  /** the task (Markdown), without the solution */
  body: string;
  /** reference solution (Markdown), after `<!-- solution -->` */
  solution?: string;
  /** the step's file (absolute path) */
  file: string;
}

export interface Lab {
  id: string;
  /** "01" */
  number: string;
  /** "users" */
  topic: string;
  title: string;
  summary: string;
  minutes?: number;
  profiles: string[];
  intro: string;
  steps: Step[];
  dir: string;
}

export interface Course {
  dir: string;
  format: number;
  title: string;
  welcome: string;
  finale: string;
  intro: string;
  labs: Lab[];
}

interface Parsed {
  data: Record<string, unknown>;
  body: string;
}

// The YAML parser is ~60 modules: required on the first front matter, not when a command that
// never reads the course (check on a grading host, env, stop…) loads this module.
let yamlParse: typeof ParseYaml | undefined;
const parseYaml: typeof ParseYaml = ((text: string) => (yamlParse ??= (createRequire(import.meta.url)('yaml') as { parse: typeof ParseYaml }).parse)(text)) as typeof ParseYaml;

/** Split `---\nyaml\n---\nbody` (a byte-order mark before the first `---` is ignored). */
export function parseFrontMatter(file: string, text: string): Parsed {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!m) throw new CourseFormatError(`${file}: missing YAML front matter (the file must start with a line '---').`);
  let data: unknown;
  try {
    data = parseYaml(m[1]);
  } catch (e) {
    throw new CourseFormatError(`${file}: front matter is not valid YAML: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new CourseFormatError(`${file}: front matter must be a YAML mapping of fields.`);
  }
  return { data: data as Record<string, unknown>, body: m[2] };
}

function str(file: string, data: Record<string, unknown>, field: string, optional = false): string {
  const v = data[field];
  if (v === undefined || v === null) {
    if (optional) return '';
    throw new CourseFormatError(`${file}: field '${field}' is missing.`);
  }
  if (typeof v !== 'string' || !v.trim()) throw new CourseFormatError(`${file}: field '${field}' must be a non-empty string.`);
  return v.trim();
}

function strList(file: string, data: Record<string, unknown>, field: string, optional = false): string[] {
  const v = data[field];
  if (v === undefined || v === null) {
    if (optional) return [];
    throw new CourseFormatError(`${file}: field '${field}' is missing.`);
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x.trim())) {
    throw new CourseFormatError(`${file}: field '${field}' must be a list of non-empty strings.`);
  }
  return v.map((x: string) => x.trim());
}

function readText(file: string, shown: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CourseFormatError(`${shown}: not found.`);
    throw new CourseFormatError(`${shown}: cannot be read (${code ?? (e as Error).message}).`);
  }
}

/** A step's Markdown split at the solution marker: the task, and the reference solution if any. */
export function splitSolution(body: string): { task: string; solution?: string } {
  const parts = body.split(SOLUTION_MARK);
  return { task: parts[0].trim(), solution: parts.length > 1 ? parts.slice(1).join('\n').trim() : undefined };
}

const rel = (dir: string, file: string) => path.relative(path.dirname(dir), file) || file;

/**
 * What the course's Markdown files are now (names, sizes, modification times): an author may edit
 * the course while a lab runs, and a parsed course is reused only while this stays the same.
 */
export function courseSignature(dir: string): string {
  let sig = '';
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    if (!f.endsWith('.md')) continue;
    const st = fs.statSync(path.join(dir, f));
    sig += `${f}:${st.size}:${st.mtimeMs};`;
  }
  return sig;
}

/**
 * The course, from `cacheFile` when the course's files have not changed since it was written
 * (parsing every chapter's front matter is most of a short command's time), else parsed and the
 * cache written. The cache is derived data: one that cannot be read or does not match is simply
 * replaced, and one that cannot be written costs only time. `signature`: courseSignature(dir),
 * when the caller has just read it.
 */
export function loadCourseCached(dir: string, cacheFile: string, signature = courseSignature(dir)): Course {
  const sig = `${COURSE_FORMAT}\0${path.resolve(dir)}\0${signature}`;
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { sig?: unknown; course?: Course };
    if (cached.sig === sig && cached.course) return cached.course;
  } catch {
    // no cache yet, or an unreadable one: parse the course below
  }
  const course = loadCourse(dir);
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ sig, course }), { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
  } catch {
    // a read-only state folder: the next command parses the course again
  }
  return course;
}

export function loadCourse(dir: string): Course {
  const courseFile = path.join(dir, 'course.md');
  const shown = (f: string) => rel(dir, f);
  const { data, body } = parseFrontMatter(shown(courseFile), readText(courseFile, shown(courseFile)));
  const format = data.format;
  if (format !== COURSE_FORMAT) {
    throw new CourseFormatError(`${shown(courseFile)}: field 'format' must be ${COURSE_FORMAT} (found ${JSON.stringify(format)}).`);
  }
  const labIds = strList(shown(courseFile), data, 'labs');
  const seenSteps = new Map<string, string>();
  const labs = labIds.map((id) => loadLab(dir, id, shown, seenSteps));
  return {
    dir,
    format: COURSE_FORMAT,
    title: str(shown(courseFile), data, 'title'),
    welcome: str(shown(courseFile), data, 'welcome', true),
    finale: str(shown(courseFile), data, 'finale', true),
    intro: body.trim(),
    labs,
  };
}

function loadLab(courseDir: string, id: string, shown: (f: string) => string, seenSteps: Map<string, string>): Lab {
  const m = /^(\d{2})-([a-z0-9-]+)$/.exec(id);
  if (!m) throw new CourseFormatError(`${shown(path.join(courseDir, 'course.md'))}: field 'labs' has '${id}', which is not NN-topic.`);
  const dir = path.join(courseDir, id);
  const readme = path.join(dir, 'README.md');
  const { data, body } = parseFrontMatter(shown(readme), readText(readme, shown(readme)));
  const labId = str(shown(readme), data, 'id');
  if (labId !== id) throw new CourseFormatError(`${shown(readme)}: field 'id' is '${labId}' but the folder is '${id}'.`);
  const minutes = data.minutes;
  if (minutes !== undefined && (typeof minutes !== 'number' || minutes <= 0)) {
    throw new CourseFormatError(`${shown(readme)}: field 'minutes' must be a positive number.`);
  }
  const stepFiles = fs
    .readdirSync(dir)
    .filter((f) => /^\d{2}-.*\.md$/.test(f))
    .sort();
  if (!stepFiles.length) throw new CourseFormatError(`${shown(dir)}: no step files (NN-name.md).`);
  const steps = stepFiles.map((f) => loadStep(path.join(dir, f), shown, seenSteps));
  return {
    id,
    number: m[1],
    topic: m[2],
    title: str(shown(readme), data, 'title'),
    summary: str(shown(readme), data, 'summary'),
    minutes: minutes as number | undefined,
    profiles: strList(shown(readme), data, 'profiles', true),
    intro: body.trim(),
    steps,
    dir,
  };
}

function loadStep(file: string, shown: (f: string) => string, seenSteps: Map<string, string>): Step {
  const { data, body } = parseFrontMatter(shown(file), readText(file, shown(file)));
  const id = str(shown(file), data, 'id');
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(id) || /\/\d/.test(id)) {
    throw new CourseFormatError(`${shown(file)}: field 'id' '${id}' must look like topic/step-name (lower case, no numbers first).`);
  }
  const earlier = seenSteps.get(id);
  if (earlier) throw new CourseFormatError(`${shown(file)}: field 'id' '${id}' is already used by ${earlier}.`);
  seenSteps.set(id, shown(file));
  const hints = strList(shown(file), data, 'hints');
  if (!hints.length) throw new CourseFormatError(`${shown(file)}: field 'hints' needs at least one hint.`);
  const { task, solution } = splitSolution(body);
  return { id, title: str(shown(file), data, 'title'), hints, body: task, solution, file };
}

/** `03`, `roles`, `03-roles` (and `3`) → the lab; else UnknownLabError listing the valid ones. */
export function resolveLab(course: Course, query: string): Lab {
  const q = query.trim().toLowerCase();
  const found = course.labs.find(
    (l) => l.id === q || l.topic === q || l.number === q || (/^\d$/.test(q) && l.number === `0${q}`),
  );
  if (found) return found;
  throw new UnknownLabError(
    `there is no lab '${query}'.`,
    2,
    `Valid labs:\n${course.labs.map((l) => `  ${l.id.padEnd(14)} ${l.title}`).join('\n')}\n(you can also type just the number, e.g. ${course.labs[0]?.number ?? '01'}, or the topic, e.g. ${course.labs[0]?.topic ?? 'users'})`,
  );
}

/** The lab a step id belongs to. */
export function labOfStep(course: Course, stepId: string): Lab | undefined {
  return course.labs.find((l) => l.steps.some((s) => s.id === stepId));
}
