/*
 * 四查三比对 / The cross-check: the lists to work through (未入学, 疑似辍学, 脱贫家庭辍学 and the
 * mismatches to correct), filtered by list, area, school and status (in the URL, so the back button
 * keeps them); an item's evidence with 立案 (confirm into a case) or 排除 (clear with a reason), each
 * after checking what will be recorded; the three ledgers and a child's movements between them; my
 * cross-check tasks; and, for the town-wide roles, 立即比对 (run the cross-check now).
 */
import { el, t, name, formatTime, formatDate, state, user, scrollRegion } from '../shell/core.js';
import { route, go } from '../shell/shell.js';
import { field, values, showErrors, clearErrors, fromApi, checkAnswers } from '../shell/forms.js';
import { TOWN_WIDE_ROLES } from '../shell/navigation.js';
import { clearItem, confirmItem, figures, findingVocabulary, item, items, ledger, movements, myFindingTasks, runs, startCrossCheck } from './api.js';

let vocabulary;
async function words() {
  vocabulary ??= await findingVocabulary();
  return vocabulary;
}
const labelOf = (list, code) => {
  const found = list.find((x) => x.code === code);
  return found ? t(found.label) : code;
};
const place = (x) => [x.area && name('areas', x.area), x.school && name('schools', x.school), x.grade && t(`${x.grade}年级`, `grade ${x.grade}`), x.className].filter(Boolean).join(' · ');
const percent = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

function tabs(active) {
  const link = (href, zh, en, id) => el('a', { href, class: `button${active === id ? ' primary' : ''}`, 'aria-current': active === id ? 'page' : undefined }, t(zh, en));
  return el('nav', { class: 'buttons', 'aria-label': t('四查三比对', 'Cross-check') }, link('#/finding', '待处理名单', 'Lists', 'lists'), link('#/finding/ledger/SCHOOL_AGE', '三类台账', 'Ledgers', 'ledgers'));
}

route('/finding', async (main, _params, query) => {
  const w = await words();
  const v = state.vocabulary;
  const filters = { kind: query.get('kind') || 'SUSPECTED_DROPOUT', status: query.get('status') || '', area: query.get('area') || '', school: query.get('school') || '', watch: query.get('watch') || '' };
  const f = {
    kind: field({ name: 'kind', type: 'select', label: ['名单', 'List'], options: w.kinds.map((k) => ({ value: k.code, label: [k.label.zh, k.label.en] })), value: filters.kind }),
    status: field({ name: 'status', type: 'select', label: ['状态', 'Status'], hint: ['不选为待处理', 'Open when not chosen'], options: [...w.statuses.map((s) => ({ value: s.code, label: [s.label.zh, s.label.en] })), { value: 'ALL', label: ['全部', 'All'] }], value: filters.status }),
    area: field({ name: 'area', type: 'select', label: ['责任区', 'Area'], options: v.areas.map((a) => ({ value: a.code, label: t(a.label) })), value: filters.area }),
    school: field({ name: 'school', type: 'select', label: ['学校', 'School'], options: v.schools.map((s) => ({ value: s.code, label: t(s.label) })), value: filters.school }),
    watch: field({ name: 'watch', type: 'select', label: ['关注群体', 'Watch group'], options: w.watchGroups.map((g) => ({ value: g.code, label: [g.label.zh, g.label.en] })), value: filters.watch }),
  };
  const filterForm = el(
    'form',
    { class: 'filters', 'data-testid': 'finding-filters', novalidate: true },
    Object.values(f).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('筛选', 'Filter')), el('a', { class: 'button', href: '#/finding' }, t('清除筛选', 'Clear'))),
  );
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    go(`#/finding?${new URLSearchParams(values(Object.values(f)))}`);
  });

  const [page, fig, tasks, latest] = await Promise.all([items(filters), figures(), myFindingTasks(), runs()]);
  const list = page.items.length
    ? el(
        'ul',
        { class: 'tasks', 'data-testid': 'finding-items' },
        page.items.map((i) =>
          el(
            'li',
            { class: i.dueAt && Date.parse(i.dueAt) < Date.now() && i.status === 'OPEN' ? 'overdue' : '', dataset: { item: i.id } },
            el('a', { href: `#/finding/item/${i.id}` }, i.name),
            el('span', {}, `${labelOf(w.kinds, i.kind)} · ${place(i) || t('无学校或责任区', 'no school or area')}`),
            el('span', {}, evidenceLine(i)),
            el('span', {}, i.status === 'OPEN' ? (i.dueAt ? `${t('核实期限', 'verify by')} ${formatTime(i.dueAt)}` : '') : labelOf(w.statuses, i.status)),
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('没有符合条件的比对结果', 'No items match'));

  const total = fig.total;
  const headline = el(
    'dl',
    { class: 'summary-list', 'data-testid': 'finding-figures' },
    [
      [t('适龄儿童', 'School-age'), total.schoolAge],
      [t('疑似辍学', 'Suspected'), total.suspected],
      [t('辍学', 'Dropouts'), total.dropouts],
      [t('本月复学', 'Returned this month'), total.returned],
      [t('复学率', 'Return rate'), percent(total.returnRate)],
      [t('巩固率', 'Completion rate'), percent(total.completionRate)],
    ].map(([k, x]) => el('div', {}, el('dt', {}, k), el('dd', {}, String(x)))),
  );
  const last = latest[0];
  const runLine = el('p', { 'data-testid': 'last-run' }, last ? t(`最近一次比对：${formatTime(last.startedAt)}（${last.status === 'DONE' ? '已完成' : last.status === 'RUNNING' ? '进行中' : '失败'}）`, `Last cross-check: ${formatTime(last.startedAt)} (${last.status.toLowerCase()})`) : t('尚未比对', 'No cross-check yet'));
  const runButton = TOWN_WIDE_ROLES.includes(user().role)
    ? el('button', {
        type: 'button',
        'data-testid': 'run-cross-check',
        onclick: async (event) => {
          event.target.disabled = true;
          try {
            await startCrossCheck();
            runLine.textContent = t('比对已开始，完成后刷新本页即可看到结果', 'The cross-check has started; reload the page when it is done');
          } catch (err) {
            runLine.textContent = err.words ? err.words() : String(err);
          } finally {
            event.target.disabled = false;
          }
        },
      }, t('立即比对', 'Run the cross-check now'))
    : '';

  main.replaceChildren(
    el('section', { class: 'card wide' }, el('h1', {}, t('四查三比对', 'Cross-check')), tabs('lists'), headline, runLine, runButton),
    tasks.length
      ? el(
          'section',
          { class: 'card wide' },
          el('h2', {}, t('我的比对任务', 'My cross-check tasks')),
          el('ul', { class: 'tasks', 'data-testid': 'finding-tasks' }, tasks.map((x) => el('li', { class: x.overdue ? 'overdue' : '' }, x.itemId ? el('a', { href: `#/finding/item/${x.itemId}` }, x.childName || t('比对结果', 'item')) : '', el('span', {}, t(x.titleZh, x.titleEn)), el('span', { class: x.overdue ? 'late' : '' }, `${t('期限', 'due')} ${formatTime(x.dueAt)}`)))),
        )
      : '',
    el('section', { class: 'card wide' }, el('h2', {}, labelOf(w.kinds, filters.kind), ` (${page.total})`), filterForm, scrollRegion('比对名单', 'Cross-check list', list)),
  );
});

function evidenceLine(i) {
  const e = i.evidence || {};
  if (e.unexplainedDays) return t(`${formatDate(e.runStart)}起连续无故缺课 ${e.unexplainedDays} 个上学日`, `${e.unexplainedDays} school days of unexplained absence from ${formatDate(e.runStart)}`);
  if (e.rollBirthDates) return t(`户籍出生日期 ${e.registerBirthDate}，学籍 ${e.rollBirthDates.map((r) => r.birthDate).join('、')}`, `register ${e.registerBirthDate}, roll ${e.rollBirthDates.map((r) => r.birthDate).join(', ')}`);
  if (e.rolls) return t(`在 ${e.rolls.length} 个学籍中`, `on ${e.rolls.length} rolls`);
  if (e.roll && e.register) return t(`户籍“${e.register.name}”与学籍“${e.roll.name}”（${name('schools', e.roll.school)}）`, `register “${e.register.name}” and roll “${e.roll.name}” (${name('schools', e.roll.school)})`);
  return '';
}

route('/finding/item/:id', async (main, params) => {
  const w = await words();
  const i = await item(params.id);
  const facts = el(
    'dl',
    { class: 'summary-list', 'data-testid': 'item-facts' },
    [
      [t('名单', 'List'), labelOf(w.kinds, i.kind)],
      [t('状态', 'Status'), labelOf(w.statuses, i.status)],
      [t('姓名', 'Name'), i.name],
      [t('身份证号码', 'ID number'), i.idNumber || t('无', 'none')],
      [t('出生日期', 'Born'), i.birthDate ? formatDate(i.birthDate) : '—'],
      [t('学校与责任区', 'School and area'), place(i) || '—'],
      [t('证据', 'Evidence'), evidenceLine(i) || '—'],
      ...(i.evidence.absentDays ? [[t('缺课日期', 'Days absent'), i.evidence.absentDays.join('、')]] : []),
      ...(i.resolvedBy ? [[t('处理人', 'Dealt with by'), `${i.resolvedBy} · ${formatTime(i.resolvedAt)}${i.resolution ? ` · ${labelOf(w.clearReasons, i.resolution)}` : ''}${i.resolutionNote ? ` · ${i.resolutionNote}` : ''}`]] : []),
      ...(i.caseId ? [[t('案件', 'Case'), el('a', { href: `#/case/${i.caseId}` }, t('查看案件', 'Open the case'))]] : []),
    ].map(([k, x]) => el('div', {}, el('dt', {}, k), el('dd', {}, x))),
  );
  const sections = [el('section', { class: 'card' }, el('h1', {}, `${i.name} · ${labelOf(w.kinds, i.kind)}`), facts, i.childId ? el('p', {}, el('a', { href: `#/finding/child/${i.childId}` }, t('台账变动记录', 'Ledger movements'))) : '')];
  if (i.status === 'OPEN' && i.confirmable) sections.push(confirmForm(i, w));
  if (i.status === 'OPEN') sections.push(clearForm(i, w));
  main.replaceChildren(...sections);
});

function confirmForm(i, w) {
  const causes = state.vocabulary.causes.map((c) => ({ value: c.code, label: [c.label.zh, c.label.en] }));
  const f = {
    cause: field({ name: 'cause', type: 'select', label: ['辍学原因', 'Cause'], required: true, options: causes }),
    note: field({ name: 'note', type: 'textarea', label: ['核实情况', 'What the verification found'], hint: ['记入立案备注，附在缺课证据之后', 'Added to the opening note after the absence evidence'] }),
    guardianName: field({ name: 'guardians.0.name', type: 'text', label: ['监护人姓名', 'Guardian’s name'], hint: ['儿童尚未登记时必填', 'Required when the child is not on the registry'] }),
    guardianPhone: field({ name: 'guardians.0.phone', type: 'text', label: ['监护人电话', 'Guardian’s phone'], inputmode: 'tel' }),
    guardianRelation: field({ name: 'guardians.0.relation', type: 'text', label: ['与儿童关系', 'Relation'] }),
  };
  const send = el('button', { type: 'submit', class: 'primary' }, t('核实后立案', 'Confirm into a case'));
  const form = el('form', { 'data-testid': 'confirm-form', novalidate: true }, Object.values(f).map((x) => x.row), el('div', { class: 'buttons' }, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const chosen = values(Object.values(f));
    if (!chosen.cause) return showErrors(form, [{ field: 'cause', message: t('请选择辍学原因', 'Choose the cause') }]);
    const body = { cause: chosen.cause, ...(chosen.note ? { note: chosen.note } : {}) };
    if (chosen['guardians.0.name'] || chosen['guardians.0.phone']) body.guardians = [{ name: chosen['guardians.0.name'] || '', phone: chosen['guardians.0.phone'] || '', relation: chosen['guardians.0.relation'] || '' }];
    let preview;
    try {
      preview = await confirmItem(i.id, { ...body, dryRun: true });
    } catch (err) {
      return showErrors(form, fromApi(err, form));
    }
    send.hidden = true;
    try {
      await checkAnswers(form, {
        title: t('请核对：立案', 'Check: open a case'),
        rows: [
          { label: t('儿童', 'Child'), value: `${i.name}（${place(i)}）` },
          { label: t('辍学原因', 'Cause'), value: f.cause.input.selectedOptions[0].textContent, field: f.cause.input },
          { label: t('立案备注', 'Opening note'), value: preview.case.note, field: f.note.input },
          ...(body.guardians ? [{ label: t('监护人', 'Guardian'), value: `${body.guardians[0].name} ${body.guardians[0].phone} ${body.guardians[0].relation}`, field: f.guardianName.input }] : []),
        ],
        warning: t('立案后即开始办理流程（家访 3 日内），儿童移入辍学台账；立案记录不能撤回。', 'The case starts at once (home visit within 3 days) and the child moves to the dropout ledger; the opening cannot be undone.'),
        confirmLabel: t('确认立案', 'Open the case'),
      });
    } catch {
      send.hidden = false;
      return;
    }
    try {
      const answer = await confirmItem(i.id, body);
      go(`#/case/${answer.case.id}`);
    } catch (err) {
      send.hidden = false;
      showErrors(form, fromApi(err, form));
    }
  });
  return el('section', { class: 'card' }, el('h2', {}, t('核实后立案', 'Confirm into a case')), form);
}

function clearForm(i, w) {
  const reason = field({ name: 'reason', type: 'select', label: i.kind === 'FUZZY_MATCH' ? ['核实结果', 'Finding'] : ['排除原因', 'Reason'], required: true, options: i.clearReasons.map((code) => ({ value: code, label: labelOf(w.clearReasons, code) })) });
  const note = field({ name: 'note', type: 'textarea', label: ['说明', 'Note'], hint: ['如证明材料、批准文号；原因为“其他”时必填', 'e.g. the certificate or the approval; required for “other”'] });
  const send = el('button', { type: 'submit' }, i.kind === 'FUZZY_MATCH' ? t('提交核实结果', 'Send the finding') : t('排除', 'Clear'));
  const form = el('form', { 'data-testid': 'clear-form', novalidate: true }, reason.row, note.row, el('div', { class: 'buttons' }, send));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const chosen = values([reason, note]);
    const problems = [];
    if (!chosen.reason) problems.push({ field: 'reason', message: t('请选择原因', 'Choose the reason') });
    if (chosen.reason === 'OTHER' && !chosen.note) problems.push({ field: 'note', message: t('原因为“其他”时请写明具体原因', 'Give the reason when it is “other”') });
    if (problems.length) return showErrors(form, problems);
    send.hidden = true;
    try {
      await checkAnswers(form, {
        title: t('请核对：排除', 'Check: clear'),
        rows: [
          { label: t('比对结果', 'Item'), value: `${i.name} · ${labelOf(w.kinds, i.kind)}` },
          { label: t('原因', 'Reason'), value: reason.input.selectedOptions[0].textContent, field: reason.input },
          { label: t('说明', 'Note'), value: chosen.note, field: note.input },
        ],
        warning: t('排除后该结果不再列入待处理名单，除非数据发生变化。', 'Once cleared the item leaves the list unless its data change.'),
      });
    } catch {
      send.hidden = false;
      return;
    }
    try {
      await clearItem(i.id, chosen);
      go(`#/finding/item/${i.id}`);
    } catch (err) {
      send.hidden = false;
      showErrors(form, fromApi(err, form));
    }
  });
  return el('section', { class: 'card' }, el('h2', {}, t('核实后排除', 'Clear with a reason')), form);
}

route('/finding/ledger/:ledger', async (main, params, query) => {
  const w = await words();
  const v = state.vocabulary;
  const filters = { area: query.get('area') || '', school: query.get('school') || '' };
  const page = await ledger(params.ledger, filters);
  const area = field({ name: 'area', type: 'select', label: ['责任区', 'Area'], options: v.areas.map((a) => ({ value: a.code, label: t(a.label) })), value: filters.area });
  const school = field({ name: 'school', type: 'select', label: ['学校', 'School'], options: v.schools.map((s) => ({ value: s.code, label: t(s.label) })), value: filters.school });
  const form = el('form', { class: 'filters', novalidate: true }, area.row, school.row, el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('筛选', 'Filter'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(`#/finding/ledger/${params.ledger}?${new URLSearchParams(values([area, school]))}`);
  });
  const choose = el('nav', { class: 'buttons', 'aria-label': t('台账', 'Ledger') }, w.ledgers.map((l) => el('a', { href: `#/finding/ledger/${l.code}`, class: `button${l.code === params.ledger ? ' primary' : ''}`, 'aria-current': l.code === params.ledger ? 'page' : undefined }, t(l.label))));
  const rows = page.items.length
    ? el(
        'ul',
        { class: 'tasks', 'data-testid': 'ledger-children' },
        page.items.map((c) => el('li', {}, el('a', { href: `#/finding/child/${c.id}` }, c.name), el('span', {}, place(c) || '—'), el('span', {}, [c.onRegister ? t('有户籍', 'register') : t('无户籍', 'no register'), c.onRoll ? t('有学籍', 'roll') : t('无学籍', 'no roll'), c.onPoverty ? t('脱贫户', 'poverty list') : ''].filter(Boolean).join(' · ')), el('span', {}, c.statusSince ? `${t('自', 'since')} ${formatTime(c.statusSince)}` : ''))),
      )
    : el('p', { class: 'empty' }, t('台账中没有儿童', 'Nobody on this ledger'));
  main.replaceChildren(el('section', { class: 'card wide' }, el('h1', {}, `${labelOf(w.ledgers, params.ledger)} (${page.total})`), tabs('ledgers'), choose, form, scrollRegion('台账名单', 'Ledger list', rows)));
});

route('/finding/child/:id', async (main, params) => {
  const w = await words();
  const { child, movements: moves } = await movements(params.id);
  const status = (s) => (s === 'NONE' ? t('适龄儿童台账', 'School-age ledger only') : labelOf(w.ledgers, s));
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h1', {}, `${child.name} · ${t('台账变动', 'Ledger movements')}`),
      el('p', {}, `${t('现在', 'Now')}：${status(child.status)}${child.caseId ? ' · ' : ''}`, child.caseId ? el('a', { href: `#/case/${child.caseId}` }, t('查看案件', 'Open the case')) : ''),
      moves.length
        ? el(
            'ol',
            { class: 'timeline', 'data-testid': 'movements' },
            moves.map((m) => el('li', {}, el('strong', {}, `${status(m.from)} → ${status(m.to)}`), el('span', {}, ` · ${labelOf(w.sources, m.source)} · ${formatTime(m.movedAt)}`), m.confirmedBy ? el('span', {}, ` · ${t('确认人', 'confirmed by')} ${m.confirmedByName || m.confirmedBy}`) : '', m.note ? el('p', {}, m.note) : '')),
          )
        : el('p', { class: 'empty' }, t('没有变动', 'No movements')),
    ),
  );
});
