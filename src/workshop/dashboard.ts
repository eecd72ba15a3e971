/**
 * The instructor dashboard: one self-contained page (no request but to this server). It holds no
 * data itself: it asks for the instructor token, loads /_workshop/api/class and follows
 * /_workshop/api/events. Built to read at a glance for 10 learners and for hundreds: a summary
 * per step first (done, on it, stuck, revealed, the commonest failing condition), then the
 * learners, filtered and sorted (stuck first), a page at a time. Every state is a symbol and a
 * word as well as a colour; everything is reachable with the keyboard.
 */
import { DASHBOARD_SCRIPT } from './dashboard-script.js';

const CSS = `
:root { --ok:#1a7f37; --bad:#b42318; --warn:#8a5a00; --warn-bg:#fff4d6; --muted:#5f6872; --bg:#fff; --fg:#1f2328; --line:#d0d7de; --soft:#f4f6f8; --bar:#2f81f7; --focus:#0969da; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --line:#30363d; --muted:#9198a1; --soft:#161b22; --ok:#3fb950; --bad:#ff7b72; --warn:#e3b341; --warn-bg:#2d2208; --bar:#388bfd; --focus:#58a6ff; } }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 0; background: var(--bg); color: var(--fg); }
header { padding: 10px 20px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: center; position: sticky; top: 0; background: var(--bg); z-index: 2; }
header h1 { font-size: 18px; margin: 0; }
.code { font: 700 24px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: 3px; }
.counts { display: flex; gap: 6px; flex-wrap: wrap; }
main { padding: 8px 20px 40px; max-width: 1500px; }
h2 { font-size: 17px; margin: 22px 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
thead th { font-size: 13px; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.lab th { background: var(--soft); font-size: 13px; }
.stepid { color: var(--muted); font: 12px ui-monospace, Menlo, Consolas, monospace; }
.bar { display: inline-block; width: 90px; height: 8px; background: var(--soft); border: 1px solid var(--line); border-radius: 4px; vertical-align: middle; margin-right: 6px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--bar); }
.flag { font-weight: 700; color: var(--warn); background: var(--warn-bg); border-radius: 4px; padding: 0 5px; white-space: nowrap; }
tr.is-stuck > * { background: var(--warn-bg); }
.ok { color: var(--ok); } .bad { color: var(--bad); } .muted { color: var(--muted); }
.strip { font: 15px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; letter-spacing: 1px; white-space: nowrap; }
.strip .lab + .lab { margin-left: 8px; padding-left: 8px; border-left: 1px solid var(--line); }
.badge { font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 6px; color: var(--muted); white-space: nowrap; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin: 6px 0 10px; }
.controls label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 2px; }
input, select, button { font: inherit; color: inherit; }
input, select { padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
button { padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; }
button.link { border: 0; background: none; padding: 0; text-decoration: underline; color: inherit; }
th button.sort { border: 0; background: none; padding: 0; font-weight: 600; color: inherit; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.legend { font-size: 13px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 16px; }
.legend b { font: 15px ui-monospace, Menlo, Consolas, monospace; color: var(--fg); }
.pager { display: flex; gap: 10px; align-items: center; margin-top: 8px; }
.empty { padding: 16px; border: 1px dashed var(--line); border-radius: 8px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { color: var(--muted); font-size: 13px; padding: 10px 20px; border-top: 1px solid var(--line); }
form { margin: 40px auto; max-width: 440px; }
form input { width: 100%; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; }
`;

export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iam-labs workshop</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>iam-labs workshop</h1>
  <div>Join code <span class="code" id="code">…</span></div>
  <div class="counts" id="counts"></div>
  <div class="muted" id="status" role="status" aria-live="polite">connecting…</div>
  <div id="exports" hidden><a id="csv" href="#">Export CSV</a> · <a id="json" href="#">Export JSON</a></div>
</header>
<main id="main">
  <form id="login" hidden>
    <label for="token">Instructor token (printed when <code>iam-labs workshop serve</code> started)</label>
    <input id="token" name="token" autocomplete="off" required>
    <button type="submit">Open dashboard</button>
    <p class="bad" id="loginError" role="alert"></p>
  </form>
  <div id="board" hidden>
    <div id="empty" class="empty" hidden></div>
    <section aria-labelledby="stepsTitle">
      <h2 id="stepsTitle">Steps</h2>
      <table id="steps">
        <caption class="sr-only">For each step: learners done, on it now, stuck on it, who revealed its solution, and the condition failing most often for those on it</caption>
        <thead><tr><th scope="col">Step</th><th scope="col" class="num">Done</th><th scope="col" class="num">On it now</th><th scope="col" class="num">Stuck</th><th scope="col" class="num">Solution revealed</th><th scope="col">Failing most often (learners on the step)</th></tr></thead>
        <tbody></tbody>
      </table>
    </section>
    <section aria-labelledby="learnersTitle">
      <h2 id="learnersTitle">Learners</h2>
      <div class="controls">
        <label>Find a learner<input type="search" id="query" placeholder="name" autocomplete="off"></label>
        <label>Show<select id="filter">
          <option value="all">everyone</option>
          <option value="stuck">stuck</option>
          <option value="working">working on a step</option>
          <option value="finished">finished every step</option>
          <option value="idle">no check for 10 min or more</option>
          <option value="new">not started</option>
        </select></label>
        <label>On step<select id="step"><option value="">any step</option></select></label>
        <label>Sort by<select id="sort">
          <option value="stuck">stuck first, longest on a step first</option>
          <option value="name">name</option>
          <option value="progress">steps done, fewest first</option>
          <option value="where">place in the course</option>
          <option value="seen">last check, oldest first</option>
        </select></label>
      </div>
      <p class="legend" id="legend"><span><b>✔</b> done</span><span><b>✱</b> solution revealed</span><span><b>▶</b> on it now</span><span><b>✘</b> failing</span><span><b>?</b> not verifiable</span><span><b>·</b> not started</span><span><span class="flag">⚠ stuck</span> on the same step longer than <span id="stuckMinutes"></span> min</span></p>
      <table id="learners">
        <caption class="sr-only">Learners, with the step each is on, for how long, and their progress per lab</caption>
        <thead><tr><th scope="col">Learner</th><th scope="col">On step</th><th scope="col">For</th><th scope="col" class="num">Done</th><th scope="col">Progress per lab</th><th scope="col">Last check</th></tr></thead>
        <tbody></tbody>
      </table>
      <div class="pager"><button type="button" id="prev">Previous</button><span id="range" aria-live="polite"></span><button type="button" id="next">Next</button></div>
    </section>
  </div>
</main>
<footer id="footer"></footer>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>`;
}
