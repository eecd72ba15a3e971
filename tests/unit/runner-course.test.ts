import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCourse, resolveLab } from '../../src/core/course.js';
import { CourseFormatError, UnknownLabError } from '../../src/core/errors.js';
import { graderFor, validateCourseGraders } from '../../src/runner/graders-registry.js';
import type { LabGrader } from '../../src/graders/types.js';
import { loadSiteCourse } from '../../src/site/course-source.js';

const FIXTURE = path.resolve('tests/fixtures/course');

/** a copy of the fixture course we can break */
function copyCourse(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-labs-course-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function edit(file: string, from: string | RegExp, to: string) {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  fs.writeFileSync(file, next);
}

function loadError(dir: string): Error {
  try {
    loadCourse(dir);
  } catch (e) {
    return e as Error;
  }
  throw new Error('loadCourse did not fail');
}

describe('course loader', () => {
  it('loads the fixture course: labs in order, steps in file order, solutions split off', () => {
    const c = loadCourse(FIXTURE);
    expect(c.title).toBe('Toy course');
    expect(c.labs.map((l) => l.id)).toEqual(['01-toy', '02-extra']);
    const lab = c.labs[0];
    expect(lab.number).toBe('01');
    expect(lab.topic).toBe('toy');
    expect(lab.steps.map((s) => s.id)).toEqual(['toy/create-user', 'toy/second-user']);
    expect(lab.steps[0].hints).toHaveLength(3);
    expect(lab.steps[0].body).not.toContain('aws iam create-user --user-name Alpha\n```');
    expect(lab.steps[0].solution).toContain('aws iam create-user --user-name Alpha');
  });

  it('an indented solution marker hides the solution in the terminal and on the site alike', () => {
    const dir = copyCourse();
    edit(path.join(dir, '01-toy', '01-create-user.md'), /^<!-- solution -->$/m, '   <!--  solution  -->  ');
    const step = loadCourse(dir).labs[0].steps[0];
    expect(step.body).not.toContain('solution');
    expect(step.body).not.toContain('aws iam create-user --user-name Alpha\n```');
    expect(step.solution).toContain('aws iam create-user --user-name Alpha');
    const site = loadSiteCourse(dir).labs[0].steps[0];
    expect(site.task).toBe(step.body);
    expect(site.solution).toBe(step.solution);
    expect(site.file).toBe('01-create-user.md');
  });

  it('a byte-order mark before the front matter is not an error', () => {
    const dir = copyCourse();
    const file = path.join(dir, '01-toy', '01-create-user.md');
    fs.writeFileSync(file, `\uFEFF${fs.readFileSync(file, 'utf8')}`);
    expect(loadCourse(dir).labs[0].steps[0].id).toBe('toy/create-user');
  });

  it('names the file and the field: missing title', () => {
    const dir = copyCourse();
    edit(path.join(dir, '01-toy', '01-create-user.md'), /^title: .*$/m, '');
    const e = loadError(dir);
    expect(e).toBeInstanceOf(CourseFormatError);
    expect(e.message).toMatch(/01-toy\/01-create-user\.md: field 'title' is missing/);
  });

  it('names the file and the field: hints not a list', () => {
    const dir = copyCourse();
    edit(path.join(dir, '01-toy', '02-second-user.md'), /hints:\n( {2}- .*\n)+/, 'hints: just one string\n');
    expect(loadError(dir).message).toMatch(/02-second-user\.md: field 'hints' must be a list/);
  });

  it('reports invalid YAML and missing front matter', () => {
    const dir = copyCourse();
    edit(path.join(dir, '01-toy', 'README.md'), 'title: Toy users', 'title: [unclosed');
    expect(loadError(dir).message).toMatch(/01-toy\/README\.md: front matter is not valid YAML/);
    const dir2 = copyCourse();
    fs.writeFileSync(path.join(dir2, '02-extra', '01-gamma.md'), 'no front matter here\n');
    expect(loadError(dir2).message).toMatch(/01-gamma\.md: missing YAML front matter/);
  });

  it('refuses duplicate step ids, naming both files', () => {
    const dir = copyCourse();
    edit(path.join(dir, '02-extra', '01-gamma.md'), 'id: extra/gamma', 'id: toy/create-user');
    expect(loadError(dir).message).toMatch(/01-gamma\.md: field 'id' 'toy\/create-user' is already used by .*01-create-user\.md/);
  });

  it('checks the format version and that a lab id matches its folder', () => {
    const dir = copyCourse();
    edit(path.join(dir, 'course.md'), 'format: 1', 'format: 2');
    expect(loadError(dir).message).toMatch(/course\.md: field 'format' must be 1/);
    const dir2 = copyCourse();
    edit(path.join(dir2, '02-extra', 'README.md'), 'id: 02-extra', 'id: 02-other');
    expect(loadError(dir2).message).toMatch(/02-extra\/README\.md: field 'id' is '02-other' but the folder is '02-extra'/);
  });

  it('pairs steps and graders one to one, naming what is missing', () => {
    const course = loadCourse(FIXTURE);
    const lab = course.labs[0];
    const step = (id: string) => ({ id, check: async () => [], solve: async () => {} });
    const ok: LabGrader = { id: '01-toy', setup: async () => {}, steps: [step('toy/create-user'), step('toy/second-user')] };
    expect(graderFor(lab, { '01-toy': ok })).toBe(ok);
    expect(() => graderFor(lab, {})).toThrow(/README\.md: field 'id' '01-toy' has no grader/);
    const missing: LabGrader = { ...ok, steps: [step('toy/create-user')] };
    expect(() => graderFor(lab, { '01-toy': missing })).toThrow(/02-second-user\.md: field 'id' 'toy\/second-user' has no grader/);
    const extra: LabGrader = { ...ok, steps: [...ok.steps, step('toy/ghost')] };
    expect(() => graderFor(lab, { '01-toy': extra })).toThrow(/step grader 'toy\/ghost' has no step file/);
    expect(() => validateCourseGraders(course, { '01-toy': ok })).toThrow(/02-extra/);
  });
});

describe('lab resolution', () => {
  const course = loadCourse(FIXTURE);
  it.each(['01', '1', 'toy', '01-toy', ' TOY '])('%s → 01-toy', (q) => {
    expect(resolveLab(course, q).id).toBe('01-toy');
  });
  it('an unknown lab lists the valid ones', () => {
    try {
      resolveLab(course, 'roles');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownLabError);
      expect((e as UnknownLabError).message).toMatch(/no lab 'roles'/);
      expect((e as UnknownLabError).hint).toMatch(/01-toy/);
      expect((e as UnknownLabError).hint).toMatch(/02-extra/);
      expect((e as UnknownLabError).exitCode).toBe(2);
    }
  });
});
