/*
 * 政策推演 / Policy what-if (#/what-if), beside the dashboard, for the roles that read the whole
 * town: paste or upload a draft policy (the form of policies/default.json), choose the weeks, and see
 * what it would do to the town's running cases with no one acting: escalations per week and to which
 * stage, cases per stage now and at the end, per area, the cases at a legal gate; current → draft.
 */
import { el, t, label, name, formatDate, scrollRegion, ApiProblem } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { field, showErrors, clearErrors, fromApi } from '../shell/forms.js';
import { forecast } from './api.js';

const CHAIN = ['HOME_VISIT', 'PERSUASION', 'TOWN_CRITICISM', 'CORRECTION_DEADLINE', 'JUDICIAL_DOCUMENT', 'LEGAL_LIABILITY'];

/** "a" when both agree, else "a → b" (current → draft). */
const pair = (a, b) => (a === b ? String(a) : `${a} → ${b}`);

function table(caption, head, rows) {
  return scrollRegion(
    caption[0],
    caption[1],
    el(
      'table',
      {},
      el('caption', {}, label(...caption)),
      el('thead', {}, el('tr', {}, head.map((h, i) => el('th', { scope: 'col', class: i ? 'num' : '' }, label(...h))))),
      el('tbody', {}, rows.map((r) => el('tr', { class: r.changed ? 'changed' : '' }, r.cells.map((c, i) => (i ? el('td', { class: 'num' }, c) : el('th', { scope: 'row' }, c)))))),
    ),
  );
}

function weekName(w) {
  return w.week < 0 ? t('至今', 'So far') : t(`第${w.week + 1}周（${formatDate(w.from)}起）`, `Week ${w.week + 1} (from ${formatDate(w.from)})`);
}

function results(answer) {
  const { current, draft } = answer;
  const stageCount = (s, i, stage) => s.weeks[i].escalatedTo[stage] ?? 0;
  const shown = CHAIN.filter((stage) => current.weeks.some((_, i) => stageCount(current, i, stage) + stageCount(draft, i, stage) > 0));
  const figure = (zh, en, a, b, testid) => el('div', { class: 'figure', 'data-testid': testid }, el('b', {}, pair(a, b)), label(zh, en));
  const changed = draft.cases.filter((c) => answer.changedCases.includes(c.caseId));
  return el(
    'div',
    { 'data-testid': 'what-if-results' },
    el('h2', { tabindex: '-1', class: 'results-heading' }, label('推演结果', 'Forecast')),
    el(
      'p',
      { class: 'hint' },
      t(
        `${current.cases.length} 件在办案件，${formatDate(current.from)}至${formatDate(current.to)}（${answer.weeks} 周），假定无人办理。“a → b”：现行政策（${current.policyVersion}）→ 草案（${draft.policyVersion}）。`,
        `${current.cases.length} open cases, ${formatDate(current.from)} to ${formatDate(current.to)} (${answer.weeks} weeks), no one acting. “a → b”: current (${current.policyVersion}) → draft (${draft.policyVersion}).`,
      ),
    ),
    el(
      'div',
      { class: 'figures' },
      figure('会自动升级的案件', 'Cases escalating', current.casesEscalating, draft.casesEscalating, 'what-if-escalating'),
      figure('停在法定环节待决定', 'Waiting at a legal gate', current.casesWaitingAtGate, draft.casesWaitingAtGate, 'what-if-at-gate'),
      figure('未经决定越过法定环节', 'Crossing a gate undecided', current.casesCrossingGates, draft.casesCrossingGates, 'what-if-crossing'),
      figure('推演有变化的案件', 'Cases that change', 0, answer.changedCases.length, 'what-if-changed'),
    ),
    table(
      ['按周自动升级', 'Automatic escalations per week'],
      [['周', 'Week'], ...shown.map((s) => [`转入${name('stages', s)}`, `to ${s}`]), ['报督办人', 'To supervisor'], ['报组长', 'To leader']],
      current.weeks.map((w, i) => {
        const cells = [weekName(w), ...shown.map((s) => pair(stageCount(current, i, s), stageCount(draft, i, s))), pair(w.toSupervisor, draft.weeks[i].toSupervisor), pair(w.toLeader, draft.weeks[i].toLeader)];
        return { cells, changed: cells.slice(1).some((c) => c.includes('→')) };
      }),
    ),
    table(
      ['各环节案件数', 'Cases per stage'],
      [['环节', 'Stage'], ['今日', 'Now'], [`${answer.weeks}周后`, `After ${answer.weeks} weeks`]],
      current.stages
        .map((s) => [s, draft.stages.find((d) => d.stage === s.stage)])
        .filter(([s, d]) => s.now + s.atEnd + d.now + d.atEnd > 0)
        .map(([s, d]) => ({ cells: [name('stages', s.stage), pair(s.now, d.now), pair(s.atEnd, d.atEnd)], changed: s.now !== d.now || s.atEnd !== d.atEnd })),
    ),
    table(
      ['按责任区', 'Per area'],
      [['责任区', 'Area'], ['案件', 'Cases'], ['升级', 'Escalations'], ['停在法定环节', 'At a legal gate']],
      current.areas.map((a) => {
        const d = draft.areas.find((x) => x.area === a.area);
        return { cells: [name('areas', a.area), String(a.cases), pair(a.escalations, d.escalations), pair(a.waitingAtGate, d.waitingAtGate)], changed: a.escalations !== d.escalations || a.waitingAtGate !== d.waitingAtGate };
      }),
    ),
    el('h3', {}, label('推演有变化的案件', 'Cases whose forecast changes')),
    changed.length
      ? el(
          'ol',
          { class: 'records', 'data-testid': 'what-if-changed-cases' },
          changed.map((c) => {
            const before = current.cases.find((x) => x.caseId === c.caseId);
            const escalations = (x) => x.events.filter((e) => e.type === 'AUTO_ESCALATED' && e.week >= 0).map((e) => `${name('stages', e.stageAfter)} ${formatDate(e.at)}`).join('、') || t('无', 'none');
            return el(
              'li',
              {},
              el('p', {}, el('a', { href: `#/case/${c.caseId}` }, `${name('areas', c.area)} · ${name('stages', before.stageNow)}`)),
              el('p', { class: 'meta' }, t('现行：', 'Current: '), escalations(before)),
              el('p', { class: 'meta' }, t('草案：', 'Draft: '), escalations(c)),
              c.notApplied.length ? el('p', { class: 'meta' }, t(`草案下当时不能办理、已略过的操作 ${c.notApplied.length} 项`, `${c.notApplied.length} recorded step(s) the draft would not have allowed, left out`)) : '',
            );
          }),
        )
      : el('p', { class: 'empty' }, t('草案不改变任何在办案件的推演结果', 'The draft changes no running case’s forecast')),
  );
}

route('/what-if', async (main) => {
  const f = {
    policy: field({ name: 'policy', type: 'textarea', required: true, label: ['政策草案（JSON）', 'Draft policy (JSON)'], hint: ['粘贴或上传政策文件，格式同 policies/default.json', 'Paste or upload a policy file in the form of policies/default.json'], maxlength: 100000 }),
    file: field({ name: 'file', type: 'file', label: ['上传政策文件', 'Upload a policy file'] }),
    weeks: field({ name: 'weeks', type: 'number', required: true, label: ['推演周数', 'Weeks to forecast'], min: 1, max: 52, value: '8', inputmode: 'numeric' }),
  };
  f.policy.input.rows = 10;
  f.policy.input.spellcheck = false;
  // field() has no file type: swap in a file input under the same label and id.
  const fileInput = el('input', { type: 'file', id: f.file.input.id, name: 'file', accept: '.json,application/json' });
  f.file.input.replaceWith(fileInput);
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (file) f.policy.input.value = await file.text();
  });
  const out = el('div', { 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'primary' }, t('开始推演', 'Forecast'));
  const form = el('form', { novalidate: true, 'data-testid': 'what-if-form' }, f.policy.row, f.file.row, f.weeks.row, el('div', { class: 'buttons' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const problems = [];
    let policy;
    try {
      policy = JSON.parse(f.policy.input.value);
    } catch {
      problems.push({ field: 'policy', message: `${t('政策草案（JSON）', 'Draft policy (JSON)')}：${t('不是有效的 JSON，请检查括号、引号和逗号', 'not valid JSON: check brackets, quotes and commas')}` });
    }
    const weeks = Number(f.weeks.input.value);
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) problems.push({ field: 'weeks', message: `${t('推演周数', 'Weeks to forecast')}：${t('应为 1 到 52 的整数', 'a whole number from 1 to 52')}` });
    if (problems.length) return showErrors(form, problems);
    submit.disabled = true;
    out.replaceChildren(el('p', { class: 'hint' }, t('正在读取在办案件的历史并推演……', 'Reading the running cases’ histories and forecasting…')));
    try {
      const answer = await forecast(policy, weeks);
      out.replaceChildren(results(answer));
      out.querySelector('.results-heading').focus();
    } catch (err) {
      out.replaceChildren();
      const listed = err instanceof ApiProblem && err.body.code === 'POLICY.INVALID' ? err.body.details.problems : null;
      // The policy's problems name their path in the file (stages.HOME_VISIT.window: …): one line each, under the field's message.
      showErrors(form, listed ? [{ field: 'policy', message: `${t('政策草案（JSON）', 'Draft policy (JSON)')}：${t(`有 ${listed.length} 处问题`, `${listed.length} problem(s)`)}` }, ...listed.map((p) => ({ message: p }))] : fromApi(err, form));
    } finally {
      submit.disabled = false;
    }
  });
  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, label('政策推演', 'Policy what-if')),
      el(
        'p',
        { class: 'hint' },
        t(
          '按草案重建本镇每个在办案件（依其立案和每次办理的记录），再假定无人办理，推演今后数周：多少案件会升级、升到哪个环节、何时、哪些会停在法定环节。只读，不改变任何案件。',
          'Rebuilds each running case of the town under the draft (from its opening and every recorded step), then forecasts the next weeks with no one acting: how many escalate, to which stage, when, which wait at a legal gate. Read only: no case changes.',
        ),
      ),
      form,
      out,
    ),
  );
});
