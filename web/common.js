/*
 * Shared by the dashboard (/dashboard) and the caseworker page (/app): language (Chinese by
 * default, English on request), log-in through POST /api/auth/login with the token kept in this
 * tab's sessionStorage (never a cookie, never another tab), API calls that turn the API's one error
 * shape into plain words, and small DOM helpers. Plain browser JavaScript, no build step, no CDN.
 */
'use strict';

const Baoxue = (() => {
  const LANG_KEY = 'baoxue.lang';
  const TOKEN_KEY = 'baoxue.token';
  const USER_KEY = 'baoxue.user';
  const state = { lang: localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh', vocabulary: null, onLangChange: [] };

  /** t('中文', 'English') → the text of the current language. A {zh, en} label works too. */
  function t(zh, en) {
    if (zh && typeof zh === 'object') return state.lang === 'en' ? zh.en : zh.zh;
    return state.lang === 'en' ? en : zh;
  }

  function setLang(lang) {
    state.lang = lang === 'en' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, state.lang);
    document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
    for (const el of document.querySelectorAll('[data-zh]')) el.textContent = t(el.dataset.zh, el.dataset.en);
    for (const cb of state.onLangChange) cb();
  }

  /** An element: el('td', { class: 'x', onclick }, 'text', child, ...). */
  function el(tag, attrs, ...children) {
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

  /** A text node that follows the language toggle. */
  function label(zh, en) {
    return el('span', { dataset: { zh, en } }, t(zh, en));
  }

  class ApiProblem extends Error {
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

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function user() {
    try {
      return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
    } catch {
      return null;
    }
  }

  const onLoggedOut = [];

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    for (const cb of onLoggedOut) cb();
  }

  /** Calls the API with the token; throws ApiProblem with the API's error body. A 401 logs out. */
  async function api(path, options = {}) {
    const headers = { accept: 'application/json', ...(options.headers || {}) };
    if (token()) headers.authorization = `Bearer ${token()}`;
    let body;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res;
    try {
      res = await fetch(path, { method: options.method || 'GET', headers, body, cache: 'no-store' });
    } catch {
      throw new ApiProblem(0, null);
    }
    if (options.raw && res.ok) return res;
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      if (res.status === 401 && path !== '/api/auth/login') logout();
      throw new ApiProblem(res.status, json);
    }
    return json;
  }

  /** Saves a file the API serves to a logged-in user (a plain link would carry no token). */
  async function download(path) {
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

  async function login(username, password) {
    const answer = await api('/api/auth/login', { method: 'POST', body: { username, password } });
    sessionStorage.setItem(TOKEN_KEY, answer.accessToken);
    sessionStorage.setItem(USER_KEY, JSON.stringify(answer.user || { username }));
    return answer;
  }

  /** The codes' labels (areas, stages, events, ...) from /api/dashboard/vocabulary, fetched once. */
  async function vocabulary() {
    if (!state.vocabulary) {
      const v = await api('/api/dashboard/vocabulary');
      const index = {};
      for (const key of ['areas', 'schools', 'stages', 'events', 'causes', 'posts', 'roles']) {
        index[key] = Object.fromEntries(v[key].map((x) => [x.code, x.label]));
      }
      state.vocabulary = { ...v, index };
    }
    return state.vocabulary;
  }

  /** The label of a code in a vocabulary list, in the current language; the code itself when unknown. */
  function name(kind, code) {
    const l = state.vocabulary && state.vocabulary.index[kind][code];
    return l ? t(l) : code;
  }

  /** A log-in form in `container`; calls `done` once logged in. */
  function loginForm(container, done) {
    const message = el('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
    const username = el('input', { name: 'username', autocomplete: 'username', required: true });
    const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const form = el(
      'form',
      { class: 'login card', 'data-testid': 'login-form' },
      el('h2', {}, label('登录', 'Log in')),
      el('label', {}, label('用户名', 'User name'), username),
      el('label', {}, label('密码', 'Password'), password),
      el('button', { type: 'submit' }, label('登录', 'Log in')),
      message,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      try {
        await login(username.value.trim(), password.value);
        done();
      } catch (err) {
        message.textContent = err instanceof ApiProblem ? err.words() : String(err);
      }
    });
    container.replaceChildren(form);
    username.focus();
  }

  function formatTime(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, '0');
    // China time, as the town reads it, whatever the browser's zone.
    const c = new Date(d.getTime() + 8 * 3600_000);
    return `${c.getUTCFullYear()}-${pad(c.getUTCMonth() + 1)}-${pad(c.getUTCDate())} ${pad(c.getUTCHours())}:${pad(c.getUTCMinutes())}`;
  }

  /** "3 天 4 小时" / "3 d 4 h". */
  function formatDuration(ms) {
    const hours = Math.max(0, Math.floor(ms / 3600_000));
    const days = Math.floor(hours / 24);
    const rest = hours % 24;
    if (days > 0) return t(`${days} 天 ${rest} 小时`, `${days} d ${rest} h`);
    if (hours > 0) return t(`${hours} 小时`, `${hours} h`);
    return t(`${Math.max(1, Math.floor(ms / 60_000))} 分钟`, `${Math.max(1, Math.floor(ms / 60_000))} min`);
  }

  /** A new Idempotency-Key per action (README: clients in villages should always send one). */
  function requestId() {
    return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  }

  document.addEventListener('DOMContentLoaded', () => {
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

  return { t, setLang, el, label, api, download, ApiProblem, login, logout, token, user, vocabulary, name, loginForm, formatTime, formatDuration, requestId, state, onLoggedOut };
})();
