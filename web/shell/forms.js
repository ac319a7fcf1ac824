/*
 * Form patterns every page uses (STYLE.md "Pages for civil servants"):
 * - field(): a labelled input with its hint and its inline error place; dates are Chinese
 *   date inputs (max today where the day cannot be in the future) with the day in words beside;
 * - showErrors(): the GOV.UK error summary at the top of the form (heading 问题, one link per
 *   error to its field, worded exactly as the inline message), focus moved to it; the API's
 *   field errors (details.fields) map onto it through fromApi();
 * - checkAnswers(): what will be recorded, with 修改 links, before an append-only step is sent.
 */
import { el, label, t, formatDate, ApiProblem } from './core.js';

let counter = 0;

/**
 * A form field. spec: { name, label: [zh, en], type: 'text'|'textarea'|'select'|'date'|'datetime'|'number',
 * options: [{ value, label: [zh, en] }], required, hint: [zh, en], max, min, value, autocomplete }.
 * Returns { row, input, spec }.
 */
export function field(spec) {
  const id = `f-${spec.name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  let input;
  const common = { id, name: spec.name, 'aria-describedby': spec.hint ? hintId : undefined, required: spec.required || undefined };
  if (spec.type === 'textarea') input = el('textarea', { ...common, rows: 3, maxlength: spec.maxlength || 2000 });
  else if (spec.type === 'select') {
    input = el(
      'select',
      common,
      spec.required ? el('option', { value: '' }, t('请选择', 'Choose')) : el('option', { value: '' }, t('（不填）', '(none)')),
      (spec.options || []).map((o) => el('option', { value: o.value }, Array.isArray(o.label) ? t(...o.label) : o.label)),
    );
  } else if (spec.type === 'date') input = el('input', { ...common, type: 'date', lang: 'zh-CN', max: spec.max, min: spec.min });
  else if (spec.type === 'datetime') input = el('input', { ...common, type: 'datetime-local', lang: 'zh-CN', min: spec.min });
  else input = el('input', { ...common, type: spec.type === 'number' ? 'number' : 'text', inputmode: spec.inputmode, autocomplete: spec.autocomplete || 'off', maxlength: spec.maxlength, min: spec.min, max: spec.max });
  if (spec.value !== undefined && spec.value !== null) input.value = spec.value;
  const inWords = spec.type === 'date' ? el('span', { class: 'date-words', 'aria-live': 'polite' }) : '';
  if (inWords) {
    const show = () => (inWords.textContent = input.value ? formatDate(input.value) : '');
    input.addEventListener('input', show);
    input.addEventListener('change', show);
    show();
  }
  const row = el(
    'div',
    { class: 'field', dataset: { field: spec.name } },
    el('label', { for: id }, t(...spec.label), spec.required ? '' : el('span', { class: 'optional' }, t('（选填）', ' (optional)'))),
    spec.hint ? el('p', { class: 'hint', id: hintId }, t(...spec.hint)) : '',
    el('p', { class: 'field-error', id: errorId, hidden: true }),
    input,
    inWords,
  );
  return { row, input, spec };
}

/** The values of fields (trimmed; empty ones left out). */
export function values(fields) {
  const out = {};
  for (const f of fields) {
    const v = f.input.value.trim();
    if (v !== '') out[f.spec.name] = v;
  }
  return out;
}

/** Clears the error summary and the inline messages of a form. */
export function clearErrors(form) {
  form.querySelector(':scope > .error-summary')?.remove();
  for (const row of form.querySelectorAll('.field.has-error')) {
    row.classList.remove('has-error');
    const message = row.querySelector('.field-error');
    message.hidden = true;
    message.textContent = '';
    const input = row.querySelector('input, select, textarea');
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', (input.getAttribute('aria-describedby') || '').replace(message.id, '').trim());
  }
}

/**
 * Shows errors = [{ field, message }] ("field" is a field's name, or absent for the form as a
 * whole): the summary at the top with one link per error, the same words inline by the field.
 */
export function showErrors(form, errors) {
  clearErrors(form);
  if (!errors.length) return;
  const items = [];
  const seen = new Set();
  for (const e of errors) {
    const row = e.field ? form.querySelector(`.field[data-field="${CSS.escape(e.field)}"]`) : null;
    if (row && !seen.has(e.field)) {
      seen.add(e.field);
      const input = row.querySelector('input, select, textarea');
      const message = row.querySelector('.field-error');
      message.textContent = e.message;
      message.hidden = false;
      row.classList.add('has-error');
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') || ''} ${message.id}`.trim());
      items.push(el('li', {}, el('a', { href: `#${input.id}`, onclick: (event) => (event.preventDefault(), input.focus()) }, e.message)));
    } else if (!row) items.push(el('li', {}, e.message));
  }
  const summary = el(
    'div',
    { class: 'error-summary', role: 'alert', tabindex: '-1', 'data-testid': 'error-summary' },
    el('h2', {}, label('问题', 'There is a problem')),
    el('ul', {}, items),
  );
  form.prepend(summary);
  summary.focus();
}

/**
 * The API's refusal as errors for showErrors: its field errors (details.fields, whose paths are
 * mapped to the form's field names by `fieldOf`), else its message. The field's label is shown
 * once: the inline message sits by the labelled field, the summary names the label.
 */
export function fromApi(err, form, fieldOf = (path) => path) {
  if (!(err instanceof ApiProblem)) return [{ message: String(err) }];
  const fields = (err.body.details && err.body.details.fields) || [];
  if (!fields.length) return [{ message: err.words() }];
  return fields.map((f) => {
    const name = fieldOf(f.field);
    const row = name && form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
    const text = t(f.message, f.messageEn || f.message);
    if (!row) return { message: `${f.field}：${text}` };
    const title = row.querySelector('label').firstChild.textContent;
    return { field: name, message: `${title}：${text}` };
  });
}

/**
 * Check answers before an append-only step: rows = [{ label, value, field }] in `container`,
 * each with a 修改 link back to its field; resolves when the user confirms, rejects when they go back.
 */
export function checkAnswers(container, { title, rows, warning, confirmLabel }) {
  return new Promise((resolve, reject) => {
    const back = (focus) => {
      panel.remove();
      reject(new Error('changed'));
      if (focus) focus.focus();
    };
    const panel = el(
      'div',
      { class: 'check-answers', 'data-testid': 'check-answers', tabindex: '-1' },
      el('h3', {}, title || t('请核对后提交', 'Check your answers')),
      el(
        'dl',
        { class: 'summary-list' },
        rows.map((r) =>
          el(
            'div',
            {},
            el('dt', {}, r.label),
            el('dd', {}, r.value || '—'),
            el('dd', {}, r.field ? el('button', { type: 'button', class: 'link', onclick: () => back(r.field) }, t('修改', 'Change'), el('span', { class: 'visually-hidden' }, ` ${r.label}`)) : ''),
          ),
        ),
      ),
      warning ? el('p', { class: 'warning' }, warning) : '',
      el(
        'div',
        { class: 'buttons' },
        el('button', { type: 'button', class: 'primary', 'data-testid': 'confirm', onclick: () => (panel.remove(), resolve()) }, confirmLabel || t('确认提交', 'Confirm and send')),
        el('button', { type: 'button', onclick: () => back(null) }, t('返回修改', 'Go back')),
      ),
    );
    container.append(panel);
    panel.focus();
  });
}
