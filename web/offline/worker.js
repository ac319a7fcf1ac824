/*
 * The offline worker of /app (docs/web.md "Offline capture"), a classic service worker served at
 * /offline-worker.js and registered with the scope /app (web/offline/page.js). The server writes
 * the release's hash and /app's asset list into the two placeholders below (src/dashboard/web-pages.ts),
 * so each release installs its own worker and cache.
 *
 * - The app shell (/app) and the release's assets are cached at install. /app is fetched from the
 *   network first (a new release is seen at once) and from the cache when there is no network;
 *   the assets, immutable under /assets/<hash>/, come from the cache first.
 * - The reads the case page needs (the case, its documents, the vocabulary, my tasks) are kept as
 *   they were last answered while online, and answered from there when the network fails, with the
 *   header X-Baoxue-Saved-At (the page says it shows a copy). Only requests that carry a token.
 * - Actions (POST) are never touched here: the page queues them in IndexedDB (web/offline/queue.js).
 */
const RELEASE = '__RELEASE__';
const APP_ASSETS = [/* __APP_ASSETS__ */];
const APP_CACHE = `baoxue-app-${RELEASE}`;
/** The same name as in web/offline/queue.js, which empties it at log-out. */
const API_CACHE = 'baoxue-api';
const APP_PAGE = '/app';
const OFFLINE_READS = [/^\/api\/dashboard\/vocabulary$/, /^\/api\/me\/tasks$/, /^\/api\/cases\/[^/]+$/, /^\/api\/cases\/[^/]+\/documents$/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(APP_CACHE)
      .then((cache) => cache.addAll([APP_PAGE, ...APP_ASSETS.map((path) => `/assets/${RELEASE}/${path}`)]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('baoxue-app-') && n !== APP_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname === APP_PAGE) event.respondWith(networkFirst(request, APP_CACHE, APP_PAGE));
  else if (url.pathname.startsWith(`/assets/${RELEASE}/`)) event.respondWith(cacheFirst(request));
  else if (OFFLINE_READS.some((re) => re.test(url.pathname)) && request.headers.has('authorization')) event.respondWith(networkFirst(request, API_CACHE, request.url));
});

async function cacheFirst(request) {
  const cache = await caches.open(APP_CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

/** The network's answer (kept when it is a 200), else the copy last kept, marked with when it was kept. */
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  let res;
  try {
    res = await fetch(request);
  } catch (err) {
    const copy = await cache.match(key, { ignoreVary: true });
    if (copy) return copy;
    throw err;
  }
  if (res.status === 200) {
    const headers = new Headers(res.headers);
    headers.set('X-Baoxue-Saved-At', new Date().toISOString());
    await cache.put(key, new Response(await res.clone().blob(), { status: 200, statusText: res.statusText, headers }));
  }
  return res;
}
