/*
 * 四查名单导入 / The four sources (#/sources): the household register, school rolls, attendance
 * sheets and the poverty-monitoring list the cross-check compares (四查三比对, docs/finding.md).
 * Choose the kind (and the school), pick the file; it is checked first (dryRun: nothing written),
 * its job followed with a progress bar, the row report shown; only then 确认导入 sends the same file
 * for real, which becomes the next version. Below, the versions imported (who, when, which file).
 */
import { el, t, label, user, formatTime, ApiProblem, scrollRegion } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { showErrors, clearErrors } from '../shell/forms.js';
import { followJob, problemsTable } from '../shell/import-job.js';
import { startSourceImport, readSourceImport, listVersions, currentTown } from './api.js';
import { SOURCE_KINDS, sourceKindsFor, choosesSchool } from './kinds.js';

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const PHASES = { reading: ['读取检查', 'reading and checking'], writing: ['写入', 'writing'] };
const COUNTS = [
  ['rows', '数据行', 'Data rows'],
  ['badRows', '不合格的行', 'Bad rows'],
  ['records', '记录', 'Records'],
];
/** Attendance counts child-days, and the absences among them. */
const ATTENDANCE_COUNTS = [...COUNTS.slice(0, 2), ['records', '人·日', 'Child-days'], ['absences', '其中缺勤', 'Of them absences']];

route('/sources', async (main) => {
  const role = user()?.role;
  const kinds = SOURCE_KINDS.filter((k) => sourceKindsFor(role).includes(k.kind));
  const schools = choosesSchool(role) ? (await currentTown()).schools : [];
  const versions = el('div', { 'data-testid': 'source-versions' });
  main.replaceChildren(
    el('h1', { class: 'wide' }, label('四查名单导入', 'Import the four sources')),
    importSection(kinds, schools, () => showVersions(versions)),
    el('section', { class: 'card' }, el('h2', {}, label('已导入的版本', 'Versions imported')), versions),
  );
  await showVersions(versions);
});

function importSection(kinds, schools, onImported) {
  const kindId = 'source-kind';
  const kindBox = el(
    'fieldset',
    { class: 'field', dataset: { field: 'kind' }, id: kindId },
    el('legend', {}, t('名单种类', 'Kind of file')),
    el('p', { class: 'field-error', id: `${kindId}-error`, hidden: true }),
    kinds.map((k, i) =>
      el('p', { class: 'check' }, el('input', { type: 'radio', name: 'kind', id: `kind-${k.kind}`, value: k.kind, checked: i === 0 || undefined }), el('label', { for: `kind-${k.kind}` }, t(...k.label))),
    ),
  );
  const schoolId = 'source-school';
  const school = el(
    'select',
    { id: schoolId, name: 'school' },
    el('option', { value: '' }, t('请选择', 'Choose')),
    schools.map((s) => el('option', { value: s.code }, t(s.name.zh, s.name.en))),
  );
  const schoolRow = el('div', { class: 'field', dataset: { field: 'school' } }, el('label', { for: schoolId }, t('学校', 'School')), el('p', { class: 'field-error', id: `${schoolId}-error`, hidden: true }), school);
  const fileId = 'source-file';
  const hint = el('p', { class: 'hint', id: `${fileId}-hint` });
  const input = el('input', { id: fileId, name: 'file', type: 'file', accept: '.xlsx,.csv', required: true, 'aria-describedby': `${fileId}-hint` });
  const form = el(
    'form',
    { 'data-testid': 'source-import', novalidate: true },
    kindBox,
    schoolRow,
    el('div', { class: 'field', dataset: { field: 'file' } }, el('label', { for: fileId }, t('文件', 'File')), hint, el('p', { class: 'field-error', id: `${fileId}-error`, hidden: true }), input),
    el('button', { type: 'submit', class: 'primary' }, t('检查文件', 'Check the file')),
  );
  const chosen = () => kinds.find((k) => k.kind === form.querySelector('input[name=kind]:checked')?.value);
  const update = () => {
    const k = chosen();
    schoolRow.hidden = !(k?.school && schools.length > 0);
    hint.textContent = k ? `${t('Excel（.xlsx）或 CSV（UTF-8 或 GBK），中文表头：', 'Excel (.xlsx) or CSV (UTF-8 or GBK), Chinese headers: ')}${t(...k.headers)}` : '';
  };
  kindBox.addEventListener('change', update);
  update();

  const progress = el('div', { 'data-testid': 'import-progress-area', hidden: true });
  const report = el('div', { 'data-testid': 'import-report' });
  let checking = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (checking) return;
    const k = chosen();
    const file = input.files[0];
    const errors = [];
    if (!k) errors.push({ field: 'kind', message: t('名单种类：请选择', 'Kind of file: choose one') });
    if (k?.school && !schoolRow.hidden && !school.value) errors.push({ field: 'school', message: t('学校：学籍和考勤按学校分别导入，请选择学校', 'School: rolls and attendance are imported school by school; choose the school') });
    if (!file) errors.push({ field: 'file', message: t('文件：请选择 .xlsx 或 .csv 文件', 'File: choose an .xlsx or .csv file') });
    else if (!/\.(xlsx|csv)$/i.test(file.name)) errors.push({ field: 'file', message: t('文件：只能上传 .xlsx 或 .csv 文件', 'File: only .xlsx or .csv files') });
    else if (file.size > MAX_FILE_BYTES) errors.push({ field: 'file', message: t('文件：文件超过 20 MB，请分批导入', 'File: larger than 20 MB; import it in parts') });
    showErrors(form, errors);
    if (errors.length) return;
    clearErrors(form);
    report.replaceChildren();
    checking = true;
    const options = { kind: k.kind, school: schoolRow.hidden ? '' : school.value };
    try {
      const job = await runJob(file, { ...options, dryRun: true }, progress);
      showReport(report, job, { file, options, progress, onImported });
    } catch (err) {
      showErrors(form, [{ field: 'file', message: `${t('文件', 'File')}：${err instanceof ApiProblem ? err.words() : String(err)}` }]);
      progress.hidden = true;
    } finally {
      checking = false;
    }
  });
  return el('section', { class: 'card' }, el('h2', {}, label('导入名单', 'Import a file')), form, progress, report);
}

const runJob = (file, options, area) => followJob(() => startSourceImport(file, options), readSourceImport, area, { dryRun: options.dryRun, phases: PHASES });

/** The row report of a job; after a check that passed, the choice to import for real. */
function showReport(container, job, { file, options, progress, onImported, checked }) {
  const r = job.report;
  const parts = [];
  const again = checked?.report?.sameAs?.id === job.id;
  const title = job.dryRun
    ? t('检查结果（未写入任何数据）', 'Check result (nothing written)')
    : again
      ? t(`此文件已导入过（第 ${job.version} 版），未改变任何数据`, `This file was imported before (version ${job.version}); nothing changed`)
      : job.status === 'DONE'
        ? t(`已导入：${job.kindLabel.zh}（${job.scopeLabel.zh}）第 ${job.version} 版`, `Imported: ${job.kindLabel.en} (${job.scopeLabel.en}), version ${job.version}`)
        : t('未导入', 'Not imported');
  parts.push(el('h3', { 'data-testid': 'report-title', tabindex: '-1' }, title));
  if (job.error) parts.push(el('p', { class: 'error', role: 'alert', 'data-testid': 'import-error' }, t(job.error.message, job.error.messageEn || job.error.message)));
  if (r) {
    const counts = job.kind === 'ATTENDANCE' ? ATTENDANCE_COUNTS : COUNTS;
    parts.push(el('dl', { class: 'counts', 'data-testid': 'report-counts' }, counts.flatMap(([key, zh, en]) => [el('dt', {}, t(zh, en)), el('dd', { dataset: { count: key } }, String(r.counts[key] ?? 0))])));
    if (r.days) parts.push(el('p', {}, t(`考勤日期：${r.days.from} 至 ${r.days.to}`, `Days: ${r.days.from} to ${r.days.to}`)));
    if (job.dryRun && r.sameAs) {
      parts.push(el('p', { class: 'warning', 'data-testid': 'same-file' }, t(`此文件已于 ${formatTime(r.sameAs.uploadedAt)} 由 ${r.sameAs.uploadedBy} 导入为第 ${r.sameAs.version} 版；再次导入不会改变任何数据。`, `This file was imported on ${formatTime(r.sameAs.uploadedAt)} by ${r.sameAs.uploadedBy} as version ${r.sameAs.version}; importing it again changes nothing.`)));
    }
    if (r.unknownColumns.length) parts.push(el('p', {}, t('未识别、未导入的列：', 'Columns not recognised, not imported: '), r.unknownColumns.map((c) => `${c.column} ${c.header}`).join(t('、', ', '))));
    parts.push(...problemsTable(r));
  }
  if (job.dryRun && r && r.status === 'DRY_RUN') {
    const confirm = el('button', { type: 'button', class: 'primary', 'data-testid': 'confirm-import' }, t('确认导入', 'Import'));
    const result = el('div', { 'data-testid': 'import-result' });
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        const done = await runJob(file, { ...options, dryRun: false }, progress);
        showReport(result, done, { file, options, progress, onImported, checked: job });
        await onImported();
      } catch (err) {
        result.replaceChildren(el('p', { class: 'error', role: 'alert' }, err instanceof ApiProblem ? err.words() : String(err)));
        confirm.disabled = false;
      }
    });
    parts.push(el('p', {}, t(`导入后即为${job.kindLabel.zh}（${job.scopeLabel.zh}）的新版本，比对按新版本进行。`, `Imported, it becomes the new version of the ${job.kindLabel.en.toLowerCase()} (${job.scopeLabel.en}); the cross-check reads it.`)), confirm, result);
  }
  container.replaceChildren(...parts);
  container.querySelector('[data-testid="report-title"]').focus();
}

async function showVersions(container) {
  const versions = await listVersions();
  if (!versions.length) {
    container.replaceChildren(el('p', { class: 'empty' }, t('还没有导入任何名单。', 'Nothing imported yet.')));
    return;
  }
  container.replaceChildren(
    scrollRegion('已导入的版本', 'Versions imported',
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, [t('种类', 'Kind'), t('范围', 'Scope'), t('版本', 'Version'), t('文件', 'File'), t('导入人', 'By'), t('时间', 'When'), t('记录', 'Records')].map((h) => el('th', { scope: 'col' }, h)))),
        el(
          'tbody',
          {},
          versions.map((v) =>
            el(
              'tr',
              { dataset: { version: String(v.version), kind: v.kind } },
              el('td', {}, t(v.kindLabel.zh, v.kindLabel.en)),
              el('td', {}, t(v.scopeLabel.zh, v.scopeLabel.en)),
              el('td', {}, `${v.version}${v.current ? t('（现行）', ' (current)') : ''}`),
              el('td', { title: `SHA-256 ${v.fileSha256}` }, v.fileName),
              el('td', {}, v.uploadedBy),
              el('td', {}, formatTime(v.uploadedAt)),
              el('td', {}, String(v.rowCount ?? '—')),
            ),
          ),
        ),
      ),
    ),
  );
}
