/*
 * 儿童名册 / The children registry (#/registry), for the roles that read it:
 * - the list in the role's scope: look up by ID number or name, filter by area, school, grade and
 *   the flags (the API's own list of flags, so a new flag needs no change here), in pages;
 * - a child's page (#/registry/<id>): the details masked as the role requires, the flags, the
 *   guardians and the child's cases;
 * - for the roles that write it: register a child (#/registry/new) and correct one, flags
 *   included (#/registry/<id>/edit). The ID number is checked as it is typed; the API checks
 *   everything again and its refusals show beside the fields.
 */
import { el, t, label, state, user, formatDate, formatTime } from '../shell/core.js';
import { route, go } from '../shell/shell.js';
import { field, values, showErrors, clearErrors, fromApi } from '../shell/forms.js';
import { pager, listHash } from '../shell/paging.js';
import { LEDGER_IMPORT_ROLES } from '../shell/navigation.js';
import { checkIdNumber } from '../report/id-number.js';
import { currentTown, listChildren, getChild, casesOfChild, registerChild, updateChild } from './api.js';

const FILTERS = ['q', 'area', 'school', 'grade', 'flags'];
const mayWrite = () => LEDGER_IMPORT_ROLES.includes(user()?.role);
const flagsOf = () => state.vocabulary.flags;
const SAVED = { created: ['已登记。', 'Registered.'], updated: ['已保存更正。', 'The correction is saved.'] };

// ---- the list ----
route('/registry', async (main, _params, query) => {
  const v = state.vocabulary;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const page = Math.max(1, Number(query.get('page')) || 1);
  const chosenFlags = new Set(filters.flags.split(',').filter(Boolean));
  const f = {
    q: field({ name: 'q', label: ['身份证号码或姓名', 'ID number or name'], maxlength: 50, value: filters.q, hint: ['完整的 18 位身份证号码，或姓名的一部分', 'the full 18-character ID number, or part of the name'] }),
    area: field({ name: 'area', type: 'select', label: ['责任区', 'Area'], options: v.areas.map((a) => ({ value: a.code, label: t(a.label) })), value: filters.area }),
    school: field({ name: 'school', type: 'select', label: ['学校', 'School'], options: v.schools.map((s) => ({ value: s.code, label: t(s.label) })), value: filters.school }),
    grade: field({ name: 'grade', type: 'select', label: ['年级', 'Grade'], options: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((g) => ({ value: String(g), label: [`${g} 年级`, `Grade ${g}`] })), value: filters.grade }),
  };
  const flagBoxes = flagChoices('filter-flag', (code) => chosenFlags.has(code));
  const form = el(
    'form',
    { class: 'filters', 'data-testid': 'registry-filters', role: 'search', novalidate: true },
    f.q.row,
    // On a phone the search comes first; the other filters open on request (and stay open while used).
    el(
      'details',
      { class: 'filter-box wide', open: FILTERS.some((k) => k !== 'q' && filters[k]) || undefined },
      el('summary', {}, t('更多筛选：责任区、学校、年级、标记', 'More filters: area, school, grade, flags')),
      el('div', { class: 'filters' }, f.area.row, f.school.row, f.grade.row),
      el('fieldset', {}, el('legend', {}, t('标记（须全部符合）', 'Flags (all must hold)')), flagBoxes.node),
    ),
    el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, t('查找', 'Search')), el('a', { class: 'button', href: '#/registry' }, t('清除筛选', 'Clear'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(listHash('/registry', { ...values(Object.values(f)), flags: flagBoxes.chosen().join(',') }));
  });

  const results = el('div', { 'data-testid': 'registry-results' });
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, label('儿童名册', 'Children registry')),
      mayWrite() ? el('p', {}, el('a', { class: 'button', href: '#/registry/new', 'data-testid': 'new-child' }, t('登记儿童', 'Register a child'))) : '',
      form,
      results,
    ),
  );
  let answer;
  try {
    answer = await listChildren(filters, page);
  } catch (err) {
    return showErrors(form, fromApi(err, form));
  }
  results.replaceChildren(
    el('p', { 'data-testid': 'registry-total' }, t(`共 ${answer.total} 名儿童`, `${answer.total} children`)),
    answer.items.length
      ? el(
          'ul',
          { class: 'records', 'data-testid': 'children' },
          answer.items.map((c) =>
            el(
              'li',
              { dataset: { child: c.id } },
              el('p', {}, el('a', { href: `#/registry/${c.id}` }, c.name), ` · ${c.idNumber}`),
              el('p', { class: 'meta' }, `${t(c.schoolLabel)} ${c.className} · ${t(c.areaLabel)}`),
              flagList(c),
              c.openCaseId ? el('p', { class: 'meta' }, el('a', { href: `#/case/${c.openCaseId}` }, t('有未结案件，查看', 'Has an open case: open it'))) : '',
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('没有符合条件的儿童', 'No child matches')),
    pager(answer, (n) => listHash('/registry', { ...filters, page: n })),
  );
});

// Registered before /registry/:id, which would take "new" for an id.
route('/registry/new', async (main) => {
  if (!mayWrite()) throw new Error(t('您的岗位不登记儿童', 'Your role does not register children'));
  main.replaceChildren(card(label('登记儿童', 'Register a child'), await childForm(null)));
});

route('/registry/:id/edit', async (main, { id }) => {
  if (!mayWrite()) throw new Error(t('您的岗位不更正儿童信息', 'Your role does not correct children'));
  const child = await getChild(id);
  main.replaceChildren(card(label(`更正儿童信息：${child.name}`, `Correct: ${child.name}`), await childForm(child)));
});

// ---- a child ----
route('/registry/:id', async (main, { id }, query) => {
  const [c, cases] = await Promise.all([getChild(id), casesOfChild(id)]);
  const fact = (zh, en, value) => [el('dt', {}, t(zh, en)), el('dd', {}, value || '—')];
  const saved = SAVED[query.get('saved')];
  main.replaceChildren(
    card(
      el('span', { 'data-testid': 'child-name' }, c.name),
      el('p', {}, el('a', { href: '#/registry' }, t('← 儿童名册', '← Children registry'))),
      saved ? el('p', { class: 'ok', role: 'status', 'data-testid': 'child-message' }, t(...saved)) : '',
      el(
        'dl',
        { class: 'facts', 'data-testid': 'child-details' },
        fact('身份证号码', 'ID number', `${c.idNumber}${c.masked ? t('（已掩码）', ' (masked)') : ''}`),
        fact('出生日期', 'Born', formatDate(c.birthDate)),
        fact('性别', 'Sex', c.sex === 'M' ? t('男', 'male') : t('女', 'female')),
        fact('学校班级', 'School, class', `${t(c.schoolLabel)} ${c.className}（${t(`${c.grade} 年级`, `grade ${c.grade}`)}）`),
        fact('责任区', 'Area', t(c.areaLabel)),
        fact('村民小组', 'Villager group', c.villagerGroup),
        fact('标记', 'Flags', c.flagLabels.length ? flagList(c) : t('无', 'none')),
        c.guardians.flatMap((g, i) => fact(`监护人 ${i + 1}`, `Guardian ${i + 1}`, `${g.name}（${g.relation}）${g.phone}`)),
        fact('更新时间', 'Updated', formatTime(c.updatedAt)),
      ),
      mayWrite() ? el('p', {}, el('a', { class: 'button', href: `#/registry/${c.id}/edit`, 'data-testid': 'edit-child' }, t('更正信息与标记', 'Correct the details and flags'))) : '',
      el('h3', {}, label('案件', 'Cases')),
      cases.items.length
        ? el(
            'ul',
            { class: 'records', 'data-testid': 'child-cases' },
            cases.items.map((k) =>
              el(
                'li',
                { dataset: { case: k.id } },
                el('p', {}, el('a', { href: `#/case/${k.id}` }, t(k.stageLabel)), k.open ? '' : t('（已结束）', ' (ended)')),
                el('p', { class: 'meta' }, `${t('立案', 'opened')} ${formatTime(k.openedAt)} · ${k.openedBy}${k.endedAt ? ` · ${t('结束', 'ended')} ${formatTime(k.endedAt)}` : ''}`),
              ),
            ),
          )
        : el('p', { class: 'empty' }, t('没有案件', 'No cases')),
    ),
  );
});

function card(title, ...children) {
  return el('section', { class: 'card wide narrow-form' }, el('h2', {}, title), ...children);
}

/** The flags that hold for a child, as the API labels them. */
function flagList(c) {
  return c.flagLabels.length ? el('ul', { class: 'flags', 'aria-label': t('标记', 'Flags') }, c.flagLabels.map((l) => el('li', {}, t(l)))) : '';
}

/** A checkbox per flag of the vocabulary; chosen() lists the ticked codes. */
function flagChoices(prefix, checked) {
  const boxes = flagsOf().map((flag) => {
    const input = el('input', { type: 'checkbox', id: `${prefix}-${flag.code}`, name: flag.code, value: flag.code, checked: checked(flag.code) || undefined });
    return { flag, input, node: el('label', { for: input.id }, input, t(flag.label)) };
  });
  return {
    node: el('div', { class: 'check-list', 'data-testid': `${prefix}s` }, boxes.map((b) => b.node)),
    chosen: () => boxes.filter((b) => b.input.checked).map((b) => b.flag.code),
    values: () => Object.fromEntries(boxes.map((b) => [b.flag.code, b.input.checked])),
  };
}

/**
 * The form of a child: register (child null) or correct. The ID number is typed only when
 * registering (the API keeps it, and the birth date and sex it gives, for good).
 */
async function childForm(child) {
  const town = await currentTown();
  const schools = town.schools;
  const gradesOf = (code) => {
    const s = schools.find((x) => x.code === code);
    const [from, to] = s ? s.grades : [1, 9];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  };
  const specs = [
    { name: 'name', label: ['儿童姓名', 'Child’s name'], required: true, maxlength: 50, value: child?.name },
    child ? null : { name: 'idNumber', label: ['身份证号码', 'ID number'], required: true, maxlength: 18, hint: ['18 位，最后一位可为 X；输入时即核对', '18 characters, the last may be X; checked as you type'] },
    { name: 'school', label: ['学校', 'School'], type: 'select', required: true, options: schools.map((s) => ({ value: s.code, label: [s.name.zh, s.name.en] })), value: child?.school },
    { name: 'grade', label: ['年级', 'Grade'], type: 'select', required: true, options: [], value: child ? String(child.grade) : undefined },
    { name: 'className', label: ['班级', 'Class'], required: true, maxlength: 30, hint: ['如：五年级二班', 'e.g. 五年级二班'], value: child?.className },
    { name: 'area', label: ['责任区（村/社区）', 'Area (village)'], type: 'select', required: true, options: town.areas.map((a) => ({ value: a.code, label: [a.name.zh, a.name.en] })), value: child?.area },
    { name: 'villagerGroup', label: ['村民小组', 'Villager group'], maxlength: 30, hint: ['如：三组', 'e.g. 三组'], value: child?.villagerGroup ?? undefined },
  ].filter(Boolean);
  const fields = Object.fromEntries(specs.map((s) => [s.name, field(s)]));

  // The grades follow the school (故陵小学 1-6, 故陵中学 7-9).
  const grade = fields.grade.input;
  const fillGrades = () => {
    const keep = grade.value || (child ? String(child.grade) : '');
    grade.replaceChildren(el('option', { value: '' }, t('请选择', 'Choose')), ...gradesOf(fields.school.input.value).map((g) => el('option', { value: String(g) }, t(`${g} 年级`, `Grade ${g}`))));
    grade.value = [...grade.options].some((o) => o.value === keep) ? keep : '';
  };
  fields.school.input.addEventListener('change', fillGrades);
  fillGrades();

  const idFacts = el('p', { class: 'hint', 'data-testid': 'id-facts', 'aria-live': 'polite' });
  const idProblem = () => {
    const value = fields.idNumber.input.value.trim();
    if (!value) return null;
    const id = checkIdNumber(value);
    return id.valid ? null : `${t('身份证号码', 'ID number')}：${t(id.problem)}`;
  };
  if (fields.idNumber) {
    fields.idNumber.row.append(idFacts);
    fields.idNumber.input.addEventListener('input', () => {
      const value = fields.idNumber.input.value.trim();
      const message = fields.idNumber.row.querySelector('.field-error');
      const id = checkIdNumber(value);
      // While the first 17 digits are typed only their form is checked; the check digit once complete.
      const problem = value.length < 18 && /^\d*$/.test(value) ? null : idProblem();
      message.textContent = problem || '';
      message.hidden = !problem;
      fields.idNumber.row.classList.toggle('has-error', Boolean(problem));
      idFacts.textContent = id.valid ? t(`出生日期 ${id.birthDate}，${id.sex === 'M' ? '男' : '女'}`, `born ${id.birthDate}, ${id.sex === 'M' ? 'male' : 'female'}`) : '';
    });
  }

  const guardians = guardianEditor(child?.guardians?.length ? child.guardians : [{ name: '', phone: '', relation: '' }]);
  const flags = flagChoices('child-flag', (code) => Boolean(child && child[code]));
  const send = el('button', { type: 'submit', class: 'primary' }, child ? t('保存更正', 'Save the correction') : t('登记', 'Register'));
  const form = el(
    'form',
    { 'data-testid': child ? 'edit-child-form' : 'new-child-form', novalidate: true },
    child ? el('p', {}, t('身份证号码：', 'ID number: '), el('b', {}, child.idNumber), t('（不可更改）', ' (cannot be changed)')) : '',
    Object.values(fields).map((f) => f.row),
    guardians.node,
    el('fieldset', {}, el('legend', {}, t('标记', 'Flags')), flags.node),
    send,
  );
  const elsewhere = el('div', { 'data-testid': 'already-registered' });
  form.append(elsewhere);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    elsewhere.replaceChildren();
    const problems = [];
    for (const f of Object.values(fields)) {
      if (f.spec.required && !f.input.value.trim()) problems.push({ field: f.spec.name, message: t(`请填写${f.spec.label[0]}`, `Enter the ${f.spec.label[1].toLowerCase()}`) });
    }
    if (fields.idNumber && idProblem()) problems.push({ field: 'idNumber', message: idProblem() });
    problems.push(...guardians.problems());
    if (problems.length) return showErrors(form, problems);
    clearErrors(form);
    const typed = values(Object.values(fields));
    const body = {
      name: typed.name,
      school: typed.school,
      grade: Number(typed.grade),
      className: typed.className,
      area: typed.area,
      guardians: guardians.values(),
      ...flags.values(),
    };
    if (child) body.villagerGroup = typed.villagerGroup ?? ''; // empty clears it
    else {
      body.idNumber = typed.idNumber.toUpperCase();
      if (typed.villagerGroup) body.villagerGroup = typed.villagerGroup;
    }
    send.disabled = true;
    try {
      const saved = child ? await updateChild(child.id, body) : await registerChild(body);
      go(`#/registry/${saved.id}?saved=${child ? 'updated' : 'created'}`);
    } catch (err) {
      send.disabled = false;
      showErrors(form, fromApi(err, form));
      const known = err.body?.code === 'CHILD.ALREADY_REGISTERED' && err.body.details?.childId;
      if (known) elsewhere.replaceChildren(el('p', {}, el('a', { href: `#/registry/${err.body.details.childId}` }, t('查看名册中的这名儿童', 'Open this child on the registry'))));
    }
  });
  return form;
}

/** The guardians of a child: one set of fields each, added and removed; named as the API names them (guardians.0.name). */
function guardianEditor(initial) {
  const node = el('div', { 'data-testid': 'guardians' });
  let rows = [];
  const draw = (list) => {
    rows = list.map((g, i) => ({
      name: field({ name: `guardians.${i}.name`, label: [`监护人 ${i + 1} 姓名`, `Guardian ${i + 1}: name`], required: true, maxlength: 50, value: g.name }),
      phone: field({ name: `guardians.${i}.phone`, label: [`监护人 ${i + 1} 电话`, `Guardian ${i + 1}: phone`], required: true, inputmode: 'tel', maxlength: 20, value: g.phone, hint: ['手机或带区号的座机', 'mobile, or landline with its area code'] }),
      relation: field({ name: `guardians.${i}.relation`, label: [`监护人 ${i + 1} 与儿童关系`, `Guardian ${i + 1}: relation`], required: true, maxlength: 20, value: g.relation, hint: ['如：父亲、母亲、祖父', 'e.g. 父亲 (father)'] }),
    }));
    node.replaceChildren(
      ...rows.map((r, i) =>
        el(
          'fieldset',
          {},
          el('legend', {}, t(`监护人 ${i + 1}`, `Guardian ${i + 1}`)),
          r.name.row,
          r.phone.row,
          r.relation.row,
          rows.length > 1 ? el('button', { type: 'button', onclick: () => draw(current().filter((_, j) => j !== i)) }, t(`移除监护人 ${i + 1}`, `Remove guardian ${i + 1}`)) : '',
        ),
      ),
      el('button', { type: 'button', 'data-testid': 'add-guardian', onclick: () => draw([...current(), { name: '', phone: '', relation: '' }]) }, t('再添一位监护人', 'Add a guardian')),
    );
  };
  const current = () => rows.map((r) => ({ name: r.name.input.value.trim(), phone: r.phone.input.value.trim(), relation: r.relation.input.value.trim() }));
  draw(initial);
  return {
    node,
    values: current,
    problems: () =>
      rows.flatMap((r) => [r.name, r.phone, r.relation].filter((f) => !f.input.value.trim()).map((f) => ({ field: f.spec.name, message: t(`请填写${f.spec.label[0]}`, `Enter ${f.spec.label[1]}`) }))),
  };
}

