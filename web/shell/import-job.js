/*
 * An uploaded file's import job, for every page that imports one (台账 web/ledger, 四查名单
 * web/sources): the job followed until it ends, with a <progress> bar and its words, and the
 * row report's table of bad rows. The API answers each upload 202 with the job; the page polls it.
 */
import { el, t, scrollRegion } from './core.js';

const POLL_MS = 500;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ended = (job) => ['done', 'failed'].includes(String(job.status).toLowerCase());

/**
 * Starts the job (`start()` answers it) and follows it with `read(id)` until done or failed, drawing
 * the bar in `area`. `phases`: { phase: [zh, en] } for the words beside the bar.
 */
export async function followJob(start, read, area, { dryRun, phases }) {
  let job = await start();
  const bar = el('progress', { 'data-testid': 'import-progress', id: 'import-progress', max: 1, 'aria-label': t('导入进度', 'Import progress') });
  const words = el('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'import-progress-words' });
  area.replaceChildren(el('label', { for: 'import-progress' }, dryRun ? t('正在检查文件', 'Checking the file') : t('正在导入', 'Importing')), bar, words);
  area.hidden = false;
  for (;;) {
    const { phase, done, total } = job.progress;
    if (total > 0) {
      bar.max = total;
      bar.value = done;
    } else bar.removeAttribute('value'); // no count yet: an indeterminate bar
    words.textContent =
      String(job.status).toLowerCase() === 'queued' ? t('排队中…', 'Queued…') : phase && phases[phase] ? `${t(...phases[phase])}：${done} / ${total} ${t('行', 'rows')}` : t('处理中…', 'Working…');
    if (ended(job)) break;
    await sleep(POLL_MS);
    job = await read(job.id);
  }
  if (!(job.progress.total > 0)) bar.max = 1;
  bar.value = bar.max;
  // A check that found bad rows ends as a failed job with its report: the check itself is complete.
  words.textContent = job.dryRun && job.report ? t('检查完毕', 'Checked') : String(job.status).toLowerCase() === 'done' ? t('已完成', 'Finished') : t('未导入', 'Not imported');
  return job;
}

/** The report's bad rows as a table that scrolls inside its box (phone first); nothing when there are none. */
export function problemsTable(report) {
  if (!report.problems.length) return [];
  return [
    el('h4', {}, t(`不合格的行（共 ${report.problemCount} 个问题）`, `Bad rows (${report.problemCount} problems)`)),
    scrollRegion('不合格的行', 'Bad rows',
      el(
        'table',
        { 'data-testid': 'row-errors' },
        el('thead', {}, el('tr', {}, [t('行号', 'Row'), t('列', 'Column'), t('值', 'Value'), t('原因', 'Reason')].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, report.problems.map((p) => el('tr', {}, el('td', {}, String(p.row)), el('td', {}, p.header || p.column || '—'), el('td', {}, p.value || '—'), el('td', {}, t(p.message, p.messageEn || p.message))))),
      ),
    ),
  ];
}
