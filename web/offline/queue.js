/*
 * The queue of actions (docs/web.md "Offline capture"): every action a page sends goes into
 * IndexedDB first, with its own Idempotency-Key, then the queue is sent in order. An action that
 * finds no network stays 待发送 pending and is sent when the connection returns (the online event,
 * the next page load, a log-in, or every 30 s while some wait); the API's answer makes it 已发送 sent,
 * or 被拒绝 refused with the API's reason (the case had moved on: 409). A resend after a lost answer
 * carries the same key, so the API records it once (src/api/hardening/idempotency.ts).
 *
 * Each entry belongs to the user who recorded it and is sent only in their session. An access token
 * that ran out while offline is renewed (renewSession) before sending; a session that has ended
 * opens the log-in dialog (core.js), and the queue waits for it.
 */
import { api, ApiProblem, onLoggedIn, onLoggedOut, renewSession, requestId, sessionExpiresAt, token, user } from '../shell/core.js';

const DB_NAME = 'baoxue-offline';
const STORE = 'actions';
/** The worker's cache of the case pages' reads (web/offline/worker.js): emptied at log-out, never shown to the next user. */
export const API_CACHE = 'baoxue-api';
const RETRY_MS = 30_000;
/** Sent and refused entries are shown for a week, then forgotten. */
const KEEP_DONE_MS = 7 * 86_400_000;

let database = null;
function db() {
  database ??= new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }).createIndex('username', 'username');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  return database;
}

/** One request against the store; resolves with its result once the transaction has committed. */
async function tx(mode, work) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const transaction = d.transaction(STORE, mode);
    const request = work(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request && request.result);
    transaction.onerror = () => reject(transaction.error);
  });
}

/** The current user's entries, oldest first (the order they are sent in). */
export async function entries() {
  const u = user();
  if (!u) return [];
  const all = await tx('readonly', (store) => store.index('username').getAll(u.username)).catch(() => []); // no IndexedDB: nothing queued
  return all.sort((a, b) => a.id - b.id);
}

export async function entriesOfCase(caseId) {
  return (await entries()).filter((e) => e.caseId === caseId);
}

const get = (id) => tx('readonly', (store) => store.get(id));
const put = (entry) => tx('readwrite', (store) => store.put(entry));

/** Forgets the current user's sent and refused entries (the outbox's 清除 button). */
export async function clearDone() {
  for (const e of await entries()) if (e.status !== 'pending') await tx('readwrite', (store) => store.delete(e.id));
  changed();
}

const listeners = new Set();
/** Calls `cb` after every change of the queue; returns the function that stops it. */
export function onQueueChange(cb) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}
function changed() {
  for (const cb of [...listeners]) cb();
}

/**
 * Records an action for `c` (a case as GET /api/cases/:id answers it), then sends the queue.
 * Resolves with the entry as it stands after the attempt: status 'sent' (with the API's answer in
 * `answer`), 'pending' (not sent yet: no network, or the server busy), or 'refused' (with `refusal`).
 * An action settled at its first attempt is not kept, nor shown in the queue: the form on screen
 * shows the answer (the stage it moved to, or the refusal beside its fields); the queue keeps and
 * shows what had to wait.
 */
export async function submitAction(c, body, title) {
  const u = user();
  const key = requestId();
  let id;
  try {
    id = await put({
      key,
      username: u.username,
      caseId: c.id,
      childName: c.child.name,
      type: body.type,
      title,
      body,
      status: 'pending',
      createdAt: new Date().toISOString(),
      attempts: 0,
      live: PAGE,
    });
  } catch {
    // No IndexedDB here (some browsers' private windows): sent at once, as without a queue; a refusal is thrown.
    return { status: 'sent', answer: await postAction(c.id, body, key) };
  }
  await sendQueue();
  const settled = settledLive.get(id);
  settledLive.delete(id);
  if (settled) return settled;
  // It waits (no network, or behind an older entry that waits): from now on the queue shows and keeps it.
  const entry = await get(id);
  if (entry && entry.live === PAGE) {
    entry.live = false;
    await put(entry);
  }
  changed();
  return entry;
}

/** Entries submitted on this page and settled at their first attempt (not kept), with the API's answer. */
const settledLive = new Map();
/** This page load: an entry marked live by a page that was closed mid-send is an ordinary one now. */
const PAGE = requestId();

let running = null;
let again = false;
let retryTimer = null;
/** Sends the current user's pending entries in order, one at a time; a second call while one runs makes it go round once more. */
export function sendQueue() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      await sendPending();
    } while (again);
  })().finally(() => (running = null));
  return running;
}

async function sendPending() {
  clearTimeout(retryTimer);
  let waiting = false;
  for (const listed of await entries()) {
    if (listed.status !== 'pending') continue;
    const entry = await get(listed.id); // a fresh copy: another call may have sent it meanwhile
    if (!entry || entry.status !== 'pending' || !token()) continue;
    if (!(await sendOne(entry))) {
      waiting = true;
      break; // keep the order: nothing later goes before this one
    }
  }
  await forgetOld();
  if (waiting) retryTimer = setTimeout(() => void sendQueue(), RETRY_MS);
}

/** Sends one entry; true when it is settled (sent or refused), false when it must wait. */
async function sendOne(entry) {
  // A token that ran out while offline is renewed first (one round trip less on a bad link).
  if (sessionExpiresAt() <= Date.now() + 5_000) await renewSession();
  entry.attempts += 1;
  entry.lastTriedAt = new Date().toISOString();
  try {
    const answer = await postAction(entry.caseId, entry.body, entry.key);
    Object.assign(entry, { status: 'sent', sentAt: new Date().toISOString(), stageAfter: answer.case.stageLabel, problem: undefined, answer });
  } catch (err) {
    if (mustWait(err)) {
      Object.assign(entry, { problem: problemOf(err), live: false });
      await put(entry);
      changed();
      return false;
    }
    Object.assign(entry, { status: 'refused', refusedAt: new Date().toISOString(), refusal: problemOf(err), problem: undefined });
  }
  if (entry.live === PAGE) {
    settledLive.set(entry.id, entry);
    await tx('readwrite', (store) => store.delete(entry.id));
    return true;
  }
  delete entry.answer;
  if (entry.status === 'sent') delete entry.body; // what was typed is on the server now; the lists show no more than the title
  await put(entry);
  changed();
  return true;
}

/** POST /api/cases/:id/actions with the entry's key (the same one on every resend). */
const postAction = (caseId, body, key) => api(`/api/cases/${encodeURIComponent(caseId)}/actions`, { method: 'POST', body, headers: { 'Idempotency-Key': key } });

/** No network, the session gone, the server busy or down, or the same key still running: try again later. */
function mustWait(err) {
  if (!(err instanceof ApiProblem)) return true;
  const { status } = err;
  return status === 0 || status === 401 || status === 408 || status === 429 || status >= 500 || err.body.code === 'IDEMPOTENCY.IN_PROGRESS';
}

/** What the page shows of a problem, in both languages (the toggle may change after). */
function problemOf(err) {
  if (!(err instanceof ApiProblem)) return { status: 0, body: { message: String(err), messageEn: String(err) } };
  return { status: err.status, body: err.body };
}

/** A stored problem (an entry's `refusal` or `problem`) as the ApiProblem it was, for words() and forms.fromApi(). */
export function asProblem(problem) {
  return new ApiProblem(problem.status, problem.body);
}

/** Sent and refused entries go a week after they were settled. */
async function forgetOld() {
  const now = Date.now();
  for (const e of await entries()) {
    const done = e.sentAt || e.refusedAt;
    if (done && now - new Date(done).getTime() > KEEP_DONE_MS) await tx('readwrite', (store) => store.delete(e.id));
  }
}

/**
 * The kept case pages belong to one person: a log-out empties them, and so does a log-in by
 * somebody else (the queue stays, each entry with its user).
 */
const CACHE_OWNER_KEY = 'baoxue.offlineOwner';
function forgetCasePages() {
  localStorage.removeItem(CACHE_OWNER_KEY);
  return globalThis.caches ? caches.delete(API_CACHE).catch(() => false) : Promise.resolve(false);
}
onLoggedOut.push(() => void forgetCasePages());
onLoggedIn.push(async () => {
  // Awaited by login(): the last person's copies are gone before this person's first read.
  if (localStorage.getItem(CACHE_OWNER_KEY) !== user().username) await forgetCasePages();
  localStorage.setItem(CACHE_OWNER_KEY, user().username);
  void sendQueue(); // what waited for this person's session
});

// When to send: the connection returns, the page loads (logged in).
window.addEventListener('online', () => void sendQueue());
if (token()) void sendQueue();
