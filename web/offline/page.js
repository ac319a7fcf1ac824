/*
 * Offline capture on the pages (docs/web.md "Offline capture"): registers the offline worker
 * (web/offline/worker.js, scope /app), says when the device is offline (离线 — 记录会在联网后发送),
 * links the header to the outbox while the queue holds something, and draws the queue: on the case
 * page (that case's entries) and on its own page #/outbox (all of this user's).
 */
import { api, el, t, label, formatTime, token, state, onLoggedIn, onLoggedOut } from '../shell/core.js';
import { route } from '../shell/shell.js';
import { entries, sendQueue, clearDone, onQueueChange, asProblem } from './queue.js';

export const STATUS_LABELS = {
  pending: ['待发送', 'Pending'],
  sent: ['已发送', 'Sent'],
  refused: ['被拒绝', 'Refused'],
};

// The worker needs a secure context (HTTPS, or localhost); without it the queue still works on an open page.
if ('serviceWorker' in navigator && window.isSecureContext) {
  navigator.serviceWorker.register('/offline-worker.js', { scope: '/app' }).catch(() => undefined);
  // The first visit: the worker takes over after the page has read the vocabulary, so read it once
  // more through the worker, which keeps it for offline page loads.
  if (!navigator.serviceWorker.controller) navigator.serviceWorker.addEventListener('controllerchange', () => token() && void api('/api/dashboard/vocabulary').catch(() => undefined), { once: true });
}

/** One entry of the queue: what, for whom, when, and where it stands (the API's reason when refused). */
function entryItem(e, withCase) {
  const what = withCase ? [el('a', { href: `#/case/${encodeURIComponent(e.caseId)}` }, e.childName), ' · '] : [];
  let detail;
  if (e.status === 'sent') detail = t(`${formatTime(e.sentAt)} 发送，阶段：${e.stageAfter ? e.stageAfter.zh : '—'}`, `sent ${formatTime(e.sentAt)}, stage: ${e.stageAfter ? e.stageAfter.en : '—'}`);
  else if (e.status === 'refused') detail = `${t('原因：', 'Reason: ')}${asProblem(e.refusal).words()}`;
  else if (e.problem && e.problem.status !== 0) detail = `${t('暂未发送：', 'Not sent yet: ')}${asProblem(e.problem).words()}${t('。稍后自动重试', '. Tried again shortly')}`;
  else detail = t('等待联网后自动发送', 'Sent automatically once online');
  return el(
    'li',
    { class: `queue-entry ${e.status}`, 'data-testid': 'queue-entry', 'data-status': e.status, 'data-key': e.key },
    el('p', {}, ...what, el('b', {}, t(e.title)), ' ', el('span', { class: `status ${e.status}`, 'data-testid': 'queue-status' }, t(...STATUS_LABELS[e.status]))),
    el('p', { class: 'queue-detail' }, `${t('记录于', 'Recorded')} ${formatTime(e.createdAt)} · `, el('span', { 'data-testid': 'queue-reason' }, detail)),
  );
}

/** The entries as a list (empty: nothing). */
export function queueList(list, { withCase = false } = {}) {
  return list.length ? el('ul', { class: 'queue', 'data-testid': 'queue' }, list.map((e) => entryItem(e, withCase))) : '';
}

route('/outbox', async (main) => {
  const section = el('section', { class: 'card wide', 'data-testid': 'outbox' });
  const draw = async () => {
    if (!section.isConnected && section.dataset.drawn) return stop();
    const list = await entries();
    section.dataset.drawn = 'true';
    const pending = list.filter((e) => e.status === 'pending').length;
    section.replaceChildren(
      el('h2', {}, label('离线记录', 'Outbox')),
      el('p', {}, t('在本机记录、等待发送的办理记录。联网后按记录的先后自动发送，每条只记录一次；被拒绝的记录没有写入办理经过。', 'Actions recorded on this device. Once online they are sent in the order they were recorded, each recorded once; a refused one was not written to the timeline.')),
      list.length ? queueList([...list].reverse(), { withCase: true }) : el('p', { class: 'empty', 'data-testid': 'outbox-empty' }, t('没有离线记录', 'Nothing recorded offline')),
      el(
        'div',
        { class: 'buttons' },
        pending ? el('button', { type: 'button', class: 'primary', 'data-testid': 'send-now', onclick: () => void sendQueue() }, t(`立即发送（${pending} 条）`, `Send now (${pending})`)) : '',
        list.length > pending ? el('button', { type: 'button', 'data-testid': 'clear-done', onclick: () => void clearDone() }, t('清除已发送和被拒绝的记录', 'Clear sent and refused')) : '',
      ),
    );
  };
  const stop = onQueueChange(() => void draw());
  main.replaceChildren(section);
  await draw();
});

/** 离线 — 记录会在联网后发送, under the header while the browser is offline. */
const banner = el('p', { class: 'offline-banner', role: 'status', 'data-testid': 'offline-banner', hidden: navigator.onLine }, label('离线 — 记录会在联网后发送', 'Offline — records are sent once you are back online'));
/** 离线记录（待发送 N）in the header while this user's queue holds something. */
const outboxLink = el('a', { href: '#/outbox', 'data-testid': 'outbox-link', hidden: true });

async function drawOutboxLink() {
  const list = token() ? await entries() : [];
  const pending = list.filter((e) => e.status === 'pending').length;
  outboxLink.hidden = list.length === 0;
  outboxLink.textContent = pending ? t(`离线记录（待发送 ${pending}）`, `Outbox (${pending} pending)`) : t('离线记录', 'Outbox');
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelector('header.top')?.after(banner);
  document.querySelector('.user-bar')?.prepend(outboxLink);
  void drawOutboxLink();
});
const showOnline = () => (banner.hidden = navigator.onLine);
window.addEventListener('online', showOnline);
window.addEventListener('offline', showOnline);
onQueueChange(() => void drawOutboxLink());
state.onLangChange.push(() => void drawOutboxLink());
// A log-in or log-out changes whose queue it is.
onLoggedIn.push(() => void drawOutboxLink());
onLoggedOut.push(() => void drawOutboxLink());
