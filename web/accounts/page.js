/*
 * 账号管理 / Account administration (TOWN_ADMIN) and 修改密码 / own password (everyone):
 * - #/accounts: the town's accounts (filter by role, status, name), each with its posts in the
 *   responsibility chains; the posts nobody active holds; a form to create an account, whose
 *   one-time password is shown once;
 * - #/accounts/:id: edit name, role and place, switch off or on, reset the password;
 * - #/password: change one's own password; the same form, alone on the page, is the forced change
 *   after logging in with a one-time password (the shell shows nothing else until it is done).
 * The place fields follow the role: a principal's school, a class teacher's school, grade and
 * class, a village role's area (the API checks the same: src/accounts/accounts.service.ts).
 * The mobile number and the WeCom userid say where the person's SMS and WeCom notifications go
 * (optional; emptied, they are cleared).
 */
import { el, t, label, name, state, user, formatTime, ApiProblem } from '../shell/core.js';
import { route, go, setPasswordChangeGate } from '../shell/shell.js';
import { field, values, showErrors, clearErrors, fromApi, checkAnswers } from '../shell/forms.js';
import { listAccounts, readAccount, createAccount, updateAccount, resetPassword, changeOwnPassword } from './api.js';

const PLACE_OF_ROLE = {
  PRINCIPAL: ['school'],
  TEACHER: ['school', 'grade', 'className'],
  VILLAGE_SECRETARY: ['area'],
  VILLAGE_CADRE: ['area'],
};
const PLACE_FIELDS = ['area', 'school', 'grade', 'className'];

function placeText(a) {
  if (a.school && a.grade && a.className) return `${name('schools', a.school)} ${a.className}`;
  if (a.school) return name('schools', a.school);
  if (a.area) return name('areas', a.area);
  return t('全镇', 'whole town');
}

/** The account fields of a form: name, role and the place fields, shown as the chosen role needs. */
function accountFields(account) {
  const v = state.vocabulary;
  const f = {
    displayName: field({ name: 'displayName', label: ['姓名', 'Name'], required: true, maxlength: 50, hint: ['记入案件的办理人，如 王丽', 'Written into case events, e.g. 王丽'], value: account?.displayName }),
    role: field({ name: 'role', type: 'select', label: ['岗位', 'Role'], required: true, options: v.roles.map((r) => ({ value: r.code, label: t(r.label) })), value: account?.role }),
    area: field({ name: 'area', type: 'select', label: ['责任区', 'Area'], required: true, options: v.areas.map((a) => ({ value: a.code, label: t(a.label) })), value: account?.area }),
    school: field({ name: 'school', type: 'select', label: ['学校', 'School'], required: true, options: v.schools.map((s) => ({ value: s.code, label: t(s.label) })), value: account?.school }),
    grade: field({ name: 'grade', type: 'number', label: ['年级', 'Grade'], required: true, min: 1, max: 9, inputmode: 'numeric', value: account?.grade }),
    className: field({ name: 'className', label: ['班级', 'Class'], required: true, maxlength: 50, hint: ['如 三年级二班', 'e.g. 三年级二班'], value: account?.className }),
    phone: field({ name: 'phone', type: 'tel', label: ['手机号（选填）', 'Mobile number (optional)'], maxlength: 11, inputmode: 'numeric', autocomplete: 'off', hint: ['短信通知发到这里：11 位大陆手机号，如 13800138000', 'SMS notifications go here: 11-digit mainland number, e.g. 13800138000'], value: account?.phone }),
    wecomUserId: field({ name: 'wecomUserId', label: ['企业微信 userid（选填）', 'WeCom userid (optional)'], maxlength: 64, autocomplete: 'off', hint: ['企业微信通讯录中的账号，如 WangLi', 'The account in the WeCom contacts, e.g. WangLi'], value: account?.wecomUserId }),
  };
  const showPlace = () => {
    const needs = PLACE_OF_ROLE[f.role.input.value] || [];
    for (const key of PLACE_FIELDS) {
      f[key].row.hidden = !needs.includes(key);
      f[key].row.style.display = needs.includes(key) ? '' : 'none'; // .field sets display, which would win over [hidden]
    }
  };
  f.role.input.addEventListener('change', showPlace);
  showPlace();
  return f;
}

/** The body for the API from the fields, with the checks the page can make itself. */
function accountBody(f, errors) {
  const role = f.role.input.value;
  const body = { displayName: f.displayName.input.value.trim(), role };
  if (!body.displayName) errors.push({ field: 'displayName', message: t('姓名：请填写姓名', 'Name: enter the name') });
  if (!role) errors.push({ field: 'role', message: t('岗位：请选择岗位', 'Role: choose the role') });
  const needs = PLACE_OF_ROLE[role] || [];
  for (const key of PLACE_FIELDS) {
    const raw = f[key].input.value.trim();
    if (!needs.includes(key)) continue;
    if (!raw) {
      const title = t(...f[key].spec.label);
      errors.push({ field: key, message: t(`${title}：该岗位须填写${title}`, `${title}: this role needs it`) });
    } else body[key] = key === 'grade' ? Number(raw) : raw;
  }
  const phone = f.phone.input.value.trim();
  if (phone && !/^1[3-9]\d{9}$/.test(phone)) errors.push({ field: 'phone', message: t('手机号：须为 11 位大陆手机号（1 开头，第二位 3-9）', 'Mobile number: 11 digits, starting 13-19') });
  body.phone = phone || null;
  const wecomUserId = f.wecomUserId.input.value.trim();
  if (wecomUserId && !/^[A-Za-z0-9._@-]{1,64}$/.test(wecomUserId)) errors.push({ field: 'wecomUserId', message: t('企业微信 userid：只能用字母、数字和 . _ @ -', 'WeCom userid: letters, digits and . _ @ - only') });
  body.wecomUserId = wecomUserId || null;
  return body;
}

/** The one-time password, shown once, with what to do with it. */
function oneTimePanel(account, password) {
  return el(
    'div',
    { class: 'check-answers', role: 'status', 'data-testid': 'one-time-password', tabindex: '-1' },
    el('h3', {}, t(`${account.displayName}（${account.username}）的一次性密码`, `One-time password of ${account.displayName} (${account.username})`)),
    el('p', { class: 'otp' }, el('code', { 'data-testid': 'otp-value' }, password)),
    el('p', {}, t('只显示这一次。请当面或电话告知本人，不要发在群里；本人首次登录时须修改密码。', 'Shown this once. Tell the person in person or by phone, not in a group chat; they change it at the first log-in.')),
  );
}

route('/accounts', async (main, _params, query) => {
  const filters = { role: query.get('role') || '', active: query.get('active') || '', q: query.get('q') || '' };
  const v = state.vocabulary;
  const ff = {
    role: field({ name: 'role', type: 'select', label: ['岗位', 'Role'], options: v.roles.map((r) => ({ value: r.code, label: t(r.label) })), value: filters.role }),
    active: field({ name: 'active', type: 'select', label: ['状态', 'Status'], options: [{ value: 'true', label: ['在用', 'Active'] }, { value: 'false', label: ['已停用', 'Switched off'] }], value: filters.active }),
    q: field({ name: 'q', label: ['用户名或姓名', 'User name or name'], maxlength: 50, value: filters.q }),
  };
  const filterForm = el(
    'form',
    { class: 'filters', novalidate: true, 'data-testid': 'account-filters' },
    Object.values(ff).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('筛选', 'Filter')), el('a', { class: 'button', href: '#/accounts' }, t('清除筛选', 'Clear'))),
  );
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams(values(Object.values(ff)));
    go(`#/accounts${params.toString() ? `?${params}` : ''}`);
  });

  const page = await listAccounts(filters);
  const list = page.items.length
    ? el(
        'ul',
        { class: 'tasks', 'data-testid': 'accounts' },
        page.items.map((a) =>
          el(
            'li',
            { dataset: { account: a.username } },
            el('a', { href: `#/accounts/${a.id}` }, `${a.displayName}（${a.username}）`),
            el('span', {}, `${t(a.roleLabel)} · ${placeText(a)}`),
            a.active ? '' : el('span', { class: 'late' }, t('已停用', 'switched off')),
            a.mustChangePassword ? el('span', {}, t('待首次改密码', 'must change the password')) : '',
            a.posts.length ? el('span', { class: 'posts' }, a.posts.map((p) => t(p.label)).join('、')) : '',
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('没有符合条件的账号', 'No account matches'));

  // Create: the form, then the one-time password in its place.
  const f = { username: field({ name: 'username', label: ['用户名', 'User name'], required: true, maxlength: 50, hint: ['小写字母、数字和 . _ -，如 wang.li；登录时使用', 'Lower case letters, digits, . _ - (e.g. wang.li); used to log in'] }), ...accountFields() };
  const result = el('div', {});
  const createForm = el(
    'form',
    { class: 'action', novalidate: true, 'data-testid': 'create-account' },
    Object.values(f).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('新建账号', 'Create the account'))),
  );
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(createForm);
    const errors = [];
    const body = { username: f.username.input.value.trim(), ...accountBody(f, errors) };
    if (!body.username) errors.unshift({ field: 'username', message: t('用户名：请填写用户名', 'User name: enter one') });
    else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(body.username)) errors.unshift({ field: 'username', message: t('用户名：只能用小写字母、数字和 . _ -，以字母或数字开头', 'User name: letters, digits, . _ - only, starting with a letter or digit') });
    if (errors.length) return showErrors(createForm, errors);
    try {
      const answer = await createAccount(body);
      createForm.reset();
      const panel = oneTimePanel(answer.account, answer.oneTimePassword);
      result.replaceChildren(panel, el('p', {}, el('a', { href: `#/accounts/${answer.account.id}` }, t('查看该账号', 'Open the account'))));
      panel.focus();
    } catch (err) {
      showErrors(createForm, fromApi(err, createForm, (path) => (body[path] !== undefined || path === 'username' ? path : null)).map((e) => apiPlaceError(e, err)));
    }
  });

  // Creating first: on a phone the town's list is long.
  main.replaceChildren(
    el('section', { class: 'card wide' }, el('h2', {}, label('新建账号', 'Create an account')), createForm, result),
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, label('本镇账号', "The town's accounts")),
      filterForm,
      list,
      page.vacantPosts.length
        ? el(
            'div',
            { 'data-testid': 'vacant-posts' },
            el('h3', {}, t('责任链中无人在岗的岗位（任务无人接收）', 'Chain posts nobody active holds (their tasks wait unread)')),
            el('ul', {}, page.vacantPosts.map((p) => el('li', {}, `${t(p.label)}：${p.username}`))),
          )
        : '',
    ),
  );
});

/** A refusal about the place (ACCOUNT.PLACE_REQUIRED, an unknown school or area) points at its field. */
function apiPlaceError(e, err) {
  if (e.field || !(err instanceof ApiProblem)) return e;
  const d = err.body.details || {};
  if (err.body.code === 'ACCOUNT.USERNAME_TAKEN') return { field: 'username', message: e.message };
  if (d.field) return { field: d.field, message: e.message };
  if (Array.isArray(d.missing) && d.missing.length) return { field: d.missing[0], message: e.message };
  return e;
}

route('/accounts/:id', async (main, params) => {
  const account = await readAccount(params.id);
  const me = user();
  const own = account.username === me.username;
  const f = accountFields(account);
  const status = el('div', { role: 'status', 'data-testid': 'account-status' });
  const form = el(
    'form',
    { class: 'action', novalidate: true, 'data-testid': 'edit-account' },
    Object.values(f).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('保存', 'Save'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const errors = [];
    const body = accountBody(f, errors);
    if (errors.length) return showErrors(form, errors);
    try {
      await updateAccount(account.id, body);
      go(`#/accounts/${account.id}?saved=1`);
    } catch (err) {
      showErrors(form, fromApi(err, form).map((e) => apiPlaceError(e, err)));
    }
  });

  const switchButton = el('button', { type: 'button', 'data-testid': 'toggle-active', disabled: own || undefined }, account.active ? t('停用账号', 'Switch the account off') : t('恢复账号', 'Switch the account on'));
  switchButton.addEventListener('click', async () => {
    try {
      await checkAnswers(status, {
        title: account.active ? t('停用该账号？', 'Switch this account off?') : t('恢复该账号？', 'Switch this account on?'),
        rows: [{ label: t('账号', 'Account'), value: `${account.displayName}（${account.username}）` }],
        warning: account.active ? t('停用后本人立即不能再登录，正在使用的登录也会结束。', 'They cannot log in any more, and their open sessions end at once.') : '',
        confirmLabel: account.active ? t('确认停用', 'Switch off') : t('确认恢复', 'Switch on'),
      });
    } catch {
      return;
    }
    try {
      await updateAccount(account.id, { active: !account.active });
      go(`#/accounts/${account.id}?saved=1`);
    } catch (err) {
      status.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof ApiProblem ? err.words() : String(err)));
    }
  });

  const resetButton = el('button', { type: 'button', 'data-testid': 'reset-password', disabled: own || undefined }, t('重置密码', 'Reset the password'));
  resetButton.addEventListener('click', async () => {
    try {
      await checkAnswers(status, {
        title: t('重置该账号的密码？', "Reset this account's password?"),
        rows: [{ label: t('账号', 'Account'), value: `${account.displayName}（${account.username}）` }],
        warning: t('原密码立即失效，本人的登录全部结束；新的一次性密码只显示一次。', 'The old password stops working and their sessions end; the new one-time password is shown once.'),
        confirmLabel: t('确认重置', 'Reset'),
      });
    } catch {
      return;
    }
    try {
      const answer = await resetPassword(account.id);
      const panel = oneTimePanel(answer.account, answer.oneTimePassword);
      status.replaceChildren(panel);
      panel.focus();
    } catch (err) {
      status.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof ApiProblem ? err.words() : String(err)));
    }
  });

  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('p', {}, el('a', { href: '#/accounts' }, t('← 返回账号列表', '← Back to the accounts'))),
      el('h2', {}, `${account.displayName}（${account.username}）`),
      new URLSearchParams(location.hash.split('?')[1] || '').get('saved') ? el('p', { class: 'ok', role: 'status' }, t('已保存', 'Saved')) : '',
      el(
        'dl',
        { class: 'facts' },
        el('dt', {}, t('状态', 'Status')),
        el('dd', { 'data-testid': 'active' }, account.active ? t('在用', 'active') : t('已停用', 'switched off')),
        el('dt', {}, t('密码', 'Password')),
        el('dd', {}, account.mustChangePassword ? t('一次性密码，待本人首次登录修改', 'one-time, to be changed at the next log-in') : t('本人设置', 'set by the person')),
        el('dt', {}, t('通知发到', 'Notifications go to')),
        el('dd', { 'data-testid': 'contact' }, [account.phone ? `${t('短信', 'SMS')} ${account.phone}` : '', account.wecomUserId ? `${t('企业微信', 'WeCom')} ${account.wecomUserId}` : ''].filter(Boolean).join('，') || t('只有站内通知', 'the inbox only')),
        el('dt', {}, t('责任链岗位', 'Chain posts')),
        el('dd', {}, account.posts.length ? account.posts.map((p) => t(p.label)).join('、') : t('无', 'none')),
        el('dt', {}, t('创建于', 'Created')),
        el('dd', {}, formatTime(account.createdAt)),
      ),
      own ? el('p', { class: 'hint' }, t('不能停用自己的账号、取消自己的管理员岗位或重置自己的密码；修改自己的密码请用"修改密码"。', 'You cannot switch off your own account, drop your own role or reset your own password; change it under "Change password".')) : '',
      form,
      el('div', { class: 'buttons' }, switchButton, resetButton),
      status,
    ),
  );
});

/**
 * The own password form in `container`. forced: after a log-in with a one-time password, alone on
 * the page; `done` runs once changed.
 */
export function passwordForm(container, { forced = false, done } = {}) {
  const f = {
    oldPassword: field({ name: 'oldPassword', label: forced ? ['一次性密码（管理员给的）', 'One-time password (from the administrator)'] : ['原密码', 'Current password'], required: true }),
    newPassword: field({ name: 'newPassword', label: ['新密码', 'New password'], required: true, hint: ['至少 10 个字符，包含字母和数字，不含用户名', 'At least 10 characters, letters and digits, not your user name'] }),
    repeat: field({ name: 'repeat', label: ['再次输入新密码', 'New password again'], required: true }),
  };
  for (const x of Object.values(f)) {
    x.input.type = 'password';
    x.input.autocomplete = x.spec.name === 'oldPassword' ? 'current-password' : 'new-password';
  }
  const changedNote = el('div', { role: 'status' });
  const form = el(
    'form',
    { class: 'action', novalidate: true, 'data-testid': forced ? 'forced-password-change' : 'own-password' },
    Object.values(f).map((x) => x.row),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('修改密码', 'Change the password'))),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const oldPassword = f.oldPassword.input.value;
    const newPassword = f.newPassword.input.value;
    const errors = [];
    if (!oldPassword) errors.push({ field: 'oldPassword', message: t(`${t(...f.oldPassword.spec.label)}：请填写`, `${t(...f.oldPassword.spec.label)}: enter it`) });
    if ([...newPassword].length < 10) errors.push({ field: 'newPassword', message: t('新密码：至少 10 个字符', 'New password: at least 10 characters') });
    else if (!/\p{L}/u.test(newPassword) || !/\p{Nd}/u.test(newPassword)) errors.push({ field: 'newPassword', message: t('新密码：须同时包含字母和数字', 'New password: letters and digits both') });
    if (newPassword !== f.repeat.input.value) errors.push({ field: 'repeat', message: t('再次输入新密码：两次输入的新密码不一致', 'New password again: the two do not match') });
    if (errors.length) return showErrors(form, errors);
    try {
      await changeOwnPassword(oldPassword, newPassword);
      form.reset();
      if (done) return done();
      changedNote.replaceChildren(el('p', { class: 'ok', 'data-testid': 'password-changed' }, t('密码已修改。您在其他设备上的登录已全部结束。', 'Password changed. Your sessions on other devices have ended.')));
    } catch (err) {
      const mapped = fromApi(err, form);
      const code = err instanceof ApiProblem ? err.body.code : '';
      const fieldOf = code === 'AUTH.WRONG_PASSWORD' ? 'oldPassword' : code === 'AUTH.WEAK_PASSWORD' ? 'newPassword' : null;
      const title = fieldOf ? t(...f[fieldOf].spec.label) : '';
      showErrors(form, fieldOf ? [{ field: fieldOf, message: `${title}：${err.words()}` }] : mapped);
    }
  });
  container.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, forced ? label('首次登录，请先修改密码', 'First log-in: change your password first') : label('修改密码', 'Change password')),
      forced ? el('p', {}, t('管理员给您的是一次性密码。设置自己的新密码后才能开始工作。', 'The administrator gave you a one-time password. Set your own before you start.')) : '',
      form,
      changedNote,
    ),
  );
  f.oldPassword.input.focus();
}

route('/password', async (main) => passwordForm(main));

// After a log-in with a one-time password the shell shows only this form (every other API route would answer 403).
setPasswordChangeGate((main, done) => passwordForm(main, { forced: true, done }));
