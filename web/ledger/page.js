/*
 * 台账导入导出 / Ledger import and export (#/ledger):
 * - every role that reads the registry downloads the ledger (.xlsx, its scope; masked where the
 *   role sees no full identity);
 * - the roles that write the registry (LEDGER_IMPORT_ROLES) upload an .xlsx or .csv. The file is
 *   checked first (dryRun=true: nothing written), its job polled with a progress bar, and the row
 *   report shown (counts, the bad rows, the children whose case was closed with 重新立案); only
 *   then 确认导入 sends the same file for real. The API runs each upload as a job
 *   (POST /api/ledger/import → GET /api/ledger/imports/:id, docs/ledger.md).
 */
import { el, t, label, user, ApiProblem } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { showErrors, clearErrors } from '../shell/forms.js';
import { LEDGER_IMPORT_ROLES } from '../shell/navigation.js';
import { followJob, problemsTable } from '../shell/import-job.js';
import { startImport, readImport, downloadLedger } from './api.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const PHASES = { reading: ['读取检查', 'reading and checking'], children: ['写入儿童', 'writing children'], cases: ['立案', 'opening cases'] };
const COUNTS = [
  ['rows', '数据行', 'Data rows'],
  ['badRows', '不合格的行', 'Bad rows'],
  ['created', '新增儿童', 'Children added'],
  ['updated', '更新儿童', 'Children updated'],
  ['unchanged', '未变化', 'Unchanged'],
  ['casesOpened', '立案', 'Cases opened'],
  ['casesAlreadyOpen', '已有未结案件', 'Case already open'],
  ['casesClosedNotReopened', '已销号未重新立案', 'Closed, not reopened'],
  ['casesFailed', '立案失败', 'Cases failed'],
];

route('/ledger', async (main) => {
  const mayImport = LEDGER_IMPORT_ROLES.includes(user()?.role);
  main.replaceChildren(
    el('h1', {}, label('台账导入导出', 'Ledger import and export')),
    exportSection(),
    mayImport ? importSection() : '',
  );
});

function exportSection() {
  const status = el('p', { role: 'status', 'data-testid': 'export-status' });
  return el(
    'section',
    { class: 'card' },
    el('h2', {}, label('导出台账', 'Export the ledger')),
    el('p', { class: 'hint' }, t('两个工作表：案件台账与儿童名册，只含您负责范围内的记录；导出的文件可原样导入。', 'Two sheets, cases and children, of your scope only; the file imports back unchanged.')),
    el(
      'button',
      {
        type: 'button',
        'data-testid': 'ledger-export',
        onclick: async () => {
          status.textContent = t('正在导出…', 'Exporting…');
          try {
            await downloadLedger();
            status.textContent = t('已下载台账（.xlsx）', 'The ledger (.xlsx) was downloaded');
          } catch (err) {
            status.textContent = err instanceof ApiProblem ? err.words() : String(err);
          }
        },
      },
      t('下载台账（.xlsx）', 'Download the ledger (.xlsx)'),
    ),
    status,
  );
}

function importSection() {
  const fileId = 'ledger-file';
  const input = el('input', { id: fileId, name: 'file', type: 'file', accept: '.xlsx,.csv', required: true, 'aria-describedby': `${fileId}-hint` });
  const form = el(
    'form',
    { 'data-testid': 'ledger-import', novalidate: true },
    el(
      'div',
      { class: 'field', dataset: { field: 'file' } },
      el('label', { for: fileId }, t('台账文件', 'Ledger file')),
      el('p', { class: 'hint', id: `${fileId}-hint` }, t('Excel（.xlsx）或 CSV（UTF-8 或 GBK），第一行为中文表头：姓名、身份证号、性别、出生日期、学校……', 'Excel (.xlsx) or CSV (UTF-8 or GBK), Chinese headers first: 姓名, 身份证号, 性别, 出生日期, 学校…')),
      el('p', { class: 'field-error', id: `${fileId}-error`, hidden: true }),
      input,
    ),
    el('button', { type: 'submit', class: 'primary' }, t('检查文件', 'Check the file')),
  );
  const progress = el('div', { 'data-testid': 'import-progress-area', hidden: true });
  const report = el('div', { 'data-testid': 'import-report' });
  let checking = false;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (checking) return;
    const file = input.files[0];
    const errors = [];
    if (!file) errors.push({ field: 'file', message: t('台账文件：请选择 .xlsx 或 .csv 文件', 'Ledger file: choose an .xlsx or .csv file') });
    else if (!/\.(xlsx|csv)$/i.test(file.name)) errors.push({ field: 'file', message: t('台账文件：只能上传 .xlsx 或 .csv 文件', 'Ledger file: only .xlsx or .csv files') });
    else if (file.size > MAX_FILE_BYTES) errors.push({ field: 'file', message: t('台账文件：文件超过 20 MB，请分批导入', 'Ledger file: larger than 20 MB; import it in parts') });
    showErrors(form, errors);
    if (errors.length) return;
    clearErrors(form);
    report.replaceChildren();
    checking = true;
    try {
      const job = await runJob(file, { dryRun: true, reopenClosedCases: false }, progress);
      showReport(report, job, file, progress);
    } catch (err) {
      showErrors(form, [{ field: 'file', message: `${t('台账文件', 'Ledger file')}：${err instanceof ApiProblem ? err.words() : String(err)}` }]);
      progress.hidden = true;
    } finally {
      checking = false;
    }
  });

  return el('section', { class: 'card' }, el('h2', {}, label('导入台账', 'Import the ledger')), form, progress, report);
}

/** Uploads and follows the job until it is done or failed, drawing the progress bar. */
const runJob = (file, options, area) => followJob(() => startImport(file, options), readImport, area, { dryRun: options.dryRun, phases: PHASES });

/** The row report of a job; after the check, the choice to import for real. */
function showReport(container, job, file, progress) {
  const r = job.report;
  const parts = [];
  const title = job.dryRun ? t('检查结果（未写入任何数据）', 'Check result (nothing written)') : job.status === 'done' ? t('导入结果', 'Import result') : t('未导入', 'Not imported');
  parts.push(el('h3', { 'data-testid': 'report-title', tabindex: '-1' }, title));
  if (job.error) parts.push(el('p', { class: 'error', role: 'alert', 'data-testid': 'import-error' }, t(job.error.message, job.error.messageEn || job.error.message)));
  if (r) {
    parts.push(
      el(
        'dl',
        { class: 'counts', 'data-testid': 'report-counts' },
        COUNTS.flatMap(([key, zh, en]) => [el('dt', {}, t(zh, en)), el('dd', { dataset: { count: key } }, String(r.counts[key] ?? 0))]),
      ),
    );
    parts.push(...problemsTable(r));
    if (r.closedCases.length) {
      parts.push(
        el('h4', {}, t(`案件已销号的儿童（${r.closedCases.length} 行）`, `Children whose case was closed (${r.closedCases.length} rows)`)),
        el('ul', { 'data-testid': 'closed-cases' }, r.closedCases.map((c) => el('li', {}, `${t('第', 'Row ')}${c.row}${t('行', '')}：${c.message}`))),
      );
    }
    if (r.caseFailures.length) parts.push(el('ul', { class: 'error' }, r.caseFailures.map((c) => el('li', {}, `${t('第', 'Row ')}${c.row}${t('行', '')}：${c.message}`))));
  }
  if (job.dryRun && r) {
    const reopen = el('input', { type: 'checkbox', id: 'reopen-closed', name: 'reopenClosedCases', 'data-testid': 'reopen-closed' });
    const goodOnly = el('input', { type: 'checkbox', id: 'good-rows-only', name: 'goodRowsOnly' });
    const confirm = el('button', { type: 'button', class: 'primary', 'data-testid': 'confirm-import' }, t('确认导入', 'Import'));
    const result = el('div', { 'data-testid': 'import-result' });
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        const done = await runJob(file, { dryRun: false, reopenClosedCases: reopen.checked, goodRowsOnly: goodOnly.checked }, progress);
        showReport(result, done, file, progress);
      } catch (err) {
        result.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof ApiProblem ? err.words() : String(err)));
        confirm.disabled = false;
      }
    });
    parts.push(
      r.closedCases.length ? el('p', { class: 'check' }, reopen, el('label', { for: 'reopen-closed' }, t('重新立案：为以上案件已销号的儿童重新立案', 'Reopen: open a new case for the children above'))) : '',
      r.counts.badRows ? el('p', { class: 'check' }, goodOnly, el('label', { for: 'good-rows-only' }, t('只导入合格的行（不合格的行不导入）', 'Import the good rows only'))) : '',
      confirm,
      result,
    );
  }
  container.replaceChildren(...parts);
  container.querySelector('[data-testid="report-title"]').focus();
}
