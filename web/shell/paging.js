/*
 * Paging of a list page: "第 2 / 5 页" with 上一页 / 下一页 links that keep the page's filters in
 * the URL (so the back button and a reload keep them).
 */
import { el, t } from './core.js';

/** Links to the pages around `page` of `total` items, `pageSize` each; href(n) is the address of page n. */
export function pager({ page, pageSize, total }, href) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return '';
  return el(
    'nav',
    { class: 'pager', 'aria-label': t('翻页', 'Pages'), 'data-testid': 'pager' },
    page > 1 ? el('a', { class: 'button', href: href(page - 1), rel: 'prev' }, t('上一页', 'Previous')) : '',
    el('span', { 'data-testid': 'page-of' }, t(`第 ${page} / ${pages} 页`, `Page ${page} of ${pages}`)),
    page < pages ? el('a', { class: 'button', href: href(page + 1), rel: 'next', 'data-testid': 'next-page' }, t('下一页', 'Next')) : '',
  );
}

/** The hash of a list page with its query: listHash('/audit', { what: 'LOGIN', page: 2 }) → '#/audit?what=LOGIN&page=2'. */
export function listHash(path, query) {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  return `#${path}${params.toString() ? `?${params}` : ''}`;
}
