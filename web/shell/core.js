/*
 * The core every page module imports (web/shell/core.js): language (Chinese first, English on
 * request), the session (the token of POST /api/auth/login in this tab's sessionStorage, never a
 * cookie), API calls that turn the API's one error shape into plain words, silent renewal with the
 * refresh token before the access token runs out, session expiry (a log-in dialog over the page
 * once the session itself has ended, so what was typed stays, then the request is sent again), the
 * codes' labels, dates in Chinese form, and small DOM helpers. Plain ES module, no build step.
 */
const LANG_KEY = 'baoxue.lang';
const TOKEN_KEY = 'baoxue.token';
const USER_KEY = 'baoxue.user';
// The session (docs/accounts.md): the refresh token, when the access token runs out, and whether a one-time password must be changed first.
const REFRESH_KEY = 'baoxue.refresh';
const EXPIRES_KEY = 'baoxue.expires';
const MUST_CHANGE_KEY = 'baoxue.mustChange';
/** Renew this long before the access token runs out (a slow village link still makes it). */
const RENEW_BEFORE_MS = 60_000;
export const state = { lang: localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh', vocabulary: null, onLangChange: [] };

/** t('中文', 'English') → the text of the current language. A {zh, en} label works too. */
export function t(zh, en) {
  if (zh && typeof zh === 'object') return state.lang === 'en' ? zh.en : zh.zh;
  return state.lang === 'en' ? en : zh;
}

export function setLang(lang) {
  state.lang = lang === 'en' ? 'en' : 'zh';
  localStorage.setItem(LANG_KEY, state.lang);
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  for (const el of document.querySelectorAll('[data-zh]')) el.textContent = t(el.dataset.zh, el.dataset.en);
  for (const cb of state.onLangChange) cb();
}

/** An element: el('td', { class: 'x', onclick }, 'text', child, ...). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * A wide table's horizontal scroller. Keyboard users must be able to reach and scroll it
 * (axe scrollable-region-focusable), so it is a labelled, focusable region.
 */
export function scrollRegion(zh, en, ...children) {
  return el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t(zh, en) }, ...children);
}

/** A text node that follows the language toggle. */
export function label(zh, en) {
  return el('span', { dataset: { zh, en } }, t(zh, en));
}

export class ApiProblem extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  /** The API's message in the page's language (the error shape's message / messageEn), in plain words. */
  words() {
    if (this.status === 0) return t('无法连接服务器，请检查网络后重试', 'Cannot reach the server; check the network and try again');
    const zh = this.body.message || `请求失败（${this.status}）`;
    const en = this.body.messageEn || `The request failed (${this.status})`;
    const fields = (this.body.details && this.body.details.fields) || [];
    const extra = fields.map((f) => t(f.message, f.messageEn || f.message)).filter(Boolean);
    return [t(zh, en), ...extra].join(t('；', '; '));
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function user() {
  try {
    return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
  } catch {
    return null;
  }
}

export const onLoggedOut = [];
/** Called (and awaited) with the answer after every log-in, before the page reads anything (the offline queue). */
export const onLoggedIn = [];

/** True after a log-in with a one-time password, until it is changed (the API refuses everything else). */
export function passwordChangeRequired() {
  return sessionStorage.getItem(MUST_CHANGE_KEY) === 'true';
}

/**
 * Keeps a token pair the API answered (log-in, refresh, own password change) and plans its silent
 * renewal shortly before the access token runs out.
 */
export function adoptSession(answer) {
  sessionStorage.setItem(TOKEN_KEY, answer.accessToken);
  if (answer.refreshToken) sessionStorage.setItem(REFRESH_KEY, answer.refreshToken);
  sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + answer.expiresIn * 1000));
  sessionStorage.setItem(MUST_CHANGE_KEY, String(answer.passwordChangeRequired === true));
  if (answer.user) sessionStorage.setItem(USER_KEY, JSON.stringify(answer.user));
  planRenewal();
}

/** When the access token runs out (ms since the epoch; 0 when unknown). */
export function sessionExpiresAt() {
  return Number(sessionStorage.getItem(EXPIRES_KEY) || 0);
}

let renewalTimer = null;
function planRenewal() {
  clearTimeout(renewalTimer);
  const expires = sessionExpiresAt();
  if (!expires || !sessionStorage.getItem(REFRESH_KEY)) return;
  renewalTimer = setTimeout(() => void renewSession(), Math.max(0, expires - Date.now() - RENEW_BEFORE_MS));
}

let pendingRenewal = null;
/**
 * Trades the refresh token for a new pair (POST /api/auth/refresh). One at a time: a refresh token
 * works once, and the API ends the whole session when a spent one comes back. True when renewed;
 * false when the session has ended (then only logging in again helps).
 */
export function renewSession() {
  pendingRenewal ??= (async () => {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    let res;
    try {
      res = await fetch('/api/auth/refresh', { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }), cache: 'no-store' });
    } catch {
      planRenewalRetry();
      return false; // offline: the token may still be good; try again later
    }
    if (!res.ok) {
      sessionStorage.removeItem(REFRESH_KEY);
      return false;
    }
    adoptSession(await res.json());
    return true;
  })().finally(() => (pendingRenewal = null));
  return pendingRenewal;
}

function planRenewalRetry() {
  clearTimeout(renewalTimer);
  renewalTimer = setTimeout(() => void renewSession(), 30_000);
}

/** Ends the session here: token and user gone, the page back at its first page (never the last user's case). */
export function logout() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  // The API revokes the session's refresh tokens; the page does not wait for it.
  if (refreshToken) void fetch('/api/auth/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }), keepalive: true }).catch(() => undefined);
  clearTimeout(renewalTimer);
  for (const key of [REFRESH_KEY, EXPIRES_KEY, MUST_CHANGE_KEY]) sessionStorage.removeItem(key);
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  state.vocabulary = null;
  if (location.hash) history.replaceState(null, '', location.pathname);
  for (const cb of onLoggedOut) cb();
}

/**
 * What to do when the API answers 401 to a logged-in page (the session expired): by default log
 * out; the shell sets a log-in dialog that resolves true once the same user has logged in again.
 */
let reauthenticate = async () => {
  logout();
  return false;
};
let pendingReauthentication = null;
export function onSessionExpired(handler) {
  reauthenticate = handler;
}

/**
 * Calls the API with the token; throws ApiProblem with the API's error body. When the session has
 * expired the log-in dialog opens over the page (what was typed stays) and the request is sent
 * again once the user is back; a request that carries an Idempotency-Key sends the same key.
 */
export async function api(path, options = {}) {
  const res = await send(path, options);
  if (res.status === 401 && path !== '/api/auth/login' && token()) {
    // First the silent way: a new pair from the refresh token; the dialog only when the session has ended.
    if (await renewSession()) return finish(await send(path, options), options);
    pendingReauthentication ??= reauthenticate().finally(() => (pendingReauthentication = null));
    if (await pendingReauthentication) return finish(await send(path, options), options);
  }
  return finish(res, options);
}

async function send(path, options) {
  const headers = { accept: 'application/json', ...(options.headers || {}) };
  if (token()) headers.authorization = `Bearer ${token()}`;
  let body;
  if (options.body instanceof FormData) body = options.body; // a file upload: the browser sets the multipart boundary
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(path, { method: options.method || 'GET', headers, body, cache: 'no-store' });
  } catch {
    throw new ApiProblem(0, null);
  }
}

async function finish(res, options) {
  if (options.raw && res.ok) return res;
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    if (res.status === 401 && token()) logout();
    throw new ApiProblem(res.status, json);
  }
  return json;
}

/** Saves a file the API serves to a logged-in user (a plain link would carry no token). */
export async function download(path) {
  const res = await api(path, { raw: true, headers: { accept: '*/*' } });
  const disposition = res.headers.get('content-disposition') || '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const name = encoded ? decodeURIComponent(encoded[1]) : path.split('/').pop();
  const url = URL.createObjectURL(await res.blob());
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function login(username, password) {
  const answer = await api('/api/auth/login', { method: 'POST', body: { username, password } });
  adoptSession({ ...answer, user: answer.user || { username } });
  await Promise.all(onLoggedIn.map((cb) => cb(answer))); // before the first page reads anything
  return answer;
}

/** The codes' labels (areas, stages, events, ...) from /api/dashboard/vocabulary, fetched once. */
export async function vocabulary() {
  if (!state.vocabulary) {
    const v = await api('/api/dashboard/vocabulary');
    const index = {};
    for (const key of ['areas', 'schools', 'stages', 'events', 'causes', 'posts', 'roles', 'flags', 'auditKinds']) {
      index[key] = Object.fromEntries(v[key].map((x) => [x.code, x.label]));
    }
    state.vocabulary = { ...v, index };
  }
  return state.vocabulary;
}

/** The label of a code in a vocabulary list, in the current language; the code itself when unknown. */
export function name(kind, code) {
  const l = state.vocabulary && state.vocabulary.index[kind][code];
  return l ? t(l) : code;
}

/**
 * A log-in form in `container`; calls `done(answer)` once logged in. `expired`: the session ran out
 * and the form asks the same person to log in again (the user name is filled in).
 */
export function loginForm(container, done, { expired = false, username: known = '' } = {}) {
  const message = el('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
  const suffix = expired ? '-again' : '';
  const username = el('input', { id: `login-username${suffix}`, name: 'username', autocomplete: 'username', required: true, value: known || undefined });
  const password = el('input', { id: `login-password${suffix}`, name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el(
    'form',
    { class: 'login card', 'data-testid': expired ? 'login-again-form' : 'login-form' },
    el('h2', { id: `login-title${suffix}` }, expired ? label('登录已过期，请重新登录', 'Your session has expired: log in again') : label('登录', 'Log in')),
    expired ? el('p', {}, label('您填写的内容仍保留在页面上，登录后可继续。', 'What you typed is still on the page; carry on after logging in.')) : '',
    el('label', { for: username.id }, label('用户名', 'User name')),
    username,
    el('label', { for: password.id }, label('密码', 'Password')),
    password,
    el('button', { type: 'submit', class: 'primary' }, label('登录', 'Log in')),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      done(await login(username.value.trim(), password.value));
    } catch (err) {
      message.textContent = err instanceof ApiProblem ? err.words() : String(err);
    }
  });
  container.replaceChildren(form);
  (known ? password : username).focus();
  return form;
}

/**
 * Session expiry on any page: a modal log-in dialog over the page, so a half-filled form keeps
 * what was typed; the request that met the expiry is then sent again. Someone else logging in at
 * that dialog gets a fresh page at its start (never the previous user's case or form).
 */
export function installExpiryDialog() {
  onSessionExpired(
    () =>
      new Promise((resolve) => {
        const previous = user();
        const dialog = el('dialog', { class: 'relogin', 'data-testid': 'relogin', 'aria-labelledby': 'login-title-again' });
        document.body.append(dialog);
        dialog.addEventListener('cancel', (event) => event.preventDefault()); // Escape would leave the page without a session
        dialog.showModal();
        loginForm(
          dialog,
          (answer) => {
            dialog.close();
            dialog.remove();
            if (previous && answer.user && answer.user.username !== previous.username) {
              location.replace(location.pathname); // another person: start afresh
              return resolve(false);
            }
            resolve(true);
          },
          { expired: true, username: previous ? previous.username : '' },
        );
      }),
  );
}

/** China time (UTC+8, no daylight saving), as the town reads it, whatever the browser's zone. */
function chinaParts(iso) {
  const c = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return { y: c.getUTCFullYear(), m: c.getUTCMonth() + 1, d: c.getUTCDate(), hh: c.getUTCHours(), mm: c.getUTCMinutes() };
}
const pad = (n) => String(n).padStart(2, '0');
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 2026年3月5日 14:05 (English: 2026-03-05 14:05), China time. */
export function formatTime(iso) {
  if (!iso) return '—';
  const p = chinaParts(iso);
  return t(`${p.y}年${p.m}月${p.d}日 ${pad(p.hh)}:${pad(p.mm)}`, `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}`);
}

/** A calendar day (YYYY-MM-DD, or an instant read in China time) in Chinese form: 2026年3月5日（星期四）. */
export function formatDate(value) {
  if (!value) return '—';
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? { y: +value.slice(0, 4), m: +value.slice(5, 7), d: +value.slice(8, 10) } : chinaParts(value);
  const weekday = new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay();
  return t(`${day.y}年${day.m}月${day.d}日（星期${WEEKDAYS[weekday]}）`, `${day.y}-${pad(day.m)}-${pad(day.d)}`);
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** A month (YYYY-MM) in Chinese form: 2026年1月 (English: Jan 2026). */
export function formatMonth(value) {
  const m = /^(\d{4})-(\d{2})$/.exec(value || '');
  if (!m) return value || '—';
  return t(`${m[1]}年${Number(m[2])}月`, `${MONTHS_EN[Number(m[2]) - 1]} ${m[1]}`);
}

/** Today in China as YYYY-MM-DD (the max of a date input: no date in the future). */
export function todayInChina() {
  const p = chinaParts(new Date().toISOString());
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** "3 天 4 小时" / "3 d 4 h". */
export function formatDuration(ms) {
  const hours = Math.max(0, Math.floor(ms / 3600_000));
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (days > 0) return t(`${days} 天 ${rest} 小时`, `${days} d ${rest} h`);
  if (hours > 0) return t(`${hours} 小时`, `${hours} h`);
  return t(`${Math.max(1, Math.floor(ms / 60_000))} 分钟`, `${Math.max(1, Math.floor(ms / 60_000))} min`);
}

/** A new Idempotency-Key per action (docs/security.md: clients in villages should always send one). */
export function requestId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

document.addEventListener('DOMContentLoaded', () => {
  planRenewal(); // a reloaded page keeps renewing its session
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  const toggle = document.querySelector('[data-testid="lang-toggle"]');
  if (toggle) {
    const show = () => (toggle.textContent = state.lang === 'en' ? '中文' : 'English');
    toggle.addEventListener('click', () => {
      setLang(state.lang === 'en' ? 'zh' : 'en');
      show();
    });
    show();
  }
  setLang(state.lang);
});

