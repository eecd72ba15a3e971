/**
 * The site's only CSS and JavaScript, inlined into every page so it works from file:// and
 * makes no request at load: system fonts, no CDN, no framework.
 */

export const SITE_CSS = `
:root {
  --bg: #fbfbfa; --fg: #1d2126; --muted: #5b636e; --line: #e3e5e8; --card: #ffffff;
  --accent: #b3480b; --accent-soft: #fff3ea; --link: #0b5cad;
  --code-bg: #1e2329; --code-fg: #e6e9ee; --inline-bg: #eef0f3;
  --ok: #1f7a3d; --radius: 10px;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15181c; --fg: #e4e7eb; --muted: #9aa3ad; --line: #2c3238; --card: #1c2025;
    --accent: #f08a4b; --accent-soft: #2a2019; --link: #7cb7ff; --inline-bg: #262b31; --code-bg: #0f1215;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; scroll-padding-top: 4.5rem; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 17px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
}
a { color: var(--link); }
a:hover { text-decoration-thickness: 2px; }
p, li, dd { overflow-wrap: break-word; }
/* break-word, not anywhere, in tables: anywhere shrinks a column's minimum width to one letter */
td, th { overflow-wrap: break-word; }
img { max-width: 100%; height: auto; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem; z-index: 10; }

.topbar {
  position: sticky; top: 0; z-index: 5; background: var(--card); border-bottom: 1px solid var(--line);
}
.topbar-inner {
  max-width: 72rem; margin: 0 auto; padding: .7rem 1.25rem; display: flex; gap: 1rem;
  align-items: center; flex-wrap: wrap;
}
.brand { font-weight: 700; color: var(--fg); text-decoration: none; letter-spacing: -.01em; }
.brand .mark {
  display: inline-block; background: var(--accent); color: #fff; border-radius: 6px;
  padding: 0 .4rem; margin-right: .45rem; font-family: var(--mono); font-size: .85em;
}
.topnav { display: flex; gap: 1rem; margin-left: auto; flex-wrap: wrap; font-size: .95rem; }
.topnav a { color: var(--muted); text-decoration: none; }
.topnav a:hover, .topnav a[aria-current] { color: var(--fg); }

.page { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
.page.narrow > main { max-width: 46rem; margin: 0 auto; }
.with-sidebar { display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; }
@media (min-width: 960px) {
  .with-sidebar { grid-template-columns: 15rem minmax(0, 1fr); }
  .sidebar { position: sticky; top: 4.5rem; align-self: start; max-height: calc(100vh - 5.5rem); overflow: auto; }
  .sidebar details > summary { pointer-events: none; list-style: none; }
  .sidebar details > summary::-webkit-details-marker { display: none; }
}
main { min-width: 0; max-width: 46rem; }
.with-sidebar main { max-width: 52rem; }

h1, h2, h3, h4 { line-height: 1.25; letter-spacing: -.01em; }
h1 { font-size: 2rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.45rem; margin: 2.2rem 0 .8rem; }
h3 { font-size: 1.15rem; margin: 1.8rem 0 .6rem; }
h4 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
.anchor { float: left; margin-left: -1.1em; width: 1em; color: var(--muted); text-decoration: none; opacity: 0; }
h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor { opacity: 1; }
.lead { font-size: 1.15rem; color: var(--muted); }
.crumbs { font-size: .9rem; color: var(--muted); margin: 0; }
.crumbs a { color: var(--muted); }
.meta { display: flex; flex-wrap: wrap; gap: .4rem .6rem; padding: 0; margin: 0 0 1.2rem; list-style: none; }
.meta li {
  font-size: .85rem; color: var(--muted); background: var(--inline-bg); border-radius: 999px; padding: .1rem .65rem;
}

code { font-family: var(--mono); font-size: .88em; }
:not(pre) > code { background: var(--inline-bg); padding: .1em .35em; border-radius: 5px; }
.code { margin: 1rem 0; border-radius: var(--radius); background: var(--code-bg); color: var(--code-fg); overflow: hidden; }
.code-bar {
  display: flex; justify-content: space-between; align-items: center; padding: .3rem .5rem .3rem .9rem;
  border-bottom: 1px solid rgba(255,255,255,.08); font-size: .75rem; color: #9aa4af;
  text-transform: uppercase; letter-spacing: .06em;
}
.copy {
  font: inherit; text-transform: none; letter-spacing: 0; font-size: .8rem; color: #e6e9ee;
  background: rgba(255,255,255,.08); border: 1px solid rgba(255,255,255,.16); border-radius: 6px;
  padding: .2rem .65rem; cursor: pointer; min-height: 2rem; min-width: 4.2rem;
}
.copy:hover { background: rgba(255,255,255,.16); }
.copy.done { color: #8fe3a8; border-color: #3d8b57; }
.code pre { margin: 0; padding: .85rem 1rem; overflow-x: auto; line-height: 1.5; font-size: .95rem; }
.code pre code { font-size: .85rem; background: none; padding: 0; }
.tok-key { color: #8cc8ff; }
.tok-string { color: #b5e08b; }
.tok-number, .tok-literal { color: #f4b76b; }
.tok-punct { color: #9aa4af; }
.tok-command { color: #ffb48a; font-weight: 600; }
.tok-option { color: #8cc8ff; }
.tok-variable { color: #e7a6ff; }
.tok-comment { color: #8b949e; font-style: italic; }
.tok-operator, .tok-prompt { color: #9aa4af; user-select: none; }
.tok-output { color: #c3c9d1; }

table { display: block; overflow-x: auto; border-collapse: collapse; margin: 1rem 0; max-width: 100%; }
th, td { border: 1px solid var(--line); padding: .4rem .7rem; text-align: left; vertical-align: top; }
th { background: var(--inline-bg); }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 4px solid var(--accent); background: var(--accent-soft); border-radius: 0 8px 8px 0; }

.path { list-style: none; padding: 0; margin: 1rem 0 2rem; counter-reset: lab; }
.path > li {
  position: relative; background: var(--card); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 1rem 1.1rem 1rem 4.2rem; margin: 0 0 .9rem;
}
.path > li::before {
  counter-increment: lab; content: counter(lab, decimal-leading-zero);
  position: absolute; left: 1rem; top: 1rem; width: 2.4rem; height: 2.4rem; border-radius: 50%;
  background: var(--accent); color: #fff; font: 700 .95rem/2.4rem var(--mono); text-align: center;
}
.path h3 { margin: .1rem 0 .3rem; font-size: 1.2rem; }
.path h3 a { color: var(--fg); text-decoration: none; }
.path h3 a:hover { color: var(--link); text-decoration: underline; }
.path p { margin: .2rem 0 .5rem; }
.path .meta { margin: .4rem 0 .2rem; }
.path details summary { color: var(--muted); font-size: .9rem; }
.path ol { margin: .4rem 0 0; padding-left: 1.3rem; font-size: .95rem; }

.steps-nav details { border: 1px solid var(--line); border-radius: var(--radius); background: var(--card); padding: .6rem .9rem; }
.steps-nav summary { font-weight: 600; cursor: pointer; }
.steps-nav ol { padding-left: 1.4rem; margin: .5rem 0 .2rem; font-size: .93rem; }
.steps-nav li { margin: .25rem 0; }
.steps-nav a { color: var(--fg); text-decoration: none; }
.steps-nav a:hover { color: var(--link); text-decoration: underline; }
.steps-nav .all { display: block; margin-top: .6rem; font-size: .88rem; color: var(--muted); }

.step { border-top: 1px solid var(--line); margin-top: 2.5rem; padding-top: .5rem; }
.step-head h2 { margin-top: .4rem; }
.step-label { font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--accent); font-weight: 700; margin: 1rem 0 0; }
.step-id { font-size: .85rem; color: var(--muted); margin: -.3rem 0 1rem; }
.hints { margin: 1.5rem 0 .8rem; }
.hints > h3, .solution-head { font-size: .95rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1.5rem 0 .5rem; }
details.hint, details.solution {
  border: 1px solid var(--line); border-radius: var(--radius); background: var(--card); margin: .5rem 0; padding: 0 1rem;
}
details.hint > summary, details.solution > summary { cursor: pointer; padding: .7rem 0; font-weight: 600; min-height: 2.75rem; }
details.hint[open], details.solution[open] { padding-bottom: .6rem; }
details.solution { border-color: var(--accent); }
details.solution > summary { color: var(--accent); }
.check-tip { font-size: .95rem; color: var(--muted); }

.pager { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-top: 3rem; }
.pager a {
  display: block; border: 1px solid var(--line); border-radius: var(--radius); padding: .8rem 1rem;
  text-decoration: none; background: var(--card); color: var(--fg);
}
.pager a:hover { border-color: var(--link); }
.pager small { display: block; color: var(--muted); }
.pager .next { text-align: right; grid-column: 2; }
@media (max-width: 560px) {
  body { font-size: 16px; }
  h1 { font-size: 1.6rem; }
  .page { padding: 1rem .9rem 3rem; }
  .path > li { padding: .9rem .9rem .9rem 3.6rem; }
  .path > li::before { left: .75rem; width: 2.2rem; height: 2.2rem; line-height: 2.2rem; }
  .pager { grid-template-columns: 1fr; }
  .pager .next { grid-column: 1; }
  .anchor { display: none; }
  .topbar { position: static; }
  .topbar-inner { padding: .6rem .9rem; gap: .4rem; }
  .topnav { margin-left: 0; width: 100%; gap: .2rem 1rem; font-size: .9rem; }
  .topnav a { white-space: nowrap; }
}
footer.site-footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
footer.site-footer div { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 2rem; }
`;

/**
 * Copy buttons: the Clipboard API where the page may use it, a hidden textarea otherwise.
 * On a narrow screen the lab's step list starts folded (it is open in the HTML so that it
 * works without JavaScript, and shows as a sidebar on wide screens).
 */
export const SITE_SCRIPT = `
(function () {
  var steps = document.querySelector('.steps-nav details');
  if (steps && window.matchMedia && !window.matchMedia('(min-width: 960px)').matches) steps.removeAttribute('open');
})();
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('button.copy') : null;
  if (!button) return;
  var text = button.getAttribute('data-copy') || '';
  function done(ok) {
    button.textContent = ok ? 'Copied' : 'Select and copy';
    button.classList.toggle('done', ok);
    setTimeout(function () { button.textContent = 'Copy'; button.classList.remove('done'); }, 1600);
  }
  function fallback() {
    var area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(area); done(ok);
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
  } else { fallback(); }
});
`;
