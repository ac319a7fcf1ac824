/*
 * 我的待办 / My tasks: the open tasks the responsibility chains gave me, overdue first.
 */
import { el, t, label, name, formatTime } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { myTasks } from './api.js';

route('/tasks', async (main) => {
  const tasks = await myTasks();
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, label('我的待办（逾期在前）', 'My tasks (overdue first)')),
      tasks.length
        ? el(
            'ul',
            { class: 'tasks', 'data-testid': 'tasks' },
            tasks.map((task) =>
              el(
                'li',
                { class: task.overdue ? 'overdue' : '', dataset: { case: task.caseId, task: task.id } },
                el('a', { href: `#/case/${task.caseId}` }, task.child.name),
                el('span', {}, `${t(task.stageLabel)} · ${t(task.work)}`),
                el('span', { class: task.overdue ? 'late' : '' }, task.overdue ? t(`已逾期 ${task.overdueBy.zh}`, `overdue by ${task.overdueBy.en}`) : `${t('期限', 'due')} ${formatTime(task.dueAt)}`),
              ),
            ),
          )
        : el('p', { class: 'empty' }, t('没有待办', 'Nothing to do')),
    ),
  );
});
