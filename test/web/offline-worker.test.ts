/**
 * The offline worker as the server serves it (src/dashboard/web-pages.ts, docs/web.md "Offline
 * capture"): at the root, so that its scope may cover /app; revalidated every time, so a new
 * release is seen; with this release's hash and exactly /app's assets written in (not the
 * dashboard's echarts), each of which the server answers.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { loadWebRelease, OFFLINE_WORKER_URL, serveWebPages } from '../../src/dashboard/web-pages';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as () => { listen(port: number): Server };

const release = loadWebRelease();
const app = express();
serveWebPages(app as unknown as INestApplication, release);
let server: Server;
beforeAll(async () => {
  server = app.listen(0);
  await once(server, 'listening');
});
afterAll(() => new Promise((done) => server.close(done)));

describe('the offline worker', () => {
  it('is served at the root, no-cache, as JavaScript, with the release and /app’s assets written in', async () => {
    expect(OFFLINE_WORKER_URL).toBe('/offline-worker.js');
    const res = await request(server).get(OFFLINE_WORKER_URL).set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).not.toContain('__RELEASE__');
    expect(res.text).not.toContain('__APP_ASSETS__');
    expect(res.text).toContain(`const RELEASE = "${release.hash}";`);
    const assets = JSON.parse(/const APP_ASSETS = (\[.*?\]);/.exec(res.text)![1]) as string[];
    expect(assets).toEqual(expect.arrayContaining(['shell/main.js', 'shell/core.js', 'shell/style.css', 'case/page.js', 'offline/queue.js', 'offline/page.js']));
    expect(assets.filter((a) => a.startsWith('dashboard/') || a === 'echarts.min.js' || a === 'offline/worker.js')).toEqual([]);
    // Every module /app imports is in the list (else the page would not start offline).
    const imported = new Set<string>();
    const walk = (path: string) => {
      if (imported.has(path)) return;
      imported.add(path);
      const source = release.files.get(path)!.body.toString('utf8');
      for (const [, rel] of source.matchAll(/import\s[^'"]*['"](\.[^'"]+)['"]/g)) walk(new URL(rel, `http://x/${path}`).pathname.slice(1));
    };
    walk('shell/main.js');
    expect([...imported].filter((path) => !assets.includes(path))).toEqual([]);
    for (const asset of assets) await request(server).get(`/assets/${release.hash}/${asset}`).expect(200);
  });
});
