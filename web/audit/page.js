/*
 * 审计记录 / The audit log (#/audit), for the roles that may read it (the leading group): who of
 * the town read or did what, when, from where, with what answer; newest first, in pages, filtered
 * by user name, kind (in words), case or child. The filters live in the URL.
 */
import { el, t, label, name, state, formatTime } from '../shell/core.js';
import { route, go } from '../shell/shell.js';
import { field, values, showErrors, fromApi } from '../shell/forms.js';
import { pager, listHash } from '../shell/paging.js';
import { auditLog } from './api.js';

const FILTERS = ['username', 'what', 'caseId', 'childId'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

route('/audit', async (main, _params, query) => {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const page = Math.max(1, Number(query.get('page')) || 1);
  const f = {
    username: field({ name: 'username', label: ['用户名', 'User name'], maxlength: 100, value: filters.username }),
    what: field({ name: 'what', type: 'select', label: ['操作', 'What'], options: state.vocabulary.auditKinds.map((k) => ({ value: k.code, label: t(k.label) })), value: filters.what }),
    caseId: field({ name: 'caseId', label: ['案件编号', 'Case id'], maxlength: 36, value: filters.caseId, hint: ['案件页地址中的编号', 'the id in the case page’s address'] }),
    childId: field({ name: 'childId', label: ['儿童编号', 'Child id'], maxlength: 36, value: filters.childId }),
  };
  const form = el(
    'form',
    { class: 'filters', 'data-testid': 'audit-filters', novalidate: true },
    Object.values(f).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('筛选', 'Filter')), el('a', { class: 'button', href: '#/audit' }, t('清除筛选', 'Clear'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = values(Object.values(f));
    const problems = ['caseId', 'childId']
      .filter((k) => chosen[k] && !UUID.test(chosen[k]))
      .map((k) => ({ field: k, message: `${t(...f[k].spec.label)}：${t('格式不正确，应为 36 位编号', 'not an id of 36 characters')}` }));
    if (problems.length) return showErrors(form, problems);
    go(listHash('/audit', chosen));
  });

  const list = el('div', { 'data-testid': 'audit-results' });
  const section = el(
    'section',
    { class: 'card wide' },
    el('h2', {}, label('审计记录', 'Audit log')),
    el('p', { class: 'hint' }, t('本镇人员查看和办理的每一次请求，最新的在前；记录不能修改或删除。', 'Every request of the town’s people, newest first; nobody can change or delete it.')),
    el('details', { class: 'filter-box', open: Object.values(filters).some(Boolean) || undefined }, el('summary', {}, t('筛选', 'Filters')), form),
    list,
  );
  main.replaceChildren(section);
  let answer;
  try {
    answer = await auditLog(filters, page);
  } catch (err) {
    return showErrors(form, fromApi(err, form));
  }
  list.replaceChildren(
    el('p', { 'data-testid': 'audit-total' }, t(`共 ${answer.total} 条`, `${answer.total} in all`)),
    answer.items.length
      ? el(
          'ol',
          { class: 'records', 'data-testid': 'audit-entries' },
          answer.items.map((e) =>
            el(
              'li',
              { dataset: { what: e.what } },
              el('p', {}, el('b', {}, t(e.whatLabel)), ' · ', el('time', {}, formatTime(e.at))),
              el('p', { class: 'meta' }, `${e.username || t('（未登录）', '(not logged in)')}${e.role ? ` · ${name('roles', e.role)}` : ''}${e.ip ? ` · ${e.ip}` : ''}`),
              el(
                'p',
                { class: 'meta' },
                `${e.method} ${e.path} · `,
                el('span', { class: e.status >= 400 ? 'late' : '' }, e.status >= 400 ? t(`被拒绝（${e.status}${e.errorCode ? ` ${e.errorCode}` : ''}）`, `refused (${e.status}${e.errorCode ? ` ${e.errorCode}` : ''})`) : t(`成功（${e.status}）`, `done (${e.status})`)),
              ),
              e.caseId ? el('p', { class: 'meta' }, el('a', { href: `#/case/${e.caseId}` }, t('查看案件', 'Open the case'))) : '',
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('没有符合筛选条件的记录', 'Nothing matches the filters')),
    pager(answer, (n) => listHash('/audit', { ...filters, page: n })),
  );
});
