/**
 * Markdown → HTML for the site, with marked. What we add on top of marked's defaults:
 * highlighted code blocks with a copy button, heading anchors that cannot collide between
 * the steps of one page, headings shifted under the page's own, and links between course
 * files (../02-groups/README.md) turned into links between site pages.
 */
import { Marked, type Tokens } from 'marked';
import { codeKind, copyText, escapeHtml, highlight } from './highlight.js';

export interface RenderOptions {
  /** prefix for heading ids, so two steps' "Common mistake" headings get different anchors */
  idPrefix: string;
  /** the shallowest heading level the fragment may use (the page owns the levels above) */
  minDepth: number;
  /** a heading that repeats the page's own title at the top of the fragment is left out */
  pageTitle?: string;
  /** maps an href written in the Markdown to the site's href; undefined keeps it, "" unlinks it */
  rewriteLink?: (href: string) => string | undefined;
}

export function slugify(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/&[a-z#0-9]+;/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

export function renderMarkdown(markdown: string, opts: RenderOptions): string {
  const used = new Map<string, number>();
  const tokens = new Marked({ gfm: true }).lexer(markdown);
  const first = tokens.findIndex((t) => t.type !== 'space');
  const head = tokens[first] as Tokens.Heading | undefined;
  if (opts.pageTitle && head?.type === 'heading' && sameText(head.text, opts.pageTitle)) tokens.splice(first, 1);
  // The fragment's own top level is lifted or lowered to minDepth; relative depth is kept.
  // (from the lexer, not a regex: a "# comment" inside a shell block is not a heading)
  const depths = tokens.flatMap((t) => (t.type === 'heading' ? [(t as Tokens.Heading).depth] : []));
  const shift = depths.length ? opts.minDepth - Math.min(...depths) : 0;
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, { tokens, depth }: Tokens.Heading) {
        const inner = this.parser.parseInline(tokens);
        const level = Math.min(6, Math.max(opts.minDepth, depth + shift));
        let id = `${opts.idPrefix}${slugify(inner)}`;
        const n = used.get(id) ?? 0;
        used.set(id, n + 1);
        if (n) id = `${id}-${n + 1}`;
        return `<h${level} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true">#</a>${inner}</h${level}>\n`;
      },
      code({ text, lang }: Tokens.Code) {
        return codeBlock(text, lang);
      },
      link(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, { href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = opts.rewriteLink?.(href) ?? href;
        // "" means the link cannot work on the site (e.g. a source file): keep the text only.
        if (target === '') return `<span class="repo-link">${inner}</span>`;
        const external = /^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('mailto:');
        const attrs = external ? ' rel="noopener noreferrer"' : '';
        const t = title ? ` title="${escapeHtml(title)}"` : '';
        return `<a href="${escapeHtml(target)}"${t}${attrs}>${inner}</a>`;
      },
    },
  });
  return marked.parser(tokens);
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[`*_]/g, '').trim().toLowerCase();
  return norm(a) === norm(b);
}

/** One line of Markdown (a course's welcome, a lab summary) as inline HTML. */
export function renderInline(markdown: string): string {
  return new Marked({ gfm: true }).parseInline(markdown, { async: false }) as string;
}

/** A code block: highlighted, labelled with its kind, and with a copy button. */
export function codeBlock(code: string, lang?: string): string {
  const text = code.replace(/\n+$/, '');
  const kind = codeKind(lang, text);
  const label = kind === 'json' ? 'JSON' : kind === 'shell' ? 'shell' : (lang ?? '').trim().split(/\s+/)[0] || 'text';
  return (
    `<div class="code code-${kind}">` +
    `<div class="code-bar"><span class="code-lang">${escapeHtml(label)}</span>` +
    `<button type="button" class="copy" data-copy="${escapeHtml(copyText(kind, text))}" aria-label="Copy to clipboard">Copy</button></div>` +
    `<pre><code>${highlight(kind, text)}</code></pre></div>\n`
  );
}
