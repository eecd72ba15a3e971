/**
 * The instructor dashboard: one self-contained page (no network requests but to this server).
 * It holds no data itself: it asks for the instructor token, then loads /_workshop/api/class and
 * follows /_workshop/api/events. Symbols carry meaning as well as colour (✔ ✘ ⚠ ·).
 */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iam-labs workshop</title>
<style>
  :root { --ok:#1a7f37; --bad:#cf222e; --warn:#9a6700; --muted:#6e7781; --bg:#fff; --fg:#1f2328; --line:#d0d7de; }
  @media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --line:#30363d; --muted:#8d96a0; --ok:#3fb950; --bad:#f85149; --warn:#d29922; } }
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: var(--bg); color: var(--fg); }
  header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  .code { font: 600 22px ui-monospace, monospace; letter-spacing: 2px; }
  main { padding: 12px 20px 40px; }
  table { border-collapse: collapse; margin: 8px 0 24px; }
  th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: center; white-space: nowrap; }
  th.step { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 500; font-size: 12px; max-height: 220px; }
  td.name { text-align: left; font-weight: 600; }
  .passed { color: var(--ok); } .failed { color: var(--bad); } .stuck { color: var(--warn); font-weight: 700; } .none { color: var(--muted); }
  .legend span { margin-right: 14px; }
  .muted { color: var(--muted); }
  .scroll { overflow-x: auto; }
  form { margin: 40px auto; max-width: 420px; }
  input { font: inherit; padding: 6px 8px; width: 100%; box-sizing: border-box; }
  button { font: inherit; padding: 6px 14px; margin-top: 8px; }
  ul.stuck li { margin: 2px 0; }
  a { color: inherit; }
</style>
</head>
<body>
<header>
  <h1>iam-labs workshop</h1>
  <div>Join code: <span class="code" id="code">…</span></div>
  <div class="muted" id="status">connecting…</div>
  <div id="exports" hidden><a id="csv" href="#">Export CSV</a> · <a id="json" href="#">Export JSON</a></div>
</header>
<main id="main">
  <form id="login" hidden>
    <label for="token">Instructor token (printed when <code>iam-labs workshop serve</code> started)</label>
    <input id="token" name="token" autocomplete="off" required>
    <button type="submit">Open dashboard</button>
    <p class="failed" id="loginError" role="alert"></p>
  </form>
  <div id="board" hidden>
    <p class="legend"><span class="passed">✔ passed</span><span class="failed">✘ failing</span><span class="stuck">⚠ stuck</span><span class="none">· not started</span></p>
    <div class="scroll"><table id="grid" aria-label="progress per learner and step"></table></div>
    <h2>Stuck for more than <span id="stuckMinutes"></span> minutes</h2>
    <ul class="stuck" id="stuck"></ul>
    <h2>Most common failing condition per step</h2>
    <div class="scroll"><table id="common"></table></div>
  </div>
</main>
<script>
(function () {
  var params = new URLSearchParams(location.search);
  var token = params.get('token') || sessionStorage.getItem('iamLabsInstructorToken') || '';
  if (params.get('token')) { history.replaceState(null, '', location.pathname); }
  var data = null;
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function showLogin(msg) { $('login').hidden = false; $('board').hidden = true; $('loginError').textContent = msg || ''; $('status').textContent = 'instructor token needed'; }
  $('login').addEventListener('submit', function (e) { e.preventDefault(); token = $('token').value.trim(); load(); });
  function cell(l, step) {
    var p = l.steps[step.id];
    if (!p) return '<td class="none" title="not started">·</td>';
    if (p.status === 'passed') return '<td class="passed" title="passed">✔</td>';
    if (p.status === 'unverifiable') return '<td class="none" title="not verifiable on this backend">?</td>';
    var mins = p.failingSince ? (Date.now() - Date.parse(p.failingSince)) / 60000 : 0;
    var why = esc((p.failing || []).join('; ') || 'failing');
    if (mins > data.stuckMinutes) return '<td class="stuck" title="stuck ' + Math.round(mins) + ' min: ' + why + '">⚠</td>';
    return '<td class="failed" title="' + why + '">✘</td>';
  }
  function render() {
    $('code').textContent = data.code;
    $('stuckMinutes').textContent = data.stuckMinutes;
    var steps = [];
    data.labs.forEach(function (lab) { lab.steps.forEach(function (s) { steps.push(s); }); });
    var head = '<tr><th>learner</th>' + steps.map(function (s) { return '<th class="step" title="' + esc(s.title) + '">' + esc(s.id) + '</th>'; }).join('') + '<th>done</th></tr>';
    var rows = data.learners.map(function (l) {
      var done = steps.filter(function (s) { return l.steps[s.id] && l.steps[s.id].status === 'passed'; }).length;
      return '<tr data-learner="' + esc(l.name) + '"><td class="name">' + esc(l.name) + '</td>' + steps.map(function (s) { return cell(l, s); }).join('') + '<td>' + done + '/' + steps.length + '</td></tr>';
    }).join('');
    $('grid').innerHTML = head + (rows || '<tr><td colspan="' + (steps.length + 2) + '" class="muted">No one has joined yet. Learners run: iam-labs workshop join ' + esc(location.origin) + ' --code ' + esc(data.code) + ' --name "Their Name"</td></tr>');
    var stuck = [];
    data.learners.forEach(function (l) {
      Object.keys(l.steps).forEach(function (id) {
        var p = l.steps[id];
        if (p.status === 'failed' && p.failingSince && (Date.now() - Date.parse(p.failingSince)) / 60000 > data.stuckMinutes) stuck.push('<li><b>' + esc(l.name) + '</b> on ' + esc(id) + ' since ' + new Date(p.failingSince).toLocaleTimeString() + ': ' + esc((p.failing || []).join('; ')) + '</li>');
      });
    });
    $('stuck').innerHTML = stuck.join('') || '<li class="muted">nobody</li>';
    var counts = {};
    steps.forEach(function (s) { counts[s.id] = { passed: 0, failing: 0, reasons: {} }; });
    data.learners.forEach(function (l) { steps.forEach(function (s) { var p = l.steps[s.id]; if (!p) return; var c = counts[s.id]; if (p.status === 'passed') c.passed++; if (p.status === 'failed') { c.failing++; (p.failing || []).forEach(function (f) { c.reasons[f] = (c.reasons[f] || 0) + 1; }); } }); });
    $('common').innerHTML = '<tr><th>step</th><th>passed</th><th>failing</th><th>most common failing condition</th></tr>' + steps.map(function (s) {
      var c = counts[s.id]; var top = Object.keys(c.reasons).sort(function (a, b) { return c.reasons[b] - c.reasons[a]; })[0];
      return '<tr><td style="text-align:left">' + esc(s.id) + '</td><td>' + c.passed + '</td><td>' + c.failing + '</td><td style="text-align:left">' + (top ? esc(top) + ' (' + c.reasons[top] + ')' : '<span class="muted">—</span>') + '</td></tr>';
    }).join('');
  }
  function exportLinks() {
    ['csv', 'json'].forEach(function (k) { $(k).href = '/_workshop/api/export.' + k + '?token=' + encodeURIComponent(token); });
    $('exports').hidden = false;
  }
  var source = null;
  function follow() {
    if (source) source.close();
    source = new EventSource('/_workshop/api/events?token=' + encodeURIComponent(token));
    source.addEventListener('hello', function () { $('status').textContent = 'live'; });
    source.addEventListener('learner', function (e) {
      var l = JSON.parse(e.data);
      var i = data.learners.findIndex(function (x) { return x.id === l.id; });
      if (i >= 0) data.learners[i] = l; else data.learners.push(l);
      render();
    });
    source.onerror = function () { $('status').textContent = 'reconnecting…'; };
  }
  function load() {
    if (!token) return showLogin();
    fetch('/_workshop/api/class', { headers: { authorization: 'Bearer ' + token } }).then(function (r) {
      if (r.status === 401) { sessionStorage.removeItem('iamLabsInstructorToken'); return showLogin(token ? 'That token is not this workshop’s instructor token.' : ''); }
      return r.json().then(function (d) {
        sessionStorage.setItem('iamLabsInstructorToken', token);
        data = d; $('login').hidden = true; $('board').hidden = false; render(); exportLinks(); follow();
      });
    }).catch(function () { $('status').textContent = 'server unreachable'; });
  }
  setInterval(function () { if (data) render(); }, 30000);
  load();
})();
</script>
</body>
</html>`;
}
