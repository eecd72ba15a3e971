/**
 * Checks a built site: every internal link (href without a scheme) must name a page that
 * exists and, when it has a #fragment, an id on that page. Used by the site tests and handy
 * after editing a chapter's links.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BrokenLink {
  page: string;
  href: string;
  problem: string;
}

export function checkSiteLinks(outDir: string): { checked: number; broken: BrokenLink[] } {
  const pages = readdirSync(outDir).filter((f) => f.endsWith('.html'));
  const ids = new Map<string, Set<string>>();
  const html = new Map<string, string>();
  for (const page of pages) {
    const text = readFileSync(join(outDir, page), 'utf8');
    html.set(page, text);
    ids.set(page, new Set([...text.matchAll(/\sid="([^"]+)"/g)].map((m) => decodeEntities(m[1]))));
  }
  const broken: BrokenLink[] = [];
  let checked = 0;
  for (const [page, text] of html) {
    for (const m of text.matchAll(/\shref="([^"]*)"/g)) {
      const href = decodeEntities(m[1]);
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
      checked++;
      const [file, fragment] = href.split('#', 2);
      const target = file === '' ? page : file;
      const targetIds = ids.get(target);
      if (!targetIds) broken.push({ page, href, problem: `no page ${target}` });
      else if (fragment !== undefined && fragment !== '' && !targetIds.has(decodeURIComponent(fragment))) {
        broken.push({ page, href, problem: `${target} has no element with id "${fragment}"` });
      } else if (href === '') broken.push({ page, href, problem: 'empty link' });
    }
  }
  return { checked, broken };
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
