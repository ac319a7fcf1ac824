/*
 * 我的待办 / My tasks: the open tasks the responsibility chains gave me, overdue first, filtered
 * by stage, area, due-by day and overdue (the filters live in the URL, so the back button keeps
 * them); the cross-check's tasks (四查比对: verify a suspected dropout, …) among them, each opening
 * its finding item. Coordinators (the roles that may REASSIGN) also see the town's open cases, tick several
 * and reassign them at once, after checking what will be recorded.
 */
import { el, t, label, name, formatTime, state, user } from '../shell/core.js';
import { route, go } from '../shell/shell.js';
import { field, values, showErrors, clearErrors, fromApi, checkAnswers } from '../shell/forms.js';
import { REASSIGNING_ROLES } from '../shell/navigation.js';
import { myTasks, openCases, reassign } from './api.js';

const CHAIN = ['HOME_VISIT', 'PERSUASION', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'];

route('/tasks', async (main, _params, query) => {
  const v = state.vocabulary;
  const coordinator = REASSIGNING_ROLES.includes(user().role);
  const scope = coordinator && query.get('scope') === 'town' ? 'town' : 'mine';
  const filters = { stage: query.get('stage') || '', area: query.get('area') || '', dueBy: query.get('dueBy') || '', overdue: query.get('overdue') || '' };

  const f = {
    stage: field({ name: 'stage', type: 'select', label: ['阶段', 'Stage'], options: CHAIN.map((s) => ({ value: s, label: name('stages', s) })), value: filters.stage }),
    area: field({ name: 'area', type: 'select', label: ['责任区', 'Area'], options: v.areas.map((a) => ({ value: a.code, label: t(a.label) })), value: filters.area }),
    dueBy: scope === 'mine' ? field({ name: 'dueBy', type: 'date', label: ['期限不晚于', 'Due by'], value: filters.dueBy }) : null,
    overdue: field({ name: 'overdue', type: 'select', label: ['是否逾期', 'Overdue'], options: [{ value: 'true', label: ['只看逾期', 'Overdue only'] }, { value: 'false', label: ['只看未逾期', 'Not overdue'] }], value: filters.overdue }),
  };
  const filterForm = el(
    'form',
    { class: 'filters', 'data-testid': 'task-filters', novalidate: true },
    Object.values(f).filter(Boolean).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('筛选', 'Filter')), el('a', { class: 'button', href: scope === 'town' ? '#/tasks?scope=town' : '#/tasks' }, t('清除筛选', 'Clear'))),
  );
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = values(Object.values(f).filter(Boolean));
    const params = new URLSearchParams(chosen);
    if (scope === 'town') params.set('scope', 'town');
    go(`#/tasks${params.toString() ? `?${params}` : ''}`);
  });

  const page = scope === 'town' ? await openCases(filters) : await myTasks(filters);
  // One row per case: a person may hold two tasks of one case (two links of the chain).
  const rows = scope === 'town'
    ? page.items.map((c) => ({ caseId: c.id, childName: c.child.name, stage: t(c.stageLabel), work: c.assignee ? `${t('负责人', 'in charge')} ${c.assignee}` : '', area: c.area, dueAt: c.nextDeadlineAt, overdue: c.overdue, overdueBy: null }))
    : page.items.map((x) => (x.source === 'FINDING' ? findingRow(x) : x.source === 'APPROVAL' ? approvalRow(x) : { caseId: x.caseId, childName: x.child.name, stage: t(x.stageLabel), work: t(x.work), area: x.area, dueAt: x.dueAt, overdue: x.overdue, overdueBy: x.overdueBy }));

  const selected = new Set();
  const count = el('span', { 'data-testid': 'selected-count' }, t('已选 0 件', '0 selected'));
  const list = rows.length
    ? el(
        'ul',
        { class: 'tasks', 'data-testid': 'tasks' },
        rows.map((r) =>
          el(
            'li',
            { class: r.overdue ? 'overdue' : '', dataset: r.finding ? { finding: r.finding } : r.approval ? { approval: r.approval, case: r.caseId } : { case: r.caseId } },
            // Only a case's tasks are reassigned (REASSIGN is a case action); a cross-check task stays with its holder, a request with its approvers.
            coordinator && !r.finding && !r.approval
              ? el('input', {
                  type: 'checkbox',
                  class: 'pick',
                  'aria-label': t(`选择 ${r.childName}`, `Select ${r.childName}`),
                  onchange: (event) => {
                    if (event.target.checked) selected.add(r.caseId);
                    else selected.delete(r.caseId);
                    count.textContent = t(`已选 ${selected.size} 件`, `${selected.size} selected`);
                  },
                })
              : '',
            r.finding || r.approval ? el('span', { class: 'source', 'data-testid': 'task-source' }, r.source) : '',
            el('a', { href: r.href ?? `#/case/${r.caseId}` }, r.childName),
            el('span', {}, [r.stage, r.work, r.area && name('areas', r.area)].filter(Boolean).join(' · ')),
            el('span', { class: r.overdue ? 'late' : '' }, r.overdue && r.overdueBy ? t(`已逾期 ${r.overdueBy.zh}`, `overdue by ${r.overdueBy.en}`) : r.overdue ? t('已逾期', 'overdue') : r.dueAt ? `${t('期限', 'due')} ${formatTime(r.dueAt)}` : ''),
          ),
        ),
      )
    : el('p', { class: 'empty' }, Object.values(filters).some(Boolean) ? t('没有符合筛选条件的待办', 'Nothing matches the filters') : t('没有待办', 'Nothing to do'));

  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, scope === 'town' ? label('全镇未结案件', 'The town’s open cases') : label('我的待办（逾期在前）', 'My tasks (overdue first)')),
      coordinator
        ? el(
            'p',
            { class: 'tabs' },
            el('a', { href: '#/tasks', 'aria-current': scope === 'mine' ? 'page' : undefined }, t('我的待办', 'My tasks')),
            ' · ',
            el('a', { href: '#/tasks?scope=town', 'data-testid': 'scope-town', 'aria-current': scope === 'town' ? 'page' : undefined }, t('全镇未结案件', 'Town’s open cases')),
          )
        : '',
      el('details', { class: 'filter-box', open: Object.values(filters).some(Boolean) || undefined }, el('summary', {}, t('筛选', 'Filters')), filterForm),
      el('p', { 'data-testid': 'task-total' }, t(`共 ${page.total} 项`, `${page.total} in all`)),
      list,
      coordinator && rows.length ? bulkReassign(selected, count, main) : '',
    ),
  );
});

/**
 * A cross-check task (核实疑似辍学, 季度复核, 开学走访) as a row of my list: it opens its finding item
 * (立案 or 排除 there), or the cross-check's lists when it is about no one child.
 */
/** A request for approval waiting for the viewer's decision: opens the case page, where the decision is taken. */
function approvalRow(x) {
  return {
    approval: x.id,
    caseId: x.caseId,
    childName: x.child ? x.child.name : '',
    source: t(x.sourceLabel), // 审批 / Approval
    stage: x.stageLabel ? t(x.stageLabel) : '',
    work: t(x.work),
    area: x.area,
    dueAt: x.dueAt,
    overdue: x.overdue,
    overdueBy: x.overdueBy,
  };
}

function findingRow(x) {
  return {
    finding: x.id,
    source: t(x.sourceLabel), // 四查比对 / Cross-check
    href: x.itemId ? `#/finding/item/${encodeURIComponent(x.itemId)}` : '#/finding',
    childName: x.child ? x.child.name : t('四查三比对名单', 'The cross-check lists'),
    stage: '',
    work: t(x.work),
    area: x.area,
    dueAt: x.dueAt,
    overdue: x.overdue,
    overdueBy: x.overdueBy,
  };
}

function bulkReassign(selected, count, main) {
  const assignee = field({ name: 'assignee', required: true, label: ['转交给（用户名）', 'Reassign to (user name)'], maxlength: 100 });
  const reason = field({ name: 'reason', required: true, type: 'textarea', label: ['转交原因', 'Why'], maxlength: 500 });
  const send = el('button', { type: 'submit', class: 'primary' }, t('转交所选案件', 'Reassign the selected'));
  const results = el('ul', { class: 'results', 'data-testid': 'reassign-results', 'aria-live': 'polite' });
  const form = el('form', { class: 'bulk', 'data-testid': 'bulk-reassign', novalidate: true }, el('h3', {}, t('批量转交', 'Reassign several'), ' ', count), assignee.row, reason.row, send, results);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const problems = [];
    if (!selected.size) problems.push({ message: t('请先勾选要转交的案件', 'Tick the cases to reassign first') });
    if (!assignee.input.value.trim()) problems.push({ field: 'assignee', message: t('请填写转交给谁（用户名）', 'Enter whom to reassign to') });
    if (!reason.input.value.trim()) problems.push({ field: 'reason', message: t('请填写转交原因', 'Enter why') });
    if (problems.length) return showErrors(form, problems);
    clearErrors(form);
    const ids = [...selected];
    const names = ids.map((id) => main.querySelector(`li[data-case="${id}"] a`).textContent);
    send.hidden = true;
    try {
      await checkAnswers(form, {
        title: t(`请核对：转交 ${ids.length} 件案件`, `Check: reassign ${ids.length} cases`),
        rows: [
          { label: t('案件', 'Cases'), value: names.join('、') },
          { label: t('转交给', 'To'), value: assignee.input.value.trim(), field: assignee.input },
          { label: t('原因', 'Why'), value: reason.input.value.trim(), field: reason.input },
        ],
        warning: t('每件案件的办理经过都会记下这次转交。', 'Each case’s timeline records the reassignment.'),
      });
    } catch {
      send.hidden = false;
      return;
    }
    results.replaceChildren();
    let done = 0;
    for (const [i, id] of ids.entries()) {
      const item = el('li', { dataset: { case: id } }, `${names[i]}：${t('正在转交…', 'sending…')}`);
      results.append(item);
      try {
        await reassign(id, assignee.input.value.trim(), reason.input.value.trim());
        done += 1;
        item.className = 'ok';
        item.textContent = `${names[i]}：${t('已转交', 'reassigned')}`;
      } catch (err) {
        item.className = 'error';
        item.textContent = `${names[i]}：${err.words ? err.words() : String(err)}`;
        if (done === 0 && err.body && err.body.details && err.body.details.field === 'assignee') {
          showErrors(form, fromApi(err, form, () => 'assignee').map((e) => ({ ...e, field: 'assignee', message: err.words() })));
          break;
        }
      }
    }
    send.hidden = false;
    results.prepend(el('li', { class: done === ids.length ? 'ok' : 'error', 'data-testid': 'reassign-summary' }, t(`已转交 ${done} / ${ids.length} 件`, `${done} of ${ids.length} reassigned`)));
  });
  return form;
}
