/** The steps of the labs a workshop offers (ids and titles), read from labs/ for the dashboard's columns. */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { courseDir as defaultCourseDir } from '../runner/paths.js';

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


function frontMatter(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, 'utf8');
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  return m ? ((parseYaml(m[1]) as Record<string, unknown>) ?? {}) : {};
}

/** Labs matching the requested ids ("01", "01-users", "users"), in course order. */
export function loadOutline(requested: string[] | undefined, courseDir = defaultCourseDir()): OutlineLab[] {
  const dirs = fs.existsSync(courseDir)
    ? fs.readdirSync(courseDir).filter((d) => /^\d\d-/.test(d) && fs.statSync(path.join(courseDir, d)).isDirectory()).sort()
    : [];
  const wanted = (d: string) =>
    !requested || requested.length === 0 || requested.some((r) => d === r || d.startsWith(`${r}-`) || d.slice(3) === r);
  const unknown = (requested ?? []).filter((r) => !dirs.some((d) => d === r || d.startsWith(`${r}-`) || d.slice(3) === r));
  if (unknown.length) throw new Error(`Unknown lab(s): ${unknown.join(', ')}. This course has: ${dirs.join(', ') || '(none)'}.`);
  return dirs.filter(wanted).map((d) => {
    const dir = path.join(courseDir, d);
    const readme = path.join(dir, 'README.md');
    const title = fs.existsSync(readme) ? String(frontMatter(readme).title ?? d) : d;
    const steps = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .sort()
      .map((f) => {
        const fm = frontMatter(path.join(dir, f));
        return { id: String(fm.id ?? f), title: String(fm.title ?? f), lab: d };
      });
    return { id: d, title, steps };
  });
}
