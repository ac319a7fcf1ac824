/*
 * 责任链 / Who answers for the case now (工作有人具体抓), on the case page: each open task with
 * the post, the person on it, the link of the responsibility chain that named them, what to do
 * and by when; a reassignment names who handed it on.
 */
import { el, t, name, formatTime } from '../shell/core.js';
import { responsibility } from './api.js';

export async function drawResponsibility(node, caseId) {
  let answer;
  try {
    answer = await responsibility(caseId);
  } catch (err) {
    return node.replaceChildren(el('p', { class: 'error' }, err.words ? err.words() : String(err)));
  }
  node.replaceChildren(
    answer.openTasks.length
      ? el(
          'ul',
          { class: 'records' },
          answer.openTasks.map((task) =>
            el(
              'li',
              { class: task.overdue ? 'overdue' : '', dataset: { holder: task.holder, post: task.role } },
              el('p', {}, el('b', {}, name('posts', task.role)), '：', `${task.holderName || task.holder}（${task.holder}）`),
              el('p', { class: 'meta' }, `${t(task.work)} · ${t('按', 'named by ')}${t(task.link)}${task.reassignedBy ? t(` · 由 ${task.reassignedBy} 转交`, ` · reassigned by ${task.reassignedBy}`) : ''}`),
              el('p', { class: task.overdue ? 'meta late' : 'meta' }, task.overdue && task.overdueBy ? t(`已逾期 ${task.overdueBy.zh}`, `overdue by ${task.overdueBy.en}`) : `${t('期限', 'due')} ${formatTime(task.dueAt)}`),
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('当前没有待办任务', 'No open tasks now')),
  );
}
