import pc from 'picocolors';
import { loadCourse } from '../src/core/course.ts';
import { courseDir } from '../src/core/paths.ts';
import { markdownLines } from '../src/runner/screen/markdown.ts';
const course = loadCourse(courseDir({}));
const rows = course.labs.flatMap((l) => l.steps.map((s, i) => ({ lab: l.number, n: i + 1, id: s.id, lines: markdownLines(s.body, 80, pc.createColors(true)).length })));
rows.sort((a, b) => b.lines - a.lines);
console.log(rows.slice(0, 5));
