/**
 * The course site: built from the fixture course (always) and from labs/ (when the real course
 * is there), every lab and step appears, every internal link resolves to a page and an anchor,
 * and the page carries no external resource.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite, labPageName, stepAnchor, type BuiltSite } from '../../src/site/build.js';
import { checkSiteLinks } from '../../src/site/check-links.js';

const root = join(import.meta.dirname, '..', '..');
const fixtureLabs = join(root, 'tests', 'fixtures', 'site-course', 'labs');
const realLabs = join(root, 'labs');
const hasRealCourse = existsSync(join(realLabs, 'course.md'));

function build(labsDir: string): BuiltSite {
  const outDir = join(mkdtempSync(join(tmpdir(), 'iam-labs-site-')), 'site');
  return buildSite({ labsDir, outDir, docsDir: join(root, 'docs'), rootDir: root });
}

function expectCompleteSite(site: BuiltSite): void {
  const index = readFileSync(join(site.outDir, 'index.html'), 'utf8');
  expect(site.course.labs.length).toBeGreaterThan(0);
  for (const lab of site.course.labs) {
    const page = labPageName(lab);
    expect(site.pages).toContain(page);
    expect(index).toContain(`href="${page}"`);
    const html = readFileSync(join(site.outDir, page), 'utf8');
    expect(html).toContain(`<h1>${escapeText(lab.title)}</h1>`);
    expect(lab.steps.length).toBeGreaterThan(0);
    for (const step of lab.steps) {
      const anchor = stepAnchor(step.id);
      expect(index, `index links to ${step.id}`).toContain(`href="${page}#${anchor}"`);
      const section = sectionOf(html, anchor);
      expect(section, `section for ${step.id}`).toContain(escapeText(step.title));
      expect(section).toContain(`<code>${step.id}</code>`);
      expect(count(section, '<details class="hint">')).toBe(step.hints.length);
      expect(count(section, '<details class="solution">')).toBe(step.solution?.trim() ? 1 : 0);
    }
  }
  const { checked, broken } = checkSiteLinks(site.outDir);
  expect(broken).toEqual([]);
  expect(checked).toBeGreaterThan(site.course.labs.length);
  for (const page of site.pages) {
    const html = readFileSync(join(site.outDir, page), 'utf8');
    // No external resource: no src= at all, no stylesheet links, no @import or url() to the web.
    expect(html, page).not.toMatch(/\ssrc="/);
    expect(html, page).not.toMatch(/<link[^>]+rel="stylesheet"/);
    expect(html, page).not.toMatch(/@import|url\(\s*['"]?https?:/);
  }
}

describe('course site from the fixture course', () => {
  const site = build(fixtureLabs);

  it('has an index, a page per lab with every step, and no broken internal link', () => {
    expect(site.pages).toEqual(expect.arrayContaining(['index.html', '01-alpha.html', '02-beta.html']));
    expectCompleteSite(site);
  });

  it('turns links between course files into links between pages', () => {
    const index = readFileSync(join(site.outDir, 'index.html'), 'utf8');
    expect(index).toContain('<a href="01-alpha.html">the first lab</a>');
    expect(index).toContain('<a href="02-beta.html#step-beta-bucket-policy">the second step of lab 02</a>');
    const beta = readFileSync(join(site.outDir, '02-beta.html'), 'utf8');
    expect(beta).toContain('<a href="01-alpha.html#step-alpha-create-user">first step</a>');
    expect(beta).toContain('<a href="02-beta.html#step-beta-fix-policy">previous step</a>');
    expect(beta).toContain('rel="noopener noreferrer">AWS documentation</a>');
  });

  it('highlights policy JSON and shell, with copy buttons that leave out prompts', () => {
    const alpha = readFileSync(join(site.outDir, '01-alpha.html'), 'utf8');
    expect(alpha).toContain('<span class="tok-key">&quot;UserName&quot;</span>');
    expect(alpha).toContain('<span class="tok-command">aws</span>');
    expect(alpha).toContain('<span class="tok-option">--user-name</span>');
    expect(alpha).toContain('<span class="tok-comment"># paste yours</span>');
    // the console block in the solution: the copy text is the command without "$ " or output
    expect(alpha).toContain('data-copy="aws iam create-user --user-name Samy"');
    const beta = readFileSync(join(site.outDir, '02-beta.html'), 'utf8');
    // a code block without a language that parses as JSON is highlighted as JSON
    expect(beta).toMatch(/<div class="code code-json">[\s\S]*?<span class="tok-key">&quot;Version&quot;<\/span>/);
  });

  it('collapses hints and the solution, and links labs in order', () => {
    const alpha = readFileSync(join(site.outDir, '01-alpha.html'), 'utf8');
    expect(alpha).toContain('<details class="hint"><summary>Hint 1 of 3</summary>');
    expect(alpha).not.toMatch(/<details class="(hint|solution)" open/);
    expect(sectionOf(alpha, 'step-alpha-create-user')).toMatch(/<details class="solution">[\s\S]*create-user/);
    expect(alpha).toContain('class="next" href="02-beta.html"');
    expect(alpha).not.toContain('class="prev"');
    const beta = readFileSync(join(site.outDir, '02-beta.html'), 'utf8');
    expect(beta).toContain('class="prev" href="01-alpha.html"');
    // the "Common mistake" headings of two steps on one page get different ids
    expect(alpha).toContain('id="step-alpha-create-user-common-mistake"');
    expect(alpha).toContain('id="step-alpha-access-key-common-mistake"');
  });

  it('builds through `npm run docs` options and reports what it built', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'iam-labs-site-cli-')), 'site');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build-site.ts'), '--labs', fixtureLabs, '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Built \d+ pages \(2 labs, 4 steps\)/);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('names the file and field when the course cannot be read', () => {
    expect(() => build(join(root, 'tests', 'fixtures', 'site-course'))).toThrow(/course\.md: not found/);
  });
});

describe.skipIf(!hasRealCourse)('course site from labs/', () => {
  it('has every lab and step of the real course and no broken internal link', () => {
    const site = build(realLabs);
    expectCompleteSite(site);
  });
});
if (!hasRealCourse) console.warn('site.test: labs/course.md not found; the real course was NOT built (only the fixture).');

function sectionOf(html: string, anchor: string): string {
  const start = html.indexOf(`<section class="step" id="${anchor}"`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</section>', start));
}

function count(s: string, needle: string): number {
  return s.split(needle).length - 1;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

describe('highlighting and copy text', () => {
  it('escapes HTML everywhere and keys apart from string values in JSON', async () => {
    const { highlightJson, highlightShell } = await import('../../src/site/highlight.js');
    expect(highlightJson('{"a\\"b": "<x>", "n": -1.5e3, "t": true}')).toBe(
      '<span class="tok-punct">{</span><span class="tok-key">&quot;a\\&quot;b&quot;</span>: <span class="tok-string">&quot;&lt;x&gt;&quot;</span><span class="tok-punct">,</span> ' +
        '<span class="tok-key">&quot;n&quot;</span>: <span class="tok-number">-1.5e3</span><span class="tok-punct">,</span> <span class="tok-key">&quot;t&quot;</span>: <span class="tok-literal">true</span><span class="tok-punct">}</span>',
    );
    expect(highlightShell('echo "<b>" > out.txt')).not.toContain('<b>');
  });

  it('copies commands with their continuations but not prompts or output', async () => {
    const { copyText, highlightShell } = await import('../../src/site/highlight.js');
    const block = '$ aws iam create-user \\\n    --user-name Samy\n{\n  "User": {}\n}\n$ aws iam list-users';
    expect(copyText('shell', block)).toBe('aws iam create-user \\\n    --user-name Samy\naws iam list-users');
    expect(highlightShell(block)).toContain('<span class="tok-output">{</span>');
    // without prompts the block is copied as written
    expect(copyText('shell', 'aws s3 ls\naws s3 cp a b')).toBe('aws s3 ls\naws s3 cp a b');
    expect(copyText('json', '{"a": 1}')).toBe('{"a": 1}');
  });

  it('marks the command word after pipes, && and variable assignments', async () => {
    const { highlightShell } = await import('../../src/site/highlight.js');
    const html = highlightShell('AWS_PROFILE=samy aws sts get-caller-identity | jq .Arn && echo $HOME');
    expect(html).toContain('<span class="tok-variable">AWS_PROFILE=samy</span> <span class="tok-command">aws</span>');
    expect(html).toContain('<span class="tok-command">jq</span>');
    expect(html).toContain('<span class="tok-command">echo</span> <span class="tok-variable">$HOME</span>');
  });
});

describe('here-documents in shell blocks', () => {
  it('highlights a policy written with cat <<EOF as JSON, and $(…) as a command', async () => {
    const { highlightShell } = await import('../../src/site/highlight.js');
    const html = highlightShell(
      "ACCOUNT=$(aws sts get-caller-identity --query Account --output text)\ncat > p.json <<'EOF'\n{\"Version\": \"2012-10-17\"}\nEOF\naws iam create-policy --policy-document file://p.json",
    );
    expect(html).toContain('<span class="tok-variable">$(</span><span class="tok-command">aws</span>');
    expect(html).toContain('<span class="tok-key">&quot;Version&quot;</span>');
    expect(html.split('\n')).toHaveLength(5);
    expect(html.split('\n')[3]).toBe('EOF');
    expect(html.split('\n')[4]).toContain('<span class="tok-command">aws</span>');
    // a here-string (<<<) is not a here-document
    expect(highlightShell('cat <<< "x"\necho hi')).toContain('<span class="tok-command">echo</span>');
  });
});

describe('copy text of a prompted here-document', () => {
  it('keeps the body and the terminator', async () => {
    const { copyText } = await import('../../src/site/highlight.js');
    expect(copyText('shell', "$ cat > p.json <<'EOF'\n{}\nEOF\n$ ls\np.json")).toBe("cat > p.json <<'EOF'\n{}\nEOF\nls");
  });
});
