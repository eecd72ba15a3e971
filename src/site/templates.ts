/**
 * Page templates: plain functions from data to HTML strings. Every page shares one layout
 * (top bar, inline CSS and script, footer); pages are flat files in the site folder, so every
 * link between them is a bare file name.
 */
import { SITE_CSS, SITE_SCRIPT } from './assets.js';
import { escapeHtml } from './highlight.js';
import { codeBlock, renderInline } from './markdown.js';

export interface NavLink {
  href: string;
  label: string;
}

export interface LayoutInput {
  title: string;
  siteTitle: string;
  description?: string;
  /** which top-nav entry this page is, for aria-current */
  current?: string;
  nav: NavLink[];
  body: string;
  wide?: boolean;
}

export function layout(p: LayoutInput): string {
  const nav = p.nav
    .map((l) => `<a href="${escapeHtml(l.href)}"${l.href === p.current ? ' aria-current="page"' : ''}>${escapeHtml(l.label)}</a>`)
    .join('');
  const title = p.title === p.siteTitle ? p.title : `${p.title} · ${p.siteTitle}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
${p.description ? `<meta name="description" content="${escapeHtml(p.description)}">\n` : ''}<style>${SITE_CSS}</style>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="topbar"><div class="topbar-inner">
<a class="brand" href="index.html"><span class="mark">iam</span>${escapeHtml(p.siteTitle)}</a>
<nav class="topnav" aria-label="Site">${nav}</nav>
</div></header>
<div class="page${p.wide ? '' : ' narrow'}">
${p.body}
</div>
<footer class="site-footer"><div>Built from the course's Markdown by <code>npm run docs</code>. Run a lab with <code>npx iam-labs start 01</code>.</div></footer>
<script>${SITE_SCRIPT}</script>
</body>
</html>
`;
}

export interface IndexLab {
  href: string;
  number: string;
  title: string;
  summary: string;
  minutes?: number;
  steps: { title: string; href: string }[];
}

export interface IndexInput {
  title: string;
  welcome: string;
  introHtml: string;
  finale: string;
  labs: IndexLab[];
  guides: NavLink[];
}

export function indexBody(p: IndexInput): string {
  const labs = p.labs
    .map(
      (l) => `<li>
<h3><a href="${escapeHtml(l.href)}">${escapeHtml(l.title)}</a></h3>
${l.summary ? `<p>${renderInline(l.summary)}</p>` : ''}
<ul class="meta"><li>Lab ${escapeHtml(l.number)}</li><li>${l.steps.length} step${l.steps.length === 1 ? '' : 's'}</li>${
        l.minutes ? `<li>about ${l.minutes} min</li>` : ''
      }</ul>
<details><summary>What you will do</summary><ol>${l.steps
        .map((s) => `<li><a href="${escapeHtml(s.href)}">${escapeHtml(s.title)}</a></li>`)
        .join('')}</ol></details>
</li>`,
    )
    .join('\n');
  const first = p.labs[0]?.number ?? '01';
  const guides = p.guides.length
    ? `<h2 id="guides">Guides</h2><ul>${p.guides.map((g) => `<li><a href="${escapeHtml(g.href)}">${escapeHtml(g.label)}</a></li>`).join('')}</ul>`
    : '';
  return `<main id="content">
<h1>${escapeHtml(p.title)}</h1>
${p.welcome ? `<p class="lead">${renderInline(p.welcome)}</p>` : ''}
<p>To begin, run this in a terminal (you need Node 20 or newer and the AWS CLI):</p>
${codeBlock(`npx iam-labs start ${first}`, 'sh')}
<h2 id="learning-path">Learning path</h2>
<ol class="path">
${labs}
</ol>
${p.introHtml ? `<section class="course-intro">${p.introHtml}</section>` : ''}
${p.finale ? `<h2 id="after-the-course">After the course</h2><p>${renderInline(p.finale)}</p>` : ''}
${guides}
</main>`;
}

export interface LabStepView {
  anchor: string;
  number: number;
  id: string;
  title: string;
  taskHtml: string;
  hintsHtml: string[];
  solutionHtml?: string;
}

export interface LabInput {
  number: string;
  labId: string;
  title: string;
  summary: string;
  minutes?: number;
  profiles: string[];
  introHtml: string;
  steps: LabStepView[];
  prev?: NavLink;
  next?: NavLink;
}

export function labBody(p: LabInput): string {
  const stepsNav = `<aside class="sidebar steps-nav" aria-label="Steps in this lab"><details open>
<summary>Steps in this lab</summary>
<ol><li><a href="#introduction">Introduction</a></li>${p.steps.map((s) => `<li><a href="#${s.anchor}">${escapeHtml(s.title)}</a></li>`).join('')}</ol>
<a class="all" href="index.html">← All labs</a>
</details></aside>`;
  const steps = p.steps.map((s) => stepSection(s, p.number, p.steps.length)).join('\n');
  const meta = [
    `<li>Lab ${escapeHtml(p.number)}</li>`,
    `<li>${p.steps.length} step${p.steps.length === 1 ? '' : 's'}</li>`,
    p.minutes ? `<li>about ${p.minutes} min</li>` : '',
    p.profiles.length ? `<li>profiles: ${p.profiles.map(escapeHtml).join(', ')}</li>` : '',
  ].join('');
  const pager = `<nav class="pager" aria-label="Labs">${
    p.prev ? `<a class="prev" href="${escapeHtml(p.prev.href)}"><small>← Previous lab</small>${escapeHtml(p.prev.label)}</a>` : ''
  }${p.next ? `<a class="next" href="${escapeHtml(p.next.href)}"><small>Next lab →</small>${escapeHtml(p.next.label)}</a>` : ''}</nav>`;
  return `<div class="with-sidebar">
${stepsNav}
<main id="content">
<p class="crumbs"><a href="index.html">Course</a> › Lab ${escapeHtml(p.number)}</p>
<h1>${escapeHtml(p.title)}</h1>
${p.summary ? `<p class="lead">${renderInline(p.summary)}</p>` : ''}
<ul class="meta">${meta}</ul>
<p>Open this lab in your terminal; it seeds the account and checks each step as you go:</p>
${codeBlock(`npx iam-labs start ${p.number}`, 'sh')}
<section id="introduction" aria-label="Introduction">${p.introHtml}</section>
${steps}
${pager}
</main>
</div>`;
}

function stepSection(s: LabStepView, labNumber: string, total: number): string {
  const hints = s.hintsHtml.length
    ? `<div class="hints"><h3 id="${s.anchor}-hints">Hints</h3>${s.hintsHtml
        .map((h, i) => `<details class="hint"><summary>Hint ${i + 1} of ${s.hintsHtml.length}</summary>${h}</details>`)
        .join('')}</div>`
    : '';
  const solution = s.solutionHtml
    ? `<details class="solution"><summary>Reference solution (try the step first)</summary>${s.solutionHtml}</details>`
    : '';
  return `<section class="step" id="${s.anchor}" aria-labelledby="${s.anchor}-title">
<div class="step-head"><p class="step-label">Step ${s.number} of ${total}</p>
<h2 id="${s.anchor}-title">${escapeHtml(s.title)}</h2>
<p class="step-id">Step id <code>${escapeHtml(s.id)}</code></p></div>
${s.taskHtml}
${hints}
${solution}
<p class="check-tip">Done? Check it with <code>npx iam-labs check ${escapeHtml(labNumber)}</code>. Stuck? <code>npx iam-labs hint</code>.</p>
</section>`;
}

export interface GuideInput {
  html: string;
}

export function guideBody(p: GuideInput): string {
  return `<main id="content">\n${p.html}\n</main>`;
}
