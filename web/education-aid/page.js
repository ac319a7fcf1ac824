/*
 * 教育资助 / Education aid (#/education-aid): every education-aid measure of the cases the role
 * reads, the notice's priority groups first (残疾儿童、残疾人子女、留守儿童), then registered poor
 * households, then by due date; pending by default, or one outcome, or all. A case's own aid is
 * recorded on its case page, which each row opens.
 */
import { el, t, label, formatTime } from '../shell/core.js';
import { route, go } from '../shell/shell.js';
import { field } from '../shell/forms.js';
import { pager, listHash } from '../shell/paging.js';
import { SUPPORT_OUTCOME_LABELS, OUTCOMES_OF_MEASURE } from '../case/actions.js';
import { educationAid } from './api.js';

const OUTCOMES = [
  { value: 'PENDING', label: ['办理中', 'Pending'] },
  ...OUTCOMES_OF_MEASURE.EDUCATION_AID.map((value) => ({ value, label: SUPPORT_OUTCOME_LABELS[value] })),
  { value: 'ALL', label: ['全部', 'All'] },
];

route('/education-aid', async (main, _params, query) => {
  const outcome = OUTCOMES.some((o) => o.value === query.get('outcome')) ? query.get('outcome') : 'PENDING';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const answer = await educationAid(outcome, page);
  const filter = field({ name: 'outcome', type: 'select', required: true, label: ['资助结果', 'Outcome'], options: OUTCOMES, value: outcome });
  filter.input.addEventListener('change', () => go(listHash('/education-aid', { outcome: filter.input.value || 'PENDING' })));
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, label('教育资助（优先群体在前）', 'Education aid (priority groups first)')),
      el('p', { class: 'hint' }, t('按通知要求，残疾儿童、残疾人子女、留守儿童优先，其次建档立卡贫困户，再按期限。', 'As the notice says: disabled children, children of disabled parents and left-behind children first, then registered poor households, then by due date.')),
      el('form', { class: 'filters', 'data-testid': 'aid-filter', onsubmit: (event) => event.preventDefault() }, filter.row),
      el('p', { 'data-testid': 'aid-total' }, t(`共 ${answer.total} 项`, `${answer.total} in all`)),
      answer.items.length
        ? el(
            'ul',
            { class: 'records', 'data-testid': 'aid-list' },
            answer.items.map((m) =>
              el(
                'li',
                { class: m.overdue ? 'overdue' : '', dataset: { case: m.caseId } },
                el('p', {}, el('a', { href: `#/case/${m.caseId}` }, m.child.name), ` · ${m.child.className} · ${t(m.areaLabel)}`),
                m.priorityGroups.length ? el('ul', { class: 'flags', 'aria-label': t('优先群体', 'Priority groups') }, m.priorityGroups.map((g) => el('li', {}, t(g.label)))) : '',
                el(
                  'p',
                  { class: 'meta' },
                  `${t(m.outcomeLabel)} · ${t('负责人', 'owner')} ${m.owner || '—'} · `,
                  el('span', { class: m.overdue ? 'late' : '' }, `${t('期限', 'due')} ${formatTime(m.dueAt)}${m.overdue ? t('（已逾期）', ' (overdue)') : ''}`),
                  ` · ${t('案件阶段', 'stage')} ${t(m.stageLabel)}`,
                ),
              ),
            ),
          )
        : el('p', { class: 'empty' }, outcome === 'PENDING' ? t('没有办理中的教育资助', 'No pending education aid') : t('没有符合条件的教育资助', 'Nothing matches')),
      pager(answer, (n) => listHash('/education-aid', { outcome, page: n })),
    ),
  );
});
