/**
 * The dashboard's script (plain browser JavaScript, inlined in the page). It keeps the learners
 * by id, applies the live `learners` batches, takes the per-step counts from the server's
 * `summary` events (computed once on the server, reports.ts), and renders at most a few times a
 * second, one page of learners at a time, so a class of thousands stays responsive. "Stuck" is
 * the server's rule: each learner carries the moment they become stuck (`stuckAt`); the page
 * only compares it with the server's clock.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var PAGE = 100, IDLE_MS = 10 * 60000;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var token = params.get('token') || sessionStorage.getItem('iamLabsInstructorToken') || '';
  if (params.get('token')) history.replaceState(null, '', location.pathname);
  var data = null, learners = new Map(), summary = null, offset = 0, page = 0, pending = false, source = null;
  var steps = [], stepPos = new Map();

  function now() { return Date.now() + offset; }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); }
  function span(ms) {
    var m = Math.floor(ms / 60000);
    if (m < 1) return 'under a minute';
    if (m < 60) return m + ' min';
    return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many || one + 's'); }
  function ago(iso) { var ms = now() - Date.parse(iso); return ms < 60000 ? 'just now' : span(ms) + ' ago'; }
  function labNo(id) { return id.slice(0, 2); }

  function showLogin(msg) { $('login').hidden = false; $('board').hidden = true; $('loginError').textContent = msg || ''; $('status').textContent = 'instructor token needed'; }
  $('login').addEventListener('submit', function (e) { e.preventDefault(); token = $('token').value.trim(); load(); });

  // What a learner's row needs, derived once per render.
  function facts(l) {
    var t = now(), done = 0, revealed = 0;
    steps.forEach(function (s) { var p = l.steps[s.id]; if (p && p.passedAt) done++; if (p && p.revealedAt) revealed++; });
    var pos = l.position;
    return {
      done: done, revealed: revealed,
      stuck: !!(pos && pos.stuckAt && Date.parse(pos.stuckAt) <= t),
      onFor: pos && pos.step ? t - Date.parse(pos.since) : -1,
      idle: t - Date.parse(l.lastSeen) >= IDLE_MS,
      where: pos ? (pos.step ? stepPos.get(pos.step) : stepPos.get(pos.lab + '#end')) : -1
    };
  }

  function symbol(l, s) {
    var p = l.steps[s.id], here = l.position && l.position.step === s.id;
    if (p && p.revealedAt) return ['✱', 'solution revealed' + (p.passedAt ? ', done' : '')];
    if (p && p.passedAt) return ['✔', p.status === 'failing' ? 'done, changed since' : 'done'];
    if (here) return ['▶', 'on it now' + (p && p.status === 'failing' ? ', failing' : '')];
    if (p && p.status === 'failing') return ['✘', 'failing'];
    if (p && p.status === 'unverifiable') return ['?', 'not verifiable'];
    return ['·', 'not started'];
  }

  function strip(l) {
    return data.labs.map(function (lab) {
      var parts = lab.steps.map(function (s) { return symbol(l, s); });
      var done = lab.steps.filter(function (s) { var p = l.steps[s.id]; return p && p.passedAt; }).length;
      var label = 'Lab ' + labNo(lab.id) + ': ' + done + ' of ' + lab.steps.length + ' done' + (l.position && l.position.lab === lab.id && l.position.step ? ', on step ' + (lab.steps.findIndex(function (s) { return s.id === l.position.step; }) + 1) : '');
      var title = lab.steps.map(function (s, i) { return (i + 1) + '. ' + s.title + ': ' + parts[i][1]; }).join('\n');
      return '<span class="lab" role="img" aria-label="' + esc(label) + '" title="' + esc('Lab ' + labNo(lab.id) + '\n' + title) + '">' + parts.map(function (p) { return p[0]; }).join('') + '</span>';
    }).join('');
  }

  function whereText(l) {
    var pos = l.position;
    if (!pos) return '<span class="muted">not started</span>';
    var lab = data.labs.find(function (x) { return x.id === pos.lab; });
    if (!pos.step) return '<span class="ok">✔ finished lab ' + esc(labNo(pos.lab)) + '</span>';
    var i = lab ? lab.steps.findIndex(function (s) { return s.id === pos.step; }) : -1;
    return esc(labNo(pos.lab)) + ' · ' + (i + 1) + '. ' + esc(i >= 0 ? lab.steps[i].title : pos.step);
  }

  function matches(l, f) {
    var q = $('query').value.trim().toLowerCase(), filter = $('filter').value, step = $('step').value;
    if (q && l.name.toLowerCase().indexOf(q) < 0) return false;
    if (step && !(l.position && l.position.step === step)) return false;
    if (filter === 'stuck') return f.stuck;
    if (filter === 'working') return f.onFor >= 0;
    if (filter === 'finished') return f.done === steps.length && steps.length > 0;
    if (filter === 'idle') return f.idle;
    if (filter === 'new') return !l.position;
    return true;
  }

  function compare(sort) {
    return function (a, b) {
      var x = a.f, y = b.f, byName = a.l.name.localeCompare(b.l.name);
      if (sort === 'name') return byName;
      if (sort === 'progress') return x.done - y.done || byName;
      if (sort === 'where') return x.where - y.where || byName;
      if (sort === 'seen') return a.l.lastSeen.localeCompare(b.l.lastSeen) || byName;
      return (y.stuck - x.stuck) || (y.onFor - x.onFor) || byName;
    };
  }

  function renderSteps() {
    var rows = summary ? summary.perStep : [];
    var byId = new Map(rows.map(function (r) { return [r.id, r]; }));
    var total = learners.size || 1;
    $('steps').tBodies[0].innerHTML = data.labs.map(function (lab) {
      return '<tr class="lab"><th colspan="6" scope="colgroup">Lab ' + esc(labNo(lab.id)) + ' · ' + esc(lab.title) + '</th></tr>' + lab.steps.map(function (s, i) {
        var r = byId.get(s.id) || { done: 0, onIt: 0, stuck: 0, revealed: 0, commonFailure: null };
        var pct = Math.round((r.done / total) * 100);
        return '<tr' + (r.stuck ? ' class="is-stuck"' : '') + '><th scope="row">' + (i + 1) + '. ' + esc(s.title) + ' <span class="stepid">' + esc(s.id) + '</span></th>' +
          '<td class="num"><span class="bar" aria-hidden="true"><span style="width:' + pct + '%"></span></span>' + r.done + ' / ' + learners.size + '</td>' +
          '<td class="num">' + (r.onIt ? '<button type="button" class="link" data-step="' + esc(s.id) + '" aria-label="Show the ' + r.onIt + ' learners on step ' + esc(s.title) + '">' + r.onIt + '</button>' : '0') + '</td>' +
          '<td class="num">' + (r.stuck ? '<span class="flag">⚠ ' + r.stuck + ' stuck</span>' : '0') + '</td>' +
          '<td class="num">' + (r.revealed ? '✱ ' + r.revealed : '0') + '</td>' +
          '<td>' + (r.commonFailure ? esc(r.commonFailure.condition) + ' <span class="muted">(' + r.commonFailure.learners + ')</span>' : '<span class="muted">—</span>') + '</td></tr>';
      }).join('');
    }).join('');
  }

  function renderLearners() {
    var all = [];
    learners.forEach(function (l) { var f = facts(l); if (matches(l, f)) all.push({ l: l, f: f }); });
    all.sort(compare($('sort').value));
    var pages = Math.max(1, Math.ceil(all.length / PAGE));
    page = Math.min(page, pages - 1);
    var shown = all.slice(page * PAGE, page * PAGE + PAGE);
    $('learners').tBodies[0].innerHTML = shown.map(function (x) {
      var l = x.l, f = x.f;
      var since = f.onFor < 0 ? '<span class="muted">—</span>' : (f.stuck ? '<span class="flag">⚠ stuck</span> ' : '') + span(f.onFor);
      // Say where a learner's labs run only when the class mixes both ways.
      var badges = (l.server ? ' <span class="badge">' + esc(l.server) + '</span>' : '') + (l.mode !== data.mode ? ' <span class="badge" title="' + (l.mode === 'report-only' ? 'the labs run on the learner’s own machine' : 'the labs run in an account on this server') + '">' + (l.mode === 'report-only' ? 'own machine' : 'on this server') + '</span>' : '');
      return '<tr data-learner="' + esc(l.name) + '"' + (f.stuck ? ' class="is-stuck"' : '') + '><th scope="row">' + esc(l.name) + badges + '</th><td>' + whereText(l) + '</td><td>' + since + '</td>' +
        '<td class="num">' + f.done + ' / ' + steps.length + (f.revealed ? ' <span class="muted">(✱ ' + f.revealed + ')</span>' : '') + '</td><td class="strip">' + strip(l) + '</td><td>' + (f.idle ? '⏸ ' : '') + esc(ago(l.lastSeen)) + '</td></tr>';
    }).join('') || '<tr><td colspan="6" class="muted">' + (learners.size ? 'No learner matches.' : 'Nobody has joined yet.') + '</td></tr>';
    $('range').textContent = all.length ? 'Showing ' + (page * PAGE + 1) + '–' + (page * PAGE + shown.length) + ' of ' + all.length : '';
    $('prev').disabled = page === 0;
    $('next').disabled = page >= pages - 1;
    $('prev').hidden = $('next').hidden = pages === 1;
  }

  function renderHeader() {
    var c = summary ? summary.counts : { learners: learners.size, started: 0, stuck: 0, finished: 0 };
    $('counts').innerHTML =
      '<button type="button" data-filter="all">' + plural(c.learners, 'learner') + '</button>' +
      '<button type="button" data-filter="stuck">' + (c.stuck ? '⚠ ' : '') + c.stuck + ' stuck</button>' +
      '<button type="button" data-filter="finished">✔ ' + c.finished + ' finished</button>';
    var e = $('empty');
    e.hidden = learners.size > 0;
    if (!learners.size) e.innerHTML = 'Nobody has joined yet. Learners run:<br><code>iam-labs workshop join ' + esc(location.origin) + ' --code ' + esc(data.code) + ' --name "Their Name"</code>';
    var s = summary && summary.server;
    if (s) {
      var w = s.workers || [];
      var accounts = w.reduce(function (n, x) { return n + x.accounts; }, 0);
      var dashboards = plural(s.dashboards, 'dashboard') + ' open';
      $('footer').textContent = w.length
        ? plural(w.length, 'worker process', 'worker processes') + ' · ' + plural(accounts, 'account') + ' in use · ' + Math.round(w.reduce(function (n, x) { return n + x.requestsPerSecond; }, 0)) + ' AWS requests/s · busiest worker ' + Math.round(Math.max.apply(null, w.map(function (x) { return x.busy; })) * 100) + '% busy' + (w.some(function (x) { return x.restarts; }) ? ' · a worker was restarted' : '') + ' · ' + dashboards
        : 'Report-only: labs run on the learners’ own machines · ' + dashboards;
    }
  }

  function render() {
    pending = false;
    if (!data) return;
    renderHeader();
    renderSteps();
    renderLearners();
  }
  function soon() { if (!pending) { pending = true; setTimeout(render, 300); } }

  ['query', 'filter', 'step', 'sort'].forEach(function (id) { $(id).addEventListener('input', function () { page = 0; render(); }); });
  $('prev').addEventListener('click', function () { page = Math.max(0, page - 1); render(); });
  $('next').addEventListener('click', function () { page++; render(); });
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('button[data-step], button[data-filter]');
    if (!b) return;
    if (b.dataset.step) { $('step').value = b.dataset.step; $('filter').value = 'all'; }
    if (b.dataset.filter) { $('filter').value = b.dataset.filter; $('step').value = ''; }
    page = 0; render();
    $('learnersTitle').scrollIntoView({ block: 'start' });
    $('query').focus();
  });

  function setup(d) {
    data = d;
    offset = Date.parse(d.generatedAt) - Date.now();
    summary = { perStep: d.perStep, counts: d.counts, server: d.server };
    steps = []; stepPos = new Map();
    d.labs.forEach(function (lab) { lab.steps.forEach(function (s) { stepPos.set(s.id, steps.length); steps.push(s); }); stepPos.set(lab.id + '#end', steps.length - 0.5); });
    learners = new Map(d.learners.map(function (l) { return [l.id, l]; }));
    $('code').textContent = d.code;
    $('stuckMinutes').textContent = d.stuckMinutes;
    $('step').innerHTML = '<option value="">any step</option>' + d.labs.map(function (lab) {
      return '<optgroup label="Lab ' + esc(labNo(lab.id)) + ' · ' + esc(lab.title) + '">' + lab.steps.map(function (s, i) { return '<option value="' + esc(s.id) + '">' + (i + 1) + '. ' + esc(s.title) + '</option>'; }).join('') + '</optgroup>';
    }).join('');
    ['csv', 'json'].forEach(function (k) { $(k).href = '/_workshop/api/export.' + k + '?token=' + encodeURIComponent(token); });
    $('exports').hidden = false;
    $('login').hidden = true; $('board').hidden = false;
    render();
  }

  function follow() {
    if (source) source.close();
    // From the change the class view reflects; after a drop the browser sends the last id it saw.
    source = new EventSource('/_workshop/api/events?token=' + encodeURIComponent(token) + '&since=' + encodeURIComponent(data.eventSeq || 0));
    source.addEventListener('hello', function () { $('status').textContent = 'live'; });
    source.addEventListener('learners', function (e) { JSON.parse(e.data).forEach(function (l) { learners.set(l.id, l); }); soon(); });
    source.addEventListener('summary', function (e) { summary = JSON.parse(e.data); offset = Date.parse(summary.generatedAt) - Date.now(); soon(); });
    source.onerror = function () { $('status').textContent = 'reconnecting…'; };
  }

  function load() {
    if (!token) return showLogin();
    fetch('/_workshop/api/class', { headers: { authorization: 'Bearer ' + token } }).then(function (r) {
      if (r.status === 401) { sessionStorage.removeItem('iamLabsInstructorToken'); return showLogin(token ? 'That token is not this workshop’s instructor token.' : ''); }
      return r.json().then(function (d) { sessionStorage.setItem('iamLabsInstructorToken', token); setup(d); follow(); });
    }).catch(function () { $('status').textContent = 'server unreachable'; });
  }
  setInterval(function () { if (data) render(); }, 15000);
  load();
})();
`;
