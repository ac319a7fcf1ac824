/**
 * The two web pages the app serves itself (no separate server, no CDN): the leading group's
 * dashboard at /dashboard and the caseworker's page at /app. Their scripts and styles are plain
 * files under web/ served from /assets/, and ECharts comes from the installed package
 * (node_modules/echarts/dist/echarts.min.js) at /assets/echarts.min.js. Everything is same-origin,
 * so the Content-Security-Policy (src/api/hardening/security-headers.ts: script-src 'self') holds.
 */
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PROJECT_ROOT } from '../project-root';

export const WEB_DIR = resolve(PROJECT_ROOT, 'web');
export const ECHARTS_FILE = require.resolve('echarts/dist/echarts.min.js');

/** Page URL → its HTML file under web/. */
export const WEB_PAGES: Record<string, string> = {
  '/dashboard': 'dashboard.html',
  '/app': 'app.html',
};

type Req = { method: string; path: string };
type Res = { sendFile(path: string, options: Record<string, unknown>, cb: (err?: Error) => void): void; setHeader(n: string, v: string): void };

export function serveWebPages(app: INestApplication): void {
  const express = app as unknown as NestExpressApplication;
  if (typeof express.useStaticAssets !== 'function') return; // not on Express (never in this project)
  const send = (file: string, res: Res, next: (err?: unknown) => void) => {
    res.setHeader('Cache-Control', 'no-cache'); // revalidate (ETag): a new release is seen at once
    res.sendFile(file, {}, (err) => (err ? next(err) : undefined));
  };
  express.use((req: Req, res: Res, next: (err?: unknown) => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const page = WEB_PAGES[req.path.replace(/\/+$/, '')];
    if (page) return send(resolve(WEB_DIR, page), res, next);
    if (req.path === '/assets/echarts.min.js') return send(ECHARTS_FILE, res, next);
    return next();
  });
  express.useStaticAssets(WEB_DIR, { prefix: '/assets/', index: false, fallthrough: true, setHeaders: (res: Res) => res.setHeader('Cache-Control', 'no-cache') });
}
