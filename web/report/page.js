/*
 * 上报疑似辍学 / Report a suspected dropout (立案): look the child up in the registry by ID number
 * or name (or fill in a child not on file, the ID number and the age checked as it is typed),
 * guardians, cause and note; then check answers, then the case is opened and its page shown.
 */
import { el, t, label, name, state } from '../shell/core.js';
import { route, go } from '../shell/shell.js';
import { field, values, showErrors, clearErrors, fromApi, checkAnswers } from '../shell/forms.js';
import { checkIdNumber, ageProblem, ageOn } from './id-number.js';
import { lookUpChild, reportCase } from './api.js';

route('/report', (main) => {
  const v = state.vocabulary;
  let chosen = null; // a child on file: { id, name, ... }

  // ---- 1. look the child up ----
  const search = field({ name: 'q', label: ['身份证号码或姓名', 'ID number or name'], hint: ['先在儿童名册中查找；找不到再填写儿童信息', 'Look in the registry first; fill in the child only when not found'] });
  const results = el('div', { 'data-testid': 'lookup-results', 'aria-live': 'polite' });
  const lookUp = el(
    'form',
    { class: 'lookup', 'data-testid': 'lookup-form', novalidate: true },
    search.row,
    el('button', { type: 'submit' }, t('在名册中查找', 'Look up in the registry')),
    results,
  );
  lookUp.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(lookUp);
    const text = search.input.value.trim();
    if (!text) return showErrors(lookUp, [{ field: 'q', message: t('请输入身份证号码或姓名', 'Enter an ID number or a name') }]);
    try {
      const page = await lookUpChild(text);
      results.replaceChildren(
        page.items.length
          ? el(
              'ul',
              { class: 'tasks' },
              page.items.map((c) =>
                el(
                  'li',
                  {},
                  el('b', {}, c.name),
                  el('span', {}, `${c.idNumber} · ${t(c.schoolLabel)} ${c.className} · ${t(c.areaLabel)}`),
                  c.openCaseId
                    ? el('a', { href: `#/case/${c.openCaseId}` }, t('已有未结案件，查看', 'Has an open case: open it'))
                    : el('button', { type: 'button', class: 'primary', 'data-testid': 'choose-child', onclick: () => choose(c) }, t('选择此儿童', 'Choose this child')),
                ),
              ),
            )
          : el('p', { class: 'empty' }, t('名册中没有找到。请在下面填写儿童信息。', 'Not found in the registry. Fill in the child below.')),
      );
      if (!page.items.length) {
        const id = checkIdNumber(text);
        if (id.valid) childFields['child.idNumber'].input.value = text.toUpperCase();
        else if (!/\d/.test(text)) childFields['child.name'].input.value = text;
        checkId();
      }
    } catch (err) {
      showErrors(lookUp, fromApi(err, lookUp, () => 'q'));
    }
  });

  // ---- 2. the child (when not on file), guardians, cause, note ----
  const childSpecs = [
    { name: 'child.name', label: ['儿童姓名', 'Child’s name'], required: true, maxlength: 50 },
    { name: 'child.idNumber', label: ['身份证号码', 'ID number'], required: true, maxlength: 18, hint: ['18 位，最后一位可为 X；输入时即核对', '18 characters, the last may be X; checked as you type'], autocomplete: 'off' },
    { name: 'child.school', label: ['学校', 'School'], type: 'select', required: true, options: v.schools.map((s) => ({ value: s.code, label: [s.label.zh, s.label.en] })) },
    { name: 'child.grade', label: ['年级', 'Grade'], type: 'select', required: true, options: [1, 2, 3, 4, 5, 6, 7, 8, 9].map((g) => ({ value: String(g), label: [`${g} 年级`, `Grade ${g}`] })) },
    { name: 'child.className', label: ['班级', 'Class'], required: true, maxlength: 30, hint: ['如：五年级二班', 'e.g. 五年级二班'] },
    { name: 'child.area', label: ['责任区（村/社区）', 'Area (village)'], type: 'select', required: true, options: v.areas.map((a) => ({ value: a.code, label: [a.label.zh, a.label.en] })) },
  ];
  const childFields = Object.fromEntries(childSpecs.map((s) => [s.name, field(s)]));
  const idFacts = el('p', { class: 'hint', 'data-testid': 'id-facts', 'aria-live': 'polite' });
  childFields['child.idNumber'].row.append(idFacts);
  const idRow = childFields['child.idNumber'];
  const checkId = () => {
    const value = idRow.input.value.trim();
    const message = idRow.row.querySelector('.field-error');
    idFacts.textContent = '';
    if (!value) return (message.hidden = true);
    const id = checkIdNumber(value);
    // While typing the first 17 characters only the form is checked; the checksum once complete.
    const problem = !id.valid ? (value.length < 18 && /^\d*$/.test(value) ? null : t(id.problem)) : ageProblem(id.birthDate) ? t(ageProblem(id.birthDate)) : null;
    message.textContent = problem ? `${t('身份证号码', 'ID number')}：${problem}` : '';
    message.hidden = !problem;
    idRow.row.classList.toggle('has-error', Boolean(problem));
    if (id.valid) idFacts.textContent = t(`出生日期 ${id.birthDate}，${id.sex === 'M' ? '男' : '女'}，${ageOn(id.birthDate)} 周岁`, `born ${id.birthDate}, ${id.sex === 'M' ? 'male' : 'female'}, ${ageOn(id.birthDate)} years old`);
  };
  idRow.input.addEventListener('input', checkId);

  const guardianList = el('div', { class: 'guardians', 'data-testid': 'guardians' });
  const guardianRows = [];
  const addGuardian = () => {
    const i = guardianRows.length;
    const g = {
      name: field({ name: `child.guardians.${i}.name`, label: [`监护人 ${i + 1} 姓名`, `Guardian ${i + 1}: name`], required: true, maxlength: 50 }),
      phone: field({ name: `child.guardians.${i}.phone`, label: [`监护人 ${i + 1} 电话`, `Guardian ${i + 1}: phone`], required: true, inputmode: 'tel', maxlength: 20 }),
      relation: field({ name: `child.guardians.${i}.relation`, label: [`监护人 ${i + 1} 与儿童关系`, `Guardian ${i + 1}: relation`], required: true, maxlength: 20, hint: ['如：父亲、母亲、祖父', 'e.g. 父亲 (father)'] }),
    };
    guardianRows.push(g);
    guardianList.append(el('fieldset', {}, el('legend', {}, t(`监护人 ${i + 1}`, `Guardian ${i + 1}`)), g.name.row, g.phone.row, g.relation.row));
  };
  addGuardian();
  const childSection = el(
    'fieldset',
    { 'data-testid': 'child-fields' },
    el('legend', {}, t('儿童信息（名册中没有时填写）', 'The child (when not on file)')),
    Object.values(childFields).map((f) => f.row),
    guardianList,
    el('button', { type: 'button', onclick: addGuardian }, t('再添一位监护人', 'Add a guardian')),
  );
  const chosenBox = el('div', { 'data-testid': 'chosen-child', hidden: true });
  const cause = field({ name: 'cause', label: ['辍学原因', 'Cause'], type: 'select', required: true, options: v.causes.map((c) => ({ value: c.code, label: [c.label.zh, c.label.en] })) });
  const note = field({ name: 'note', label: ['情况说明', 'Note'], type: 'textarea', hint: ['如：开学两周未到校，班主任电话联系未果', 'e.g. absent for two weeks, no answer by phone'] });
  const submit = el('button', { type: 'submit', class: 'primary' }, t('继续', 'Continue'));
  const form = el('form', { class: 'report', 'data-testid': 'report-form', novalidate: true }, chosenBox, childSection, cause.row, note.row, submit);

  function choose(c) {
    chosen = c;
    childSection.hidden = true;
    chosenBox.hidden = false;
    chosenBox.replaceChildren(
      el('p', {}, t('上报儿童：', 'Reporting: '), el('b', {}, c.name), ` · ${c.idNumber} · ${t(c.schoolLabel)} ${c.className}`),
      el('button', { type: 'button', class: 'link', onclick: () => ((chosen = null), (childSection.hidden = false), (chosenBox.hidden = true)) }, t('改为填写儿童信息', 'Fill in the child instead')),
    );
    cause.input.focus();
  }

  /** The checks of the page: what the API would refuse, said before sending. */
  function problems() {
    const out = [];
    const need = (f) => {
      if (!f.input.value.trim()) out.push({ field: f.spec.name, message: t(`请填写${f.spec.label[0]}`, `Enter the ${f.spec.label[1].toLowerCase()}`) });
    };
    if (!chosen) {
      Object.values(childFields).forEach(need);
      const idValue = idRow.input.value.trim();
      if (idValue) {
        const id = checkIdNumber(idValue);
        if (!id.valid) out.push({ field: 'child.idNumber', message: `${t('身份证号码', 'ID number')}：${t(id.problem)}` });
        else if (ageProblem(id.birthDate)) out.push({ field: 'child.idNumber', message: `${t('身份证号码', 'ID number')}：${t(ageProblem(id.birthDate))}` });
      }
      for (const g of guardianRows) [g.name, g.phone, g.relation].forEach(need);
    }
    need(cause);
    return out;
  }

  function body() {
    const b = { cause: cause.input.value };
    if (note.input.value.trim()) b.note = note.input.value.trim();
    if (chosen) return { ...b, childId: chosen.id };
    const c = values(Object.values(childFields));
    return {
      ...b,
      child: {
        name: c['child.name'],
        idNumber: c['child.idNumber'].toUpperCase(),
        school: c['child.school'],
        grade: Number(c['child.grade']),
        className: c['child.className'],
        area: c['child.area'],
        guardians: guardianRows.map((g) => ({ name: g.name.input.value.trim(), phone: g.phone.input.value.trim(), relation: g.relation.input.value.trim() })),
      },
    };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const found = problems();
    if (found.length) return showErrors(form, found);
    clearErrors(form);
    const b = body();
    const rows = chosen
      ? [{ label: t('儿童', 'Child'), value: `${chosen.name} · ${chosen.idNumber}` }]
      : [
          { label: t('儿童姓名', 'Name'), value: b.child.name, field: childFields['child.name'].input },
          { label: t('身份证号码', 'ID number'), value: b.child.idNumber, field: idRow.input },
          { label: t('学校、班级', 'School, class'), value: `${name('schools', b.child.school)} ${b.child.className}`, field: childFields['child.className'].input },
          { label: t('责任区', 'Area'), value: name('areas', b.child.area), field: childFields['child.area'].input },
          { label: t('监护人', 'Guardians'), value: b.child.guardians.map((g) => `${g.name}（${g.relation}）${g.phone}`).join('；'), field: guardianRows[0].name.input },
        ];
    rows.push({ label: t('辍学原因', 'Cause'), value: name('causes', b.cause), field: cause.input }, { label: t('情况说明', 'Note'), value: b.note, field: note.input });
    submit.hidden = true;
    try {
      await checkAnswers(form, { title: t('请核对上报内容', 'Check the report'), rows, warning: t('上报后即立案，进入家访阶段，立案记录不能撤回。', 'Reporting opens the case at the home visit; the record cannot be withdrawn.'), confirmLabel: t('确认上报', 'Report') });
    } catch {
      submit.hidden = false;
      return;
    }
    try {
      const opened = await reportCase(b);
      go(`#/case/${opened.id}?reported=1`);
    } catch (err) {
      submit.hidden = false;
      showErrors(form, fromApi(err, form));
    }
  });

  main.replaceChildren(
    el(
      'section',
      { class: 'card wide narrow-form' },
      el('h2', {}, label('上报疑似辍学（立案）', 'Report a suspected dropout')),
      lookUp,
      el('h3', {}, label('上报内容', 'The report')),
      form,
    ),
  );
});
