/*
 * 通知 / Notifications (#/notifications): new tasks, reassignments, reminders, overdue work and
 * escalations, unread first; each opens its case (a cross-check task: my tasks, which link its
 * item) and is marked read, or is marked read on its own. The menu entry shows the unread count,
 * kept up to date: after every page the shell draws, every minute, and at once when one is marked
 * read here. Below the list, the person's channels (the inbox, and SMS or WeCom where the
 * deployment has them): each optional one is a switch saved at once (PATCH /api/me/channels).
 */
import { el, t, label, formatTime, token, user, passwordChangeRequired, onLoggedOut, ApiProblem } from '../shell/core.js';
import { route, go, setBadge } from '../shell/shell.js';
import { navigationFor } from '../shell/navigation.js';
import { pager, listHash } from '../shell/paging.js';
import { myNotifications, unreadCount, markRead, myChannels, setChannel } from './api.js';

const REFRESH_MS = 60_000;

route('/notifications', async (main, _params, query) => {
  const page = Math.max(1, Number(query.get('page')) || 1);
  const unreadOnly = query.get('unread') === 'true';
  const [answer, channels] = await Promise.all([myNotifications({ page, unreadOnly }), myChannels()]);
  setBadge('notifications', answer.unread);
  const status = el('p', { role: 'status', 'data-testid': 'notification-message' });

  /** A link that marks the notification read on the way (opening what it is about is reading it). */
  const opening = (n, href, words) =>
    el(
      'a',
      {
        class: 'button',
        href,
        onclick: async (event) => {
          if (n.readAt) return;
          event.preventDefault();
          await markRead(n.id).catch(() => undefined);
          go(href);
        },
      },
      words,
    );

  const item = (n) => {
    const read = el(
      'button',
      {
        type: 'button',
        'data-testid': 'mark-read',
        onclick: async () => {
          read.disabled = true;
          try {
            await markRead(n.id);
            li.classList.remove('unread');
            read.remove();
            li.querySelector('.state').textContent = t('已读', 'read');
            status.textContent = t('已标为已读', 'Marked read');
            await refreshUnread();
          } catch (err) {
            read.disabled = false;
            status.textContent = err instanceof ApiProblem ? err.words() : String(err);
          }
        },
      },
      t('标为已读', 'Mark read'),
      el('span', { class: 'visually-hidden' }, `：${t(n.title)}`),
    );
    // A task outside a case (四查比对) has no case to open: my tasks list it, with the link to its item.
    const open = n.caseId ? opening(n, `#/case/${n.caseId}`, t('查看案件', 'Open the case')) : n.kind === 'TASK_ASSIGNED' ? opening(n, '#/tasks', t('查看待办', 'Open my tasks')) : '';
    const li = el(
      'li',
      { class: n.readAt ? 'read' : 'unread', dataset: { notification: n.id, kind: n.kind } },
      el('p', {}, el('b', {}, t(n.title)), ' ', el('span', { class: 'state' }, n.readAt ? t('已读', 'read') : t('未读', 'unread'))),
      el('p', {}, t(n.body)),
      el('p', { class: 'meta' }, `${t(n.kindLabel)} · ${formatTime(n.occurredAt)}`),
      el('div', { class: 'buttons' }, open, n.readAt ? '' : read),
    );
    return li;
  };

  main.replaceChildren(
    el(
      'section',
      { class: 'card wide' },
      el('h2', {}, label('通知', 'Notifications')),
      el(
        'p',
        { class: 'tabs' },
        el('a', { href: '#/notifications', 'aria-current': unreadOnly ? undefined : 'page' }, t('全部', 'All')),
        ' · ',
        el('a', { href: '#/notifications?unread=true', 'data-testid': 'unread-only', 'aria-current': unreadOnly ? 'page' : undefined }, t('只看未读', 'Unread only')),
      ),
      el('p', { 'data-testid': 'notification-total' }, t(`共 ${answer.total} 条，未读 ${answer.unread} 条`, `${answer.total} in all, ${answer.unread} unread`)),
      status,
      answer.items.length
        ? el('ul', { class: 'notifications', 'data-testid': 'notifications' }, answer.items.map(item))
        : el('p', { class: 'empty' }, unreadOnly ? t('没有未读通知', 'No unread notifications') : t('还没有通知', 'No notifications yet')),
      pager(answer, (n) => listHash('/notifications', { unread: unreadOnly ? 'true' : '', page: n })),
    ),
    channelSettings(channels.items),
  );
});

/** 接收渠道: a switch per channel the person may turn off, saved when changed; the inbox always on. */
function channelSettings(items) {
  const status = el('p', { role: 'status', 'data-testid': 'channel-message' });
  const row = (c) => {
    const input = el('input', { type: 'checkbox', id: `channel-${c.channel}`, name: c.channel, checked: c.enabled || undefined, disabled: !c.optional || undefined, 'data-testid': `channel-${c.channel}` });
    const where =
      c.channel === 'in-app'
        ? t('本页，不能关闭', 'this page; cannot be turned off')
        : c.address || t('账号上没有登记，请找本镇账号管理员', 'none on your account: ask the town administrator');
    input.addEventListener('change', async () => {
      input.disabled = true;
      try {
        const now = await setChannel(c.channel, input.checked);
        input.checked = now.enabled;
        status.textContent = now.enabled ? t(`已打开${t(c.label)}`, `${t(c.label)} turned on`) : t(`已关闭${t(c.label)}，站内通知照常`, `${t(c.label)} turned off; the inbox still gets everything`);
      } catch (err) {
        input.checked = !input.checked;
        status.textContent = err instanceof ApiProblem ? err.words() : String(err);
      } finally {
        input.disabled = false;
      }
    });
    return el('li', {}, el('label', { for: input.id }, input, ' ', t(c.label)), el('span', { class: 'meta' }, ` · ${where}`));
  };
  return el(
    'section',
    { class: 'card wide', 'data-testid': 'channels' },
    el('h2', {}, label('接收渠道', 'How I get notifications')),
    el('ul', { class: 'check-list channel-list' }, items.map(row)),
    status,
  );
}

/** The menu's unread count, for the roles whose menu has notifications. */
async function refreshUnread() {
  const u = user();
  if (!token() || !u || passwordChangeRequired() || !navigationFor(u.role).some((item) => item.id === 'notifications')) return;
  try {
    setBadge('notifications', await unreadCount());
  } catch {
    // The count is a hint: offline or a session ending, the page itself says so when used.
  }
}

setInterval(() => void refreshUnread(), REFRESH_MS);
onLoggedOut.push(() => setBadge('notifications', 0));
// After every page the shell draws (the first one after a log-in too).
document.addEventListener('baoxue:page', () => void refreshUnread());
