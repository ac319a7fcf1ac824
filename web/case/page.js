/*
 * The case page (#/case/<id>): the child, the stage, the actions the role may take as forms, the timeline.
 */
import { el, t, label, formatTime } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { field, values, showErrors, fromApi, clearErrors } from '../shell/forms.js';
import { getCase, act } from './api.js';

const OUTCOMES = [
  { value: 'NOT_RETURNED', label: ['未返校', 'Not back at school'] },
  { value: 'RETURNED', label: ['已返校', 'Back at school'] },
];

/** The forms of the actions: fields per action type. */
export const ACTION_FORMS = {
  RECORD_HOME_VISIT: [
    { name: 'outcome', type: 'select', required: true, options: OUTCOMES, label: ['家访结果', 'Outcome'] },
    { name: 'visitedOn', type: 'date', label: ['家访日期', 'Day of the visit'] },
    { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] },
  ],
  RECORD_PERSUASION: [
    { name: 'outcome', type: 'select', required: true, options: OUTCOMES, label: ['劝返结果', 'Outcome'] },
    { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] },
  ],
  RECORD_RETURN: [
    { name: 'returnedOn', type: 'date', label: ['返校日期', 'Day back at school'] },
    { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] },
  ],
};

route('/case/:id', (main, { id }) => renderCase(main, id));

async function renderCase(main, id, notice) {
  const c = await getCase(id);
  const forms = c.allowedActions.filter((type) => ACTION_FORMS[type]);
  const message = el('p', { role: 'status', 'data-testid': 'action-message', class: notice ? 'ok' : '' }, notice || '');
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('p', {}, el('a', { href: '#/tasks' }, t('← 我的待办', '← My tasks'))),
      el('h2', { 'data-testid': 'case-title' }, c.child.name),
      el('p', { class: 'stage' }, t('当前阶段：', 'Stage: '), el('b', { 'data-testid': 'case-stage' }, t(c.stageLabel)), c.overdue ? el('span', { class: 'late' }, t('（已逾期）', ' (overdue)')) : ''),
      el('p', {}, `${t(c.areaLabel)} · ${t(c.schoolLabel)} ${c.child.className} · ${t('期限', 'due')} ${formatTime(c.nextDeadlineAt)}`),
      message,
      forms.length ? forms.map((type) => actionForm(main, c, type)) : el('p', { class: 'empty' }, t('当前阶段没有您可以在此办理的操作', 'Nothing you can record here at this stage')),
      el('h3', {}, label('办理经过', 'Timeline')),
      el(
        'ol',
        { class: 'timeline', 'data-testid': 'timeline' },
        c.timeline.map((e) => el('li', { class: e.automatic ? 'auto' : 'human' }, el('time', {}, formatTime(e.occurredAt)), el('b', {}, t(e.label)), el('span', { class: 'actor' }, e.automatic ? t('系统自动', 'automatic') : e.actor), e.reason ? el('p', { class: 'reason' }, e.reason) : '')),
      ),
    ),
  );
}

function actionForm(main, c, type) {
  const fields = ACTION_FORMS[type].map(field);
  const button = el('button', { type: 'submit', class: 'primary' }, t('提交', 'Submit'));
  const title = c.allowedActionLabels?.[type] ?? null;
  const form = el('form', { class: 'action', 'data-action': type, novalidate: true }, el('h3', {}, title ? t(title) : type), fields.map((f) => f.row), button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    button.disabled = true;
    try {
      const answer = await act(c.id, { type, ...values(fields) });
      const before = t(c.stageLabel);
      const after = t(answer.case.stageLabel);
      await renderCase(main, c.id, before === after ? t(`已记录。阶段仍为：${after}`, `Recorded. The stage is still: ${after}`) : t(`已记录。阶段：${before} → ${after}`, `Recorded. Stage: ${before} → ${after}`));
    } catch (err) {
      button.disabled = false;
      showErrors(form, fromApi(err, form));
    }
  });
  return form;
}
