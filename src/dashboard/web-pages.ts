/**
 * The web application the app serves itself (no separate server, no CDN, no build step): the
 * caseworker's application at /app and the leading group's dashboard at /dashboard. Their scripts
 * are plain ES modules under web/<feature>/ (docs/web.md); ECharts comes from the installed package.
 *
 * Static files are served compressed and cacheable:
 * - every file of web/ (and echarts.min.js) is known at start-up; one release hash is taken over
 *   all of them, and the pages name their files under /assets/<hash>/…, so those URLs never change
 *   content: `Cache-Control: public, max-age=31536000, immutable`. A new release has a new hash.
 *   Modules import each other by relative paths, which stay inside the same /assets/<hash>/.
 * - brotli or gzip, as the browser accepts (compressed once, kept in memory; echarts 1.1 MB → ~330 kB).
 * - the pages themselves (HTML) are `no-cache` with an ETag, so a new release is seen at once.
 * - the offline worker (web/offline/worker.js, docs/web.md "Offline capture") is served at
 *   /offline-worker.js, `no-cache`: at the root, so its scope may cover /app, and with the
 *   release's hash and the list of /app's assets written in, so a new release installs a new worker
 *   that precaches exactly that release's files.
 * Everything is same-origin, so the Content-Security-Policy (script-src 'self') holds.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PROJECT_ROOT } from '../project-root';

export const WEB_DIR = resolve(PROJECT_ROOT, 'web');
export const ECHARTS_FILE = require.resolve('echarts/dist/echarts.min.js');

/** Page URL → its HTML file under web/. */
export const WEB_PAGES: Record<string, string> = {
  '/dashboard': 'dashboard/dashboard.html',
  '/app': 'shell/app.html',
};

/** The service worker's URL → its file under web/ (see OFFLINE_WORKER below). */
export const OFFLINE_WORKER_URL = '/offline-worker.js';
const OFFLINE_WORKER = 'offline/worker.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.json', '.svg']);
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface StaticFile {
  type: string;
  body: Buffer;
  compressible: boolean;
  br?: Buffer;
  gzip?: Buffer;
}

/** The files of one release: asset path (relative to /assets/<hash>/) → file, and the hash. */
export interface WebRelease {
  hash: string;
  files: Map<string, StaticFile>;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out.sort();
}

/** Reads web/ once. Browser tests beside the pages (*.test.ts) are not served. */
export function loadWebRelease(webDir = WEB_DIR): WebRelease {
  const files = new Map<string, StaticFile>();
  const add = (assetPath: string, file: string) => {
    const ext = extname(file);
    files.set(assetPath, { type: TYPES[ext] ?? 'application/octet-stream', body: readFileSync(file), compressible: COMPRESSIBLE.has(ext) });
  };
  for (const file of listFiles(webDir)) {
    if (file.endsWith('.test.ts')) continue;
    add(relative(webDir, file).split(sep).join('/'), file);
  }
  add('echarts.min.js', ECHARTS_FILE);
  const hash = createHash('sha256');
  for (const [path, file] of files) hash.update(path).update('\0').update(file.body);
  const release = { hash: hash.digest('hex').slice(0, 12), files };
  // The pages name their files under the release's hash.
  for (const page of Object.values(WEB_PAGES)) {
    const file = files.get(page);
    if (file) file.body = Buffer.from(file.body.toString('utf8').replace(/(["'(])\/assets\//g, `$1/assets/${release.hash}/`));
  }
  const worker = files.get(OFFLINE_WORKER);
  if (worker) worker.body = Buffer.from(withRelease(worker.body.toString('utf8'), release.hash, appAssets(files)));
  return release;
}

/** What /app needs offline: every script and style sheet but the dashboard's (and its 1 MB echarts). */
function appAssets(files: Map<string, StaticFile>): string[] {
  return [...files.keys()].filter((path) => /\.(js|css)$/.test(path) && !path.startsWith('dashboard/') && path !== 'echarts.min.js' && path !== OFFLINE_WORKER);
}

/** The worker's placeholders: the release's hash and the assets it precaches. */
function withRelease(source: string, hash: string, assets: string[]): string {
  return source.replace("'__RELEASE__'", JSON.stringify(hash)).replace('[/* __APP_ASSETS__ */]', JSON.stringify(assets));
}

/** The body in the best encoding the request accepts (br, then gzip), compressed once. */
export function encodedBody(file: StaticFile, acceptEncoding: string | undefined): { body: Buffer; encoding?: 'br' | 'gzip' } {
  if (!file.compressible || file.body.length < 256) return { body: file.body };
  // Accept-Encoding: "gzip, deflate, br" or with weights ("br;q=0"): a coding with q=0 is refused.
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, q]) => !q || Number(q.trim().replace(/^q=/, '')) > 0)
      .map(([coding]) => coding.trim()),
  );
  const accepts = (name: string) => accepted.has(name);
  if (accepts('br')) {
    file.br ??= brotliCompressSync(file.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: file.body.length } });
    return { body: file.br, encoding: 'br' };
  }
  if (accepts('gzip')) {
    file.gzip ??= gzipSync(file.body, { level: 9 });
    return { body: file.gzip, encoding: 'gzip' };
  }
  return { body: file.body };
}

type Req = { method: string; path: string; headers: Record<string, string | string[] | undefined> };
type Res = {
  statusCode: number;
  setHeader(n: string, v: string): void;
  end(body?: Buffer): void;
};

export function serveWebPages(app: INestApplication, release = loadWebRelease()): void {
  const express = app as unknown as NestExpressApplication;
  if (typeof express.use !== 'function') return;
  const send = (req: Req, res: Res, file: StaticFile, cacheControl: string, etag: string) => {
    res.setHeader('Content-Type', file.type);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      return res.end();
    }
    const accept = req.headers['accept-encoding'];
    const { body, encoding } = encodedBody(file, Array.isArray(accept) ? accept.join(',') : accept);
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', String(body.length));
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  express.use((req: Req, res: Res, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const page = req.path === OFFLINE_WORKER_URL ? OFFLINE_WORKER : WEB_PAGES[req.path.replace(/\/+$/, '')];
    if (page) {
      const file = release.files.get(page);
      return file ? send(req, res, file, 'no-cache', `"${release.hash}"`) : next();
    }
    if (!req.path.startsWith('/assets/')) return next();
    const rest = req.path.slice('/assets/'.length);
    const slash = rest.indexOf('/');
    if (slash > 0 && rest.slice(0, slash) === release.hash) {
      const file = release.files.get(rest.slice(slash + 1));
      return file ? send(req, res, file, IMMUTABLE, `"${release.hash}"`) : next();
    }
    // An unhashed URL (or another release's): the current file, revalidated every time.
    const unhashed = release.files.get(rest) ?? (slash > 0 ? release.files.get(rest.slice(slash + 1)) : undefined);
    return unhashed ? send(req, res, unhashed, 'no-cache', `"${release.hash}"`) : next();
  });
}
