/**
 * Builds the static course site: index.html (the learning path), one page per lab with its
 * steps, and one page per guide in docs/. Pages are flat files in outDir; CSS and script are
 * inlined, so the site opens from file:// and makes no network request.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadSiteCourse, type SiteCourse, type SiteLab } from './course-source.js';
import { renderMarkdown, slugify } from './markdown.js';
import { guideBody, indexBody, labBody, layout, type NavLink } from './templates.js';

export interface BuildSiteOptions {
  /** the course folder (labs/) */
  labsDir: string;
  /** where the site goes; emptied first */
  outDir: string;
  /** guides to include (docs/); pages only for the names in GUIDES that exist */
  docsDir?: string;
  /** the repository root, so links to its README.md land on the index */
  rootDir?: string;
}

export interface BuiltSite {
  outDir: string;
  /** file names written, relative to outDir */
  pages: string[];
  course: SiteCourse;
}

/** Guides in the order the top bar and the index list them. */
export const GUIDES: { file: string; label: string }[] = [
  { file: 'learners.md', label: 'For learners' },
  { file: 'instructors.md', label: 'For instructors' },
  { file: 'authoring.md', label: 'Writing labs' },
  { file: 'backends.md', label: 'Backends' },
  { file: 'architecture.md', label: 'Architecture' },
  { file: 'emulator-coverage.md', label: 'Emulator coverage' },
  { file: 'lab-format.md', label: 'Lab format' },
];

export function labPageName(lab: SiteLab): string {
  return `${lab.id}.html`;
}

export function stepAnchor(stepId: string): string {
  return `step-${slugify(stepId)}`;
}

export function labNumber(lab: SiteLab): string {
  return /^(\d+)/.exec(lab.id)?.[1] ?? lab.id;
}

export function buildSite(opts: BuildSiteOptions): BuiltSite {
  const labsDir = resolve(opts.labsDir);
  const outDir = resolve(opts.outDir);
  const course = loadSiteCourse(labsDir);
  const guides = opts.docsDir
    ? GUIDES.filter((g) => existsSync(join(opts.docsDir!, g.file))).map((g) => ({ ...g, path: resolve(opts.docsDir!, g.file), href: g.file.replace(/\.md$/, '.html') }))
    : [];
  // The repository's README (what iam-labs is, backends, troubleshooting) is a page too.
  if (opts.rootDir && existsSync(join(opts.rootDir, 'README.md'))) {
    guides.push({ file: 'README.md', label: 'About iam-labs', path: resolve(opts.rootDir, 'README.md'), href: 'readme.html' });
  }

  // Every source file that becomes a page (or a place on one), so Markdown links between
  // course files keep working on the site.
  const targets = new Map<string, string>();
  targets.set(join(labsDir, 'course.md'), 'index.html');
  for (const lab of course.labs) {
    targets.set(join(labsDir, lab.id, 'README.md'), labPageName(lab));
    for (const step of lab.steps) targets.set(join(labsDir, lab.id, step.file), `${labPageName(lab)}#${stepAnchor(step.id)}`);
  }
  for (const g of guides) targets.set(g.path, g.href);
  const rewriterFor = (sourceFile: string) => (href: string) => rewriteLink(href, dirname(sourceFile), targets);

  const nav: NavLink[] = [{ href: 'index.html', label: 'Labs' }, ...guides.slice(0, 4).map((g) => ({ href: g.href, label: g.label }))];
  const pages = new Map<string, string>();
  const siteTitle = course.title;

  pages.set(
    'index.html',
    layout({
      title: siteTitle,
      siteTitle,
      description: course.welcome,
      current: 'index.html',
      nav,
      body: indexBody({
        title: course.title,
        welcome: course.welcome,
        introHtml: renderMarkdown(course.intro, { idPrefix: 'intro-', minDepth: 2, pageTitle: course.title, rewriteLink: rewriterFor(join(labsDir, 'course.md')) }),
        finale: course.finale,
        guides: guides.map((g) => ({ href: g.href, label: pageTitle(g) })),
        labs: course.labs.map((lab) => ({
          href: labPageName(lab),
          number: labNumber(lab),
          title: lab.title,
          summary: lab.summary,
          minutes: lab.minutes,
          steps: lab.steps.map((s) => ({ title: s.title, href: `${labPageName(lab)}#${stepAnchor(s.id)}` })),
        })),
      }),
    }),
  );

  course.labs.forEach((lab, i) => {
    const prev = course.labs[i - 1];
    const next = course.labs[i + 1];
    const readme = join(labsDir, lab.id, 'README.md');
    pages.set(
      labPageName(lab),
      layout({
        title: lab.title,
        siteTitle,
        description: lab.summary,
        current: 'index.html',
        nav,
        wide: true,
        body: labBody({
          number: labNumber(lab),
          labId: lab.id,
          title: lab.title,
          summary: lab.summary,
          minutes: lab.minutes,
          profiles: lab.profiles,
          introHtml: renderMarkdown(lab.intro, { idPrefix: 'intro-', minDepth: 2, pageTitle: lab.title, rewriteLink: rewriterFor(readme) }),
          steps: lab.steps.map((step, n) => {
            const anchor = stepAnchor(step.id);
            const file = join(labsDir, lab.id, step.file);
            const md = (text: string, prefix: string, depth: number) =>
              renderMarkdown(text, { idPrefix: prefix, minDepth: depth, rewriteLink: rewriterFor(file) });
            return {
              anchor,
              number: n + 1,
              id: step.id,
              title: step.title,
              taskHtml: md(step.task, `${anchor}-`, 3),
              hintsHtml: step.hints.map((h, k) => md(h, `${anchor}-hint${k + 1}-`, 4)),
              solutionHtml: step.solution?.trim() ? md(step.solution, `${anchor}-solution-`, 4) : undefined,
            };
          }),
          prev: prev ? { href: labPageName(prev), label: prev.title } : undefined,
          next: next ? { href: labPageName(next), label: next.title } : undefined,
        }),
      }),
    );
  });

  for (const g of guides) {
    const text = readFileSync(g.path, 'utf8');
    pages.set(
      g.href,
      layout({
        title: pageTitle(g),
        siteTitle,
        current: g.href,
        nav,
        body: guideBody({ html: renderMarkdown(text, { idPrefix: '', minDepth: 1, rewriteLink: rewriterFor(g.path) }) }),
      }),
    );
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [name, html] of pages) writeFileSync(join(outDir, name), html);
  return { outDir, pages: [...pages.keys()], course };
}

/** A guide's own first heading, except the README, whose heading is just the project name. */
function pageTitle(g: { file: string; label: string; path: string }): string {
  return g.file === 'README.md' ? g.label : (guideTitle(g.path) ?? g.label);
}

function guideTitle(path: string): string | undefined {
  return /^#\s+(.+)$/m.exec(readFileSync(path, 'utf8'))?.[1]?.trim();
}

/**
 * A link in a course file: external links and same-page anchors stay; a link to another course
 * file becomes that file's page; a link to anything else in the repository (a source file)
 * cannot work on the site, so it becomes "" and the renderer prints plain text.
 */
export function rewriteLink(href: string, fromDir: string, targets: Map<string, string>): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('//')) return undefined;
  const [path, fragment] = href.split('#', 2);
  const target = targets.get(resolve(fromDir, decodeURI(path)));
  if (target === undefined) return '';
  if (fragment && !target.includes('#')) return `${target}#${fragment}`;
  return target;
}
