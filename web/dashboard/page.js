/*
 * The leading group's dashboard: headline figures, area × stage matrix, deadline heatmap, monthly
 * trend, overdue list, area ranking (考核), monthly reports; a case list per matrix cell (#/list)
 * and a case page with the full timeline and its documents (#/case/<id>).
 *
 * Live: every 2 s the page asks /api/dashboard/version (one index lookup, not audited) and reloads
 * the widgets when it changed, so an action shows within a few seconds without a reload; every
 * minute it reloads anyway (overdue figures change with the clock, not only with actions).
 * When every widget has rendered the page sets the performance mark 'dashboard-ready' and
 * body[data-ready] (scripts/measure-dashboard.ts and the browser tests wait for it).
 */
import * as Baoxue from '../shell/core.js';

(() => {
  const { t, el, label, api, ApiProblem, name, formatTime, formatDuration, formatMonth, scrollRegion } = Baoxue;
  const main = document.getElementById('main');
  const charts = [];
  let data = null; // the last answers of the widget endpoints, re-rendered on a language change
  let version = null;
  let lastFull = 0;
  let loading = false;
  let polling = false;

  const WIDGETS = ['headline', 'matrix', 'heatmap', 'trend', 'overdue', 'ranking'];

  function route() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, query] = hash.split('?');
    return { path, params: new URLSearchParams(query || '') };
  }

  async function start() {
    if (!Baoxue.token()) return Baoxue.loginForm(main, start);
    const user = Baoxue.user();
    document.getElementById('who').textContent = user ? `${user.displayName || user.username}` : '';
    document.getElementById('logout').hidden = false;
    try {
      const v = await Baoxue.vocabulary();
      document.getElementById('town').textContent = t(v.town.label);
    } catch (err) {
      return showError(err);
    }
    await render();
    if (!polling) {
      polling = true;
      poll();
    }
  }

  async function render() {
    const r = route();
    disposeCharts();
    if (r.path.startsWith('/case/')) return renderCase(decodeURIComponent(r.path.slice(6)));
    if (r.path === '/list') return renderList(r.params);
    return renderDashboard();
  }

  // ---- the dashboard ----

  async function loadWidgets() {
    // The version first: a change that lands while the widgets load is seen by the next poll.
    version = (await api('/api/dashboard/version')).version;
    const answers = await Promise.all([
      ...WIDGETS.map((w) => api(`/api/dashboard/${w}`)),
      api('/api/reports').catch(() => ({ reports: [], forbidden: true })),
      api('/api/finding/figures').catch(() => null),
    ]);
    data = Object.fromEntries(WIDGETS.map((w, i) => [w, answers[i]]));
    data.reports = answers[WIDGETS.length];
    data.ledgers = answers[WIDGETS.length + 1];
    lastFull = Date.now();
  }

  async function renderDashboard() {
    document.body.removeAttribute('data-ready');
    try {
      await loadWidgets();
    } catch (err) {
      return showError(err);
    }
    drawDashboard();
    document.body.dataset.ready = '1';
    if (!performance.getEntriesByName('dashboard-ready').length) performance.mark('dashboard-ready');
  }

  function drawDashboard() {
    disposeCharts();
    const areas = Baoxue.state.vocabulary.areas;
    const heat = el('div', { class: 'chart', id: 'heatmap-chart', 'data-testid': 'heatmap' });
    const trend = el('div', { class: 'chart', id: 'trend-chart', 'data-testid': 'trend' });
    main.replaceChildren(
      headlineSection(data.headline, areas),
      section('责任区 × 阶段（未结案件，点击查看名单）', 'Area × stage (open cases; click for the list)', matrixTable(data.matrix, areas), 'matrix'),
      section('时限热力图：本阶段已用时间 / 时限', 'Deadline heatmap: time spent in the stage / its window', heat),
      section('月度趋势：立案、复学、销号', 'Monthly trend: opened, returned, closed', trend),
      data.ledgers ? section('三类台账与四查三比对', 'The three ledgers and the cross-check', ledgersTable(data.ledgers, areas), 'ledgers') : '',
      section('逾期清单', 'Overdue list', overdueTable(data.overdue.items, data.headline.overdue), 'overdue'),
      section('责任区考核排名', 'Area ranking (assessment)', rankingTable(data.ranking), 'ranking'),
      section('动态监测书面报告（每月 1 日生成）', 'Monthly monitoring reports (generated on the 1st)', reportsList(data.reports), 'reports'),
      // The roles that read the town's reports read the whole town: the what-if is theirs too (docs/what-if.md).
      data.reports.forbidden
        ? ''
        : section(
            '政策推演',
            'Policy what-if',
            el('p', {}, t('采用新的时限政策前，先看它对在办案件的影响：', 'Before adopting a new policy, see what it would do to the running cases: '), el('a', { href: '/app#/what-if', 'data-testid': 'what-if-link' }, t('打开政策推演', 'Open the what-if'))),
            'what-if',
          ),
    );
    drawHeatmap(heat, data.heatmap.cells, areas);
    drawTrend(trend, data.trend.months);
  }

  function section(zh, en, body, testid) {
    return el('section', { class: 'card', 'data-testid': testid && `${testid}-section` }, el('h2', {}, label(zh, en)), body);
  }

  function headlineSection(h, areas) {
    const figure = (zh, en, value, testid, warn) =>
      el('div', { class: `figure${warn ? ' warn' : ''}` }, el('b', { 'data-testid': testid }, String(value)), label(zh, en));
    const zeroes = el(
      'ul',
      { class: 'zero-list', 'data-testid': 'area-zero' },
      h.areas.map((a) =>
        el(
          'li',
          { class: a.atZero ? 'zero' : 'not-zero', dataset: { area: a.area } },
          name('areas', a.area),
          ' ',
          a.atZero ? t('✓ 已清零', '✓ at zero') : t(`未结 ${a.open}`, `${a.open} open`),
        ),
      ),
    );
    return el(
      'section',
      { class: 'card headline' },
      el(
        'div',
        { class: 'figures' },
        figure('未结案件', 'Open cases', h.open, 'headline-open'),
        figure('本月复学（人次）', 'Returns this month', h.returnedThisMonth, 'headline-returned'),
        figure('本年销号', 'Closed this year', h.closedThisYear, 'headline-closed'),
        figure('逾期', 'Overdue', h.overdue, 'headline-overdue', h.overdue > 0),
      ),
      el('h3', {}, label('各责任区清零情况', 'Areas at zero')),
      zeroes,
    );
  }

  /** 适龄、疑似、辍学、复学, 复学率 and 巩固率 by area, and the cross-check's open items (GET /api/finding/figures). */
  function ledgersTable(f, areas) {
    const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
    const cells = (x) => [x.schoolAge, x.suspected, x.dropouts, x.returned, pct(x.returnRate), pct(x.completionRate)].map((v) => el('td', {}, String(v)));
    const head = el('tr', {}, ['责任区|Area', '适龄儿童|School-age', '疑似辍学|Suspected', '辍学|Dropouts', '本月复学|Returned', '复学率|Return rate', '巩固率|Completion'].map((h) => el('th', {}, label(...h.split('|')))));
    const rows = areas.map((a) => el('tr', {}, el('th', {}, name('areas', a.code)), cells(f.byArea.find((x) => x.area === a.code) || { schoolAge: 0, suspected: 0, dropouts: 0, returned: 0, returnRate: null, completionRate: null })));
    const open = Object.values(f.openItems).reduce((a, b) => a + b, 0);
    return el(
      'div',
      {},
      scrollRegion('三类台账', 'Three ledgers', el('table', { 'data-testid': 'ledgers' }, el('thead', {}, head), el('tbody', {}, rows, el('tr', {}, el('th', {}, label('合计', 'Total')), cells(f.total))))),
      el('p', {}, el('a', { href: '/app#/finding' }, t(`比对待处理 ${open} 条`, `${open} open cross-check items`))),
    );
  }

  function matrixTable(matrix, areas) {
    const stages = Baoxue.state.vocabulary.openStages.map((s) => s.code);
    const count = (area, stage) => (matrix.cells.find((c) => c.area === area && c.stage === stage) || { count: 0 }).count;
    const head = el('tr', {}, el('th', {}, label('责任区', 'Area')), stages.map((s) => el('th', {}, name('stages', s))), el('th', {}, label('合计', 'Total')));
    const rows = areas.map((a) => {
      const total = stages.reduce((n, s) => n + count(a.code, s), 0);
      return el(
        'tr',
        {},
        el('th', {}, t(a.label)),
        stages.map((s) => {
          const n = count(a.code, s);
          const cell = el('td', { 'data-cell': `${a.code}:${s}`, class: n ? 'has' : '' });
          cell.append(n ? el('a', { href: `#/list?area=${a.code}&stage=${s}` }, String(n)) : '·');
          return cell;
        }),
        el('td', { class: 'total' }, String(total)),
      );
    });
    return scrollRegion('责任区 × 阶段', 'Area × stage', el('table', { class: 'matrix', 'data-testid': 'matrix' }, el('thead', {}, head), el('tbody', {}, rows)));
  }

  function drawHeatmap(node, cells, areas) {
    const stages = Baoxue.state.vocabulary.openStages.map((s) => s.code).filter((s) => s !== 'RETURNED');
    if (!window.echarts) return;
    const chart = echarts.init(node, null, { renderer: 'canvas' });
    charts.push(chart);
    const values = cells.map((c) => [stages.indexOf(c.stage), areas.findIndex((a) => a.code === c.area), Math.round(c.ratio * 100), c]);
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: (p) => {
          const c = p.data[3];
          return `${name('areas', c.area)} · ${name('stages', c.stage)}<br>${t('案件', 'cases')} ${c.cases}<br>${t('平均已用', 'avg spent')} ${c.avgDaysInStage} ${t('天', 'd')} / ${t('时限', 'window')} ${c.avgDaysAllowed} ${t('天', 'd')}<br>${t('逾期', 'overdue')} ${c.overdue}`;
        },
      },
      grid: { left: 8, right: 8, top: 8, bottom: 60, containLabel: true },
      xAxis: { type: 'category', data: stages.map((s) => name('stages', s)), axisLabel: { interval: 0, rotate: 30, fontSize: 10 } },
      // inverse: the first area on top, in the matrix's order (a category axis runs bottom-up).
      yAxis: { type: 'category', inverse: true, data: areas.map((a) => t(a.label)), axisLabel: { fontSize: 10 } },
      // dimension 2: the colour reads the percentage; by default it read the last dimension, the cell's object, and painted nothing.
      visualMap: { dimension: 2, min: 0, max: 150, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 80, text: ['150%', '0%'], inRange: { color: ['#e8f5e9', '#fff59d', '#ef5350'] } },
      series: [{ type: 'heatmap', data: values, label: { show: true, formatter: (p) => `${p.data[2]}%`, fontSize: 10 } }],
    });
  }

  function drawTrend(node, months) {
    if (!window.echarts) return;
    const chart = echarts.init(node, null, { renderer: 'canvas' });
    charts.push(chart);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [t('立案', 'Opened'), t('复学', 'Returned'), t('销号', 'Closed')] },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months.map((m) => formatMonth(m.month)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('立案', 'Opened'), type: 'bar', data: months.map((m) => m.opened) },
        { name: t('复学', 'Returned'), type: 'line', data: months.map((m) => m.returned) },
        { name: t('销号', 'Closed'), type: 'line', data: months.map((m) => m.closed) },
      ],
    });
  }

  function overdueTable(items, total) {
    if (!items.length) return el('p', { class: 'empty', 'data-testid': 'overdue-empty' }, t('没有逾期案件', 'No overdue cases'));
    const rows = items.map((o) =>
      el(
        'tr',
        { dataset: { case: o.caseId } },
        el('td', {}, el('a', { href: `#/case/${o.caseId}` }, o.childName)),
        el('td', {}, name('areas', o.area)),
        el('td', {}, name('stages', o.stage)),
        el('td', {}, o.responsible.length ? o.responsible.join('、') : o.responsibleRoles.map((p) => name('posts', p)).join('、')),
        el('td', { class: 'late' }, formatDuration(o.overdueMs)),
      ),
    );
    return scrollRegion('逾期清单', 'Overdue list',
      el('p', {}, t(`共 ${total} 件，显示逾期最久的 ${items.length} 件`, `${total} in all; the ${items.length} longest overdue shown`)),
      el(
        'table',
        { 'data-testid': 'overdue' },
        el('thead', {}, el('tr', {}, ['儿童/Child', '责任区/Area', '阶段/Stage', '责任人/Responsible', '逾期/Overdue by'].map((h) => el('th', {}, t(...h.split('/')))))),
        el('tbody', {}, rows),
      ),
    );
  }

  function rankingTable(ranking) {
    const rows = ranking.rows.map((r) =>
      el('tr', { dataset: { area: r.area } }, el('td', {}, String(r.rank)), el('td', {}, name('areas', r.area)), el('td', {}, String(r.overdue)), el('td', {}, String(r.open)), el('td', {}, String(r.returnedThisYear)), el('td', {}, String(r.closedThisYear))),
    );
    return scrollRegion('考核排名', 'Ranking',
      el('p', { class: 'rule', 'data-testid': 'ranking-rule' }, t(ranking.rule)),
      el(
        'table',
        { 'data-testid': 'ranking' },
        el('thead', {}, el('tr', {}, ['名次/Rank', '责任区/Area', '逾期/Overdue', '未结/Open', '本年复学（人次）/Returns this year', '本年销号/Closed this year'].map((h) => el('th', {}, t(...h.split('/')))))),
        el('tbody', {}, rows),
      ),
    );
  }

  function reportsList(answer) {
    if (answer.forbidden) return el('p', { class: 'empty' }, t('您的岗位不查看全镇报告', 'Your role does not read the town reports'));
    if (!answer.reports.length) return el('p', { class: 'empty' }, t('尚无报告。每月 1 日凌晨自动生成上月的书面报告，生成后在此下载。', 'No reports yet. The report of the month before is made on the 1st of each month and can be downloaded here.'));
    return el(
      'ul',
      { class: 'reports', 'data-testid': 'reports' },
      answer.reports.map((r) =>
        el(
          'li',
          {},
          `${formatMonth(r.month)} `,
          r.nil ? el('em', {}, t('（零报告）', '(nil report)')) : '',
          ' ',
          downloadLink(`/api/reports/${r.month}/xlsx`, `${r.month}.xlsx`, 'Excel'),
          ' ',
          downloadLink(`/api/reports/${r.month}/pdf`, `${r.month}.pdf`, 'PDF'),
        ),
      ),
    );
  }

  /** The files need the token, so they are fetched and handed to the browser as a download. */
  function downloadLink(path, filename, text) {
    return el(
      'button',
      {
        type: 'button',
        class: 'link',
        onclick: async () => {
          try {
            const res = await api(path, { raw: true });
            const url = URL.createObjectURL(await res.blob());
            const a = el('a', { href: url, download: `动态监测书面报告-${filename}` });
            document.body.append(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
          } catch (err) {
            alert(err instanceof ApiProblem ? err.words() : String(err));
          }
        },
      },
      text,
    );
  }

  // ---- the list of a matrix cell ----

  async function renderList(params) {
    document.body.removeAttribute('data-ready');
    const query = new URLSearchParams({ open: 'true', pageSize: '100' });
    for (const key of ['area', 'stage', 'school']) if (params.get(key)) query.set(key, params.get(key));
    let page;
    try {
      page = await api(`/api/cases?${query}`);
    } catch (err) {
      return showError(err);
    }
    const title = [params.get('area') && name('areas', params.get('area')), params.get('stage') && name('stages', params.get('stage'))].filter(Boolean).join(' · ');
    main.replaceChildren(
      el(
        'section',
        { class: 'card' },
        el('p', {}, el('a', { href: '#/' }, t('← 返回看板', '← Back to the dashboard'))),
        el('h2', {}, `${title} (${page.total})`),
        scrollRegion('案件名单', 'Cases',
          el(
            'table',
            { 'data-testid': 'case-list' },
            el('thead', {}, el('tr', {}, ['儿童/Child', '学校/School', '阶段/Stage', '期限/Due', '逾期/Overdue'].map((h) => el('th', {}, t(...h.split('/')))))),
            el(
              'tbody',
              {},
              page.items.map((c) =>
                el('tr', {}, el('td', {}, el('a', { href: `#/case/${c.id}` }, c.child.name)), el('td', {}, t(c.schoolLabel)), el('td', {}, t(c.stageLabel)), el('td', {}, formatTime(c.nextDeadlineAt)), el('td', {}, c.overdue ? t('是', 'yes') : '')),
              ),
            ),
          ),
        ),
      ),
    );
    document.body.dataset.ready = '1';
  }

  // ---- the case page ----

  async function renderCase(id) {
    document.body.removeAttribute('data-ready');
    let c;
    try {
      c = await api(`/api/cases/${encodeURIComponent(id)}`);
    } catch (err) {
      return showError(err);
    }
    const documents = el('div', { 'data-testid': 'documents' }, t('正在读取文书…', 'Loading documents…'));
    main.replaceChildren(
      el(
        'section',
        { class: 'card' },
        el('p', {}, el('a', { href: '#/' }, t('← 返回看板', '← Back to the dashboard'))),
        el('h2', { 'data-testid': 'case-title' }, `${c.child.name} · ${t(c.stageLabel)}`),
        el(
          'dl',
          { class: 'facts' },
          el('dt', {}, t('责任区', 'Area')), el('dd', {}, t(c.areaLabel)),
          el('dt', {}, t('学校', 'School')), el('dd', {}, `${t(c.schoolLabel)} ${c.child.className}`),
          el('dt', {}, t('原因', 'Cause')), el('dd', {}, t(c.causeLabel)),
          el('dt', {}, t('立案', 'Opened')), el('dd', {}, `${formatTime(c.openedAt)} ${c.openedBy}`),
          el('dt', {}, t('下一期限', 'Next deadline')), el('dd', { class: c.overdue ? 'late' : '' }, `${formatTime(c.nextDeadlineAt)}${c.overdue ? t('（已逾期）', ' (overdue)') : ''}`),
        ),
        el('h3', {}, t('办理经过', 'Timeline')),
        timeline(c.timeline),
        el('h3', {}, t('文书', 'Documents')),
        documents,
      ),
    );
    loadDocuments(id, documents);
    document.body.dataset.ready = '1';
  }

  function timeline(events) {
    return el(
      'ol',
      { class: 'timeline', 'data-testid': 'timeline' },
      events.map((e) =>
        el(
          'li',
          { class: e.automatic ? 'auto' : 'human', dataset: { type: e.type } },
          el('time', {}, formatTime(e.occurredAt)),
          el('b', {}, t(e.label)),
          e.stageBefore !== e.stageAfter ? el('span', { class: 'move' }, `${name('stages', e.stageBefore)} → ${name('stages', e.stageAfter)}`) : '',
          el('span', { class: 'actor' }, e.automatic ? t('系统自动', 'automatic') : e.actor),
          e.reason ? el('p', { class: 'reason' }, e.reasonLabel ? t(e.reasonLabel) : e.reason) : '',
        ),
      ),
    );
  }

  /** The case's documents (文书) with their 文号, each downloadable as PDF and HTML, and the evidence pack (证据链). */
  async function loadDocuments(id, node) {
    const saving = (path) => () => Baoxue.download(path).catch((err) => alert(err instanceof ApiProblem ? err.words() : String(err)));
    const pack = el('button', { type: 'button', onclick: saving(`/api/cases/${encodeURIComponent(id)}/evidence-pack`) }, label('下载证据链（PDF）', 'Evidence pack (PDF)'));
    try {
      const { items } = await api(`/api/cases/${encodeURIComponent(id)}/documents`);
      const list = items.length
        ? el(
            'ul',
            { class: 'documents' },
            items.map((d) =>
              el(
                'li',
                {},
                `${t(d.kindLabel.zh, d.kindLabel.en)} · ${d.number} · ${formatTime(d.issuedAt)} · ${d.issuedBy} `,
                el('button', { type: 'button', onclick: saving(d.downloads.pdf) }, 'PDF'),
                el('button', { type: 'button', onclick: saving(d.downloads.html) }, 'HTML'),
              ),
            ),
          )
        : el('p', { class: 'empty' }, t('暂无文书', 'No documents yet'));
      node.replaceChildren(list, pack);
    } catch (err) {
      node.replaceChildren(err instanceof ApiProblem ? err.words() : String(err));
    }
  }

  // ---- live updates ----

  async function poll() {
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      if (!Baoxue.token() || loading) continue;
      try {
        const v = (await api('/api/dashboard/version')).version;
        const stale = Date.now() - lastFull > 60_000;
        if (v !== version || stale) {
          loading = true;
          await refresh(v); // sets `version` to what it loaded
        }
        document.getElementById('live').textContent = `${t('实时更新', 'Live')} · ${formatTime(new Date().toISOString())}`;
      } catch {
        document.getElementById('live').textContent = t('连接中断，正在重试…', 'Connection lost, retrying…');
      } finally {
        loading = false;
      }
    }
  }

  async function refresh(seen) {
    const r = route();
    if (r.path === '/' || r.path === '') {
      await loadWidgets();
      drawDashboard();
    } else {
      await render();
      version = seen;
      lastFull = Date.now();
    }
  }

  function disposeCharts() {
    while (charts.length) charts.pop().dispose();
  }

  function showError(err) {
    if (!Baoxue.token()) return Baoxue.loginForm(main, start);
    main.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof ApiProblem ? err.words() : String(err)));
  }

  Baoxue.onLoggedOut.push(() => {
    document.getElementById('logout').hidden = true;
    document.getElementById('who').textContent = '';
    Baoxue.loginForm(main, start);
  });
  Baoxue.state.onLangChange.push(() => {
    if (!Baoxue.token() || !Baoxue.state.vocabulary) return;
    document.getElementById('town').textContent = t(Baoxue.state.vocabulary.town.label);
    if (data && (route().path === '/' || route().path === '')) drawDashboard();
    else render();
  });
  window.addEventListener('hashchange', () => Baoxue.token() && render());
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('logout').addEventListener('click', () => Baoxue.logout());
    Baoxue.installExpiryDialog(); // an expired session asks to log in again, over the page
    start();
  });
})();
