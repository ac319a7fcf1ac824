/*
 * The caseworker's page: log in, my tasks (overdue first), open a case, record a home visit, a
 * persuasion attempt or a return with a form, and see the stage change. Errors from the API are
 * shown in the words of its error shape (message / messageEn).
 */
'use strict';

(() => {
  const { t, el, label, api, ApiProblem, name, formatTime, formatDuration } = Baoxue;
  const main = document.getElementById('main');

  /** My tasks: the open tasks the responsibility chains gave me (GET /api/me/tasks), overdue first. */
  function toTask(item) {
    return { caseId: item.caseId, childName: item.child.name, stage: item.stage, work: item.work, dueAt: item.dueAt, overdue: item.overdue };
  }

  /** The forms of the page: the action types a village or school records most. */
  const FORMS = {
    RECORD_HOME_VISIT: {
      title: ['记录家访', 'Record a home visit'],
      fields: [
        { name: 'outcome', type: 'outcome', label: ['家访结果', 'Outcome'] },
        { name: 'visitedOn', type: 'date', label: ['家访日期', 'Day of the visit'] },
        { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] },
      ],
    },
    RECORD_PERSUASION: {
      title: ['记录劝返', 'Record a persuasion attempt'],
      fields: [
        { name: 'outcome', type: 'outcome', label: ['劝返结果', 'Outcome'] },
        { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] },
      ],
    },
    RECORD_RETURN: {
      title: ['记录复学', 'Record a return to school'],
      fields: [
        { name: 'returnedOn', type: 'date', label: ['返校日期', 'Day back at school'] },
        { name: 'note', type: 'textarea', label: ['情况说明', 'Note'] },
      ],
    },
  };

  async function start() {
    if (!Baoxue.token()) return Baoxue.loginForm(main, start);
    const user = Baoxue.user();
    document.getElementById('who').textContent = user ? user.displayName || user.username : '';
    document.getElementById('logout').hidden = false;
    try {
      await Baoxue.vocabulary();
    } catch (err) {
      return showError(main, err);
    }
    render();
  }

  function render() {
    const hash = location.hash.replace(/^#/, '') || '/';
    if (hash.startsWith('/case/')) return renderCase(decodeURIComponent(hash.slice(6)));
    return renderTasks();
  }

  async function renderTasks() {
    let answer;
    try {
      answer = await api('/api/me/tasks');
    } catch (err) {
      return showError(main, err);
    }
    const tasks = (answer.items || []).map(toTask);
    main.replaceChildren(
      el(
        'section',
        { class: 'card' },
        el('h2', {}, label('我的待办（逾期在前）', 'My tasks (overdue first)')),
        tasks.length
          ? el(
              'ul',
              { class: 'tasks', 'data-testid': 'tasks' },
              tasks.map((task) =>
                el(
                  'li',
                  { class: task.overdue ? 'overdue' : '', dataset: { case: task.caseId } },
                  el('a', { href: `#/case/${task.caseId}` }, task.childName),
                  el('span', {}, `${name('stages', task.stage)} · ${t(task.work.zh, task.work.en)}`),
                  el(
                    'span',
                    { class: task.overdue ? 'late' : '' },
                    task.dueAt
                      ? task.overdue
                        ? t(`已逾期 ${formatDuration(Date.now() - Date.parse(task.dueAt))}`, `overdue by ${formatDuration(Date.now() - Date.parse(task.dueAt))}`)
                        : `${t('期限', 'due')} ${formatTime(task.dueAt)}`
                      : '',
                  ),
                ),
              ),
            )
          : el('p', { class: 'empty' }, t('没有待办', 'Nothing to do')),
      ),
    );
  }

  async function renderCase(id) {
    let c;
    try {
      c = await api(`/api/cases/${encodeURIComponent(id)}`);
    } catch (err) {
      return showError(main, err);
    }
    const forms = Object.keys(FORMS).filter((type) => c.allowedActions.includes(type));
    const message = el('p', { role: 'status', 'data-testid': 'action-message' });
    main.replaceChildren(
      el(
        'section',
        { class: 'card' },
        el('p', {}, el('a', { href: '#/' }, t('← 我的待办', '← My tasks'))),
        el('h2', {}, c.child.name),
        el('p', { class: 'stage' }, t('当前阶段：', 'Stage: '), el('b', { 'data-testid': 'case-stage' }, t(c.stageLabel)), c.overdue ? el('span', { class: 'late' }, t('（已逾期）', ' (overdue)')) : ''),
        el('p', {}, `${t(c.areaLabel)} · ${t(c.schoolLabel)} ${c.child.className} · ${t('期限', 'due')} ${formatTime(c.nextDeadlineAt)}`),
        message,
        forms.length ? forms.map((type) => actionForm(c, type, message)) : el('p', { class: 'empty' }, t('当前阶段没有您可以在此办理的操作', 'Nothing you can record here at this stage')),
        el('h3', {}, t('办理经过', 'Timeline')),
        el(
          'ol',
          { class: 'timeline', 'data-testid': 'timeline' },
          c.timeline.map((e) => el('li', { class: e.automatic ? 'auto' : 'human' }, el('time', {}, formatTime(e.occurredAt)), el('b', {}, t(e.label)), el('span', { class: 'actor' }, e.automatic ? t('系统自动', 'automatic') : e.actor), e.reason ? el('p', { class: 'reason' }, e.reason) : '')),
        ),
      ),
    );
  }

  function actionForm(c, type, message) {
    const spec = FORMS[type];
    const inputs = {};
    const fields = spec.fields.map((f) => {
      let input;
      if (f.type === 'outcome') {
        input = el('select', { name: f.name }, el('option', { value: 'NOT_RETURNED' }, t('未返校', 'Not back at school')), el('option', { value: 'RETURNED' }, t('已返校', 'Back at school')));
      } else if (f.type === 'textarea') {
        input = el('textarea', { name: f.name, rows: 2, maxlength: 2000 });
      } else {
        input = el('input', { name: f.name, type: 'date' });
      }
      inputs[f.name] = input;
      return el('label', {}, t(...f.label), input);
    });
    const button = el('button', { type: 'submit' }, t('提交', 'Submit'));
    const form = el('form', { class: 'action', 'data-action': type }, el('h3', {}, t(...spec.title)), fields, button);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { type };
      for (const [key, input] of Object.entries(inputs)) if (input.value.trim()) body[key] = input.value.trim();
      button.disabled = true;
      message.className = '';
      message.textContent = t('正在提交…', 'Sending…');
      try {
        const answer = await api(`/api/cases/${c.id}/actions`, { method: 'POST', body, headers: { 'Idempotency-Key': Baoxue.requestId() } });
        const before = t(c.stageLabel);
        const after = t(answer.case.stageLabel);
        await renderCase(c.id);
        const shown = main.querySelector('[data-testid="action-message"]');
        shown.className = 'ok';
        shown.textContent = before === after ? t(`已记录。阶段仍为：${after}`, `Recorded. The stage is still: ${after}`) : t(`已记录。阶段：${before} → ${after}`, `Recorded. Stage: ${before} → ${after}`);
      } catch (err) {
        button.disabled = false;
        message.className = 'error';
        message.textContent = err instanceof ApiProblem ? err.words() : String(err);
      }
    });
    return form;
  }

  function showError(node, err) {
    if (!Baoxue.token()) return Baoxue.loginForm(main, start);
    node.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof ApiProblem ? err.words() : String(err)));
  }

  Baoxue.onLoggedOut.push(() => {
    document.getElementById('logout').hidden = true;
    Baoxue.loginForm(main, start);
  });
  Baoxue.state.onLangChange.push(() => Baoxue.token() && Baoxue.state.vocabulary && render());
  window.addEventListener('hashchange', () => Baoxue.token() && render());
  document.addEventListener('DOMContentLoaded', () => {
    document.getElementById('logout').addEventListener('click', () => Baoxue.logout());
    start();
  });
})();
