/*
 * The application shell of /app: log-in, the role's menu (navigation.js), the language toggle,
 * the session-expiry dialog and a small hash router. Each feature registers its pages with
 * route(pattern, render): render(main, params) draws into <main> and may return a cleanup.
 * Pages are reached by clicking from the menu; the first page after log-in is 我的待办.
 */
import * as core from './core.js';
import { navigationFor, firstPageFor } from './navigation.js';

const { el, t } = core;
const routes = [];
let started = false;
let passwordChangeGate = null;

/**
 * What the page shows after a log-in with a one-time password, alone, until the password is
 * changed (web/accounts: the API answers 403 to everything else until then): gate(main, done).
 */
export function setPasswordChangeGate(gate) {
  passwordChangeGate = gate;
}

/** Registers a page: pattern like '/case/:id'. */
export function route(pattern, render) {
  const names = [];
  const regex = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n) => (names.push(n), '([^/?]+)'))}$`);
  routes.push({ regex, names, render });
}

/** The current hash: { path, params (URLSearchParams) }. */
export function current() {
  const hash = location.hash.replace(/^#/, '') || '/tasks';
  const [path, query] = hash.split('?');
  return { path: path === '/' ? '/tasks' : path, query: new URLSearchParams(query || '') };
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function main() {
  return document.getElementById('main');
}

/** Counts shown beside menu entries (the unread notifications): setBadge(id, count). */
const badges = {};
export function setBadge(id, count) {
  badges[id] = count;
  const link = document.querySelector(`#menu a[data-nav="${id}"]`);
  if (link) drawBadge(link);
}
function drawBadge(link) {
  const count = badges[link.dataset.nav] || 0;
  link.querySelector('.badge')?.remove();
  if (count > 0) link.append(el('span', { class: 'badge', 'data-testid': `badge-${link.dataset.nav}` }, String(count), el('span', { class: 'visually-hidden' }, t(' 条未读', ' unread'))));
}

function menu() {
  const u = core.user();
  const nav = document.getElementById('menu');
  const here = current().path;
  nav.replaceChildren(
    ...navigationFor(u.role).map((item) => {
      const link = el('a', { href: item.href, 'data-nav': item.id, 'aria-current': item.href === `#${here}` ? 'page' : undefined }, t(...item.label));
      drawBadge(link);
      return link;
    }),
  );
  document.getElementById('who').textContent = `${u.displayName || u.username}${u.roleLabel ? ` · ${t(u.roleLabel)}` : ''}`;
  document.getElementById('logout').hidden = false;
}

async function render() {
  if (!core.token()) return showLogin();
  if (core.passwordChangeRequired() && passwordChangeGate) {
    document.getElementById('menu').replaceChildren();
    document.getElementById('logout').hidden = false;
    return passwordChangeGate(main(), () => {
      history.replaceState(null, '', `${location.pathname}${firstPageFor(core.user()?.role)}`);
      render();
    });
  }
  menu();
  const { path, query } = current();
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (!m) continue;
    const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    const node = main();
    node.replaceChildren(el('p', { class: 'empty' }, t('正在加载…', 'Loading…')));
    try {
      await core.vocabulary();
      await r.render(node, params, query);
    } catch (err) {
      showProblem(node, err);
    }
    node.querySelector('h2')?.setAttribute('tabindex', '-1');
    // Features that follow every page (the menu's unread count) listen for this.
    document.dispatchEvent(new CustomEvent('baoxue:page'));
    return;
  }
  main().replaceChildren(el('p', { class: 'error', role: 'alert' }, t('没有这个页面', 'No such page')), el('a', { href: '#/tasks' }, t('返回我的待办', 'Back to my tasks')));
}

/** An error where the page would be, in the API's own words. */
export function showProblem(node, err) {
  if (!core.token()) return showLogin();
  node.replaceChildren(el('section', { class: 'card' }, el('p', { class: 'error', role: 'alert' }, err instanceof core.ApiProblem ? err.words() : String(err)), el('a', { href: '#/tasks' }, t('返回我的待办', 'Back to my tasks'))));
}

function showLogin() {
  document.getElementById('menu').replaceChildren();
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
  core.loginForm(main(), () => {
    // The first page after log-in, whatever the last person had open.
    history.replaceState(null, '', `${location.pathname}${firstPageFor(core.user()?.role)}`);
    render();
  });
}

export function start() {
  if (started) return;
  started = true;
  core.installExpiryDialog();
  core.onLoggedOut.push(() => showLogin());
  core.state.onLangChange.push(() => core.token() && render());
  window.addEventListener('hashchange', () => render());
  document.getElementById('logout').addEventListener('click', () => core.logout());
  render();
}
