/**
 * The page's script (inline, no external resources). It renders `DashboardData` with DOM APIs
 * only: every text goes through `textContent` or `createTextNode`, never `innerHTML`, so names
 * from the registry, the cluster or the configuration cannot inject markup. Charts are inline SVG.
 * It reads its bootstrap from `<script type="application/json" id="ws-boot">` and follows the
 * server-sent events at `boot.eventsUrl` (same origin: the sign-in cookie goes with it).
 */
export const pageScript = String.raw`
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#2f6fed', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#1098ad', '#5c940d', '#f08c00'];
  var boot = JSON.parse(document.getElementById('ws-boot').textContent);
  var root = document.getElementById('widgets');
  var statusEl = document.getElementById('status');
  var titleEl = document.getElementById('title');
  var navEl = document.getElementById('nav');
  var layoutKey = '';
  var updates = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  function num(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2013';
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(1) + 'G';
    if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    if (Number.isInteger(v)) return String(v);
    return String(Number(v.toFixed(digits === undefined ? 2 : digits)));
  }
  function fmt(v, unit) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2013';
    switch (unit) {
      case 'per_second': return num(v) + '/s';
      case 'seconds': return Math.abs(v) < 1 ? num(v * 1000, 1) + ' ms' : num(v) + ' s';
      case 'bytes':
        if (Math.abs(v) >= 1048576) return (v / 1048576).toFixed(1) + ' MiB';
        if (Math.abs(v) >= 1024) return (v / 1024).toFixed(1) + ' KiB';
        return num(v) + ' B';
      case 'percent': return (v * 100).toFixed(1) + '%';
      default: return num(v);
    }
  }
  function nice(span) {
    var step = Math.pow(10, Math.floor(Math.log(span) / Math.LN10));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * step >= span) return steps[i] * step;
    return 10 * step;
  }
  function time(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  function renderNumber(body, w) {
    var v = el('div', 'value', fmt(w.data.value, w.unit));
    v.setAttribute('data-value', w.data.value === null ? '' : String(w.data.value));
    body.appendChild(v);
  }

  function renderChart(body, w) {
    var W = 600, H = 170, L = 44, R = 8, T = 8, B = 18;
    var series = w.data.series;
    var min = Infinity, max = -Infinity, t0 = Infinity, t1 = -Infinity, total = 0;
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        if (p[0] < t0) t0 = p[0];
        if (p[0] > t1) t1 = p[0];
        if (p[1] === null) return;
        total++;
        if (p[1] < min) min = p[1];
        if (p[1] > max) max = p[1];
      });
    });
    if (min > 0 || !isFinite(min)) min = 0;
    if (!isFinite(max) || max <= min) max = min + 1;
    max = min + nice((max - min) * 1.05);
    if (!isFinite(t0) || t1 <= t0) { t1 = isFinite(t1) ? t1 : Date.now(); t0 = t1 - 1000; }
    var chart = svg('svg', { 'class': 'chart', viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img' });
    chart.setAttribute('aria-label', w.title);
    for (var g = 0; g <= 2; g++) {
      var y = T + (H - T - B) * g / 2;
      chart.appendChild(svg('line', { 'class': 'grid', x1: L, x2: W - R, y1: y, y2: y }));
      var label = svg('text', { x: L - 4, y: y + 3, 'text-anchor': 'end' });
      label.textContent = fmt(max - (max - min) * g / 2, w.unit);
      chart.appendChild(label);
    }
    var from = svg('text', { x: L, y: H - 4 }); from.textContent = time(t0); chart.appendChild(from);
    var to = svg('text', { x: W - R, y: H - 4, 'text-anchor': 'end' }); to.textContent = time(t1); chart.appendChild(to);
    var legend = el('div', 'legend');
    var last = [];
    series.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length];
      var pts = [];
      var segments = [];
      s.points.forEach(function (p) {
        if (p[1] === null) { if (pts.length) segments.push(pts); pts = []; return; }
        var x = L + (W - L - R) * (p[0] - t0) / (t1 - t0);
        var yy = T + (H - T - B) * (1 - (p[1] - min) / (max - min));
        pts.push(x.toFixed(1) + ',' + yy.toFixed(1));
      });
      if (pts.length) segments.push(pts);
      segments.forEach(function (seg) {
        if (seg.length === 1) seg.push(seg[0]);
        var line = svg('polyline', { points: seg.join(' ') });
        line.style.stroke = color;
        line.setAttribute('data-series', s.key);
        chart.appendChild(line);
      });
      var lastPoint = s.points.length ? s.points[s.points.length - 1][1] : null;
      last.push(lastPoint === null ? '' : String(lastPoint));
      var item = el('span');
      var swatch = el('i'); swatch.style.background = color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.key + ' ' + fmt(lastPoint, w.unit)));
      legend.appendChild(item);
    });
    chart.setAttribute('data-points', String(total));
    chart.setAttribute('data-last', last.join(','));
    body.appendChild(chart);
    if (!series.length) body.appendChild(el('div', 'note', 'no data yet'));
    body.appendChild(legend);
  }

  function renderTable(body, w) {
    var table = el('table');
    var head = el('tr');
    w.data.columns.forEach(function (c) { head.appendChild(el('th', '', c)); });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var tbody = el('tbody');
    w.data.rows.forEach(function (row) {
      var tr = el('tr');
      row.forEach(function (cell) {
        var isNum = typeof cell === 'number';
        tr.appendChild(el('td', isNum ? 'num' : '', isNum ? fmt(cell, w.unit) : cell === null ? '\u2013' : String(cell)));
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    body.appendChild(table);
    if (!w.data.rows.length) body.appendChild(el('div', 'note', 'none'));
  }

  function renderBar(body, w) {
    var bars = w.data.bars;
    if (!bars.length) { body.appendChild(el('div', 'note', 'none')); return; }
    var max = 0;
    bars.forEach(function (b) { if (b.value !== null && b.value > max) max = b.value; });
    var box = el('div', 'bars');
    bars.forEach(function (b) {
      box.appendChild(el('span', '', b.key === '' ? '(none)' : b.key));
      var track = el('div');
      var bar = el('div', 'bar');
      bar.style.width = (max > 0 && b.value !== null ? Math.max(0.5, 100 * b.value / max) : 0.5) + '%';
      track.appendChild(bar);
      box.appendChild(track);
      box.appendChild(el('span', 'num', fmt(b.value, w.unit)));
    });
    body.appendChild(box);
  }

  function renderWidget(card, w) {
    card.className = 'card kind-' + w.kind + ' status-' + w.status;
    card.setAttribute('data-status', w.status);
    var body = card.lastChild;
    card.firstChild.textContent = w.title;
    clear(body);
    if (w.status === 'not_installed') {
      body.appendChild(el('div', 'note', 'not installed (' + w.missing.join(', ') + ')'));
      return;
    }
    if (w.status === 'error') { body.appendChild(el('div', 'note', 'error: ' + w.message)); return; }
    switch (w.data.kind) {
      case 'number': renderNumber(body, w); break;
      case 'timeseries': renderChart(body, w); break;
      case 'table': renderTable(body, w); break;
      case 'bar': renderBar(body, w); break;
    }
  }

  function render(data) {
    titleEl.textContent = data.title;
    document.title = data.title + ' \u2013 ' + boot.appTitle;
    var key = data.revision + '|' + data.id;
    if (key !== layoutKey) {
      layoutKey = key;
      clear(navEl);
      data.dashboards.forEach(function (d) {
        var a = el('a', d.id === data.id ? 'current' : '', d.title);
        a.href = '?dashboard=' + encodeURIComponent(d.id);
        navEl.appendChild(a);
      });
      clear(root);
      data.widgets.forEach(function (w) {
        var card = el('section', 'card');
        card.setAttribute('data-widget', w.id);
        card.appendChild(el('h2'));
        card.appendChild(el('div', 'body'));
        root.appendChild(card);
      });
    }
    data.widgets.forEach(function (w, i) { renderWidget(root.children[i], w); });
    updates++;
    document.body.setAttribute('data-updates', String(updates));
    document.body.setAttribute('data-revision', String(data.revision));
  }

  function status(text, cls) { statusEl.textContent = text; statusEl.className = cls; }

  render(boot.data);
  if (typeof EventSource === 'function') {
    var source = new EventSource(boot.eventsUrl);
    source.addEventListener('open', function () { status('live', 'live'); });
    source.addEventListener('data', function (e) {
      status('live \u00b7 ' + time(Date.now()), 'live');
      render(JSON.parse(e.data));
    });
    source.addEventListener('gone', function () {
      source.close();
      status('this dashboard was removed', 'down');
    });
    source.addEventListener('error', function () {
      status(source.readyState === 2 ? 'disconnected (reload to sign in again)' : 'reconnecting\u2026', 'down');
    });
  } else {
    status('no live updates in this browser', 'down');
  }
})();
`;
